"""keras.layers.RNN with Keras 2's `constants` call argument (removed in Keras 3)."""

import inspect

import keras

__all__ = ["RNN"]


def _as_list(constants):
    if constants is None:
        return None
    return list(constants) if isinstance(constants, (list, tuple)) else [constants]


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class _ConstantsCell(keras.layers.Layer):
    """Wraps a Keras 2 style cell: calls it with the constants of the current RNN call."""

    def __init__(self, cell, **kwargs):
        super().__init__(name=kwargs.pop("name", None) or f"constants_{cell.name}", **kwargs)
        self.cell = cell
        self.state_size = cell.state_size
        if hasattr(cell, "output_size"):
            self.output_size = cell.output_size
        self._cell_takes_training = "training" in inspect.signature(cell.call).parameters
        self.constants = None  # set by RNN.call for the duration of one call

    def build(self, input_shape):
        if not self.cell.built:
            self.cell.build(input_shape)

    def call(self, inputs, states, training=None):
        kwargs = {"training": training} if self._cell_takes_training else {}
        if self.constants is not None:
            kwargs["constants"] = self.constants
        return self.cell(inputs, states, **kwargs)

    def get_config(self):
        config = super().get_config()
        config["cell"] = keras.saving.serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        cell = keras.saving.deserialize_keras_object(config.pop("cell"))
        return cls(cell, **config)

    def get_initial_state(self, batch_size):
        if hasattr(self.cell, "get_initial_state"):
            return self.cell.get_initial_state(batch_size=batch_size)
        # keras.layers.RNN's own fallback for cells without get_initial_state().
        return [
            keras.ops.zeros((batch_size, d), dtype=self.cell.compute_dtype)
            for d in keras.tree.flatten(self.state_size)
        ]


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class RNN(keras.layers.RNN):
    """`keras.layers.RNN` that also accepts `rnn(x, constants=[c, ...])`.

    As in Keras 2, the constants reach the cell unchanged at every time step as
    `cell.call(inputs, states, constants=[c, ...])`; the cell's weights are
    the layer's weights, in the same order. Without constants it computes
    exactly what keras.layers.RNN computes. `rnn.cell` is the wrapper; the
    original cell is `rnn.cell.cell`.
    """

    def __init__(self, cell, *args, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = keras.layers.StackedRNNCells(cell)
        if not isinstance(cell, _ConstantsCell):
            cell = _ConstantsCell(cell)
        super().__init__(cell, *args, **kwargs)

    def call(self, sequences, initial_state=None, mask=None, training=False, constants=None):
        # A plain attribute (no tracking): read by the wrapper inside this call only.
        object.__setattr__(self.cell, "constants", _as_list(constants))
        try:
            return super().call(sequences, initial_state=initial_state, mask=mask, training=training)
        finally:
            object.__setattr__(self.cell, "constants", None)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None, constants_shape=None):
        return super().compute_output_shape(sequences_shape, initial_state_shape)
