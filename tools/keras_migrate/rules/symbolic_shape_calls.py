"""KM222 symbolic_shape_calls: a function reading a KerasTensor's dynamic shape -> a Lambda layer.

Keras 2 ran TF ops on the symbolic tensors of functional model construction as layers:
`n, h, w, c = tf.shape(x)` gave a tensor `n` for the unknown batch size, fine in
`tf.minimum(4, n)` or `tf.reshape(x, [n, -1])`. Keras 3's shape of a KerasTensor has None
there, and the next op fails on every backend ("None is not a valid value"; keras.io's
StyleGAN `minibatch_std` in its discriminator). A call of such a file function with a
KerasTensor becomes `BatchLambda(f)(x)` (keras_migrate_runtime): a Lambda layer, so the
function runs on real tensors whose batch size is known (the guide's advice for TF code on
KerasTensors), which infers its output shape at a batch size its groups divide.

A function qualifies when one of its parameters is passed a KerasTensor somewhere in the
file, its body reads that parameter's dynamic shape (`tf.shape(p)` unpacked, or
`tf.shape(p)[0]`) and uses the batch size it read, and it creates no layers or variables
(a Lambda layer would not track their weights: reported instead, with the fix). Kept on
TensorFlow (--mode tensorflow), the function's `n, h, w, c = tf.shape(x)` becomes
`tf.unstack(tf.shape(x))`: the Lambda traces it in graph mode, where a tensor cannot be
unpacked.
"""

from __future__ import annotations


import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules import _scan
from keras_migrate.rules._keras import Part
from keras_migrate.rules.tf_ops_on_keras_tensors import batch_lambda_functions, keras_tensors, lambda_over_argument

__all__ = ["SymbolicShapeCalls"]

