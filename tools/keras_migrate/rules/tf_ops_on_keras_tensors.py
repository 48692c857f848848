"""KM144 tf_ops_on_keras_tensors: TF ops applied to KerasTensors -> keras.ops.

Keras 3 refuses TF ops on the symbolic tensors of functional model construction ("A
KerasTensor cannot be used as input to a TensorFlow function"). Outside Layer/Model
classes, calls of tf.* ops whose arguments are KerasTensors become their keras.ops
equivalents from the numerically checked table of spec/_tf_ops.py (the part-2 tf_ops
rule's table and argument binder are reused); ops without an exact equivalent are
wrapped in a `keras.layers.Lambda` on the one KerasTensor argument (the TF op then runs
inside the layer, exactly as before, on the TensorFlow backend), or diagnosed.

Which local names hold KerasTensors comes from an ast pre-pass per function scope:
results of keras.Input, of applying a layer or function to KerasTensors (`Dense(4)(x)`,
`layer(x)`, `block(x)`), of ops on KerasTensors, and the parameters of the file's
functions wherever a call site passes them a KerasTensor (`def block(x): ...` called as
`block(inputs)`). A value that is only possibly symbolic (a layer applied to a
parameter nobody passes a KerasTensor to: tf.data and eager helpers) is left alone.

Only in `--mode tensorflow`: in agnostic mode the tf_ops rule converts every TF op.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._exprs import CALL, NAME, OPERANDS, SUBSCRIPT, expression
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._tape import names_in
from keras_migrate.rules._tf_op_emit import Refuse, TfOpRewriter
from keras_migrate.rules._util import code
from keras_migrate.spec import keras_path

__all__ = ["TfOpsOnKerasTensors", "batch_lambda_functions", "keras_tensors", "unknown_dims"]

_BUILTINS = frozenset({"print", "len", "isinstance", "list", "tuple", "dict", "range", "zip", "enumerate",
                       "str", "int", "float", "type", "getattr", "hasattr", "id", "repr", "sorted", "super"})
_INPUTS = ("Input", "layers.Input")


def _is_layer_path(path: Optional[str]) -> bool:
    return path is not None and path.startswith("layers.") and path not in _INPUTS


class _KerasTensors:
    """Per-scope names holding KerasTensors (outside Keras classes), from the file's ast."""

    def __init__(self, tree: ast.Module, names: _scan.AstNames, nodes=None) -> None:
        if nodes is None:
            nodes = list(_scan.iter_scoped(tree))
        self.names = names
        self.local_layers = {n.name for _, n in nodes if isinstance(n, ast.ClassDef)}
        self.local_functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        # function name -> indices of parameters some call site feeds a KerasTensor
        self.fed_params: Dict[str, Set[int]] = {}
        self._params: Dict[str, List[str]] = {
            n.name: [a.arg for a in n.args.posonlyargs + n.args.args] for n in tree.body
            if isinstance(n, ast.FunctionDef)}
        # Call sites of the file's own functions (the only places parameters get fed).
        self._local_calls = [(scope, node) for scope, node in nodes if isinstance(node, ast.Call)
                             and isinstance(node.func, ast.Name) and node.func.id in self._params]
        for _ in range(4):  # call sites feed parameters, which feed more call sites
            self.tensors, self.layers, self.containers, self._other = {}, {}, {}, {}
            self._walk(tree.body, ())
            for scope, others in self._other.items():  # assigned something else too: unsure
                for table in (self.tensors, self.layers, self.containers):
                    if scope in table:
                        table[scope] -= others
            fed = self._fed_params()
            if fed == self.fed_params:
                break
            self.fed_params = fed
        self.any = any(self.tensors.values())

    def _walk(self, body, scope: _scan.Scope) -> None:
        for stmt in body:
            if isinstance(stmt, ast.ClassDef):
                # Inside Keras classes tensors are real (call()) or layers (__init__); a
                # plain class's methods may build functional models (keras.io StyleGAN's
                # Generator / Discriminator builders).
                if not scope and all(isinstance(b, ast.Name) and b.id == "object" for b in stmt.bases):
                    for method in stmt.body:
                        if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            self._walk(method.body, (method.name,))
                continue
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = scope + (stmt.name,)
                params = self._params.get(stmt.name, []) if not scope else []
                for index in self.fed_params.get(stmt.name, ()) if not scope else ():
                    if index < len(params):
                        self.tensors.setdefault(inner, set()).add(params[index])
                self._walk(stmt.body, inner)
                continue
            if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                tensor = self.is_tensor(stmt.value, scope)
                layer = self._is_layer(stmt.value, scope)
                container = isinstance(stmt.value, (ast.Dict, ast.List, ast.Tuple)) and any(
                    self.is_tensor(v, scope) for v in _container_values(stmt.value))
                for target in targets:
                    for name in _scan.assigned_names(target):
                        if isinstance(stmt, ast.AugAssign) and name in self.tensors.get(scope, ()):
                            continue
                        table = (self.tensors if tensor and not container else self.layers if layer
                                 else self.containers if container else self._other)
                        table.setdefault(scope, set()).add(name)
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], (ast.stmt, ast.excepthandler)):
                    self._walk(inner, scope)
            if isinstance(stmt, ast.ExceptHandler):
                self._walk(stmt.body, scope)

    def _fed_params(self) -> Dict[str, Set[int]]:
        """Which parameters of the file's functions some call site passes a KerasTensor."""
        fed: Dict[str, Set[int]] = {}
        for scope, node in self._local_calls:
            if True:
                for index, arg in enumerate(node.args):
                    if self.is_tensor(arg, scope):
                        fed.setdefault(node.func.id, set()).add(index)
        return fed

    def _is_layer(self, value: ast.AST, scope) -> bool:
        if not isinstance(value, ast.Call):
            return False
        if isinstance(value.func, ast.Name) and value.func.id in self.local_layers:
            return True
        return _is_layer_path(self.names.keras(value.func))

    def _name_is(self, table, scope, name) -> bool:
        return name in table.get(scope, ()) or (name in table.get((), ()) and not self._bound_in(scope, name))

    def _bound_in(self, scope, name) -> bool:
        return bool(scope) and any(name in t.get(scope, ()) for t in (self.tensors, self.layers, self.containers,
                                                                       self._other))

    def is_tensor(self, node, scope: _scan.Scope, resolver=None) -> bool:
        """Whether expression `node` (an ast node, or a cst node with `resolver` the
        rule context) holds a KerasTensor in `scope`: the one walker for both trees."""
        if resolver is None:
            keras, qualified = self.names.keras, self.names.qualified
        else:
            keras, qualified = resolver.keras_path, resolver.qualified_name
        return self._walk_tensor(node, scope, keras, qualified)

    def _walk_tensor(self, node, scope, keras, qualified) -> bool:
        kind, parts = expression(node)
        if kind is NAME:
            return self._name_is(self.tensors, scope, parts)
        if kind is SUBSCRIPT:  # t[0], outputs["a"] of a container of KerasTensors
            value_kind, value_parts = expression(parts)
            return self._walk_tensor(parts, scope, keras, qualified) or (
                value_kind is NAME and self._name_is(self.containers, scope, value_parts))
        if kind is OPERANDS:  # a + b, -a, [a, b]
            return any(self._walk_tensor(p, scope, keras, qualified) for p in parts)
        if kind is CALL:
            func, args = parts
            path = keras(func)
            if path in _INPUTS:
                return True
            fed = any(self._walk_tensor(a, scope, keras, qualified) for a in args)
            if expression(func)[0] is CALL:  # Dense(4)(x)
                return fed
            if path is not None:
                return fed and (path.startswith("ops.") or path.startswith("backend."))
            name = qualified(func)
            if name is not None:
                return fed and name.startswith("tensorflow.")
            func_kind, func_name = expression(func)
            if func_kind is NAME and func_name in _BUILTINS:
                return False
            return fed
        return False


