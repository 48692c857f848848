"""KM200 tf_ops: tf.* / tf.math / tf.nn / tf.linalg / tf.image / tf.signal ops -> keras.ops."""

from __future__ import annotations

import ast
import functools
import math
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import DATA_CALLS, data_context, drop_tensorflow_import_if_unused, shape_names_used_as_tuples
from keras_migrate.rules._scan import cst_scope, expr_key, file_ast
from keras_migrate.rules._args import code, parenthesize
from keras_migrate.engine._names import module_name
from keras_migrate.rules._util import dotted
from keras_migrate.spec._tf_ops import (
    TF_ATTRIBUTE_CONSTANTS,
    TF_NAMESPACES_OWNED_ELSEWHERE,
    TF_NO_EQUIVALENT_BY_NAME,
    TF_OPS_BY_NAME,
)
from keras_migrate.spec._types import TfOp

__all__ = ["TfOps"]

_NO_SPACE = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
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
    out = []
    for k, arg in enumerate(args):
        comma = _COMMA if k < len(args) - 1 else cst.MaybeSentinel.DEFAULT
        out.append(cst.Arg(value=arg, comma=comma))
    return cst.Call(func=dotted(func), args=out)


def bound_names(ctx) -> frozenset:
    """Every name the file binds (definitions, assignments, parameters, imports other
    than keras_migrate_runtime's), so that a runtime helper never shadows one."""
    tree = file_ast(ctx)
    if tree is None:
        return frozenset()
    return _bound_names(tree)


@functools.lru_cache(maxsize=8)
def _bound_names(tree: ast.Module) -> frozenset:
    names = set()
    for node in ast.walk(tree):
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


class _Refuse(Exception):
    """The call cannot be rewritten exactly; the message says why (and `fix` what to do,
    when the generic advice does not fit)."""

    def __init__(self, message: str, fix: Optional[str] = None) -> None:
        super().__init__(message)
        self.fix = fix


def _owned_elsewhere(rel: str) -> bool:
    return any(rel == ns or rel.startswith(ns + ".") for ns in TF_NAMESPACES_OWNED_ELSEWHERE)


def _literal(node: cst.BaseExpression):
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
        value = _literal(node.expression)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
    if isinstance(node, (cst.List, cst.Tuple)):
        return [_literal(e.value) for e in node.elements if not isinstance(e, cst.StarredElement)]
    raise ValueError(code(node))


def _rank_read(node: cst.Subscript) -> Optional[cst.Call]:
    """The call in `<call>.shape[0]`, else None."""
    value = node.value
    if not (isinstance(value, cst.Attribute) and value.attr.value == "shape" and isinstance(value.value, cst.Call)):
        return None
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    index = node.slice[0].slice.value
    if not (isinstance(index, cst.Integer) and index.value == "0"):
        return None
    return value.value


def _is_literal(node, kinds) -> bool:
    try:
        return isinstance(_literal(node), kinds)
    except ValueError:
        return False


