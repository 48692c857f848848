"""Keras 2's loss functions called directly, `keras.losses.binary_crossentropy(y, p)`.

Keras 2's functions computed elementwise on the labels and predictions as given, so
TensorFlow broadcast them: labels of shape (batch,) against predictions (batch, 1) gave
a (batch, batch) loss averaged over its last axis (keras.io molecule_generation's
property loss). Keras 3's functions first bring the two to one rank (the mean-error
family: an elementwise loss, other numbers) or refuse (binary_crossentropy: "must have
the same rank"). Only a direct call differs: Keras 2's compiled losses and Loss classes
squeezed the labels the way Keras 3 does.
"""

import functools

import keras
from keras import ops

__all__ = ["keras2_broadcasting"]


def keras2_broadcasting(loss_function):
    """`loss_function` with Keras 2's broadcasting of labels against predictions; the same
    function where their shapes agree."""

    @functools.wraps(loss_function)
    def loss(y_true, y_pred, *args, **kwargs):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)  # (Keras 2's functions did the same)
        if tuple(y_true.shape) != tuple(y_pred.shape):
            # broadcast both to their common shape (adding zeros: exact, and it works with
            # the unknown batch sizes of traced functions)
            y_true, y_pred = y_true + ops.zeros_like(y_pred), y_pred + ops.zeros_like(y_true)
        return loss_function(y_true, y_pred, *args, **kwargs)

    return loss


# Keras' name for each function whose Keras 2 version broadcast (categorical
# crossentropy asserted equal shapes, sparse ones take other labels). Shared with the
# migrator's rule (tools/keras_migrate/rules/loss_function_calls.py pins them equal).
BROADCASTING_LOSSES = (
    "binary_crossentropy", "binary_focal_crossentropy", "mean_squared_error", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "hinge", "squared_hinge",
    "categorical_hinge", "log_cosh", "poisson", "kl_divergence", "huber",
)
