"""KM116 backend_functions: Keras 2 `K.*` backend functions -> keras.ops / keras.random / variables."""

from __future__ import annotations

from typing import Dict, List, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, iter_nodes
from keras_migrate.rules._args import bind
from keras_migrate.rules._tf_op_emit import bound_names
from keras_migrate.rules._util import as_keyword, as_positional, code, comma_separated, dotted, parenthesize
from keras_migrate.spec import BACKEND_FUNCTIONS, KEPT_BACKEND_FUNCTIONS, SYMBOL_RENAMES

__all__ = ["BackendFunctions"]

_TABLE = {entry.name: entry for entry in BACKEND_FUNCTIONS}
# Moved wholesale by the imports rule (e.g. backend.random_normal -> random.normal).
_MOVED = frozenset(e.old.split(".", 1)[1] for e in SYMBOL_RENAMES if e.keras and e.old.startswith("backend."))


def _backend_name(path: Optional[str]) -> Optional[str]:
    if path is None or not path.startswith("backend."):
        return None
    name = path[len("backend."):]
    return None if "." in name else name


_COMPARISONS = frozenset({"greater", "greater_equal", "less", "less_equal", "equal", "not_equal"})


def _is_number(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation):
        node = node.expression
    return isinstance(node, (cst.Integer, cst.Float))


def _same_shape_condition(ctx, bound: Dict[str, cst.Arg]) -> bool:
    """The condition is an element-wise comparison of one branch with a scalar, so it
    has that branch's shape; the other branch must not be callable (a lambda)."""
    cond = bound["condition"].value
    branches = {code(bound[p].value) for p in ("then_expression", "else_expression")}
    if any(isinstance(bound[p].value, cst.Lambda) for p in ("then_expression", "else_expression")):
        return False
    operands = None
    if isinstance(cond, cst.Call):
        path = ctx.keras_path(cond.func) or ""
        name = path.rsplit(".", 1)[-1]
        if (path.startswith("backend.") or path.startswith("ops.")) and name in _COMPARISONS:
            if len(cond.args) == 2 and not any(a.keyword or a.star for a in cond.args):
                operands = [a.value for a in cond.args]
    elif isinstance(cond, cst.Comparison) and len(cond.comparisons) == 1:
        operands = [cond.left, cond.comparisons[0].comparator]
    if operands is None:
        return False
    first, second = operands
    return (code(first) in branches and _is_number(second)) or (code(second) in branches and _is_number(first))


def _shape_slice(node: cst.BaseExpression) -> bool:
    """`keras.ops.shape(x)[a:b]` (a K.shape slice, already rewritten): a tuple."""
    return (isinstance(node, cst.Subscript) and isinstance(node.value, cst.Call)
            and code(node.value.func).endswith("ops.shape")
            and all(isinstance(e.slice, cst.Slice) for e in node.slice))


def _shape_concatenation(bound: Dict[str, cst.Arg]) -> Optional[cst.BaseExpression]:
    """K.concatenate([K.shape(x)[:-1], [heads, -1]]) builds a shape from K.shape's tensor;
    keras.ops.shape is a tuple, which keras.ops.concatenate refuses on TensorFlow and
    PyTorch: the same shape as a tuple sum, `keras.ops.shape(x)[:-1] + (heads, -1)`."""
    tensors = bound.get("tensors")
    axis = bound.get("axis")
    if tensors is None or not isinstance(tensors.value, (cst.List, cst.Tuple)) or (
            axis is not None and code(axis.value) not in ("0", "-1")):
        return None
    parts: List[cst.BaseExpression] = []
    for element in tensors.value.elements:
        value = element.value if isinstance(element, cst.Element) else None
        if value is None:
            return None
        if _shape_slice(value):
            parts.append(value)
        elif isinstance(value, (cst.List, cst.Tuple)) and value.elements and all(
                isinstance(e, cst.Element) for e in value.elements):
            items = [e.value for e in value.elements]
            parts.append(cst.parse_expression("(" + ", ".join(code(i) for i in items) + ("," if len(items) == 1 else "")
                                              + ")"))
        else:
            return None
    if not any(_shape_slice(p) for p in parts) or len(parts) < 2:
        return None
    joined = parts[0]
    for part in parts[1:]:
        joined = cst.BinaryOperation(left=joined, operator=cst.Add(), right=part)
    return joined


