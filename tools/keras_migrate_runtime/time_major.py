"""Keras 2's `time_major=True` for RNN layers (removed in Keras 3).

`LSTM`, `GRU` and `SimpleRNN` here are the Keras 3 layers plus Keras 2's
`time_major` argument. They keep everything users touch: the class name (in
model.summary()), the layer name (model.get_layer(name)), the weights and
their order, the cell (`layer.cell`), and Keras 2's get_config() keys
(`time_major` included). With time_major=False they are the Keras 3 layers.

`TimeMajor(layer)` is the older wrapper form, kept for code migrated before
these classes existed.
"""

import keras
from keras import ops

from ._surface import Keras2Surface, keras2_variant

__all__ = ["GRU", "LSTM", "SimpleRNN", "TimeMajor", "TimeMajorMixin"]


def _swap(shape):
    shape = tuple(shape)
    return (shape[1], shape[0]) + shape[2:]


def _swap_tensor(x):
    return None if x is None else ops.swapaxes(x, 0, 1)


class TimeMajorMixin(Keras2Surface):
    """Keras 2's `time_major` for a Keras 3 RNN layer class (put it first in the bases).

    As in Keras 2: inputs and sequence outputs are (time, batch, ...), masks are
    (time, batch), states and last-step outputs are (batch, units).
    """

    def __init__(self, *args, time_major=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_major = bool(time_major)

    def build(self, sequences_shape, initial_state_shape=None):
        if self.time_major:
            sequences_shape = _swap(sequences_shape)
        super().build(sequences_shape, initial_state_shape)

    def _to_batch_major(self, sequences, mask):
        if not self.time_major:
            return sequences, mask
        return _swap_tensor(sequences), _swap_tensor(mask)

    def _to_time_major(self, outputs):
        if not self.time_major or not self.return_sequences:
            return outputs
        if self.return_state:
            return (_swap_tensor(outputs[0]),) + tuple(outputs[1:])
        return _swap_tensor(outputs)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        sequences, mask = self._to_batch_major(sequences, mask)
        outputs = super().call(sequences, initial_state=initial_state, mask=mask, training=training)
        return self._to_time_major(outputs)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        if not self.time_major:
            return super().compute_output_shape(sequences_shape, initial_state_shape)
        shapes = super().compute_output_shape(_swap(sequences_shape), initial_state_shape)
        if not self.return_sequences:
            return shapes
        if self.return_state:
            return (_swap(shapes[0]),) + tuple(shapes[1:])
        return _swap(shapes)

    def get_config(self):
        config = super().get_config()
        config["time_major"] = self.time_major
        return config


LSTM = keras2_variant(TimeMajorMixin, keras.layers.LSTM, __name__, "time_major")
GRU = keras2_variant(TimeMajorMixin, keras.layers.GRU, __name__, "time_major")
SimpleRNN = keras2_variant(TimeMajorMixin, keras.layers.SimpleRNN, __name__, "time_major")


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class TimeMajor(keras.layers.Wrapper):
    """Runs a (batch-major) Keras 3 RNN layer on time-major inputs.

    The older form: the wrapper is a layer of its own (its own name in
    model.summary()); prefer this module's LSTM/GRU/SimpleRNN(time_major=True).
    Masks are (time, batch), as Keras 2's time-major layers take them.
    """

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(_swap(input_shape))
        self.built = True

    def call(self, inputs, mask=None, training=None, initial_state=None):
        kwargs = {}
        if mask is not None:
            kwargs["mask"] = _swap_tensor(mask)
        if training is not None:
            kwargs["training"] = training
        if initial_state is not None:
            kwargs["initial_state"] = initial_state
        outputs = self.layer(ops.swapaxes(inputs, 0, 1), **kwargs)
        if not self.layer.return_sequences:
            return outputs
        if self.layer.return_state:
            return [ops.swapaxes(outputs[0], 0, 1)] + list(outputs[1:])
        return ops.swapaxes(outputs, 0, 1)

    def compute_output_shape(self, input_shape):
        shapes = self.layer.compute_output_shape(_swap(input_shape))
        if not self.layer.return_sequences:
            return shapes
        if self.layer.return_state:
            return (_swap(shapes[0]),) + tuple(shapes[1:])
        return _swap(shapes)
