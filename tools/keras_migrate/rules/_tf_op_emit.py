"""Rewriting one tf.* call to its keras.ops equivalent from its spec table entry
(spec/_tf_ops.py): the argument binder, value conversions, special cases and the
emitter that keeps the call's own spacing and commas.

Shared by the tf_ops (KM200), tf_random and tf_ops_on_keras_tensors rules through the
public TfOpRewriter.rewrite; a call it cannot map exactly raises Refuse (the message
says why, `fix` what to do when the generic advice does not fit).
"""

from __future__ import annotations

import ast
import functools
import math
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import iter_nodes
from keras_migrate.rules._facts import per_file
from keras_migrate.rules.jit_compile import eager_sized_classes
from keras_migrate.rules._scan import all_nodes, cst_assigned_names, expr_key, keras_subclasses, nodes
from keras_migrate.rules._util import COMMA, NO_SPACE, code, comma_separated, dotted, parenthesize
from keras_migrate.spec._tf_ops import DATA_DEPENDENT_SIZES, TF_OPS_BY_NAME
from keras_migrate.spec._types import TfOp

__all__ = ["Refuse", "TfOpRewriter", "bound_names", "call_node", "literal", "is_literal", "parsed", "runtime_class_call"]

_CHANNELS_LAST = {"NWC", "NHWC", "NDHWC", "NHC"}
_CHANNELS_FIRST = {"NCW", "NCHW", "NCDHW"}
_RESIZE_METHODS = {"bilinear": "bilinear", "nearest": "nearest", "BILINEAR": "bilinear",
                   "NEAREST_NEIGHBOR": "nearest"}
# gather_nd with literal indices becomes a stack of subscripts up to this many entries.
_MAX_LITERAL_GATHER = 16


@functools.lru_cache(maxsize=256)
def parsed(text: str) -> cst.BaseExpression:
    """Parsed constant snippets (CST nodes are immutable, so they can be shared)."""
    return cst.parse_expression(text)


def call_node(func: str, *args: cst.BaseExpression) -> cst.Call:
    return cst.Call(func=dotted(func), args=comma_separated([cst.Arg(value=arg) for arg in args]))


@per_file
def bound_names(ctx) -> frozenset:
    """Every name the file binds (definitions, assignments, parameters, imports other
    than keras_migrate_runtime's), so that a runtime helper never shadows one."""
    names = set()
    for node in all_nodes(ctx):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("keras_migrate_runtime"):
                continue
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return frozenset(names)


def runtime_class_call(rule, original: cst.Call, updated: cst.Call, symbol: str, kept: str) -> cst.Call:
    """`Layer(...)` -> `<symbol>(...)` from the runtime module; when the file binds the
    name already, the call is left (a helper must not shadow it) with a warning saying
    what then stays as it is (`kept`)."""
    if symbol in bound_names(rule.ctx):
        rule.report(original, f"this file binds {symbol!r}: {kept}", "rename the file's binding")
        return updated
    rule.ctx.use_runtime(symbol)
    return updated.with_changes(func=cst.Name(symbol))


# Attributes listing a model's or layer's variables (keras.Variable objects in Keras 3).
_VARIABLE_LISTS = frozenset({"trainable_variables", "trainable_weights", "non_trainable_variables",
                             "non_trainable_weights", "variables", "weights"})


def _lists_variables(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in _VARIABLE_LISTS


def _names(target: ast.AST) -> List[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


@per_file
def variable_names(ctx) -> frozenset:
    """Names that may hold a keras.Variable where the code reads them: the weight a
    constraint receives (parameters of a Constraint subclass's __call__ and of functions
    passed as `*_constraint=`), and loop or comprehension targets over a variables list
    (`for v in model.trainable_variables`, `zip(grads, model.trainable_weights)`)."""
    constraint_functions = set()
    constraint_classes = keras_subclasses(ctx, "constraints.")
    names = set()
    for node in all_nodes(ctx):
        if isinstance(node, ast.keyword) and (node.arg or "").endswith("_constraint"):
            if isinstance(node.value, ast.Name):
                constraint_functions.add(node.value.id)
            elif isinstance(node.value, ast.Lambda):
                names.update(a.arg for a in node.value.args.args)
        elif isinstance(node, ast.ClassDef) and node.name in constraint_classes:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__call__":
                    names.update(a.arg for a in item.args.args[1:])
        elif isinstance(node, (ast.For, ast.comprehension)):
            source = node.iter
            if _lists_variables(source):
                names.update(_names(node.target))
            elif isinstance(source, ast.Call) and isinstance(source.func, ast.Name) and source.func.id == "zip" \
                    and isinstance(node.target, (ast.Tuple, ast.List)) and len(node.target.elts) == len(source.args):
                for target, listed in zip(node.target.elts, source.args):
                    if _lists_variables(listed):
                        names.update(_names(target))
    for node in nodes(ctx, ast.FunctionDef):
        if node.name in constraint_functions:
            names.update(a.arg for a in node.args.args if a.arg != "self")
    return frozenset(names)


class Refuse(Exception):
    """The call cannot be rewritten exactly; the message says why (and `fix` what to do,
    when the generic advice does not fit)."""

    def __init__(self, message: str, fix: Optional[str] = None) -> None:
        super().__init__(message)
        self.fix = fix


def literal(node: cst.BaseExpression):
    """Python value of a simple literal (numbers, strings, None/True/False, lists/tuples
    of those, unary minus), or raise ValueError."""
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.Float):
        return float(node.value)
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    if isinstance(node, cst.Name) and node.value in ("None", "True", "False"):
        return {"None": None, "True": True, "False": False}[node.value]
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        value = literal(node.expression)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
    if isinstance(node, (cst.List, cst.Tuple)):
        return [literal(e.value) for e in node.elements if not isinstance(e, cst.StarredElement)]
    raise ValueError(code(node))


def is_literal(node, kinds) -> bool:
    try:
        return isinstance(literal(node), kinds)
    except ValueError:
        return False


def _assigned_values(function: cst.FunctionDef, name: str) -> List[cst.BaseExpression]:
    """The values `function` assigns to `name` (plain `name = ...` statements)."""
    return [node.value for node in iter_nodes(function.body) if isinstance(node, cst.Assign)
            and any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets)]


