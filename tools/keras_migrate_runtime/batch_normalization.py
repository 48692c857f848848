"""keras.layers.BatchNormalization moving its variance as Keras 2's fused kernel did.

On 4-D and 5-D inputs with one channel axis (1 or last) Keras 2 ran the fused batch-norm
kernel, whose moving variance takes the unbiased batch variance (sum / (n - 1));
Keras 3 (and Keras 2 on other inputs) take the biased one (sum / n). Training output is
the same; the moving variance, and so everything computed in inference mode after
training, differs by about (1 - momentum) / (n - 1) per step, n = batch x height x
width: 1e-4 on large images, per cents on small feature maps. Measured on tf_keras 2.21
(eager and tf.function, one step from moving variance 1).
"""

import keras

from ._surface import saved_as_keras

__all__ = ["BatchNormalization"]


@saved_as_keras("keras.layers")
class BatchNormalization(keras.layers.BatchNormalization):
    # Keras 2's `fused`: False kept its biased update (as Keras 3), True / None fused where
    # it could. Kept in the config so that migrated code says which one it is.
    def __init__(self, *args, fused=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fused = fused

    def get_config(self):
        config = super().get_config()
        if self.fused is not None:
            config["fused"] = self.fused
        return config

    def call(self, inputs, training=None, mask=None):
        self._batch_variance = None
        outputs = super().call(inputs, training=training, mask=mask)
        variance, self._batch_variance = self._batch_variance, None  # (a traced value: not kept)
        if variance is not None and mask is None and self._keras2_fused(inputs):
            n = keras.ops.cast(keras.ops.size(inputs) // keras.ops.size(variance), variance.dtype)
            # Keras 3 added (1 - momentum) * variance; Keras 2 that times n / (n - 1)
            extra = keras.ops.where(n > 1.0, variance * (1.0 - self.momentum) / keras.ops.maximum(n - 1.0, 1.0), 0.0)
            self.moving_variance.assign(self.moving_variance + keras.ops.cast(extra, self.moving_variance.dtype))
        return outputs

    def _moments(self, inputs, mask):
        """Keras' own moments (called by call() when training); the variance is kept for
        call() so that the batch's statistics are computed once."""
        mean, variance = super()._moments(inputs, mask)
        self._batch_variance = variance
        return mean, variance

    def _keras2_fused(self, inputs):
        """Keras 2's condition for its fused kernel (tf_keras BatchNormalization.build)."""
        rank = len(inputs.shape)
        if self.fused is False or rank not in (4, 5) or getattr(self, "renorm", False) or getattr(self, "synchronized", False):
            return False
        if keras.backend.standardize_dtype(self.compute_dtype) not in ("float16", "bfloat16", "float32"):
            return False
        return self.axis % rank in (1, rank - 1)
