"""KM248 explicit_training: `training=` given to a layer while a functional model is built stays given.

`x = base_model(inputs, training=False)` is how Keras 2 code fine-tunes (keras.io's
transfer-learning guide): BatchNormalization inside the base keeps its moving statistics
and runs in inference mode while the layers above train, whatever `trainable` says.
`Dropout(0.5)(x, training=True)` keeps dropout on at predict (Monte Carlo dropout).
Keras 2 honoured the argument given at the call; Keras 3.15's functional models overwrite
it with the outer mode (fit: True, predict: False) on every backend, so fine-tuning
silently trains BatchNormalization statistics (found with keras-migrate verify on a
fine-tuning program: moving means moved, losses differed from the first fine-tuning
epoch) and Monte Carlo dropout is silently off. Such calls, on tensors that come from
keras.Input(...) in the same function, become keras_migrate_runtime's
`keras2_call(layer, x, training=...)`, which keeps explicit arguments in functional
models as Keras 2 did. Eager calls on data and calls inside a layer's call() are left
alone (Keras 3 honours those).
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._keras import Part
from keras_migrate.rules._reads import SymbolicNames
from keras_migrate.rules._util import keyword_arg

__all__ = ["ExplicitTraining"]

HELPER = "keras2_call"


class ExplicitTraining(SymbolicNames, Rule):
    id = "KM248"
    name = "explicit_training"
    description = ("`layer(x, training=False/True)` on a symbolic tensor (a functional model being built) -> "
                   "keras_migrate_runtime.keras2_call(layer, x, training=...): Keras 3's functional models "
                   "replace the given value by fit()'s or predict()'s mode, Keras 2 kept it.")
    part = Part.TENSORFLOW
    TRIGGERS = ("training=",)
    EXAMPLES = (
        # keras.io's transfer-learning guide, Keras 2 edition.
        Example(
            before="""
            from tensorflow import keras
            base_model = keras.applications.Xception(weights="imagenet", include_top=False)
            base_model.trainable = False
            inputs = keras.Input(shape=(150, 150, 3))
            x = data_augmentation(inputs)
            x = base_model(x, training=False)
            x = keras.layers.GlobalAveragePooling2D()(x)
            x = keras.layers.Dropout(0.2)(x, training=True)
            outputs = keras.layers.Dense(1)(x)
            model = keras.Model(inputs, outputs)
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_call
            base_model = keras.applications.Xception(weights="imagenet", include_top=False)
            base_model.trainable = False
            inputs = keras.Input(shape=(150, 150, 3))
            x = data_augmentation(inputs)
            x = keras2_call(base_model, x, training=False)
            x = keras.layers.GlobalAveragePooling2D()(x)
            x = keras2_call(keras.layers.Dropout(0.2), x, training=True)
            outputs = keras.layers.Dense(1)(x)
            model = keras.Model(inputs, outputs)
            """,
            full=True,
        ),
        # In a builder function, through a list of tensors; `training=None` takes the
        # outer mode in both Kerases.
        Example(
            before="""
            import tensorflow as tf
            def build(encoder):
                a = tf.keras.layers.Input((8,))
                b = tf.keras.layers.Input((8,))
                merged = tf.keras.layers.Concatenate()([a, b])
                return encoder([merged, a], training=False), encoder(merged, training=None)
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import keras2_call
            def build(encoder):
                a = tf.keras.layers.Input((8,))
                b = tf.keras.layers.Input((8,))
                merged = tf.keras.layers.Concatenate()([a, b])
                return keras2_call(encoder, [merged, a], training=False), encoder(merged, training=None)
            """,
        ),
        # Eager calls on data, calls in a layer's call(), rebound names and runtime helpers (an
        # earlier run's output) are left alone.
        Example(
            before="""
            import tensorflow as tf
            preds = model(x_test, training=False)
            class Block(tf.keras.layers.Layer):
                def call(self, inputs, training=None):
                    return self.bn(inputs, training=False)
            x = tf.keras.Input((3,))
            x = np.ones((2, 3))
            y = model(x, training=False)
            inputs = tf.keras.Input((3,))
            for inputs, labels in dataset:
                logits = model(inputs, training=True)
            def step(inputs):
                return model(inputs, training=True)
            from keras_migrate_runtime import call_without_gradients
            sampler_in = tf.keras.Input((3,))
            sampled = call_without_gradients(model, sampler_in, training=False)
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        training = keyword_arg(original, "training")
        if training is None or (isinstance(training.value, cst.Name) and training.value.value == "None"):
            return updated
        if isinstance(updated.func, cst.Name) and (updated.func.value == HELPER
                                                   or updated.func.value in self.ctx.runtime_imports):
            return updated  # a runtime helper another rule put there
        qualified = self.ctx.names.qualified_name(original.func)
        if qualified is not None and qualified.split(".")[0] == self.ctx.runtime_module:
            return updated  # a runtime helper an earlier run put there
        first = next((a for a in original.args if a.keyword is None and not a.star), None)
        if first is None or not self.is_symbolic(first.value):
            return updated
        self.ctx.use_runtime(HELPER)
        self.fired()
        return updated.with_changes(func=cst.Name(HELPER), args=[cst.Arg(updated.func, comma=cst.Comma(
            whitespace_after=cst.SimpleWhitespace(" "))), *updated.args])