def _greedy_decode(ctx, bound) -> bool:
    # only Keras 2's greedy CTC decoding has a keras.ops equivalent
    greedy = bound.get("greedy")
    return greedy is None or isinstance(greedy.value, cst.Name) and greedy.value.value == "True"


_GUARDS = {"same_shape_condition": _same_shape_condition, "greedy_decode": _greedy_decode}


def _value_helper(entry) -> str:
    """The runtime helper that takes a K function's place when it is passed as a value
    (its guard cannot be checked there): "" when there is none."""
    if entry is None:
        return ""
    if entry.runtime and not entry.guard:
        return entry.runtime
    return entry.fallback


class _Substitute(cst.CSTTransformer):
    def __init__(self, values: Dict[str, cst.BaseExpression], keras_name: str) -> None:
        super().__init__()
        self.values = values
        self.keras_name = keras_name

        self._operands: Set[int] = set()  # positions where a compound expression needs ()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._operands.add(id(node.value))

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        self._operands.update((id(node.left), id(node.right)))

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        self._operands.add(id(node.expression))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._operands.add(id(node.value))

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        if original.value in self.values:
            value = self.values[original.value]
            return parenthesize(value) if id(original) in self._operands else value
        if original.value == "keras":
            return updated.with_changes(value=self.keras_name)
        return updated


