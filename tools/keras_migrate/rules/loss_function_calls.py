"""KM225 loss_function_calls: Keras 2 loss functions called directly broadcast.

`keras.losses.binary_crossentropy(qed_true, qed_pred)` with labels of shape (batch,) and
predictions (batch, 1) (keras.io molecule_generation's property loss): Keras 2's function
let TensorFlow broadcast the two to (batch, batch) and averaged the last axis. Keras 3's
function refuses it ("must have the same rank"), and its mean-error functions first
bring the labels to the predictions' rank: other numbers, silently. A direct call of a
function Keras 2 broadcast in goes through keras_migrate_runtime's keras2_broadcasting,
which broadcasts where the shapes differ and is the function itself where they agree.
A function passed as a value (`compile(loss=keras.losses.mse)`) is unchanged: Keras 2's
compiled losses squeezed the labels as Keras 3's do.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule

__all__ = ["LossFunctionCalls"]

WRAPPER = "keras2_broadcasting"

# Keras' names of the functions whose Keras 2 versions broadcast labels against
# predictions; keras_migrate_runtime.loss_functions.BROADCASTING_LOSSES (a test pins
# the two equal).
BROADCASTING_LOSSES = (
    "binary_crossentropy", "binary_focal_crossentropy", "mean_squared_error", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "hinge", "squared_hinge",
    "categorical_hinge", "log_cosh", "poisson", "kl_divergence", "huber",
)
_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error", "mape": "mean_absolute_percentage_error",
            "msle": "mean_squared_logarithmic_error", "logcosh": "log_cosh", "kld": "kl_divergence",
            "kullback_leibler_divergence": "kl_divergence"}
_PATHS = frozenset(f"{module}.{name}" for module in ("losses", "metrics")
                   for name in BROADCASTING_LOSSES + tuple(_ALIASES))


class LossFunctionCalls(Rule):
    id = "KM225"
    name = "loss_function_calls"
    description = ("A Keras loss function called directly (keras.losses.binary_crossentropy(y, p)) broadcast "
                   "labels against predictions in Keras 2; keras2_broadcasting keeps that in Keras 3.")
    TRIGGERS = ("losses", "metrics") + BROADCASTING_LOSSES + tuple(_ALIASES)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras

            def property_loss(qed_true, qed_pred):
                return keras.backend.mean(keras.losses.binary_crossentropy(qed_true, qed_pred))
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_broadcasting

            def property_loss(qed_true, qed_pred):
                return keras.backend.mean(keras2_broadcasting(keras.losses.binary_crossentropy)(qed_true, qed_pred))
            """,
        ),
        # Imported names and aliases; keyword arguments pass through.
        Example(
            before="""
            from tensorflow.keras.losses import mse, huber

            def loss(y, p):
                return mse(y, p) + huber(y, p, delta=0.5)
            """,
            after="""
            from tensorflow.keras.losses import mse, huber
            from keras_migrate_runtime import keras2_broadcasting

            def loss(y, p):
                return keras2_broadcasting(mse)(y, p) + keras2_broadcasting(huber)(y, p, delta=0.5)
            """,
        ),
        # Passed as a value, a Loss class, or categorical crossentropy (Keras 2 asserted
        # equal shapes): unchanged.
        Example(
            before="""
            from tensorflow import keras

            model.compile(loss=keras.losses.mse, metrics=[keras.metrics.mae])
            bce = keras.losses.BinaryCrossentropy()(y, p)
            cce = keras.losses.categorical_crossentropy(y, p)
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.ctx.keras_path(original.func) not in _PATHS:
            return updated
        self.ctx.use_runtime(WRAPPER)
        self.fired()
        return updated.with_changes(func=cst.Call(cst.Name(WRAPPER), [cst.Arg(updated.func)]))
