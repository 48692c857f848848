"""Recorder patches for Keras 3 (any backend)."""

from __future__ import annotations

import os

from keras_migrate.verify import _recorder as r

__all__ = ["install"]


class _KerasOps:
    """keras.ops under the names _determinism.hash_uniform_ops uses."""

    def __init__(self, ops) -> None:
        self.ops = ops

    def as_shape(self, shape):
        return tuple(shape)

    def prod(self, shape):
        total = 1
        for d in shape:
            total = total * d
        return total

    def arange(self, n):
        return self.ops.arange(n, dtype="int32")

    def mod(self, x, y):
        return self.ops.mod(x, y)

    def floor_divide(self, x, y):
        return self.ops.floor_divide(x, y)

    def cast(self, x, dtype):
        return self.ops.cast(x, dtype)

    def reshape(self, x, shape):
        return self.ops.reshape(x, shape)

    def floor(self, x):
        return self.ops.floor(x)

    def dim(self, x, axis):
        return self.ops.shape(x)[axis]

    def argsort(self, x):
        return self.ops.argsort(x)

    def take(self, x, indices, axis):
        return self.ops.take(x, indices, axis=axis)

    def categorical_from_uniform(self, logits, u, dtype):
        ops = self.ops
        cdf = ops.cumsum(ops.softmax(ops.cast(logits, "float32"), axis=-1), axis=-1)  # (batch, classes)
        below = ops.cast(ops.expand_dims(cdf, 1) < ops.expand_dims(ops.cast(u, "float32"), 2), "int32")
        return ops.cast(ops.minimum(ops.sum(below, -1), ops.shape(cdf)[-1] - 1), dtype)


def install(rec: r.Recorder) -> None:
    import keras
    from keras.src.initializers import random_initializers as inits
    from keras.src.layers.layer import Layer
    from keras.src.models.model import Model

    keras.utils.set_random_seed(0)
    r.patch_model_api(rec, Model)
    r.patch_layer_call(rec, Layer, Model)

    def to_tensor(values, dtype):
        return keras.ops.convert_to_tensor(values, dtype=dtype or keras.config.floatx())

    from keras.src.backend.common.stateless_scope import in_stateless_scope

    r.patch_initializers(
        rec,
        [inits.RandomUniform, inits.RandomNormal, inits.TruncatedNormal, inits.VarianceScaling, inits.Orthogonal],
        to_tensor,
        throwaway=in_stateless_scope,
    )
    from keras.src.legacy.saving import legacy_h5_format
    from keras.src.saving import saving_lib

    r.patch_loaders(rec, [(saving_lib, "load_model"), (legacy_h5_format, "load_model_from_hdf5")])
    if os.environ.get("KERAS_MIGRATE_VERIFY_TF") == "1" or keras.backend.backend() == "tensorflow":
        from keras_migrate.verify._tf import patch_tensorflow

        patch_tensorflow(rec)
    if not rec.config.neutralize:
        return
    r.neutralize_layers(rec, [getattr(keras.layers, n, None) for n in r.RANDOM_LAYERS])
    r.zero_dropout_args(rec, [getattr(keras.layers, n, None) for n in r.DROPOUT_ARG_LAYERS])
    r.deterministic_random(rec, keras.random,
                           ("normal", "uniform", "truncated_normal", "randint", "shuffle", "categorical"),
                           _KerasOps(keras.ops), to_tensor, "keras.random")
    r.identity_dropout(rec, keras.random, "dropout", "keras.random")