class BackendFunctions(Rule):
    id = "KM116"
    NODE_KEYED = ('_alias_values', '_attr_aliases', '_call_funcs', '_local_aliases', '_named_calls', '_subscripted',
                  '_value_positions')
    name = "backend_functions"
    description = ("Rewrite Keras 2 backend (K.*) functions Keras 3 removed to their exact keras.ops/"
                   "keras.random equivalents; diagnose those without one.")
    TRIGGERS = ("backend",)
    EXAMPLES = (
        # keras.io's CTC models (speech, handwriting, captcha OCR): Keras 2's conventions
        # (softmax outputs, blank = last class, (batch, 1) lengths) kept by runtime helpers.
        Example(
            before="""
            import numpy as np
            import tensorflow as tf
            from tensorflow import keras

            def ctc_loss(y_true, y_pred):
                batch = tf.cast(tf.shape(y_true)[0], dtype="int64")
                input_length = tf.cast(tf.shape(y_pred)[1], dtype="int64") * tf.ones(shape=(batch, 1), dtype="int64")
                label_length = tf.cast(tf.shape(y_true)[1], dtype="int64") * tf.ones(shape=(batch, 1), dtype="int64")
                return keras.backend.ctc_batch_cost(y_true, y_pred, input_length, label_length)

            def decode(pred):
                input_len = np.ones(pred.shape[0]) * pred.shape[1]
                return keras.backend.ctc_decode(pred, input_length=input_len, greedy=True)[0][0]

            def decode_beams(pred, lengths):
                return keras.backend.ctc_decode(pred, lengths, greedy=False, beam_width=10)

            class CTCLayer(keras.layers.Layer):
                def __init__(self, name=None):
                    super().__init__(name=name)
                    self.loss_fn = keras.backend.ctc_batch_cost
            """,
            after="""
            import numpy as np
            import tensorflow as tf
            from tensorflow import keras
            from keras_migrate_runtime import keras2_ctc_batch_cost
            from keras_migrate_runtime import keras2_ctc_decode

            def ctc_loss(y_true, y_pred):
                batch = tf.cast(tf.shape(y_true)[0], dtype="int64")
                input_length = tf.cast(tf.shape(y_pred)[1], dtype="int64") * tf.ones(shape=(batch, 1), dtype="int64")
                label_length = tf.cast(tf.shape(y_true)[1], dtype="int64") * tf.ones(shape=(batch, 1), dtype="int64")
                return keras2_ctc_batch_cost(y_true, y_pred, input_length, label_length)

            def decode(pred):
                input_len = np.ones(pred.shape[0]) * pred.shape[1]
                return keras2_ctc_decode(pred, input_length=input_len, greedy=True)[0][0]

            def decode_beams(pred, lengths):
                return keras.backend.ctc_decode(pred, lengths, greedy=False, beam_width=10)

            class CTCLayer(keras.layers.Layer):
                def __init__(self, name=None):
                    super().__init__(name=name)
                    self.loss_fn = keras2_ctc_batch_cost
            """,
            diagnostics=("KM116",),
        ),
        Example(
            before="""
            from tensorflow.keras import backend as K
            def loss(y_true, y_pred):
                return K.mean(K.square(y_pred - y_true), axis=-1) + K.epsilon()
            """,
            after="""
            from tensorflow.keras import backend as K
            import keras
            def loss(y_true, y_pred):
                return keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1) + K.epsilon()
            """,
        ),
        Example(
            before="""
            import keras
            from keras import backend as K
            y = K.concatenate([a, b])
            n = K.int_shape(x)[-1]
            b = K.shape(x)[0]
            K.set_value(var, 0.5)
            """,
            after="""
            import keras
            y = keras.ops.concatenate([a, b], axis=-1)
            n = tuple(x.shape)[-1]
            b = keras.ops.shape(x)[0]
            var.assign(0.5)
            """,
        ),
        # A shape built from K.shape's slices and numbers: keras.ops.shape is a tuple, which
        # keras.ops.concatenate refuses on TensorFlow and PyTorch; the tuple sum is that shape.
        Example(
            before="""
            import keras
            from keras import backend as K

            def split_heads(inputs, heads):
                shape = K.concatenate([K.shape(inputs)[:-1], [heads, -1]])
                return K.reshape(inputs, shape)

            def merge_heads(q, attended):
                shape = K.shape(q)
                return K.reshape(attended, [shape[0], shape[1], -1])

            merged = K.reshape(x, K.concatenate([K.shape(x)[:2], [-1]], axis=0))
            kept = K.concatenate([K.shape(x)[:1], other])
            """,
            after="""
            import keras

            def split_heads(inputs, heads):
                shape = (keras.ops.shape(inputs)[:-1] + (heads, -1))
                return keras.ops.reshape(inputs, shape)

            def merge_heads(q, attended):
                shape = keras.ops.shape(q)
                return keras.ops.reshape(attended, [shape[0], shape[1], -1])

            merged = keras.ops.reshape(x, (keras.ops.shape(x)[:2] + (-1,)))
            kept = keras.ops.concatenate([keras.ops.shape(x)[:1], other], axis=-1)
            """,
        ),
        Example(
            # keras-self-attention: a shape named first, then only indexed; read otherwise
            # (passed on whole) it stays, with the diagnostic.
            before="""
            import keras
            from keras import backend as K

            def call(inputs, mask):
                input_shape = K.shape(inputs)
                batch_size, input_len = input_shape[0], input_shape[1]
                whole = K.shape(mask)
                return K.reshape(inputs, whole), batch_size, input_len
            """,
            after="""
            import keras
            from keras import backend as K

            def call(inputs, mask):
                input_shape = keras.ops.shape(inputs)
                batch_size, input_len = input_shape[0], input_shape[1]
                whole = K.shape(mask)
                return keras.ops.reshape(inputs, whole), batch_size, input_len
            """,
            diagnostics=("KM116",),
        ),
        Example(
            before="""
            import keras
            from keras import backend as K
            z = K.dot(x, w)
            y = K.batch_dot(x, w, axes=1)
            K.print_tensor(z)
            """,
            after="""
            import keras
            from keras import backend as K
            from keras_migrate_runtime import keras2_batch_dot
            z = keras.ops.tensordot(x, w, axes=[[-1], [-2]])
            y = keras2_batch_dot(x, w, axes=1)
            K.print_tensor(z)
            """,
            diagnostics=("KM116",),
        ),
        # The module bound inside a function is resolved; handed to other code as a value
        # it cannot be (Keras 3's keras.backend lacks these functions): diagnosed.
        Example(
            before="""
            import tensorflow as tf
            def loss(y_true, y_pred):
                K = tf.keras.backend
                return K.mean(K.abs(y_pred - y_true))
            penalty = regularize(weights, backend=tf.keras.backend)
            """,
            after="""
            import tensorflow as tf
            import keras
            def loss(y_true, y_pred):
                K = tf.keras.backend
                return keras.ops.mean(keras.ops.abs(y_pred - y_true))
            penalty = regularize(weights, backend=tf.keras.backend)
            """,
            diagnostics=("KM116",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._subscripted: Set[int] = set()
        self._call_funcs: Set[int] = set()
        # The backend module reached through a name bound inside a function
        # (`K = tf.keras.backend`) or a `self.` attribute (`self.K = keras.backend`);
        # module-level aliases are the engine's.
        self._local_aliases: Dict[int, Set[str]] = {}  # id(FunctionDef) -> names
        self._attr_aliases: Dict[int, Set[str]] = {}  # id(ClassDef) -> "self.K"
        self._value_positions: Set[int] = set()  # expressions passed, stored or returned as values
        self._alias_values: Set[int] = set()
        self._named_calls: Dict[int, cst.Assign] = {}  # id(value) -> `name = value` in a function

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if isinstance(node.value, cst.Call):
            self._subscripted.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        self._call_funcs.add(id(node.func))
        self._value_positions.update(id(arg.value) for arg in node.args)

    # -- the backend module under another name, or as a value -----------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        self._value_positions.add(id(node.value))
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) and self.ctx.current_function:
            self._named_calls[id(node.value)] = node
        if len(node.targets) != 1 or self.ctx.keras_path(node.value) != "backend":
            return
        target = node.targets[0].target
        function, cls = self.ctx.current_function, self.ctx.current_class
        if function is None:
            if isinstance(target, cst.Name):
                self._alias_values.add(id(node.value))  # recorded by the engine
        elif isinstance(target, cst.Name):
            self._local_aliases.setdefault(id(function), set()).add(target.value)
            self._alias_values.add(id(node.value))
        elif cls is not None and code(target).startswith("self.") and code(target).count(".") == 1:
            self._attr_aliases.setdefault(id(cls), set()).add(code(target))
            self._alias_values.add(id(node.value))

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._value_positions.add(id(node.default))

    def visit_Element(self, node: cst.Element) -> None:
        self._value_positions.add(id(node.value))

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._value_positions.add(id(node.value))

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._value_positions.add(id(node.value))

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        # backend = backend or keras.backend
        self._value_positions.update((id(node.left), id(node.right)))

    def visit_Name(self, node: cst.Name) -> None:
        self._check_module_value(node)

    def _check_module_value(self, node: cst.CSTNode) -> None:
        if id(node) not in self._value_positions or id(node) in self._alias_values:
            return
        if isinstance(node, cst.Name) and self._is_parameter(node.value):
            return
        if self.ctx.keras_path(node) != "backend":
            return
        self.report(node, "the Keras backend module is passed around as a value: Keras 3's keras.backend has "
                    "almost none of Keras 2's backend functions (mean, sigmoid, ...), so calls made through "
                    "this reference fail",
                    "call the keras.ops function directly where it is used (kb.mean(x) -> keras.ops.mean(x)) "
                    "instead of receiving the backend module")

    def _path(self, node: cst.BaseExpression) -> Optional[str]:
        """Keras path of a name, also through the function- and class-local aliases."""
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            name = node.value.value
            if any(name in self._local_aliases.get(id(f), ()) for f in self.ctx.function_stack):
                return f"backend.{node.attr.value}"  # K = tf.keras.backend in this function
            if self._is_parameter(name):
                return None  # def f(x, K=K) / f(x, backend): whatever the caller passes
        path = self.ctx.keras_path(node)
        if path is not None or not isinstance(node, cst.Attribute):
            return path
        receiver = code(node.value)
        cls = self.ctx.current_class
        if cls is not None and receiver in self._attr_aliases.get(id(cls), ()):
            return f"backend.{node.attr.value}"
        return None

    def _is_parameter(self, name: str) -> bool:
        # The import table does not model shadowing; a parameter of an enclosing
        # function named like the backend alias is not the module.
        for function in self.ctx.function_stack:
            params = function.params
            if any(p.name.value == name for p in (*params.params, *params.kwonly_params, *params.posonly_params)):
                return True
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._check_module_value(node)
        if id(node) in self._call_funcs:
            return
        name = _backend_name(self._path(node))
        if name is None or name in KEPT_BACKEND_FUNCTIONS or name in _MOVED:
            return
        entry = _TABLE.get(name)
        helper = _value_helper(entry)
        if helper and helper not in bound_names(self.ctx):
            return  # the helper takes Keras 2's arguments: passed as a value too (leave_Attribute)
        target = f"keras.{entry.target}" if entry is not None and entry.target else "a keras.ops function"
        self.report(node, f"K.{name} was removed in Keras 3 (referenced, not called)",
                    f"use {target} (check the argument names and defaults)")

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        """`self.loss_fn = keras.backend.ctc_batch_cost` (keras.io's OCR CTC layers): the
        runtime helper with Keras 2's signature is the value."""
        if id(original) in self._call_funcs:
            return updated
        name = _backend_name(self._path(original))
        entry = _TABLE.get(name) if name is not None and name not in KEPT_BACKEND_FUNCTIONS and name not in _MOVED else None
        helper = _value_helper(entry)
        if not helper or helper in bound_names(self.ctx):
            return updated
        self.ctx.use_runtime(helper)
        self._forget_import(original)
        self.fired()
        return cst.Name(helper, lpar=updated.lpar, rpar=updated.rpar)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        name = _backend_name(self._path(original.func))
        if name is None or name in KEPT_BACKEND_FUNCTIONS or name in _MOVED:
            return updated
        entry = _TABLE.get(name)
        if entry is None:
            self.report(original, f"K.{name} was removed in Keras 3",
                        "use the keras.ops / keras.random / keras.config equivalent")
            return updated
        bound = bind(updated, entry.params)
        if name == "concatenate" and bound is not None:
            joined = _shape_concatenation(bound)
            if joined is not None:
                self._forget_import(original.func)
                self.fired()
                # Parenthesized: the call may sit inside a larger expression.
                return parenthesize(joined)
        if (entry.fallback and bound is not None and not _GUARDS[entry.guard](self.ctx, bound)
                and entry.fallback not in bound_names(self.ctx)):
            # Keras 2's semantics in full where the template's condition is not provable.
            self.ctx.use_runtime(entry.fallback)
            self._forget_import(original.func)
            self.fired()
            return updated.with_changes(func=cst.Name(entry.fallback))
        problem = self._check(original, bound, entry)
        if problem is not None:
            self.report(original, problem, entry.fix or f"rewrite with keras.{entry.target}")
            return updated
        assert bound is not None  # (_check refuses calls whose arguments do not bind)
        if entry.runtime:
            # Keras 2's signature: the call keeps its arguments
            self.ctx.use_runtime(entry.runtime)
            new = updated.with_changes(func=cst.Name(entry.runtime))
            self._forget_import(original.func)
            self.fired()
            return new
        keras_name = self.ctx.require_keras()
        if entry.template is not None:
            values = {param: arg.value for param, arg in bound.items()}
            expr = cst.parse_expression(entry.template).visit(_Substitute(values, keras_name))
            new = expr.with_changes(lpar=updated.lpar, rpar=updated.rpar) if hasattr(expr, "lpar") else expr
        else:
            new = updated.with_changes(func=dotted(f"{keras_name}.{entry.target}"),
                                       args=self._arguments(entry, bound, keras_name))
        self._forget_import(original.func)
        if entry.note:
            self.report(original, entry.note, severity=Severity.INFO)
        self.fired()
        return new

    def _only_indexed(self, call: cst.Call) -> bool:
        """`shape = K.shape(x)` in a function whose every other mention of `shape` indexes
        it (`shape[0]`): a tuple serves those reads as the tensor did."""
        assign = self._named_calls.get(id(call))
        function = self.ctx.current_function
        if assign is None or function is None:
            return False
        target = assign.targets[0].target
        indexed, attributes, mentions = set(), set(), []
        for node in iter_nodes(function.body):
            if isinstance(node, cst.Subscript) and all(isinstance(e.slice, cst.Index) for e in node.slice):
                indexed.add(id(node.value))
            elif isinstance(node, cst.Attribute):
                attributes.add(id(node.attr))  # `K.shape` names no variable `shape`
            elif isinstance(node, cst.Name) and node.value == target.value and node is not target:
                mentions.append(node)  # (a rebinding, `del` or `+=` is a mention that is not indexed)
        mentions = [node for node in mentions if id(node) not in attributes]
        return bool(mentions) and all(id(node) in indexed for node in mentions)

    def _check(self, original: cst.Call, bound, entry) -> Optional[str]:
        """Why the call is diagnosed rather than rewritten (`bound`: its arguments bound to
        the Keras 2 signature, None if they do not bind); None: rewritten."""
        if entry.target is None and entry.template is None and not entry.runtime:
            return entry.message
        if entry.runtime and entry.runtime in bound_names(self.ctx):
            return f"{entry.message} (this file binds the name {entry.runtime!r} of its keras_migrate_runtime replacement)"
        if entry.subscript_only and id(original) not in self._subscripted and not self._only_indexed(original):
            return entry.message
        if bound is None:
            return f"K.{entry.name}(...) arguments could not be matched to its Keras 2 signature"
        for param, source in entry.require:
            if param not in bound or code(bound[param].value) != source:
                return entry.message
        for param, source in entry.reject:
            if param in bound and code(bound[param].value) == source:
                return entry.message
        if entry.guard and not _GUARDS[entry.guard](self.ctx, bound):
            return entry.message
        if entry.template is not None:
            missing = [p for p in entry.params if p not in bound]
            if missing:
                return f"K.{entry.name}(...) without {', '.join(missing)}"
        for param, keyword in zip(entry.params, entry.keywords):
            if not keyword and param in bound:
                return f"K.{entry.name}({param}=...) has no Keras 3 equivalent"
        return None

    def _arguments(self, entry, bound, keras_name: str) -> List[cst.Arg]:
        args: List[cst.Arg] = []
        positional = True
        produced = set()
        for index, (param, keyword) in enumerate(zip(entry.params, entry.keywords)):
            arg = bound.get(param)
            if arg is None:
                positional = False
                continue
            if positional and index < entry.positional:
                args.append(as_positional(arg))
            else:
                args.append(as_keyword(arg, keyword))
            produced.add(keyword)
        for keyword, source in entry.defaults:
            if keyword not in produced:
                value = cst.parse_expression(source).visit(_Substitute({}, keras_name))
                args.append(as_keyword(cst.Arg(value), keyword))
        return comma_separated(args)

    def _forget_import(self, func: cst.BaseExpression) -> None:
        # `from tensorflow.keras import backend as K` / `from keras.backend import mean`:
        # drop the import once nothing uses it (the imports rule may have renamed it).
        root = func
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name):
            return
        binding = self.ctx.names.bindings.get(root.value)
        if binding is None or "." not in binding:
            return
        module, obj = binding.rsplit(".", 1)
        asname = root.value if root.value != obj else None
        from keras_migrate.spec import keras_path

        path = keras_path(binding)
        if path is None or not path.startswith("backend"):
            return
        def keras3(name: str) -> str:
            return "keras" + name[name.index("keras") + len("keras"):] if "keras" in name else name

        for candidate in {module, keras3(module)}:
            self.ctx.remove_import_if_unused(candidate, obj, asname)  # from M import backend as K
        for candidate in {binding, keras3(binding)}:
            self.ctx.remove_import_if_unused(candidate, None, root.value)  # import M.backend as K

