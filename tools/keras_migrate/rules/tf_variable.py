"""KM204 tf_variable: tf.Variable outside layers -> keras.Variable.

Inside Layer/Model classes the variable_tracking rule turns tf.Variable attributes into
add_weight(); this rule only handles the rest (module level, functions, plain classes).
`.assign()` / `.assign_add()` / `.numpy()` keep working on keras.Variable; TF-only methods
of these variables (read_value(), scatter_nd_update(), `v[i].assign(x)`, ...) are
rewritten (rules/_variables.py), also on a function's parameter that every call in the
file passes such a variable. `tf.Variable(True)` / `tf.Variable(3)` /
`tf.Variable(0, dtype=tf.int64)` get trainable=False unless given (PyTorch refuses to create trainable bool/int variables;
TensorFlow never computed their gradients).
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine._names import module_name

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import DATA_CALLS, data_context, drop_tensorflow_import_if_unused, in_keras_class_method
from keras_migrate.rules._util import NO_SPACE, as_keyword, as_positional, code, respaced_like
from keras_migrate.rules._args import bind
from keras_migrate.rules._variables import PLAIN, rewrite_method, variables

__all__ = ["TfVariable"]

# tf.Variable(initial_value, trainable, validate_shape, caching_device, name, variable_def,
#             dtype, import_scope, constraint, synchronization, aggregation, shape)
_TF_PARAMS = ("initial_value", "trainable", "validate_shape", "caching_device", "name", "variable_def",
              "dtype", "import_scope", "constraint", "synchronization", "aggregation", "shape")
# keras.Variable(initializer, shape=None, dtype=None, trainable=True, autocast=True,
#                aggregation="none", synchronization="auto", name=None)
_KERAS_KEYWORDS = {"initial_value": None, "trainable": "trainable", "name": "name", "dtype": "dtype",
                   "shape": "shape"}
_DROPPABLE = {"validate_shape": ("True",), "caching_device": ("None",), "import_scope": ("None",),
              "variable_def": ("None",), "constraint": ("None",)}


class TfVariable(Rule):
    id = "KM204"
    name = "tf_variable"
    description = "Rewrite tf.Variable outside Keras layers to keras.Variable (works on every backend)."
    part = Part.AGNOSTIC
    TRIGGERS = ("Variable",)
    regions = (DATA_CALLS,)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras
            step = tf.Variable(0, trainable=False, name="step")
            step.assign_add(1)
            """,
            after="""
            import keras
            step = keras.Variable(0, trainable=False, name="step")
            step.assign_add(1)
            """,
        ),
        # Integer and boolean variables are never trained (PyTorch refuses trainable ones).
        Example(
            before="""
            import tensorflow as tf
            import keras
            step = tf.Variable(0, dtype=tf.int64)
            done = tf.Variable(False)
            count = tf.Variable(0, dtype="int32", name="count")
            scale = tf.Variable(1, dtype=tf.float32)
            """,
            after="""
            import tensorflow as tf
            import keras
            step = keras.Variable(0, dtype=tf.int64, trainable=False)
            done = keras.Variable(False, trainable=False)
            count = keras.Variable(0, dtype="int32", name="count", trainable=False)
            scale = keras.Variable(1, dtype=tf.float32)
            """,
        ),
        # A function's parameter that every call in the file passes a tf.Variable reads
        # like one (read_value() is TensorFlow's only); one also given other values is left.
        Example(
            before="""
            import tensorflow as tf
            import keras
            counter = tf.Variable(0.0)
            total = tf.Variable(1.0)

            def bump(v, x):
                v.assign_add(x)
                return v.read_value()

            def peek(w):
                return w.read_value()

            bump(counter, 1.0)
            bump(total, 2.0)
            peek(counter)
            peek(model.optimizer.iterations)
            """,
            after="""
            import keras
            counter = keras.Variable(0.0)
            total = keras.Variable(1.0)

            def bump(v, x):
                v.assign_add(x)
                return keras.ops.copy(v)

            def peek(w):
                return w.read_value()

            bump(counter, 1.0)
            bump(total, 2.0)
            peek(counter)
            peek(model.optimizer.iterations)
            """,
            diagnostics=("KM204",),
        ),
        # Layer attributes are the variable_tracking rule's (add_weight).
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Scale(keras.layers.Layer):
                def build(self, shape):
                    self.s = tf.Variable(1.0)
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.ctx.qualified_name(original.func) != "tensorflow.Variable":
            return self._method(original, updated)
        if module_name(updated.func) != module_name(original.func) or self._data.active(self.ctx, excluding=original):
            return updated
        if in_keras_class_method(self.ctx) is not None:
            return updated
        bound = bind(updated, _TF_PARAMS)
        if bound is None or "initial_value" not in bound:
            self.report(original, "tf.Variable arguments cannot be matched to keras.Variable",
                        "keras.Variable(initializer, shape=None, dtype=None, trainable=True, name=None)")
            return updated
        args = []
        for param, arg in bound.items():
            if param in _DROPPABLE:
                if code(arg.value) in _DROPPABLE[param]:
                    continue
                self.report(original, f"tf.Variable({param}=...) has no keras.Variable equivalent",
                            f"drop {param}= (or keep this variable on TensorFlow)")
                return updated
            if param not in _KERAS_KEYWORDS:
                self.report(original, f"tf.Variable({param}=...) is TensorFlow-specific",
                            f"drop {param}= and use keras.Variable")
                return updated
            args.append((param, arg))
        new_args = []
        for param, arg in args:
            keyword = _KERAS_KEYWORDS[param]
            if keyword is None:
                arg = as_positional(arg)
            elif arg.keyword is None:
                arg = as_keyword(arg, keyword)
            new_args.append(arg)
        new_args = respaced_like(new_args, updated.args)
        # The initial value first (keras.Variable's `initializer`).
        new_args.sort(key=lambda a: a.keyword is not None)
        new_args = _integral_defaults(bound, new_args)
        keras = self.ctx.require_keras()
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)
        return updated.with_changes(func=cst.Attribute(value=cst.Name(keras), attr=cst.Name("Variable")),
                                    args=respaced_like(new_args, updated.args))

    def _method(self, original: cst.Call, updated: cst.Call):
        if self._data.active(self.ctx, excluding=original):
            return updated
        rewritten = rewrite_method(self.ctx, updated, (PLAIN,))
        if rewritten is None:
            self._unknown_receiver(original)
            return updated
        self.fired()
        return rewritten


    def _unknown_receiver(self, call: cst.Call) -> None:
        """A TensorFlow-only variable method on something this file may have made a
        keras.Variable, which has no such method: said, with the Keras 3 spelling."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value in _VARIABLE_ONLY_METHODS
                and isinstance(func.value, (cst.Name, cst.Attribute)) and not call.args):
            return
        if PLAIN not in variables(self.ctx).values() or in_keras_class_method(self.ctx) is not None:
            return
        self.report(call, f"{code(func.value)}.{func.attr.value}(): Keras 3 variables have no "
                          f"{func.attr.value}(), and this file turns its tf.Variables into keras.Variable; "
                          "if this is one of them, the call raises AttributeError",
                    f"keras.ops.copy({code(func.value)})")


# Methods only TensorFlow variables have (with no arguments: reads).
_VARIABLE_ONLY_METHODS = frozenset({"read_value"})


def _integral_defaults(bound, args):
    """tf.Variable(True) / tf.Variable(3) (keras.Variable infers the same bool / int32):
    untrained, as TensorFlow never computed their gradients; keras.Variable's default
    trainable=True makes PyTorch refuse to create them."""
    if "trainable" in bound:
        return args
    if "dtype" in bound:
        # tf.Variable(0, dtype=tf.int64) / dtype="int32" / dtype=tf.bool
        dtype = bound["dtype"].value
        name = dtype.evaluated_value if isinstance(dtype, cst.SimpleString) else (
            dtype.attr.value if isinstance(dtype, cst.Attribute) else None)
        integral = isinstance(name, str) and name.rstrip("0123456789") in ("int", "uint", "bool")
    else:
        value = bound["initial_value"].value
        if isinstance(value, cst.UnaryOperation):
            value = value.expression
        integral = isinstance(value, cst.Integer) or (isinstance(value, cst.Name) and value.value in ("True", "False"))
    if not integral:
        return args
    return list(args) + [cst.Arg(cst.Name("False"), keyword=cst.Name("trainable"), equal=NO_SPACE)]




