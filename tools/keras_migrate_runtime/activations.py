"""Keras 2 activations that Keras 3 computes differently or no longer accepts by name.

`activation="hard_sigmoid"` was clip(0.2 * x + 0.5, 0, 1) in Keras 2; Keras 3's
hard_sigmoid is relu6(x + 3) / 6. Keras 2 also accepted the layer class names
"LeakyReLU" (alpha 0.3) and "ThresholdedReLU" (theta 1.0) as activation strings; Keras 3
rejects them. These functions compute the Keras 2 values on every backend and are
registered, so models using them save and load by name.
"""

import keras

from .tf_ops import clip_by_value, leaky_relu

__all__ = ["keras2_hard_sigmoid", "keras2_leaky_relu", "keras2_thresholded_relu"]


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
def keras2_hard_sigmoid(x):
    """Keras 2's hard_sigmoid: clip(0.2 * x + 0.5, 0, 1)."""
    x = keras.ops.convert_to_tensor(x)
    return clip_by_value(0.2 * x + 0.5, 0.0, 1.0)  # TF's gradient at the bounds


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
def keras2_leaky_relu(x, alpha=0.3):
    """Keras 2's `activation="LeakyReLU"`: a LeakyReLU layer with its default alpha 0.3
    (tf.nn.leaky_relu, with TF's gradient alpha at 0 on every backend)."""
    return leaky_relu(x, alpha)


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
def keras2_thresholded_relu(x, theta=1.0):
    """Keras 2's `activation="ThresholdedReLU"`: x where x > theta (default 1.0), else 0."""
    return keras.activations.relu(x, threshold=theta)