class TfOps(Rule):
    id = "KM200"
    NODE_KEYED = ('_named_result', '_shape_ok', '_top_k_rewritten', '_rank_calls')
    name = "tf_ops"
    description = "Rewrite tf.* math/nn/linalg/image ops to keras.ops with arguments renamed, reordered and checked for equal semantics."
    part = Part.AGNOSTIC
    TRIGGERS = ("tensorflow",)
    regions = (DATA_CALLS,)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Pool(keras.layers.Layer):
                def call(self, x):
                    s = tf.reduce_sum(x, axis=1, keepdims=True)
                    return tf.concat([tf.transpose(x, perm=[0, 2, 1]), tf.range(0, 4, delta=2)], -1) + s
            """,
            after="""
            import keras

            class Pool(keras.layers.Layer):
                def call(self, x):
                    s = keras.ops.sum(x, axis=1, keepdims=True)
                    return keras.ops.concatenate([keras.ops.transpose(x, axes=[0, 2, 1]), keras.ops.arange(0, 4, step=2)], -1) + s
            """,
        ),
        # TF defaults that differ from Keras' are spelled out: gather/argmax axis 0,
        # exact gelu, l2_normalize's epsilon (squared in TF).
        Example(
            before="""
            import tensorflow as tf
            import keras
            y = tf.nn.gelu(tf.gather(x, idx)) + tf.nn.l2_normalize(x, axis=-1)
            """,
            after="""
            import keras
            y = keras.ops.gelu(keras.ops.take(x, idx, axis=0), approximate=False) + keras.ops.normalize(x, axis=-1, epsilon=1e-06)
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras
            def attention(q, k):
                d = tf.cast(tf.shape(k)[-1], "float32")
                return tf.nn.softmax(tf.matmul(q, k, transpose_b=True) / tf.sqrt(d))
            """,
            after="""
            import keras
            def attention(q, k):
                d = keras.ops.cast(keras.ops.shape(k)[-1], "float32")
                return keras.ops.softmax(keras.ops.matmul(q, keras.ops.swapaxes(k, -1, -2)) / keras.ops.sqrt(d))
            """,
        ),
        # Ops keras.ops lacks (or computes differently) call keras_migrate_runtime helpers
        # with TF's signature; a rank read of a shape is keras.ops.ndim.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class GraphPool(keras.layers.Layer):
                def call(self, adjacency, features, ids):
                    adjacency = tf.linalg.set_diag(adjacency, tf.zeros(tf.shape(adjacency)[:-1]))
                    pooled = tf.math.unsorted_segment_mean(features, ids, num_segments=4)
                    return tf.matmul(adjacency, pooled) * tf.cast(tf.shape(adjacency).shape[0], "float32")

            def clip(grads):
                grads, norm = tf.clip_by_global_norm(grads, 5.0)
                return grads
            """,
            after="""
            import keras
            from keras_migrate_runtime import set_diag
            from keras_migrate_runtime import unsorted_segment_mean
            from keras_migrate_runtime import clip_by_global_norm

            class GraphPool(keras.layers.Layer):
                def call(self, adjacency, features, ids):
                    adjacency = set_diag(adjacency, keras.ops.zeros(keras.ops.shape(adjacency)[:-1]))
                    pooled = unsorted_segment_mean(features, ids, num_segments=4)
                    return keras.ops.matmul(adjacency, pooled) * keras.ops.cast(keras.ops.ndim(adjacency), "float32")

            def clip(grads):
                grads, norm = clip_by_global_norm(grads, 5.0)
                return grads
            """,
        ),
        # One-argument tf.where returns indices with a data-dependent shape: diagnosed
        # (WARNING with the fix), and the file stays on TensorFlow.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Positives(keras.layers.Layer):
                def call(self, x):
                    return x, tf.where(x > 0)
            """,
            diagnostics=("KM200", "KM200"),
            tensorflow_only=True,
        ),
        # tf.data pipelines run in TF graph mode on every backend: left alone.
        Example(
            before="""
            import tensorflow as tf

            def scale(x):
                return tf.cast(x, "float32") / 255.0

            ds = tf.data.Dataset.from_tensor_slices(images).map(scale).map(lambda x: tf.reduce_mean(x))
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Picker(keras.layers.Layer):
                def call(self, x, idx):
                    return tf.gather_nd(x, idx, batch_dims=1)
            """,
            diagnostics=("KM200", "KM200"),
            tensorflow_only=True,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        # tf.shape(...) calls in positions where a tuple works like TF's shape tensor.
        self._shape_ok: Set[int] = set()
        # top_k calls whose result is used through `.values` / `.indices`.
        self._named_result: Set[int] = set()
        self._top_k_rewritten: Dict[int, bool] = {}
        # tf.shape(x) calls read as `tf.shape(x).shape[0]`: the rank, keras.ops.ndim(x).
        self._rank_calls: Set[int] = set()

    # -- context ---------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        for arg in node.args:
            value = arg.value
            if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Call):
                value = value.value  # tf.zeros(tf.shape(x)[:-1]): a tuple slice is a shape too
            if isinstance(value, cst.Call):
                self._shape_ok.add(id(value))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        call = _rank_read(node)
        if call is not None and self.ctx.qualified_name(call.func) == "tensorflow.shape" and call.args \
                and call.args[0].keyword is None and not call.args[0].star:
            self._rank_calls.add(id(call))
        if isinstance(node.value, cst.Call) and all(
            isinstance(e.slice, cst.Index) for e in node.slice
        ):
            self._shape_ok.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        # `b, h, w = tf.shape(x)` unpacks a tuple just as well; `s = tf.shape(x)` is fine
        # when every later use of `s` in the function indexes it or passes it on.
        if not isinstance(node.value, cst.Call) or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if isinstance(target, (cst.Tuple, cst.List)):
            self._shape_ok.add(id(node.value))
        elif isinstance(target, cst.Name) and self.ctx.qualified_name(node.value.func) == "tensorflow.shape":
            if (cst_scope(self.ctx), target.value) in shape_names_used_as_tuples(self.ctx):
                self._shape_ok.add(id(node.value))

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        call = _rank_read(original)
        if call is None or id(call) not in self._rank_calls:
            return updated
        self._rank_calls.discard(id(call))
        if self._data.active(self.ctx):
            return updated
        # tf.shape(x).shape[0] is the (static) rank: a Python int, like keras.ops.ndim(x).
        self._changed()
        x = updated.value.value.args[0].value
        return cst.Call(func=self._target("ops.ndim"), args=[cst.Arg(value=x)])

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Call) and node.attr.value in ("values", "indices"):
            self._named_result.add(id(node.value))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if id(original.value) in self._named_result and self._top_k_rewritten.pop(id(original.value), False):
            # top_k(...).values -> keras.ops.top_k(...)[0] (JAX returns a plain tuple)
            index = "0" if original.attr.value == "values" else "1"
            return cst.Subscript(value=updated.value, slice=[cst.SubscriptElement(cst.Index(cst.Integer(index)))])
        qualified = self.ctx.qualified_name(original)
        if qualified in TF_ATTRIBUTE_CONSTANTS and not self._data.active(self.ctx):
            self._changed()
            return cst.Name(TF_ATTRIBUTE_CONSTANTS[qualified])
        return updated

    # -- calls -----------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        qualified = self.ctx.qualified_name(original.func)
        if qualified is None or not qualified.startswith("tensorflow."):
            return updated
        if module_name(updated.func) != module_name(original.func):
            return updated  # another rule already rewrote this call
        if self._data.active(self.ctx) or id(original) in self._rank_calls:
            return updated  # a rank read is rewritten as a whole by leave_Subscript
        rel = qualified[len("tensorflow."):]
        entry = TF_OPS_BY_NAME.get(qualified)
        if entry is not None:
            try:
                replacement = self._rewrite(entry, rel, original, updated)
            except _Refuse as why:
                # The table's target is right in general but not for this call's arguments.
                self._leave_on_tensorflow(
                    original, rel, str(why),
                    why.fix or f"rewrite this call as keras.{entry.keras or 'ops'}(...) with arguments that "
                    f"meet the condition above, or keep this code on TensorFlow")
                return updated
            self._changed()
            if entry.note:
                self.report(original, f"tf.{rel} -> keras.{entry.keras}: {entry.note}", severity=Severity.INFO)
            return replacement
        missing = TF_NO_EQUIVALENT_BY_NAME.get(qualified)
        if missing is not None:
            self._leave_on_tensorflow(original, rel, missing.message, missing.fix)
        elif not _owned_elsewhere(rel):
            self._leave_on_tensorflow(
                original, rel, f"tf.{rel} has no checked keras.ops equivalent",
                f"rewrite tf.{rel} with keras.ops (https://keras.io/api/ops/) or keep this code on TensorFlow")
        return updated

    def _leave_on_tensorflow(self, node, rel, message, fix) -> None:
        in_code = bool(self.ctx.function_stack or self.ctx.class_stack)
        # Module-level eager ops on numpy data still run (TensorFlow stays installed);
        # inside functions and classes they receive backend tensors.
        self.report(node, f"tf.{rel} left as is: {message}", fix,
                    Severity.WARNING if in_code else Severity.INFO)
        if in_code:
            self.ctx.keep_on_tensorflow(self.id, node, f"tf.{rel} has no exact keras.ops equivalent")

    def _changed(self) -> None:
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)

    def _target(self, entry_keras: str) -> cst.BaseExpression:
        return dotted(f"{self.ctx.require_keras()}.{entry_keras}")

    # -- generic rewrite -------------------------------------------------------------
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
                raise _Refuse("*args/**kwargs cannot be matched to the Keras signature")
            if arg.keyword is None:
                if position < len(fixed):
                    bound[fixed[position]] = arg
                    positional.add(fixed[position])
                    position += 1
                elif has_varargs:
                    varargs.append(arg)
                else:
                    raise _Refuse("more positional arguments than the TF signature has")
            else:
                name = arg.keyword.value
                if name in bound or (name not in fixed and name not in kwonly and name not in entry.dropped):
                    raise _Refuse(f"argument {name}= is not supported by keras.{entry.keras or 'ops'}")
                bound[name] = arg
        for param in entry.required:
            if param not in bound:
                raise _Refuse(f"needs an explicit {param}= to be rewritten")
        for limit in entry.limits:
            arg = bound.get(limit.param)
            if arg is None:
                continue
            if code(arg.value) not in limit.ok:
                raise _Refuse(f"keras.{entry.keras or 'ops'} does not support {limit.reason}")
            del bound[limit.param]
            positional.discard(limit.param)
        for param in entry.dropped:
            if bound.pop(param, None) is not None:
                positional.discard(param)
        return bound, varargs, positional

    def _rewrite(self, entry: TfOp, rel: str, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
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
        return self._emit(self._target(entry.keras), entry.keras_params, keras_args, varargs, call)

    def _runtime_call(self, entry: TfOp, values, bound, positional, varargs, call: cst.Call) -> cst.Call:
        # The helper has TF's signature: arguments keep their names and positions.
        if entry.runtime in bound_names(self.ctx):
            raise _Refuse(f"this file binds the name {entry.runtime!r}, which the keras_migrate_runtime "
                          f"helper replacing it would shadow (rename yours)")
        self.ctx.use_runtime(entry.runtime)
        args = {param: (value, param in positional, bound[param]) for param, value in values.items()}
        return self._emit(cst.Name(entry.runtime), entry.params, args, varargs, call)

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
            return arg.with_changes(keyword=cst.Name(keyword), equal=_NO_SPACE)
        return cst.Arg(value=value, keyword=None if keyword is None else cst.Name(keyword),
                       equal=cst.MaybeSentinel.DEFAULT if keyword is None else _NO_SPACE)

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
                comma = _COMMA
            if comma is cst.MaybeSentinel.DEFAULT and k != len(args) - 1:
                comma = _COMMA
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
            raise _Refuse(f"needs an explicit {missing.args[0]}= to be rewritten")
        return cst.parse_expression(text)

    # -- value conversions -------------------------------------------------------------
    def _convert(self, kind: Optional[str], value: cst.BaseExpression, param: str) -> Optional[cst.BaseExpression]:
        """The Keras value for a TF argument (None: drop the argument)."""
        if kind is None:
            return value
        if kind == "drop_none":
            return None if _is_literal(value, type(None)) else value
        if kind == "lower":
            if not _is_literal(value, str):
                raise _Refuse(f"{param}= is not a string literal (Keras spells it in lower case)")
            return cst.SimpleString(repr(_literal(value).lower()))
        if kind == "pad_mode":
            if not _is_literal(value, str) or _literal(value).lower() not in ("constant", "reflect"):
                raise _Refuse(f"mode={code(value)}: only CONSTANT and REFLECT padding match TF on every backend")
            return cst.SimpleString(repr(_literal(value).lower()))
        if kind == "no_list":
            if isinstance(value, (cst.List, cst.Tuple)):
                raise _Refuse("keras.ops.repeat needs a tensor of repeats on JAX, not a list literal")
            return value
        if kind == "valid_only":
            if not (_is_literal(value, str) and _literal(value).upper() == "VALID"):
                raise _Refuse("'SAME' average pooling counts padding differently on torch (use 'VALID' or keep on TensorFlow)")
            return cst.SimpleString('"valid"')
        if kind == "sqrt":
            try:
                number = float(_literal(value))
            except (ValueError, TypeError):
                return cst.parse_expression(f"{code(parenthesize(value))} ** 0.5")
            return cst.Float(repr(math.sqrt(number)))
        if kind == "data_format":
            fmt = _literal(value) if _is_literal(value, (str, type(None))) else ""
            if fmt is None or fmt in _CHANNELS_LAST:
                return None
            if fmt in _CHANNELS_FIRST:
                return cst.SimpleString('"channels_first"')
            raise _Refuse(f"data_format={code(value)} is not a literal TF data format")
        if kind == "spatial":
            # TF spells window sizes/strides/rates [1, h, w, 1] (batch and channel entries
            # included); keras.ops takes (h, w) or one int. The middle entries may be any
            # expressions (`[1, self.patch_size, self.patch_size, 1]`).
            if isinstance(value, (cst.List, cst.Tuple)):
                items = [e.value for e in value.elements]
                ends = [items[0], items[-1]] if len(items) >= 3 else []
                if ends and all(_is_literal(e, int) and _literal(e) == 1 for e in ends):
                    inner = items[1:-1]
                    keys = {expr_key(e) for e in inner}
                    if len(keys) == 1 and None not in keys:
                        return inner[0]
                    return cst.Tuple([cst.Element(e) for e in inner])
                raise _Refuse(f"{code(value)}: not TF's [1, ..., 1] layout of spatial sizes")
            if _is_literal(value, int):
                return value
            raise _Refuse(f"{code(value)}: TF takes an int or a [1, h, w, 1] list here and keras.ops (h, w); "
                          "the value is not a literal",
                          "write the sizes as a literal list [1, h, w, 1] (or one int) in the call")
        if kind == "norm_ord":
            if _is_literal(value, str) and _literal(value) == "euclidean":
                return None
            return value
        if kind == "resize_method":
            if _is_literal(value, str) and _literal(value) in _RESIZE_METHODS:
                return cst.SimpleString(repr(_RESIZE_METHODS[_literal(value)]))
            qualified = self.ctx.qualified_name(value) or ""
            method = qualified.rsplit(".", 1)[-1]
            if qualified.startswith("tensorflow.image.ResizeMethod.") and method in _RESIZE_METHODS:
                return cst.SimpleString(repr(_RESIZE_METHODS[method]))
            raise _Refuse(
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

    # -- special cases -----------------------------------------------------------------
    def _special_shape(self, entry, rel, original, call, bound, positional):
        if id(original) not in self._shape_ok:
            raise _Refuse("keras.ops.shape returns a tuple, not a tensor: arithmetic on it differs "
                          "(index it, unpack it or pass it as a shape)")
        return None

    def _special_where(self, entry, rel, original, call, bound, positional):
        if "x" not in bound or "y" not in bound:
            raise _Refuse(
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
        custom = [p for p in ("on_value", "off_value") if p in bound and not _is_literal(bound[p].value, type(None))]
        if not custom:
            bound.pop("on_value", None)
            bound.pop("off_value", None)
            return None
        # keras.ops.one_hot has no on/off values: the runtime helper has TF's signature and dtype rules.
        values = {param: arg.value for param, arg in bound.items()}
        return self._runtime_call(entry, values, bound, positional, [], call)

    def _special_split(self, entry, rel, original, call, bound, positional):
        sizes = bound.get("num_or_size_splits")
        if sizes is None:
            raise _Refuse("needs num_or_size_splits")
        value = sizes.value
        if _is_literal(value, int) and not _is_literal(value, bool):
            return None
        if (isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.FloorDivide)) or (
            isinstance(value, cst.Call) and code(value.func) in ("len", "int")
        ):
            return None  # an integer count either way
        try:
            numbers = _literal(value)
        except ValueError:
            numbers = None
        if not (isinstance(numbers, list) and numbers and all(isinstance(n, int) and n >= 0 for n in numbers)):
            raise _Refuse("num_or_size_splits is not an integer literal or a literal list of sizes (TF takes "
                          "sizes, keras.ops.split takes a count or split indices: pass the cumulative indices)")
        indices, total = [], 0
        for n in numbers[:-1]:
            total += n
            indices.append(cst.Element(cst.Integer(str(total))))
        bound["num_or_size_splits"] = sizes.with_changes(value=cst.List(indices))
        return None

    def _special_tile(self, entry, rel, original, call, bound, positional):
        # keras.ops.tile iterates `repeats` in Python on TensorFlow (a graph tensor cannot
        # be iterated) and converts it to numpy on PyTorch: only a list/tuple is portable.
        multiples = bound.get("multiples")
        if multiples is not None and not isinstance(multiples.value, (cst.List, cst.Tuple)):
            raise _Refuse("multiples is not a list or tuple literal: keras.ops.tile needs the repeats as a Python "
                          "sequence (JAX needs static repeats; a tensor of multiples cannot be iterated on TensorFlow)",
                          "pass a list whose elements may be shape entries, e.g. keras.ops.tile(x, [keras.ops.shape(y)[0], "
                          "1, 1]) (keras.ops.shape gives ints on JAX/PyTorch), or keep this code on TensorFlow")
        return None

    def _special_fill(self, entry, rel, original, call, bound, positional):
        value = bound.get("value")
        if value is None:
            raise _Refuse("needs a fill value")
        if _is_literal(value.value, bool):
            dtype = "bool"
        elif _is_literal(value.value, int):
            dtype = "int32"
        elif _is_literal(value.value, float):
            return None
        else:
            raise _Refuse("the fill value is not a literal: TF infers the dtype from it, keras.ops.full uses floatx "
                          "(write keras.ops.full(shape, value, dtype=...))")
        keras = self.ctx.require_keras()
        shape = code(bound["dims"].value)
        return cst.parse_expression(f'{keras}.ops.full({shape}, {code(value.value)}, dtype="{dtype}")')

    def _special_norm(self, entry, rel, original, call, bound, positional):
        axis = bound.get("axis")
        keepdims = bound.get("keepdims")
        keeps = keepdims is not None and not (_is_literal(keepdims.value, (bool, type(None)))
                                              and not _literal(keepdims.value))
        ord_ = bound.get("ord")
        if keeps and ord_ is not None and code(ord_.value) == "2" and axis is not None and isinstance(
                axis.value, (cst.List, cst.Tuple)) and len(axis.value.elements) == 2:
            # Keras' TensorFlow backend puts the kept axes of the spectral norm in the wrong place.
            raise _Refuse("the matrix 2-norm with keepdims=True has the wrong shape on the TensorFlow backend",
                          "compute keras.ops.norm(x, ord=2, axis=(a, b)) without keepdims and restore the axes "
                          "with keras.ops.expand_dims")
        if axis is not None and not _is_literal(axis.value, type(None)):
            return None
        if keeps:
            raise _Refuse("keepdims over all axes")
        bound.pop("axis", None)
        bound.pop("keepdims", None)
        # TF treats the whole tensor as one vector; keras.ops.norm needs it flattened.
        name = "tensor" if "tensor" in bound else "input_tensor"
        flat = call_node(f"{self.ctx.require_keras()}.ops.reshape", bound[name].value, parsed("(-1,)"))
        bound[name] = bound[name].with_changes(value=flat)
        return None

    def _special_top_k(self, entry, rel, original, call, bound, positional):
        if id(original) in self._named_result:
            self._top_k_rewritten[id(original)] = True
        return None

    def _special_matmul(self, entry, rel, original, call, bound, positional):
        for flag, operand in (("transpose_a", "a"), ("transpose_b", "b")):
            arg = bound.pop(flag, None)
            positional.discard(flag)
            if arg is None or _is_literal(arg.value, bool) and not _literal(arg.value):
                continue
            if not (_is_literal(arg.value, bool) and _literal(arg.value)):
                raise _Refuse(f"{flag}= is not a literal True/False")
            swapped = call_node(f"{self.ctx.require_keras()}.ops.swapaxes", bound[operand].value, parsed("-1"), parsed("-2"))
            bound[operand] = bound[operand].with_changes(value=swapped)
        return None

    def _special_band_part(self, entry, rel, original, call, bound, positional):
        if "input" not in bound or "num_lower" not in bound or "num_upper" not in bound:
            raise _Refuse("needs input, num_lower and num_upper")
        if not (_is_literal(bound["num_lower"].value, int) and _is_literal(bound["num_upper"].value, int)):
            return None  # tensor bounds: the runtime helper masks with them
        lower = _literal(bound["num_lower"].value)
        upper = _literal(bound["num_upper"].value)
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
            raise _Refuse("needs params and indices")
        try:
            rows = _literal(indices.value)
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
                      and not hasattr(TfOps, f"_special_{e.special}")})
    if missing:
        raise ImportError(f"tf_ops table names special handlers the rule lacks: {', '.join(missing)}")


_check_table()