@per_file
def keras_tensors(ctx) -> Optional[_KerasTensors]:
    """The file's KerasTensor analysis, computed once and shared by rules that need it."""
    tree = _scan.file_ast(ctx)
    return None if tree is None else _KerasTensors(tree, _scan.names(ctx), _scan.scoped_nodes(ctx))


def _known_sizes(shape: Optional[ast.AST], skip: int) -> bool:
    """A shape literal whose sizes (after the first `skip`) are all integer literals."""
    return isinstance(shape, (ast.Tuple, ast.List)) and all(
        isinstance(e, ast.Constant) and type(e.value) is int for e in shape.elts[skip:])


@per_file
def unknown_dims(ctx) -> bool:
    """Whether some Input of the file may leave a dimension other than the batch unknown
    (`Input(shape=(None, 8))`, a shape computed at run time): then Keras 3's shape of a
    KerasTensor may hold None where Keras 2's `tf.shape(x)[i]` was a tensor."""
    names = _scan.names(ctx)
    if names is None:
        return False
    for node in _scan.nodes(ctx, ast.Call):
        if names.keras(node.func) not in _INPUTS:
            continue
        keywords = _scan.call_keywords(node)
        if "tensor" in keywords or "type_spec" in keywords:
            return True
        if "batch_shape" in keywords:
            if not _known_sizes(keywords["batch_shape"], 1):
                return True
            continue
        shape = node.args[0] if node.args else keywords.get("shape")
        if not _known_sizes(shape, 0):
            return True
    return False


