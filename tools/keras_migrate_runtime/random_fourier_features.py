"""keras.layers.experimental.RandomFourierFeatures (removed in Keras 3), backend-agnostic."""

import numpy as np

import keras
from keras import ops

from ._surface import Keras2Surface

__all__ = ["RandomFourierFeatures"]

_SUPPORTED_RBF_KERNEL_TYPES = ("gaussian", "laplacian")


def _cauchy_initializer(shape):
    # Keras 2 draws the Laplacian kernel's Cauchy samples from numpy's global RNG
    # (so keras.utils.set_random_seed / np.random.seed reproduce them); kept.
    probs = np.random.uniform(low=0.0, high=1.0, size=shape)
    samples = 0.0 + 1.0 * np.tan(np.pi * (probs - 0.5))

    def initializer(shape, dtype=None):
        return ops.cast(samples, dtype or "float32")

    return initializer


def _features_initializer(initializer, shape):
    if isinstance(initializer, str):
        if initializer.lower() == "gaussian":
            return keras.initializers.RandomNormal(stddev=1.0)
        if initializer.lower() == "laplacian":
            return _cauchy_initializer(shape)
        raise ValueError(
            f'Unsupported `kernel_initializer`: "{initializer}" Expected one of: {_SUPPORTED_RBF_KERNEL_TYPES}'
        )
    return keras.initializers.get(initializer)


def _default_scale(initializer, input_dim):
    if isinstance(initializer, str) and initializer.lower() == "gaussian":
        return float(np.sqrt(input_dim / 2.0))
    return 1.0


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class RandomFourierFeatures(Keras2Surface, keras.layers.Layer):
    """Maps inputs to `cos(x @ (unscaled_kernel / kernel_scale) + bias)` (Rahimi & Recht).

    Same arguments, weights and numbers as Keras 2's layer. get_weights() is
    `[kernel_scale, unscaled_kernel, bias]` in both (trainable weights come first,
    and `kernel_scale` is the trainable one), so Keras 2 weight lists load as is.
    The layer is not trainable unless `trainable=True`; then only `kernel_scale` trains.
    """

    def __init__(self, output_dim, kernel_initializer="gaussian", scale=None, trainable=False, name=None, **kwargs):
        if output_dim <= 0:
            raise ValueError(f"`output_dim` should be a positive integer. Received: {output_dim}")
        if isinstance(kernel_initializer, str) and kernel_initializer.lower() not in _SUPPORTED_RBF_KERNEL_TYPES:
            raise ValueError(
                f"Unsupported `kernel_initializer`: {kernel_initializer} "
                f"Expected one of: {_SUPPORTED_RBF_KERNEL_TYPES}"
            )
        if scale is not None and scale <= 0.0:
            raise ValueError(f"When provided, `scale` should be a positive float. Received: {scale}")
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.output_dim = output_dim
        self.kernel_initializer = kernel_initializer
        self.scale = scale

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(
                f"The rank of the input tensor should be 2. Full input shape received: {input_shape}"
            )
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"The last dimension of the input tensor should be defined. Full input shape received: {input_shape}"
            )
        self.input_spec = keras.layers.InputSpec(ndim=2, axes={1: input_dim})
        self.unscaled_kernel = self.add_weight(
            name="unscaled_kernel",
            shape=(input_dim, self.output_dim),
            dtype="float32",
            initializer=_features_initializer(self.kernel_initializer, (input_dim, self.output_dim)),
            trainable=False,
        )
        self.bias = self.add_weight(
            name="bias",
            shape=(self.output_dim,),
            dtype="float32",
            initializer=keras.initializers.RandomUniform(minval=0.0, maxval=2 * np.pi),
            trainable=False,
        )
        if self.scale is None:
            self.scale = _default_scale(self.kernel_initializer, input_dim)
        self.kernel_scale = self.add_weight(
            name="kernel_scale",
            shape=(1,),
            dtype="float32",
            initializer=keras.initializers.Constant(float(self.scale)),
            trainable=True,
            constraint=keras.constraints.NonNeg(),
        )

    def call(self, inputs):
        inputs = ops.cast(inputs, "float32")
        kernel = (1.0 / self.kernel_scale) * self.unscaled_kernel
        outputs = ops.matmul(inputs, kernel) + self.bias
        return ops.cos(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.output_dim,)

    def get_config(self):
        kernel_initializer = self.kernel_initializer
        if not isinstance(kernel_initializer, str):
            kernel_initializer = keras.initializers.serialize(keras.initializers.get(kernel_initializer))
        config = super().get_config()
        config.update(
            {
                "output_dim": self.output_dim,
                "kernel_initializer": kernel_initializer,
                "scale": None if self.scale is None else float(self.scale),
            }
        )
        return config
