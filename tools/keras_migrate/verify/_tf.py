"""TensorFlow-level patches, the same in Keras 2 runs and Keras 3 runs that import TensorFlow.

tf.data pipelines and TensorFlow-only code kept by the migrator still call tf.random and
TensorFlow's own initializers under Keras 3: both runs must see the same values.
"""

from __future__ import annotations

import itertools
import sys

from keras_migrate.verify import _recorder as r

__all__ = ["TF_RANDOM", "patch_tensorflow", "tf_ops"]

_SHUFFLE_BUFFER_CAP = 1024
# Code whose iteration over a dataset is left whole: Keras's trainers (an iterator may
# span epochs), TensorFlow's, and verify's own.
_LIBRARIES = frozenset({"keras", "tf_keras", "tensorflow", "jax", "torch", "keras_migrate", "keras_migrate_runtime"})

TF_RANDOM = ("normal", "uniform", "truncated_normal", "shuffle", "stateless_normal", "stateless_uniform",
             "stateless_truncated_normal", "categorical", "stateless_categorical")


class _TfOps:
    """The few tensor ops _determinism.hash_uniform_ops needs, in TensorFlow."""

    def __init__(self, tf) -> None:
        self.tf = tf

    def as_shape(self, shape):
        return self.tf.cast(self.tf.stack(list(shape)) if isinstance(shape, (list, tuple)) else shape, "int32")

    def prod(self, shape):
        return self.tf.reduce_prod(shape)

    def arange(self, n):
        return self.tf.range(n, dtype="int32")

    def mod(self, x, y):
        return self.tf.math.floormod(x, y)

    def floor_divide(self, x, y):
        return self.tf.math.floordiv(x, y)

    def cast(self, x, dtype):
        return self.tf.cast(x, dtype)

    def reshape(self, x, shape):
        return self.tf.reshape(x, shape)

    def floor(self, x):
        return self.tf.floor(x)

    def dim(self, x, axis):
        static = x.shape[axis]
        return static if static is not None else self.tf.shape(x)[axis]

    def argsort(self, x):
        return self.tf.argsort(x)

    def take(self, x, indices, axis):
        return self.tf.gather(x, indices, axis=axis)

    def categorical_from_uniform(self, logits, u, dtype):
        tf = self.tf
        cdf = tf.cumsum(tf.nn.softmax(tf.cast(logits, "float32"), axis=-1), axis=-1)  # (batch, classes)
        below = tf.cast(cdf[:, None, :] < tf.cast(u, "float32")[:, :, None], "int32")  # (batch, samples, classes)
        return tf.cast(tf.minimum(tf.reduce_sum(below, -1), tf.shape(cdf)[-1] - 1), dtype)


def tf_ops():
    import tensorflow as tf

    return _TfOps(tf)


def patch_tensorflow(rec: r.Recorder) -> None:
    import tensorflow as tf
    from tensorflow.python.ops import init_ops_v2

    def to_tensor(values, dtype):
        return tf.constant(values, dtype=tf.as_dtype(dtype or "float32"))

    r.patch_initializers(
        rec,
        [init_ops_v2.RandomUniform, init_ops_v2.RandomNormal, init_ops_v2.TruncatedNormal,
         init_ops_v2.VarianceScaling, init_ops_v2.Orthogonal],
        to_tensor,
    )
    if rec.config.max_steps:
        _cap_program_loops(rec, tf.data.Dataset, rec.config.max_steps)
    if not rec.config.neutralize:
        return
    # tf.compat.v2.random is a module of its own (TF Probability's samplers draw from it)
    randoms = [tf.random, tf.compat.v2.random]
    for module in randoms[:1] + [m for m in randoms[1:] if m is not tf.random]:
        r.deterministic_random(rec, module, TF_RANDOM, tf_ops(), to_tensor, "tf.random")
    r.identity_dropout(rec, tf.nn, "dropout", "tf.nn")
    original_shuffle = tf.data.Dataset.shuffle

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        if seed is None:
            rec.note("tf.data shuffle() given a fixed seed")
            seed = 1234
        # A reshuffling dataset draws its order from how many iterators were made over it,
        # and Keras makes a different number before training (Keras 3's JAX and PyTorch
        # trainers peek at a batch to build the model, its TensorFlow trainer does not):
        # keras.io focal_modulation read other batches on Keras 3's TensorFlow backend only.
        if reshuffle_each_iteration is not False:
            rec.note("tf.data shuffle() keeps one order for every iteration")
            reshuffle_each_iteration = False
        # With capped steps, filling a whole-dataset shuffle buffer (every element through
        # the pipeline's maps) costs more than the capped training itself.
        if rec.config.max_steps and isinstance(buffer_size, int) and buffer_size > _SHUFFLE_BUFFER_CAP:
            rec.note(f"tf.data shuffle buffers at most {_SHUFFLE_BUFFER_CAP} (--max-steps)")
            buffer_size = _SHUFFLE_BUFFER_CAP
        return original_shuffle(self, buffer_size, seed=seed, reshuffle_each_iteration=reshuffle_each_iteration,
                                name=name)

    tf.data.Dataset.shuffle = shuffle


def _cap_program_loops(rec: r.Recorder, dataset_class, steps: int) -> None:
    """The program's own loops over a dataset (`for x, y in train_ds:` in a custom training
    loop) read at most `steps` elements per pass, as fit() does under --max-steps: the
    same cap in both runs, where the loop's training steps would otherwise run uncapped."""
    original_iter = dataset_class.__iter__

    def __iter__(self):
        iterator = original_iter(self)
        caller = sys._getframe(1).f_globals.get("__name__") or ""
        if caller.split(".")[0] in _LIBRARIES:
            return iterator
        rec.note(f"the program's own loops over a tf.data dataset: at most {steps} elements per pass (--max-steps)")
        return itertools.islice(iterator, steps)

    dataset_class.__iter__ = __iter__
