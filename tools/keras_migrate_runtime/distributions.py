"""TensorFlow Probability's normal distributions, in keras.ops (every backend).

TFP is built on TensorFlow and Keras 2; Keras 3 programs on JAX or PyTorch cannot use its
distributions. The two that flows and VAEs use as latent priors are small:
`Normal(loc, scale)` and `MultivariateNormalDiag(loc, scale_diag)`, with TFP's
log_prob / prob / sample / mean / stddev / variance / entropy and its batch/event
semantics (the diagonal normal sums log densities over its last, event, axis). Samples
are drawn with keras.random.normal: other random numbers than TFP's, the same
distribution.
"""

import math

from keras import ops, random

__all__ = ["MultivariateNormalDiag", "Normal"]

_HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)


class Normal:
    """tfp.distributions.Normal(loc, scale): independent normals, event shape ()."""

    _event_axes = 0

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name=None):
        self.loc = ops.convert_to_tensor(loc, dtype="float32")
        self.scale = ops.convert_to_tensor(scale, dtype="float32")
        self.name = name or type(self).__name__

    def _elementwise_log_prob(self, value):
        z = (ops.convert_to_tensor(value, dtype=self.loc.dtype) - self.loc) / self.scale
        return -0.5 * ops.square(z) - ops.log(self.scale) - _HALF_LOG_TWO_PI

    def log_prob(self, value):
        out = self._elementwise_log_prob(value)
        return ops.sum(out, axis=-1) if self._event_axes else out

    def prob(self, value):
        return ops.exp(self.log_prob(value))

    def _shape(self):
        return tuple(ops.shape(self.loc + self.scale))

    def sample(self, sample_shape=(), seed=None, name=None):
        if isinstance(sample_shape, int):
            sample_shape = (sample_shape,)
        shape = tuple(sample_shape) + self._shape()
        return self.loc + self.scale * random.normal(shape, seed=seed, dtype=self.loc.dtype)

    def mean(self):
        return ops.broadcast_to(self.loc, self._shape())

    def stddev(self):
        return ops.broadcast_to(self.scale, self._shape())

    def variance(self):
        return ops.square(self.stddev())

    def entropy(self):
        out = 0.5 + _HALF_LOG_TWO_PI + ops.log(self.stddev())
        return ops.sum(out, axis=-1) if self._event_axes else out


class MultivariateNormalDiag(Normal):
    """tfp.distributions.MultivariateNormalDiag(loc, scale_diag): event shape loc.shape[-1:]."""

    _event_axes = 1

    def __init__(self, loc=None, scale_diag=None, validate_args=False, allow_nan_stats=True, name=None):
        if loc is None and scale_diag is None:
            raise ValueError("MultivariateNormalDiag needs loc or scale_diag")
        if loc is None:
            loc = ops.zeros_like(ops.convert_to_tensor(scale_diag, dtype="float32"))
        if scale_diag is None:
            scale_diag = ops.ones_like(ops.convert_to_tensor(loc, dtype="float32"))
        super().__init__(loc, scale_diag, validate_args, allow_nan_stats, name)
