"""Keras 2 activations that Keras 3 computes differently or no longer accepts by name.

`activation="hard_sigmoid"` was clip(0.2 * x + 0.5, 0, 1) in Keras 2; Keras 3's
hard_sigmoid is relu6(x + 3) / 6. Keras 2 also accepted the layer class names
"LeakyReLU" (alpha 0.3) and "ThresholdedReLU" (theta 1.0) as activation strings; Keras 3
rejects them. These functions compute the Keras 2 values on every backend and are
registered, so models using them save and load by name.
"""

import keras

__all__ = ["keras2_hard_sigmoid", "keras2_leaky_relu", "keras2_thresholded_relu"]


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
def keras2_hard_sigmoid(x):
    """Keras 2's hard_sigmoid: clip(0.2 * x + 0.5, 0, 1)."""
    x = keras.ops.convert_to_tensor(x)
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
def keras2_leaky_relu(x, alpha=0.3):
    """Keras 2's `activation="LeakyReLU"`: a LeakyReLU layer with its default alpha 0.3."""
    return keras.activations.leaky_relu(x, negative_slope=alpha)


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
def keras2_thresholded_relu(x, theta=1.0):
    """Keras 2's `activation="ThresholdedReLU"`: x where x > theta (default 1.0), else 0."""
    return keras.activations.relu(x, threshold=theta)
