"""Keras 2's `time_major=True` for RNN layers (removed in Keras 3)."""

import keras

__all__ = ["TimeMajor"]


def _swap(shape):
    shape = tuple(shape)
    return (shape[1], shape[0]) + shape[2:]


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class TimeMajor(keras.layers.Wrapper):
    """Runs a (batch-major) Keras 3 RNN layer on time-major inputs.

    `TimeMajor(keras.layers.LSTM(4, return_sequences=True))` computes what Keras 2's
    `LSTM(4, return_sequences=True, time_major=True)` computed: inputs are
    (time, batch, ...), sequence outputs are (time, batch, units), states and
    last-step outputs are (batch, units), masks stay (batch, time) as in Keras 2.
    The weights are the wrapped layer's, in the same order.
    """

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(_swap(input_shape))
        self.built = True

    def call(self, inputs, mask=None, training=None, initial_state=None):
        kwargs = {}
        if mask is not None:
            kwargs["mask"] = mask
        if training is not None:
            kwargs["training"] = training
        if initial_state is not None:
            kwargs["initial_state"] = initial_state
        outputs = self.layer(keras.ops.swapaxes(inputs, 0, 1), **kwargs)
        if not self.layer.return_sequences:
            return outputs
        if self.layer.return_state:
            return [keras.ops.swapaxes(outputs[0], 0, 1)] + list(outputs[1:])
        return keras.ops.swapaxes(outputs, 0, 1)

    def compute_output_shape(self, input_shape):
        shapes = self.layer.compute_output_shape(_swap(input_shape))
        if not self.layer.return_sequences:
            return shapes
        if self.layer.return_state:
            return (_swap(shapes[0]),) + tuple(shapes[1:])
        return _swap(shapes)