_SHAPES = ("tensorflow.shape",)


def _batch_read(fn: ast.FunctionDef, param: str, names: _scan.AstNames) -> bool:
    """Whether `fn` reads the batch size of `param`'s dynamic shape and uses it."""
    def is_shape_of_param(node) -> bool:
        return (isinstance(node, ast.Call) and names.qualified(node.func) in _SHAPES and len(node.args) == 1
                and isinstance(node.args[0], ast.Name) and node.args[0].id == param)

    batch_names: Set[str] = set()
    for node in ast_walk(fn):
        if isinstance(node, ast.Subscript) and is_shape_of_param(node.value) \
                and isinstance(node.slice, ast.Constant) and node.slice.value == 0:
            return True  # tf.shape(p)[0] is a use
        if isinstance(node, ast.Assign) and is_shape_of_param(node.value) and len(node.targets) == 1 \
                and isinstance(node.targets[0], (ast.Tuple, ast.List)) and node.targets[0].elts \
                and isinstance(node.targets[0].elts[0], ast.Name):
            batch_names.add(node.targets[0].elts[0].id)
    return any(isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in batch_names
               for node in ast_walk(fn))


def _builds_state(fn: ast.FunctionDef, names: _scan.AstNames, local_classes: Set[str]) -> bool:
    """Layers, models or variables created in the function (a Lambda would not track them)."""
    for node in ast_walk(fn):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in local_classes:
            return True
        path = names.keras(node.func) or ""
        if path.startswith(("layers.", "Model", "Sequential", "models.")) and path not in ("layers.Input", "Input"):
            return True
        if (names.qualified(node.func) or "") in ("tensorflow.Variable", "keras.Variable"):
            return True
    return False


@per_file
def batch_lambda_functions(ctx) -> Dict[str, Tuple[int, bool]]:
    """{file function: (index of its KerasTensor parameter, whether it builds state)} for the
    functions that read the batch size of a KerasTensor parameter's dynamic shape (None in
    Keras 3): the symbolic_shape_calls rule applies them as Lambda layers, inside which
    their parameter holds real tensors."""
    tree = _scan.file_ast(ctx)
    tensors = keras_tensors(ctx)
    if tree is None or tensors is None or not tensors.any:
        return {}
    names = _scan.names(ctx)
    local_classes = {n.name for n in _scan.nodes(ctx, ast.ClassDef)}
    found = {}
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        fed = sorted(tensors.fed_params.get(fn.name, ()))
        if len(fed) != 1 or fed[0] >= len(params):
            continue
        if _batch_read(fn, params[fed[0]], names):
            found[fn.name] = (fed[0], _builds_state(fn, names, local_classes))
    return found


def lambda_over_argument(call: cst.Call, index: int) -> Tuple[cst.Lambda, cst.BaseExpression]:
    """(`lambda t: f(a, t, b)`, the argument it replaced) for `f(a, x, b)` and index 1: how
    a call on one KerasTensor becomes a Lambda layer applied to that tensor (the name is
    one the call does not use)."""
    used = set(names_in(call))
    var = next(v for v in ("t", "t_", "tensor", "tensor_") if v not in used)
    args = list(call.args)
    fed = args[index].value
    args[index] = args[index].with_changes(value=cst.Name(var))
    return cst.Lambda(params=cst.Parameters([cst.Param(cst.Name(var))]), body=call.with_changes(args=args)), fed


def _container_values(node):
    if isinstance(node, ast.Dict):
        for value in node.values:
            if isinstance(value, (ast.Dict, ast.List, ast.Tuple)):
                yield from _container_values(value)
            else:
                yield value
    else:
        for value in node.elts:
            yield value