class SymbolicShapeCalls(Rule):
    id = "KM222"
    name = "symbolic_shape_calls"
    description = ("A file function reading the batch size of a KerasTensor's dynamic shape (None in Keras 3) "
                   "is applied as a keras.layers.Lambda, which runs it on real tensors.")
    part = Part.TENSORFLOW
    TRIGGERS = ("shape",)
    EXAMPLES = (
        # keras.io's StyleGAN: the discriminator's minibatch standard deviation.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def minibatch_std(input_tensor, epsilon=1e-8):
                n, h, w, c = tf.shape(input_tensor)
                group_size = tf.minimum(4, n)
                x = tf.reshape(input_tensor, [group_size, -1, h, w, c])
                return tf.concat([input_tensor, tf.tile(tf.reduce_mean(x, axis=0)[:1], [n, 1, 1, 1])], axis=-1)

            def tail(x, scale):
                return x * tf.cast(tf.shape(x)[0], "float32") * scale

            inputs = keras.Input(shape=(4, 4, 8))
            x = minibatch_std(inputs)
            y = tail(keras.layers.Conv2D(8, 3)(x), 0.5)
            model = keras.Model(inputs, y)
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import BatchLambda

            def minibatch_std(input_tensor, epsilon=1e-8):
                n, h, w, c = tf.shape(input_tensor)
                group_size = tf.minimum(4, n)
                x = tf.reshape(input_tensor, [group_size, -1, h, w, c])
                return tf.concat([input_tensor, tf.tile(tf.reduce_mean(x, axis=0)[:1], [n, 1, 1, 1])], axis=-1)

            def tail(x, scale):
                return x * tf.cast(tf.shape(x)[0], "float32") * scale

            inputs = keras.Input(shape=(4, 4, 8))
            x = BatchLambda(minibatch_std)(inputs)
            y = BatchLambda(lambda t: tail(t, 0.5))(keras.layers.Conv2D(8, 3)(x))
            model = keras.Model(inputs, y)
            """,
            diagnostics=("KM222", "KM222"),
        ),
        # Kept on TensorFlow: the shape is unstacked (graph mode cannot unpack a tensor).
        Example(
            before="""
            import tensorflow as tf
            import keras

            def minibatch_std(x):
                n, h, w, c = tf.shape(x)
                return tf.concat([x, tf.fill([n, h, w, 1], tf.math.reduce_std(x))], axis=-1)

            inputs = keras.Input(shape=(4, 4, 8))
            model = keras.Model(inputs, minibatch_std(inputs))
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import BatchLambda

            def minibatch_std(x):
                n, h, w, c = tf.unstack(tf.shape(x))
                return tf.concat([x, tf.fill([n, h, w, 1], tf.math.reduce_std(x))], axis=-1)

            inputs = keras.Input(shape=(4, 4, 8))
            model = keras.Model(inputs, BatchLambda(minibatch_std)(inputs))
            """,
            diagnostics=("KM222",),
            mode="tensorflow",
        ),
        # Static dimensions only, or no KerasTensor passed: left alone.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def flat(x):
                b, h, w, c = tf.shape(x)
                return tf.reshape(x, [-1, h * w * c])

            def scale(x):
                return x / tf.cast(tf.shape(x)[0], "float32")

            inputs = keras.Input(shape=(4, 4, 8))
            model = keras.Model(inputs, flat(inputs))
            batch = scale(tf.ones((2, 3)))
            """,
        ),
        # A function that also builds layers cannot be a Lambda: reported.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def block(x):
                n = tf.shape(x)[0]
                return keras.layers.Dense(4)(tf.reshape(x, [n, -1]))

            inputs = keras.Input(shape=(4, 4))
            model = keras.Model(inputs, block(inputs))
            """,
            diagnostics=("KM222",),
        ),
    )

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """`n, h, w, c = tf.shape(x)` in such a function, kept on TensorFlow (--mode
        tensorflow): a Lambda traces it in graph mode, where a tensor cannot be iterated;
        tf.unstack gives the same scalars."""
        if self.ctx.mode != "tensorflow" or not self.ctx.function_stack:
            return updated
        entry = batch_lambda_functions(self.ctx).get(self.ctx.function_stack[0].name.value)
        value = updated.value
        if entry is None or entry[1] or len(updated.targets) != 1 \
                or not isinstance(updated.targets[0].target, (cst.Tuple, cst.List)) \
                or not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute) \
                or self.ctx.qualified_name(original.value.func) != "tensorflow.shape":
            return updated
        self.fired()
        return updated.with_changes(value=cst.Call(func=value.func.with_changes(attr=cst.Name("unstack")),
                                                   args=[cst.Arg(value)]))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not isinstance(func, cst.Name):
            return updated
        entry = batch_lambda_functions(self.ctx).get(func.value)
        if entry is None or self.ctx.names.bindings.get(func.value):
            return updated
        index, builds_state = entry
        args = list(updated.args)
        if index >= len(args) or any(a.star or a.keyword is not None for a in args[:index + 1]):
            return updated
        tensors = keras_tensors(self.ctx)
        scope = _scan.cst_scope(self.ctx)
        if not tensors.is_tensor(original.args[index].value, scope, self.ctx):
            return updated
        if builds_state:
            self.report(original, f"{func.value}() reads the batch size of a KerasTensor's shape, None in Keras 3 "
                                  "(Keras 2 gave a tensor), and creates layers: it fails there",
                        f"compute what needs the batch size inside a custom Layer's call() (the real tensor "
                        f"has it), or keep {func.value}'s layers outside and apply the rest as "
                        "keras.layers.Lambda(...)")
            return updated
        fed = args[index].value
        if len(args) == 1:
            body: cst.BaseExpression = func
        else:
            body, _ = lambda_over_argument(updated, index)
        self.ctx.use_runtime("BatchLambda")
        layer = cst.Call(func=cst.Name("BatchLambda"), args=[cst.Arg(body)])
        self.fired()
        self.report(original, f"{func.value}() reads the batch size of a KerasTensor's shape (None in Keras 3): "
                              "applied as keras_migrate_runtime.BatchLambda, a Lambda layer (which runs it "
                              "on real tensors) inferring its output at a concrete batch size; a .keras file "
                              "holding it loads only with safe_mode=False", severity=Severity.INFO)
        return cst.Call(func=layer, args=[cst.Arg(fed.with_changes(lpar=[], rpar=[])
                                                  if isinstance(fed, cst.Name) else fed)])
