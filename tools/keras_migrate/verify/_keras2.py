"""Recorder patches for genuine Keras 2 (tf_keras with TF_USE_LEGACY_KERAS=1)."""

from __future__ import annotations

from keras_migrate.verify import _recorder as r
from keras_migrate.verify._tf import patch_tensorflow, tf_ops

__all__ = ["install"]


def install(rec: r.Recorder) -> None:
    import tensorflow as tf
    import tf_keras
    from tf_keras.src.engine import base_layer, training
    from tf_keras.src.initializers import initializers as inits

    tf.random.set_seed(0)
    r.patch_model_api(rec, training.Model)
    r.patch_layer_call(rec, base_layer.Layer, training.Model)

    def to_tensor(values, dtype):
        return tf.constant(values, dtype=tf.as_dtype(dtype or tf_keras.backend.floatx()))

    r.patch_initializers(
        rec,
        [inits.RandomUniform, inits.RandomNormal, inits.TruncatedNormal, inits.VarianceScaling, inits.Orthogonal],
        to_tensor,
    )
    from tf_keras.src.saving import saving_lib
    from tf_keras.src.saving.legacy import save as legacy_save

    r.patch_loaders(rec, [(saving_lib, "load_model"), (legacy_save, "load_model")])
    patch_tensorflow(rec)
    if not rec.config.neutralize:
        return
    layers = tf_keras.layers
    r.neutralize_layers(rec, [getattr(layers, n, None) for n in r.RANDOM_LAYERS])
    r.zero_dropout_args(rec, [getattr(layers, n, None) for n in r.DROPOUT_ARG_LAYERS])
    for api in api_roots():
        r.deterministic_random(rec, api.backend, ("random_normal", "random_uniform", "truncated_normal"),
                               tf_ops(), to_tensor, "tf.keras.backend")
        r.identity_dropout(rec, api.backend, "dropout", "tf.keras.backend")


def api_roots():
    """`tf_keras` and `tf.keras` (tf_keras.api._v2.keras): module attributes live in both."""
    import importlib

    import tf_keras

    roots = [tf_keras]
    try:
        roots.append(importlib.import_module("tf_keras.api._v2.keras"))
    except ImportError:
        pass
    return roots
