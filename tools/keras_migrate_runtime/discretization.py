"""keras.layers.Discretization adapting to Keras 2's bin boundaries.

Both libraries learn boundaries by merging approximate quantile summaries, one per batch
of the data, but they differ twice: tf_keras's adapt() cut a NumPy array into batches
of 32 (Keras 3 summarises the whole array at once), and its summary kept every
`int(n * epsilon)`-th value from that index on with integer weights (Keras 3 starts one
earlier and weighs by the fractional step). The boundaries learned from the same data
differ (an independent program's every loss moved). This subclass reads the data in
Keras 2's batches and summarises each with tf_keras 2.21's algorithm (Apache License
2.0, Copyright The TensorFlow Authors), in NumPy; merging, compressing, the layer's
config and its call are Keras 3's own, which match Keras 2's.
"""

import keras
import numpy as np
from keras.src.layers.preprocessing.discretization import merge_summaries

from ._surface import saved_as_keras

__all__ = ["Discretization"]

_KERAS2_ADAPT_BATCH = 32  # tf_keras data_adapter's default batch size


def _keras2_summarize(values, epsilon):
    values = np.sort(np.reshape(np.asarray(values, "float32"), [-1]))
    # tf_keras: float32 size / (1 / epsilon), truncated to int32
    increment = int(np.float32(values.size) / np.float32(1.0 / epsilon))
    step = max(increment, 1)
    boundaries = values[increment::step]
    weights = np.ones_like(boundaries) * np.float32(step)
    return np.stack([boundaries, weights])


@saved_as_keras("keras.layers")
class Discretization(keras.layers.Discretization):
    def adapt(self, data, batch_size=None, steps=None):
        if hasattr(data, "shape") and hasattr(data, "__len__") and getattr(data, "shape", ()):
            array = np.asarray(data)
            size = batch_size or _KERAS2_ADAPT_BATCH
            data = [array[start:start + size] for start in range(0, len(array), size)]
        super().adapt(data, steps=steps)

    def update_state(self, data):
        summary = _keras2_summarize(data, self.epsilon)
        self.summary = merge_summaries(summary, self.summary, self.epsilon)