class TfOpsOnKerasTensors(Rule):
    id = "KM144"
    name = "tf_ops_on_keras_tensors"
    description = "Replace TF ops applied to KerasTensors during functional model construction by keras.ops equivalents."
    TRIGGERS = ("Input",)
    NODE_KEYED = ("_shape_ok",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            inputs = keras.layers.Input([2, 2, 1])
            x = tf.squeeze(inputs, axis=-1)
            x = keras.layers.Dense(4)(tf.reduce_mean(x, axis=1))
            outputs = tf.nn.relu(x)
            model = keras.Model(inputs, outputs)
            scale = tf.constant(2.0)
            """,
            after="""
            import tensorflow as tf
            import keras

            inputs = keras.layers.Input([2, 2, 1])
            x = keras.ops.squeeze(inputs, axis=-1)
            x = keras.layers.Dense(4)(keras.ops.mean(x, axis=1))
            outputs = keras.ops.relu(x)
            model = keras.Model(inputs, outputs)
            scale = tf.constant(2.0)
            """,
            mode="tensorflow",
        ),
        # No exact keras.ops twin: the TF op runs inside a Lambda layer.
        Example(
            before="""
            import tensorflow as tf
            import keras

            inputs = keras.Input((8, 8, 4))
            x = tf.nn.local_response_normalization(inputs, depth_radius=2)
            """,
            after="""
            import tensorflow as tf
            import keras

            inputs = keras.Input((8, 8, 4))
            x = keras.layers.Lambda(lambda t: tf.nn.local_response_normalization(t, depth_radius=2))(inputs)
            """,
            diagnostics=("KM144",),
            mode="tensorflow",
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._tensors: Optional[_KerasTensors] = None
        # `tf.shape(x)[i]` of a dimension other than the batch: keras.ops.shape gives the
        # static size as an int (a Lambda's scalar KerasTensor fails as a reshape size)
        self._shape_ok: Set[int] = set()
        self._ops = TfOpRewriter(ctx, self._shape_ok)
        if ctx.mode != "tensorflow":
            return
        tree = _scan.file_ast(ctx)
        if tree is not None:
            found = keras_tensors(ctx)
            if found.any:
                self._tensors = found

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self._tensors is not None and isinstance(node.value, cst.Call) and len(node.slice) == 1 \
                and isinstance(node.slice[0].slice, cst.Index) \
                and isinstance(node.slice[0].slice.value, (cst.Integer, cst.UnaryOperation)) \
                and code(node.slice[0].slice.value) != "0" \
                and self.ctx.qualified_name(node.value.func) == "tensorflow.shape" and not unknown_dims(self.ctx):
            self._shape_ok.add(id(node.value))  # a static size: Keras 3's shape has it as an int

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        tensors = self._tensors
        if tensors is None or self.ctx.class_stack:
            return updated
        lambdas = batch_lambda_functions(self.ctx)
        if self.ctx.function_stack and lambdas.get(self.ctx.function_stack[0].name.value, (0, True))[1] is False:
            return updated  # applied as a Lambda layer (symbolic_shape_calls): real tensors inside
        qualified = self.ctx.qualified_name(original.func)
        if qualified is None or not qualified.startswith("tensorflow.") or keras_path(qualified) is not None:
            return updated
        scope = _scan.cst_scope(self.ctx)
        if not any(self._is_tensor(arg.value, scope) for arg in original.args):
            return updated
        rel = qualified[len("tensorflow."):]
        from keras_migrate.spec._tf_ops import TF_NO_EQUIVALENT_BY_NAME, TF_OPS_BY_NAME

        entry = TF_OPS_BY_NAME.get(qualified)
        fix = ("use the keras.ops equivalent (https://keras.io/api/ops/), or wrap the TF code in a layer: "
               f"keras.layers.Lambda(lambda t: tf.{rel}(t, ...))(x) or a custom Layer whose call() uses it")
        if entry is None:
            missing = TF_NO_EQUIVALENT_BY_NAME.get(qualified)
            why = "keras.ops has no exact equivalent" + (f" ({missing.message})" if missing is not None else "")
            return self._wrap_or_report(original, updated, scope, rel, why, fix)
        try:
            replacement = self._ops.rewrite(entry, rel, original, updated)
        except Refuse as why:  # the binder refuses what it cannot map exactly
            return self._wrap_or_report(original, updated, scope, rel, str(why), fix)
        self.fired()
        if entry.note:
            self.report(original, f"tf.{rel} -> keras.{entry.keras}: {entry.note}", severity=Severity.INFO)
        return replacement

    def _wrap_or_report(self, original: cst.Call, updated: cst.Call, scope, rel: str, why: str, fix: str):
        """`tf.op(x, k=v)` -> `keras.layers.Lambda(lambda t: tf.op(t, k=v))(x)` when x is the
        only KerasTensor argument."""
        symbolic = [i for i, arg in enumerate(original.args) if self._is_tensor(arg.value, scope)]
        if len(symbolic) != 1 or original.args[symbolic[0]].star:
            self.report(original, f"tf.{rel} applied to KerasTensors fails in Keras 3 ({why})", fix=fix)
            return updated
        lam, fed = lambda_over_argument(updated, symbolic[0])
        keras_name = self.ctx.require_keras()
        layer = cst.Call(func=cst.parse_expression(f"{keras_name}.layers.Lambda"), args=[cst.Arg(lam)])
        self.fired()
        self.report(original, f"tf.{rel} on a KerasTensor wrapped in a Lambda layer ({why}); "
                              "a .keras file holding it loads only with safe_mode=False", severity=Severity.INFO)
        return cst.Call(func=layer, args=[cst.Arg(fed)])

    def _is_tensor(self, node: cst.BaseExpression, scope) -> bool:
        return self._tensors.is_tensor(node, scope, self.ctx)