class TfOpRewriter:
    """Rewrites tf.* calls of one file (one per rule and file).

    `shape_ok` and `named_result` hold ids of original calls the caller saw in the
    right place (tf.shape where a tuple works like TF's shape tensor; top_k whose
    result is read as `.values`/`.indices`): empty unless the caller tracks them, and
    then those calls are refused or rewritten as such. `top_k_rewritten` tells the
    caller which named top_k results it must then rewrite."""

    def __init__(self, ctx, shape_ok: Optional[Set[int]] = None, named_result: Optional[Set[int]] = None) -> None:
        self.ctx = ctx
        self.shape_ok: Set[int] = set() if shape_ok is None else shape_ok
        self.named_result: Set[int] = set() if named_result is None else named_result
        self.top_k_rewritten: Dict[int, bool] = {}
        self.dimension_names: Dict[int, Set[str]] = {}  # per function node: names unpacked from tf.shape

    def target(self, entry_keras: str) -> cst.BaseExpression:
        return dotted(f"{self.ctx.require_keras()}.{entry_keras}")

    def _bind(self, entry: TfOp, rel: str, call: cst.Call) -> Tuple[Dict[str, cst.Arg], List[cst.Arg], Set[str]]:
        params = entry.params
        star = next((k for k, p in enumerate(params) if p.startswith("*")), None)
        # Parameters after "*args" are keyword-only.
        fixed = list(params if star is None else params[:star])
        kwonly = [] if star is None else list(params[star + 1:])
        has_varargs = star is not None
        bound: Dict[str, cst.Arg] = {}
        positional: Set[str] = set()
        varargs: List[cst.Arg] = []
        position = 0
        for arg in call.args:
            if arg.star:
                raise Refuse("*args/**kwargs cannot be matched to the Keras signature")
            if arg.keyword is None:
                if position < len(fixed):
                    bound[fixed[position]] = arg
                    positional.add(fixed[position])
                    position += 1
                elif has_varargs:
                    varargs.append(arg)
                else:
                    raise Refuse("more positional arguments than the TF signature has")
            else:
                name = arg.keyword.value
                if name in bound or (name not in fixed and name not in kwonly and name not in entry.dropped):
                    raise Refuse(f"argument {name}= is not supported by keras.{entry.keras or 'ops'}")
                bound[name] = arg
        for param in entry.required:
            if param not in bound:
                raise Refuse(f"needs an explicit {param}= to be rewritten")
        for limit in entry.limits:
            arg = bound.get(limit.param)
            if arg is None:
                continue
            if code(arg.value) not in limit.ok:
                raise Refuse(f"keras.{entry.keras or 'ops'} does not support {limit.reason}")
            del bound[limit.param]
            positional.discard(limit.param)
        for param in entry.dropped:
            if bound.pop(param, None) is not None:
                positional.discard(param)
        return bound, varargs, positional

    def rewrite(self, entry: TfOp, rel: str, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
        """The keras.ops (or runtime helper) call for `call`, a tf.<rel> call rewritten per
        its table entry (`original`: the call before other rules changed it). Raises
        Refuse when this call's arguments have no exact equivalent."""
        bound, varargs, positional = self._bind(entry, rel, call)
        if entry.special is not None:
            special = getattr(self, f"_special_{entry.special}")
            result = special(entry, rel, original, call, bound, positional)
            if result is not None:
                return result
        values: Dict[str, cst.BaseExpression] = {}
        for param, arg in bound.items():
            value = self._convert(dict(entry.values).get(param), arg.value, param)
            if value is not None:
                values[param] = value
        if entry.template is not None:
            return self._template(entry, values)
        if entry.runtime is not None and not entry.keras:
            return self._runtime_call(entry, values, bound, positional, varargs, call)
        renames = dict(entry.renames)
        keras_args: Dict[str, Tuple[cst.BaseExpression, bool, Optional[cst.Arg]]] = {}
        for param, value in values.items():
            keras_args[renames.get(param, param)] = (value, param in positional, bound[param])
        for name, default in entry.add:
            if name not in keras_args:
                keras_args[name] = (parsed(default), False, None)
        return self._emit(self.target(entry.keras), entry.keras_params, keras_args, varargs, call)

    def _runtime_call(self, entry: TfOp, values, bound, positional, varargs, call: cst.Call) -> cst.Call:
        # The helper has TF's signature: arguments keep their names and positions.
        if entry.runtime in bound_names(self.ctx):
            raise Refuse(f"this file binds the name {entry.runtime!r}, which the keras_migrate_runtime "
                          f"helper replacing it would shadow (rename yours)")
        self.ctx.use_runtime(entry.runtime)
        args = {param: (value, param in positional, bound[param]) for param, value in values.items()}
        return self._emit(cst.Name(entry.runtime), entry.params, args, varargs, call)

    def _runtime_call_as_given(self, entry: TfOp, bound, positional, call: cst.Call) -> cst.Call:
        """The runtime helper called with the TF call's own arguments, unchanged."""
        return self._runtime_call(entry, {param: arg.value for param, arg in bound.items()}, bound, positional, [],
                                  call)

    def _emit(self, func, order, keras_args, varargs, call: cst.Call) -> cst.Call:
        out: List[cst.Arg] = []
        still_positional = True
        for name in order:
            if name not in keras_args:
                still_positional = False
                continue
            value, was_positional, source = keras_args.pop(name)
            if still_positional and was_positional:
                out.append(self._arg(value, None, source))
            else:
                still_positional = False
                out.append(self._arg(value, name, source))
        if varargs:
            out[len(out):] = varargs
        for name, (value, _, source) in keras_args.items():
            out.append(self._arg(value, name, source))
        return cst.Call(func=func, args=self._commas(out, call.args), lpar=call.lpar, rpar=call.rpar,
                        whitespace_after_func=call.whitespace_after_func,
                        whitespace_before_args=call.whitespace_before_args)

    @staticmethod
    def _arg(value, keyword: Optional[str], source: Optional[cst.Arg]) -> cst.Arg:
        if source is not None:
            arg = source.with_changes(value=value)
            if keyword is None:
                return arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
            if source.keyword is not None:
                return arg.with_changes(keyword=cst.Name(keyword))
            return arg.with_changes(keyword=cst.Name(keyword), equal=NO_SPACE)
        return cst.Arg(value=value, keyword=None if keyword is None else cst.Name(keyword),
                       equal=cst.MaybeSentinel.DEFAULT if keyword is None else NO_SPACE)

    @staticmethod
    def _commas(args: List[cst.Arg], original: Tuple[cst.Arg, ...]) -> List[cst.Arg]:
        commas = [a.comma for a in original]
        out = []
        for k, arg in enumerate(args):
            if k == len(args) - 1:
                comma = commas[-1] if commas else cst.MaybeSentinel.DEFAULT
            elif k < len(commas) - 1:
                comma = commas[k]
            else:
                comma = COMMA
            if comma is cst.MaybeSentinel.DEFAULT and k != len(args) - 1:
                comma = COMMA
            out.append(arg.with_changes(comma=comma))
        return out

    def _template(self, entry: TfOp, values: Dict[str, cst.BaseExpression]) -> cst.BaseExpression:
        fields = {"keras": self.ctx.require_keras()}
        for param in entry.params:
            if param in values:
                fields[param] = code(parenthesize(values[param]))
        for param, default in entry.add:
            fields.setdefault(param, default)
        try:
            text = entry.template.format(**fields)
        except KeyError as missing:
            raise Refuse(f"needs an explicit {missing.args[0]}= to be rewritten")
        return cst.parse_expression(text)

    # -- value conversions -------------------------------------------------------------
    def _convert(self, kind: Optional[str], value: cst.BaseExpression, param: str) -> Optional[cst.BaseExpression]:
        """The Keras value for a TF argument (None: drop the argument)."""
        if kind is None:
            return value
        if kind == "drop_none":
            return None if is_literal(value, type(None)) else value
        if kind == "lower":
            if not is_literal(value, str):
                raise Refuse(f"{param}= is not a string literal (Keras spells it in lower case)")
            return cst.SimpleString(repr(literal(value).lower()))
        if kind == "pad_mode":
            if not is_literal(value, str) or literal(value).lower() not in ("constant", "reflect"):
                raise Refuse(f"mode={code(value)}: only CONSTANT and REFLECT padding match TF on every backend")
            return cst.SimpleString(repr(literal(value).lower()))
        if kind == "static_size":
            return self._static_size(value, param)
        if kind == "no_list":
            if isinstance(value, (cst.List, cst.Tuple)):
                raise Refuse("keras.ops.repeat needs a tensor of repeats on JAX, not a list literal")
            return self._static_size(value, param)
        if kind == "valid_only":
            if not (is_literal(value, str) and literal(value).upper() == "VALID"):
                raise Refuse("'SAME' average pooling counts padding differently on torch (use 'VALID' or keep on TensorFlow)")
            return cst.SimpleString('"valid"')
        if kind == "sqrt":
            try:
                number = float(literal(value))
            except (ValueError, TypeError):
                return cst.parse_expression(f"{code(parenthesize(value))} ** 0.5")
            return cst.Float(repr(math.sqrt(number)))
        if kind == "data_format":
            fmt = literal(value) if is_literal(value, (str, type(None))) else ""
            if fmt is None or fmt in _CHANNELS_LAST:
                return None
            if fmt in _CHANNELS_FIRST:
                return cst.SimpleString('"channels_first"')
            raise Refuse(f"data_format={code(value)} is not a literal TF data format")
        if kind == "spatial":
            # TF spells window sizes/strides/rates [1, h, w, 1] (batch and channel entries
            # included); keras.ops takes (h, w) or one int. The middle entries may be any
            # expressions (`[1, self.patch_size, self.patch_size, 1]`).
            if isinstance(value, (cst.List, cst.Tuple)):
                items = [e.value for e in value.elements]
                ends = [items[0], items[-1]] if len(items) >= 3 else []
                if ends and all(is_literal(e, int) and literal(e) == 1 for e in ends):
                    inner = items[1:-1]
                    keys = {expr_key(e) for e in inner}
                    if len(keys) == 1 and None not in keys:
                        return inner[0]
                    return cst.Tuple([cst.Element(e) for e in inner])
                raise Refuse(f"{code(value)}: not TF's [1, ..., 1] layout of spatial sizes")
            if is_literal(value, int):
                return value
            raise Refuse(f"{code(value)}: TF takes an int or a [1, h, w, 1] list here and keras.ops (h, w); "
                          "the value is not a literal",
                          "write the sizes as a literal list [1, h, w, 1] (or one int) in the call")
        if kind == "norm_ord":
            if is_literal(value, str) and literal(value) == "euclidean":
                return None
            return value
        if kind == "resize_method":
            if is_literal(value, str) and literal(value) in _RESIZE_METHODS:
                return cst.SimpleString(repr(_RESIZE_METHODS[literal(value)]))
            qualified = self.ctx.qualified_name(value) or ""
            method = qualified.rsplit(".", 1)[-1]
            if qualified.startswith("tensorflow.image.ResizeMethod.") and method in _RESIZE_METHODS:
                return cst.SimpleString(repr(_RESIZE_METHODS[method]))
            raise Refuse(
                f"method={code(value)}: only bilinear and nearest resizing match TF on every backend (bicubic "
                "differs on PyTorch and JAX; area and lanczos are missing on PyTorch/JAX)",
                "resize with method='bilinear' or 'nearest' (keras.ops.image.resize(images, size, "
                "interpolation=...)), or keep this code on TensorFlow")
        if kind == "transpose":
            return value
        if kind == "tensor":
            # JAX's scatter indexes with arrays only: a literal list becomes a tensor.
            if isinstance(value, (cst.List, cst.Tuple)):
                return call_node(f"{self.ctx.require_keras()}.ops.convert_to_tensor", value)
            return value
        if kind == "tuple":
            # JAX hashes static arguments such as norm's axis: a list literal becomes a tuple.
            if isinstance(value, cst.List):
                return cst.Tuple(elements=value.elements, lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return value
        raise AssertionError(kind)

    def _static_size(self, value: cst.BaseExpression, param: str) -> cst.BaseExpression:
        """A size computed from tensor values (tf.reduce_max(ids) + 1, tf.math.bincount(ids))
        makes the output's shape depend on the data: JAX cannot compile that. Allowed in
        a class whose models all run without jit (KM140 gives them jit_compile=False)."""
        stack = self.ctx.class_stack
        if stack and stack[0].name.value in eager_sized_classes(self.ctx):
            return value
        if self._from_tensor_values(value, set()):
            raise Refuse(
                f"{param}={code(value)} is computed from tensor values: the output's size depends on the data, "
                "which JAX cannot compile",
                f"pass {param} as a Python int or a static shape entry (e.g. the number of nodes, "
                "keras.ops.shape(x)[0]), or keep this code on TensorFlow")
        return value

    def _from_tensor_values(self, value: cst.BaseExpression, seen: Set[str]) -> bool:
        """Calls a data-dependent reduction, directly or through a name the enclosing
        function assigns (`count = tf.reduce_max(ids) + 1`)."""
        for node in iter_nodes(value):
            if isinstance(node, cst.Call) and code(node.func).rsplit(".", 1)[-1] in DATA_DEPENDENT_SIZES:
                return True
            if isinstance(node, cst.Name) and node.value not in seen and self.ctx.function_stack:
                seen.add(node.value)
                if any(self._from_tensor_values(assigned, seen)
                       for assigned in _assigned_values(self.ctx.function_stack[-1], node.value)):
                    return True
        return False

    # -- special cases -----------------------------------------------------------------
    def _special_shape(self, entry, rel, original, call, bound, positional):
        if id(original) not in self.shape_ok:
            raise Refuse("keras.ops.shape returns a tuple, not a tensor: arithmetic on it differs "
                          "(index it, unpack it or pass it as a shape)")
        return None

    def _special_concat(self, entry, rel, original, call, bound, positional):
        """tf.concat([ids, [next_id]], 0) (keras.io's decoding loops): TF converts the
        inner list; keras.ops.concatenate on TensorFlow reads each part's dtype, which
        a list has not, so list parts are converted first."""
        values = bound.get("values")
        if values is None or not isinstance(values.value, (cst.List, cst.Tuple)):
            return None
        elements = [e.with_changes(value=call_node(f"{self.ctx.require_keras()}.ops.convert_to_tensor", e.value))
                    if isinstance(e.value, (cst.List, cst.Tuple)) and not isinstance(e, cst.StarredElement) else e
                    for e in values.value.elements]
        bound["values"] = values.with_changes(value=values.value.with_changes(elements=elements))
        return None

    def _special_cast(self, entry, rel, original, call, bound, positional):
        """tf.cast(tf.shape(t)[i], <integer dtype>) (keras.io's CTC losses build lengths
        and ones((batch, 1)) from it): keras.ops.shape gives a Python int for a static
        dimension, which must stay one to be usable as a shape under JAX's jit; a dynamic
        TensorFlow dimension is cast as TF does (runtime shape_entry_cast)."""
        x = next((a.value for a in original.args if a.keyword is None or a.keyword.value == "x"), None)
        dtype = bound.get("dtype")
        if not (isinstance(x, cst.Subscript) and isinstance(x.value, cst.Call)
                and self.ctx.qualified_name(x.value.func) == "tensorflow.shape") or dtype is None:
            return None
        name = self.ctx.qualified_name(dtype.value) or ""
        text = dtype.value.evaluated_value if isinstance(dtype.value, cst.SimpleString) else name.rsplit(".", 1)[-1]
        if not (text.startswith("int") or text.startswith("uint")) or not (
                name.startswith("tensorflow.") or isinstance(dtype.value, cst.SimpleString)):
            return None
        values = {param: converted for param, arg in bound.items()
                  if (converted := self._convert(dict(entry.values).get(param), arg.value, param)) is not None}
        return self._runtime_call(entry, values, bound, positional, [], call)

    def _special_shape_extreme(self, entry, rel, original, call, bound, positional):
        """tf.minimum(4, n) of dimensions (int literals, tf.shape(t)[i], names unpacked from
        tf.shape(t) in this function, + - * // of those): a Python int where the dimensions are (JAX and
        PyTorch, static TF shapes), usable as a shape under jit; TF's op on a dynamic one
        (runtime shape_minimum / shape_maximum)."""
        if len(original.args) != 2 or any(a.star or a.keyword is not None for a in original.args) \
                or not all(self._dimension(a.value) for a in original.args):
            return None
        return self._runtime_call_as_given(entry, bound, positional, call)

    def _special_kink(self, entry, rel, original, call, bound, positional):
        """The runtime's helper (TF's gradient at exact ties, on JAX too), unless the file
        binds its name: then keras.ops (the same values; the rule says what differs)."""
        if entry.runtime in bound_names(self.ctx):
            return None
        return self._runtime_call_as_given(entry, bound, positional, call)

    def _special_cumulative(self, entry, rel, original, call, bound, positional):
        """tf.cumsum / tf.cumprod: keras.ops without exclusive= / reverse= (their literal
        False defaults dropped); with them, the runtime's helper (TF's signature)."""
        flags = [p for p in ("exclusive", "reverse") if p in bound]
        if all(code(bound[p].value) == "False" for p in flags):
            for param in flags:
                del bound[param]
                positional.discard(param)
            return None
        if entry.runtime in bound_names(self.ctx):
            raise Refuse(f"keras.{entry.keras} has no exclusive= / reverse=, and this file binds the name "
                         f"{entry.runtime!r} of the keras_migrate_runtime helper that has them")
        return self._runtime_call_as_given(entry, bound, positional, call)

    def _special_variable_operand(self, entry, rel, original, call, bound, positional):
        """An attribute operand (`layer.kernel`, `self.cm`), a constraint's weight or a
        loop's item over a variables list may be a keras.Variable, which JAX's
        keras.ops.zeros_like / ones_like refuse unless keras_migrate_runtime is imported:
        its helper, which reads the value first (unless the file binds the name)."""
        operand = bound.get("input")
        if operand is None or entry.runtime in bound_names(self.ctx):
            return None
        value = operand.value
        if not (isinstance(value, cst.Attribute)
                or isinstance(value, cst.Name) and value.value in variable_names(self.ctx)):
            return None
        return self._runtime_call_as_given(entry, bound, positional, call)

    def _dimension(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Integer):
            return True
        if isinstance(node, cst.BinaryOperation) and isinstance(
                node.operator, (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide)):
            return self._dimension(node.left) and self._dimension(node.right)
        if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Call):
            return self.ctx.qualified_name(node.value.func) == "tensorflow.shape"
        return isinstance(node, cst.Name) and node.value in self._unpacked_dimensions()

    def _unpacked_dimensions(self) -> Set[str]:
        """Names the current function binds by unpacking tf.shape(...): `n, h, w, c = tf.shape(x)`."""
        if not self.ctx.function_stack:
            return set()
        fn = self.ctx.function_stack[-1]
        cached = self.dimension_names.get(id(fn))
        if cached is None:
            cached = set()
            for node in iter_nodes(fn.body):
                if isinstance(node, cst.Assign) and len(node.targets) == 1 \
                        and isinstance(node.targets[0].target, (cst.Tuple, cst.List)) \
                        and isinstance(node.value, cst.Call) \
                        and self.ctx.qualified_name(node.value.func) == "tensorflow.shape":
                    cached |= {e.value.value for e in node.targets[0].target.elements if isinstance(e.value, cst.Name)}
            self.dimension_names[id(fn)] = cached
        return cached

    def _special_where(self, entry, rel, original, call, bound, positional):
        if "x" not in bound or "y" not in bound:
            raise Refuse(
                "tf.where(condition) with one argument returns the (N, rank) indices of the True elements: "
                "a data-dependent shape, which JAX cannot compile",
                "keep shapes static with the three-argument form keras.ops.where(condition, x, y) (masks instead "
                "of indices); outside compiled code, keras.ops.stack(keras.ops.nonzero(condition), axis=-1) gives "
                "TF's indices (int32); or keep this code on TensorFlow")
        return None

    def _special_resize(self, entry, rel, original, call, bound, positional):
        # TF resizes in float32 and returns float32 (integer images included) except with
        # nearest-neighbour; keras.ops.image.resize returns the input's dtype (uint8 images
        # come back rounded to uint8). Casting first gives TF's values and dtype.
        method = bound.get("method")
        if method is not None and self._convert("resize_method", method.value, "method").value == "'nearest'":
            return None
        images = bound["images"]
        bound["images"] = images.with_changes(value=call_node(
            f"{self.ctx.require_keras()}.ops.cast", images.value, cst.SimpleString('"float32"')))
        return None

    def _special_one_hot(self, entry, rel, original, call, bound, positional):
        custom = [p for p in ("on_value", "off_value") if p in bound and not is_literal(bound[p].value, type(None))]
        if not custom:
            bound.pop("on_value", None)
            bound.pop("off_value", None)
            return None
        # keras.ops.one_hot has no on/off values: the runtime helper has TF's signature and dtype rules.
        return self._runtime_call_as_given(entry, bound, positional, call)

    def _special_split(self, entry, rel, original, call, bound, positional):
        sizes = bound.get("num_or_size_splits")
        if sizes is None:
            raise Refuse("needs num_or_size_splits")
        value = sizes.value
        if is_literal(value, int) and not is_literal(value, bool):
            return None
        if (isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.FloorDivide)) or (
            isinstance(value, cst.Call) and code(value.func) in ("len", "int")
        ):
            return None  # an integer count either way
        try:
            numbers = literal(value)
        except ValueError:
            numbers = None
        if numbers is None and isinstance(value, (cst.List, cst.Tuple)) and len(value.elements) > 1:
            try:
                return self._split_sizes(sizes, value, bound)
            except Refuse:
                numbers = None  # sizes computed by calls, or a -1: read when the code runs
        if not (isinstance(numbers, list) and numbers and all(isinstance(n, int) and n >= 0 for n in numbers)):
            # A count or sizes held in a variable, computed, or with a -1 TF infers: the
            # runtime's split() has TF's signature and tells them apart when the code runs.
            return self._runtime_call_as_given(entry, bound, positional, call)
        indices, total = [], 0
        for n in numbers[:-1]:
            total += n
            indices.append(cst.Element(cst.Integer(str(total))))
        bound["num_or_size_splits"] = sizes.with_changes(value=cst.List(indices))
        return None

    def _split_sizes(self, sizes, value, bound):
        """A literal list of size expressions (`[self.dim, self.dim, n + 1]`): the split
        indices are their running sums (`[self.dim, self.dim + self.dim]`). Each size is
        repeated in the sums, so only expressions without calls or starred items qualify."""
        items = [e.value for e in value.elements]
        for element, item in zip(value.elements, items):
            if isinstance(element, cst.StarredElement) or any(
                    isinstance(n, (cst.Call, cst.Await, cst.Yield, cst.NamedExpr, cst.Lambda)) for n in iter_nodes(item)):
                raise Refuse("num_or_size_splits lists sizes computed by calls: keras.ops.split takes split indices "
                              "(their running sums); compute the sizes into variables first")
            if is_literal(item, int) and literal(item) < 0:
                raise Refuse("num_or_size_splits has a -1 (TF infers that size); keras.ops.split needs the indices")
        indices, total = [], None
        for item in items[:-1]:
            # a + b - c reads as (a + b) - c: only later terms need parentheses
            total = code(item) if total is None else f"{total} + {code(parenthesize(item))}"
            indices.append(cst.Element(cst.parse_expression(total)))
        bound["num_or_size_splits"] = sizes.with_changes(value=cst.List(indices))
        return None

    def _special_tile(self, entry, rel, original, call, bound, positional):
        # keras.ops.tile iterates `repeats` in Python on TensorFlow (a graph tensor cannot
        # be iterated) and converts it to numpy on PyTorch: only a list/tuple is portable.
        multiples = bound.get("multiples")
        if multiples is not None and isinstance(multiples.value, cst.Name):
            resolved = self._multiples_list(multiples.value.value)
            if resolved is not None:
                bound["multiples"] = multiples.with_changes(value=resolved)
                return None
        if multiples is not None and not isinstance(multiples.value, (cst.List, cst.Tuple)):
            raise Refuse("multiples is not a list or tuple literal: keras.ops.tile needs the repeats as a Python "
                          "sequence (JAX needs static repeats; a tensor of multiples cannot be iterated on TensorFlow)",
                          "pass a list whose elements may be shape entries, e.g. keras.ops.tile(x, [keras.ops.shape(y)[0], "
                          "1, 1]) (keras.ops.shape gives ints on JAX/PyTorch), or keep this code on TensorFlow")
        return None

    def _multiples_list(self, name: str) -> Optional[cst.List]:
        """The Python list a local `name` of tile multiples stands for, when the function
        assigns it once as a list literal or as keras-io's causal-mask idiom
        `tf.concat([tf.expand_dims(batch_size, -1), tf.constant([1, 1])], axis=0)`
        (entries may be shape values: keras.ops.shape gives ints on JAX / PyTorch)."""
        if not self.ctx.function_stack:
            return None
        values = [stmt.value for stmt in iter_nodes(self.ctx.function_stack[-1].body)
                  if isinstance(stmt, (cst.Assign, cst.AugAssign, cst.AnnAssign))
                  and name in _target_names(stmt)]
        if len(values) != 1 or not isinstance(values[0], (cst.List, cst.Tuple, cst.Call)):
            return None
        value = values[0]
        if isinstance(value, (cst.List, cst.Tuple)):
            items = [e for e in value.elements if not isinstance(e, cst.StarredElement)]
            return cst.List([cst.Element(e.value) for e in items]) if len(items) == len(value.elements) else None
        if self.ctx.qualified_name(value.func) not in ("tensorflow.concat", "tensorflow.stack") \
                or not value.args or not isinstance(value.args[0].value, (cst.List, cst.Tuple)):
            return None
        axis = [a.value for a in value.args[1:] if a.keyword is None or a.keyword.value == "axis"]
        if not (axis and is_literal(axis[0], int) and literal(axis[0]) in (0, -1)) or len(value.args) != 2:
            return None
        stacking = self.ctx.qualified_name(value.func) == "tensorflow.stack"
        entries: List[cst.BaseExpression] = []
        for element in value.args[0].value.elements:
            part = element.value
            if stacking and not isinstance(element, cst.StarredElement):
                entries.append(part)
                continue
            if isinstance(part, cst.Call) and self.ctx.qualified_name(part.func) == "tensorflow.expand_dims" \
                    and len(part.args) == 2 and is_literal(part.args[1].value, int) \
                    and literal(part.args[1].value) in (0, -1):
                entries.append(part.args[0].value)
                continue
            if isinstance(part, cst.Call) and self.ctx.qualified_name(part.func) == "tensorflow.constant" and part.args:
                part = part.args[0].value
            try:
                numbers = literal(part) if isinstance(part, (cst.List, cst.Tuple)) else None
            except ValueError:
                return None
            if not (isinstance(numbers, list) and all(isinstance(n, int) for n in numbers)):
                return None
            entries.extend(cst.Integer(str(n)) for n in numbers)
        return cst.List([cst.Element(e) for e in entries])

    def _special_fill(self, entry, rel, original, call, bound, positional):
        value = bound.get("value")
        if value is None:
            raise Refuse("needs a fill value")
        dims = bound["dims"].value
        if is_literal(value.value, bool):
            dtype = "bool"
        elif is_literal(value.value, int):
            dtype = "int32"
        elif is_literal(value.value, float) and isinstance(dims, (cst.List, cst.Tuple)):
            return None
        else:
            dtype = None
        if dtype is None or not isinstance(dims, (cst.List, cst.Tuple)):
            # A scalar shape or a value whose dtype TF infers at run time: the helper
            # does what tf.fill does with both.
            return self._runtime_call_as_given(entry, bound, positional, call)
        keras = self.ctx.require_keras()
        return cst.parse_expression(f'{keras}.ops.full({code(dims)}, {code(value.value)}, dtype="{dtype}")')

    def _special_norm(self, entry, rel, original, call, bound, positional):
        axis = bound.get("axis")
        keepdims = bound.get("keepdims")
        keeps = keepdims is not None and not (is_literal(keepdims.value, (bool, type(None)))
                                              and not literal(keepdims.value))
        ord_ = bound.get("ord")
        if keeps and ord_ is not None and code(ord_.value) == "2" and axis is not None and isinstance(
                axis.value, (cst.List, cst.Tuple)) and len(axis.value.elements) == 2:
            # Keras' TensorFlow backend puts the kept axes of the spectral norm in the wrong place.
            raise Refuse("the matrix 2-norm with keepdims=True has the wrong shape on the TensorFlow backend",
                          "compute keras.ops.norm(x, ord=2, axis=(a, b)) without keepdims and restore the axes "
                          "with keras.ops.expand_dims")
        if axis is not None and not is_literal(axis.value, type(None)):
            return None
        if keeps:
            raise Refuse("keepdims over all axes")
        bound.pop("axis", None)
        bound.pop("keepdims", None)
        # TF treats the whole tensor as one vector; keras.ops.norm needs it flattened.
        name = "tensor" if "tensor" in bound else "input_tensor"
        flat = call_node(f"{self.ctx.require_keras()}.ops.reshape", bound[name].value, parsed("(-1,)"))
        bound[name] = bound[name].with_changes(value=flat)
        return None

    def _special_top_k(self, entry, rel, original, call, bound, positional):
        if id(original) in self.named_result:
            self.top_k_rewritten[id(original)] = True
        return None

    def _special_matmul(self, entry, rel, original, call, bound, positional):
        for flag, operand in (("transpose_a", "a"), ("transpose_b", "b")):
            arg = bound.pop(flag, None)
            positional.discard(flag)
            if arg is None or is_literal(arg.value, bool) and not literal(arg.value):
                continue
            if not (is_literal(arg.value, bool) and literal(arg.value)):
                raise Refuse(f"{flag}= is not a literal True/False")
            swapped = call_node(f"{self.ctx.require_keras()}.ops.swapaxes", bound[operand].value, parsed("-1"), parsed("-2"))
            bound[operand] = bound[operand].with_changes(value=swapped)
        return None

    def _special_band_part(self, entry, rel, original, call, bound, positional):
        if "input" not in bound or "num_lower" not in bound or "num_upper" not in bound:
            raise Refuse("needs input, num_lower and num_upper")
        if not (is_literal(bound["num_lower"].value, int) and is_literal(bound["num_upper"].value, int)):
            return None  # tensor bounds: the runtime helper masks with them
        lower = literal(bound["num_lower"].value)
        upper = literal(bound["num_upper"].value)
        x = code(bound["input"].value)
        keras = self.ctx.require_keras()
        expr = x
        if upper >= 0:
            expr = f"{keras}.ops.tril({expr}, {upper})" if upper else f"{keras}.ops.tril({expr})"
        if lower >= 0:
            expr = f"{keras}.ops.triu({expr}, {-lower})" if lower else f"{keras}.ops.triu({expr})"
        if expr == x:
            return cst.parse_expression(f"{keras}.ops.copy({x})")
        return cst.parse_expression(expr)

    def _special_gather_nd(self, entry, rel, original, call, bound, positional):
        params, indices = bound.get("params"), bound.get("indices")
        if params is None or indices is None:
            raise Refuse("needs params and indices")
        try:
            rows = literal(indices.value)
        except ValueError:
            rows = None
        if (not isinstance(params.value, (cst.Name, cst.Attribute)) or not isinstance(rows, list) or not rows
                or len(rows) > _MAX_LITERAL_GATHER
                or not all(isinstance(r, list) and r and all(isinstance(i, int) for i in r) for r in rows)):
            return None  # the runtime helper: take() on the flattened leading axes
        x = code(params.value)
        keras = self.ctx.require_keras()
        items = ", ".join(f"{x}[{', '.join(str(i) for i in r)}]" for r in rows)
        return cst.parse_expression(f"{keras}.ops.stack([{items}])")


def _check_table() -> None:
    """Every `special` of the table has its handler here (checked at import, not at the
    first file that uses the op); value kinds are checked by TfOp itself."""
    missing = sorted({e.special for e in TF_OPS_BY_NAME.values() if e.special is not None
                      and not hasattr(TfOpRewriter, f"_special_{e.special}")})
    if missing:
        raise ImportError(f"tf_ops table names special handlers TfOpRewriter lacks: {', '.join(missing)}")


_check_table()


def _target_names(stmt) -> List[str]:
    targets = [t.target for t in stmt.targets] if isinstance(stmt, cst.Assign) else [stmt.target]
    return [n for t in targets for n in cst_assigned_names(t)]
