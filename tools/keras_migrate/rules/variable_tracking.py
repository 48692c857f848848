"""KM146 variable_tracking: `self.w = tf.Variable(...)` in a Keras layer/model -> add_weight.

Keras 3 does not track tf.Variable attributes (no training, no saving). The variable
becomes `self.add_weight(shape=..., initializer=..., trainable=..., name=..., dtype=...)`
with an initializer that reproduces the initial value exactly:
- tf.zeros/tf.ones(shape) (and numpy's) -> "zeros"/"ones";
- a number -> shape () and keras.initializers.Constant(number);
- `init(shape=..., dtype=...)` of an initializer object -> that initializer;
- `True`/`False` -> shape (), dtype "bool" (tf.Variable(True) is a bool variable);
- any other value (arrays, tensors): evaluated once into a local, then
  shape=keras.ops.shape(local), initializer=keras.initializers.Constant(local)
  (Constant multiplies by ones: exact).
Integer and bool variables get trainable=False unless it is given: TensorFlow never
trained them, and PyTorch refuses gradients for them.

TF-only methods on these attributes and on add_weight() results (Keras 2 weights were
tf.Variables) are rewritten for Keras 3 variables (rules/_variables.py):
read_value(), value(), sparse_read(), scatter_nd_update/add/sub(), `w[i].assign(x)`.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._agnostic import is_keras_class
from keras_migrate.rules._util import comma_separated, dotted, keyword
from keras_migrate.rules._variables import LAYER, rewrite_method

__all__ = ["VariableTracking"]

_FILLS = {
    "tensorflow.zeros": "zeros", "tensorflow.ones": "ones",
    "numpy.zeros": "zeros", "numpy.ones": "ones",
}
_KEPT = ("trainable", "name", "dtype", "constraint", "aggregation")
_SKIP_OK = ("validate_shape", "caching_device", "import_scope", "synchronization")


def _shape_and_dtype(args, ignored=()):
    """(shape, dtype) of a `f(shape, dtype)`-style call, or None when the call has other
    arguments (those named in `ignored` excepted) or no shape."""
    shape = dtype = None
    for i, arg in enumerate(args):
        if arg.keyword is None:
            if i > 1:
                return None
            if i == 0:
                shape = arg.value
            else:
                dtype = arg.value
        elif arg.keyword.value == "shape":
            shape = arg.value
        elif arg.keyword.value == "dtype":
            dtype = arg.value
        elif arg.keyword.value not in ignored:
            return None
    return None if shape is None else (shape, dtype)


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class VariableTracking(Rule):
    id = "KM146"
    name = "variable_tracking"
    description = "Turn tf.Variable attributes of Keras layers/models into tracked self.add_weight() weights with the same initial values."
    TRIGGERS = ("Variable", "read_value", "scatter_nd", "sparse_read", "].assign", ".value()")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            class MyCustomLayer(keras.layers.Layer):
                def build(self, input_shape):
                    input_dim = input_shape[-1]
                    self.w = tf.Variable(initial_value=tf.zeros([input_dim, self.units]))
                    self.scale = tf.Variable(2.0, trainable=False, name="scale")
                    self.table = tf.Variable(make_table(input_dim), name="table")
            """,
            after="""
            import tensorflow as tf
            import keras

            class MyCustomLayer(keras.layers.Layer):
                def build(self, input_shape):
                    input_dim = input_shape[-1]
                    self.w = self.add_weight(shape=[input_dim, self.units], initializer="zeros")
                    self.scale = self.add_weight(shape=(), initializer=keras.initializers.Constant(2.0), trainable=False, name="scale")
                    table_value = make_table(input_dim)
                    self.table = self.add_weight(shape=keras.ops.shape(table_value), initializer=keras.initializers.Constant(table_value), name="table")
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Linear(keras.layers.Layer):
                def __init__(self, units, input_dim):
                    super().__init__()
                    w_init = tf.random_normal_initializer()
                    self.w = tf.Variable(
                        initial_value=w_init(shape=(input_dim, units), dtype="float32"),
                        trainable=True,
                    )
            """,
            after="""
            import tensorflow as tf
            import keras

            class Linear(keras.layers.Layer):
                def __init__(self, units, input_dim):
                    super().__init__()
                    w_init = tf.random_normal_initializer()
                    self.w = self.add_weight(shape=(input_dim, units), initializer=w_init, trainable=True, dtype="float32")
            """,
        ),
        Example(
            # A Metric's add_weight() variable, read in a subclass defined in the file.
            before="""
            import keras

            class Total(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.total = self.add_weight(name="total", initializer="zeros")

            class Snapshot(Total):
                def result(self):
                    return self.total.read_value()
            """,
            after="""
            import keras

            class Total(keras.metrics.Metric):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.total = self.add_weight(name="total", initializer="zeros")

            class Snapshot(Total):
                def result(self):
                    return keras.ops.copy(self.total)
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        # TF-only methods of the attributes this rule turns into Keras variables, and of
        # add_weight() results.
        rewritten = rewrite_method(self.ctx, updated, (LAYER,))
        if rewritten is None:
            return updated
        self.fired()
        return rewritten

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if not self.ctx.class_stack or not self.ctx.function_stack or len(original.body) != 1:
            return updated
        assign = original.body[0]
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return updated
        target = assign.targets[0].target
        call = assign.value
        if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                and target.value.value == "self" and isinstance(call, cst.Call)
                and self.ctx.qualified_name(call.func) == "tensorflow.Variable"):
            return updated
        if not is_keras_class(self.ctx, self.ctx.class_stack[-1], layer=True):
            return updated
        planned = self._plan(call, _twin(call, updated.body[0].value), target.attr.value)
        if isinstance(planned, str):
            self.report(call, f"tf.Variable attributes are not tracked by Keras 3 layers ({planned})",
                        fix=f"create it with self.{target.attr.value} = self.add_weight(shape=..., "
                            "initializer=..., trainable=..., name=...)")
            return updated
        pre, args = planned
        new_call = cst.Call(func=dotted("self.add_weight"), args=comma_separated(args))
        new_assign = updated.body[0].with_changes(value=new_call)
        self.fired()
        line = updated.with_changes(body=[new_assign])
        if pre is None:
            return line
        return cst.FlattenSentinel([cst.SimpleStatementLine(body=[pre]), line])

    def _plan(self, call: cst.Call, new: cst.Call, attr: str):
        """Decisions on the original call (names resolve there); values from `new`, the
        call as other rules already rewrote its children."""
        initial = new_initial = None
        kept: Dict[str, cst.BaseExpression] = {}
        for i, (arg, new_arg) in enumerate(zip(call.args, new.args)):
            if arg.star:
                return "*args cannot be mapped"
            if arg.keyword is None:
                if i == 0:
                    initial, new_initial = arg.value, new_arg.value
                elif i == 1:
                    kept["trainable"] = new_arg.value
                else:
                    return "positional arguments beyond trainable"
            elif arg.keyword.value == "initial_value":
                initial, new_initial = arg.value, new_arg.value
            elif arg.keyword.value in _KEPT:
                kept[arg.keyword.value] = new_arg.value
            elif arg.keyword.value not in _SKIP_OK:
                return f"argument {arg.keyword.value}= has no add_weight equivalent"
        if initial is None:
            return "no initial value"
        pre = None
        keras_name = None
        args: List[cst.Arg] = []
        fill = self._fill(initial, _twin(initial, new_initial))
        if fill is not None:
            shape, init, dtype = fill
            args = [keyword("shape", shape), keyword("initializer", cst.SimpleString(f'"{init}"'))]
            if dtype is not None and "dtype" not in kept:
                kept["dtype"] = dtype
        elif isinstance(initial, (cst.Float, cst.Integer)) or _is_bool(initial) or (
                isinstance(initial, cst.UnaryOperation) and isinstance(initial.expression, (cst.Float, cst.Integer))):
            number = initial.expression if isinstance(initial, cst.UnaryOperation) else initial
            if not isinstance(number, cst.Float) and "dtype" not in kept:
                # tf.Variable(3) is int32, tf.Variable(True) bool: never trained by TF, and
                # torch refuses gradients for them.
                kept["dtype"] = cst.SimpleString('"bool"' if _is_bool(number) else '"int32"')
                kept.setdefault("trainable", cst.Name("False"))
            keras_name = self.ctx.require_keras()
            args = [keyword("shape", cst.Tuple([])),
                    keyword("initializer", cst.Call(dotted(f"{keras_name}.initializers.Constant"), [cst.Arg(new_initial)]))]
        elif self._initializer_call(initial, _twin(initial, new_initial)) is not None:
            init, shape, dtype = self._initializer_call(initial, _twin(initial, new_initial))
            args = [keyword("shape", shape), keyword("initializer", init)]
            if dtype is not None and "dtype" not in kept:
                kept["dtype"] = dtype
        else:
            keras_name = self.ctx.require_keras()
            local = f"{attr.lstrip('_')}_value"
            pre = cst.Assign(targets=[cst.AssignTarget(cst.Name(local))], value=new_initial)
            # A Python number (math.sqrt(...), float(...)) has no .shape on JAX/PyTorch.
            shape = "()" if self._python_scalar(initial) else f"{keras_name}.ops.shape({local})"
            args = [keyword("shape", cst.parse_expression(shape)),
                    keyword("initializer", cst.parse_expression(f"{keras_name}.initializers.Constant({local})"))]
        for name in _KEPT:
            if name in kept:
                args.append(keyword(name, kept[name]))
        return pre, args

    def _python_scalar(self, node: cst.BaseExpression) -> bool:
        """An expression whose value is a Python float/int: a call of float/int/abs/round or
        of a math function (keras-io vit_small_ds: tf.Variable(math.sqrt(float(d))))."""
        if not isinstance(node, cst.Call):
            return False
        if isinstance(node.func, cst.Name) and node.func.value in ("float", "int", "abs", "round"):
            return True
        return (self.ctx.qualified_name(node.func) or "").startswith("math.")

    def _fill(self, node, new) -> Optional[Tuple[cst.BaseExpression, str, Optional[cst.BaseExpression]]]:
        if not isinstance(node, cst.Call):
            return None
        init = _FILLS.get(self.ctx.qualified_name(node.func) or "")
        if init is None:
            return None
        bound = _shape_and_dtype(new.args, ignored=("name",))
        if bound is None:
            return None
        shape, dtype = bound
        if dtype is None and (self.ctx.qualified_name(node.func) or "").startswith("numpy."):
            dtype = cst.SimpleString('"float64"')  # numpy's default, kept by tf.Variable
        return shape, init, dtype

    def _initializer_call(self, node, new):
        """`init(shape=(a, b), dtype=...)` where init is an initializer object/instance."""
        if not isinstance(node, cst.Call) or not isinstance(new, cst.Call):
            return None
        func = node.func
        qualified = self.ctx.qualified_name(func) or ""
        if qualified.startswith("tensorflow.") and not ("initializer" in qualified.lower()):
            return None  # a TF op (tf.random.normal(...)) is a value, not an initializer
        if isinstance(func, cst.Call):
            inner = self.ctx.qualified_name(func.func) or ""
            if "initializer" not in inner.lower():
                return None
        elif isinstance(func, cst.Name):
            if "init" not in func.value.lower():
                return None
        else:
            return None
        bound = _shape_and_dtype(new.args)
        if bound is None:
            return None
        shape, dtype = bound
        return new.func, shape, dtype


def _is_bool(node) -> bool:
    return isinstance(node, cst.Name) and node.value in ("True", "False")


def _twin(original, updated):
    """`updated` when it still has `original`'s argument layout (so values can be taken
    from it position by position), else `original`."""
    if isinstance(original, cst.Call) and isinstance(updated, cst.Call) and len(original.args) == len(updated.args) \
            and all((a.keyword is None) == (b.keyword is None) and (a.keyword is None or a.keyword.value == b.keyword.value)
                    for a, b in zip(original.args, updated.args)):
        return updated
    return original


