"""TensorFlow Probability's simple distributions and DistributionLambda, in keras.ops
(every backend).

TFP is built on TensorFlow and Keras 2; Keras 3 programs on JAX or PyTorch cannot use its
distributions. The ones flows and VAEs use as latent priors are small:
`Normal(loc, scale)` and `MultivariateNormalDiag(loc, scale_diag)`, with TFP's
log_prob / prob / sample / mean / stddev / variance / entropy and its batch/event
semantics (the diagonal normal sums log densities over its last, event, axis), and
`Categorical(logits=..., probs=...)`, which autoregressive samplers (PixelCNN) draw from
through `DistributionLambda`. Samples are drawn with keras.random: other random numbers
than TFP's, the same distribution.
"""

import math

import keras
from keras import ops, random

__all__ = ["Categorical", "DistributionLambda", "MultivariateNormalDiag", "Normal"]

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


class Categorical:
    """tfp.distributions.Categorical(logits=None, probs=None, dtype=int32): one class index
    per batch entry, over the last axis of `logits` (or `probs`)."""

    def __init__(self, logits=None, probs=None, dtype="int32", force_probs_to_zero_outside_support=False,
                 validate_args=False, allow_nan_stats=True, name=None):
        if (logits is None) == (probs is None):
            raise ValueError("Categorical needs exactly one of logits and probs")
        if logits is not None:
            self.logits = ops.convert_to_tensor(logits)
            if "float" not in str(self.logits.dtype):
                self.logits = ops.cast(self.logits, "float32")
        else:
            probs = ops.convert_to_tensor(probs)
            self.logits = ops.log(ops.cast(probs, "float32") if "float" not in str(probs.dtype) else probs)
        self.dtype = dtype
        self.name = name or "Categorical"

    def logits_parameter(self):
        return self.logits

    def probs_parameter(self):
        return ops.softmax(self.logits, axis=-1)

    def sample(self, sample_shape=(), seed=None, name=None):
        if isinstance(sample_shape, int):
            sample_shape = (sample_shape,)
        sample_shape = tuple(sample_shape)
        count = 1
        for d in sample_shape:
            count *= int(d)
        batch_shape = tuple(ops.shape(self.logits)[:-1])
        flat = ops.reshape(self.logits, (-1, ops.shape(self.logits)[-1]))
        # (batch, count) as TF's categorical draws them, then sample axes first (TFP's layout)
        draws = random.categorical(flat, max(count, 1), dtype=self.dtype, seed=seed)
        draws = ops.transpose(draws)
        return ops.reshape(draws, sample_shape + tuple(-1 if d is None else d for d in batch_shape))

    def log_prob(self, value):
        log_probs = ops.log_softmax(self.logits, axis=-1)
        value = ops.cast(ops.convert_to_tensor(value), "int32")
        picked = ops.take_along_axis(log_probs, ops.expand_dims(value, -1), axis=-1)
        return ops.squeeze(picked, axis=-1)

    def prob(self, value):
        return ops.exp(self.log_prob(value))

    def mode(self):
        return ops.cast(ops.argmax(self.logits, axis=-1), self.dtype)

    def entropy(self):
        log_probs = ops.log_softmax(self.logits, axis=-1)
        return -ops.sum(ops.exp(log_probs) * log_probs, axis=-1)


class DistributionLambda(keras.layers.Layer):
    """tfp.layers.DistributionLambda(make_distribution_fn, convert_to_tensor_fn): the
    layer's output is the tensor TFP converts the distribution to (a sample by default;
    "mean" / "mode" name TFP's `tfd.Distribution.mean` / `.mode`). Keras 3 passes tensors
    between layers, never distribution objects: code that calls distribution methods on
    the layer's output (a log_prob loss) is not rewritten to this layer."""

    def __init__(self, make_distribution_fn, convert_to_tensor_fn="sample", seed=None, **kwargs):
        super().__init__(**kwargs)
        self.make_distribution_fn = make_distribution_fn
        self.convert_to_tensor_fn = convert_to_tensor_fn
        # a layer-owned generator: JAX cannot draw unseeded random numbers inside a traced function
        self.seed_generator = random.SeedGenerator(seed)

    def call(self, inputs):
        distribution = self.make_distribution_fn(inputs)
        if self.convert_to_tensor_fn == "sample":
            return distribution.sample(seed=self.seed_generator)
        if isinstance(self.convert_to_tensor_fn, str):
            return getattr(distribution, self.convert_to_tensor_fn)()
        return self.convert_to_tensor_fn(distribution)
