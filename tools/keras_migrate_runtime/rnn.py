"""keras.layers.RNN with Keras 2's `constants` call argument and `time_major` (removed in Keras 3)."""

import inspect

import keras

from .time_major import TimeMajorMixin

__all__ = ["RNN"]


def _as_list(constants):
    if constants is None:
        return None
    return list(constants) if isinstance(constants, (list, tuple)) else [constants]


def _takes(cell, name):
    return name in inspect.signature(cell.call).parameters


class _StepWithConstants:
    """Stands in for `rnn.cell` inside one RNN.inner_loop: calls the cell with the constants.

    Not a layer and never tracked: the RNN's cell, weights and their names stay the
    user's cell's. Keras 3's inner_loop passes `training` only to Layer cells, so this
    passes it itself, as Keras 2 did for cells whose call() takes it.
    """

    def __init__(self, cell, constants, training):
        self.cell = cell
        self.kwargs = {"constants": constants}
        if _takes(cell, "training"):
            self.kwargs["training"] = training

    def __call__(self, inputs, states, **kwargs):
        return self.cell(inputs, states, **self.kwargs)


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class RNN(TimeMajorMixin, keras.layers.RNN):
    """`keras.layers.RNN` that also accepts `rnn(x, constants=[c, ...])` and `time_major`.

    As in Keras 2, the constants reach the cell unchanged at every time step as
    `cell.call(inputs, states, constants=[c, ...])`. `rnn.cell` is the user's cell
    (no wrapper), so the weights, their names and their order are the cell's.
    get_config() has Keras 2's `time_major` and, once called with constants,
    `num_constants`. Without constants it computes exactly what keras.layers.RNN does.
    """

    def __init__(self, cell, *args, num_constants=0, **kwargs):
        super().__init__(cell, *args, **kwargs)
        self.num_constants = num_constants
        object.__setattr__(self, "_step_constants", None)  # set by call() for one call

    def call(self, sequences, initial_state=None, mask=None, training=False, constants=None):
        constants = _as_list(constants)
        if constants:
            if not _takes(self.cell, "constants"):
                raise ValueError(f"RNN cell {self.cell} does not support constants. Received: constants={constants}")
            self.num_constants = len(constants)
        object.__setattr__(self, "_step_constants", constants or None)
        try:
            return super().call(sequences, initial_state=initial_state, mask=mask, training=training)
        finally:
            object.__setattr__(self, "_step_constants", None)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        constants = self._step_constants
        if constants is None:
            return super().inner_loop(sequences, initial_state, mask, training=training)
        # Keras 3's step function calls `self.cell(inputs, states, ...)`: for this loop
        # only, `self.cell` is the stand-in that adds the constants (set on the instance
        # directly, bypassing layer tracking; torch keeps sub-modules elsewhere).
        cell = self.cell
        own = "cell" in self.__dict__
        object.__setattr__(self, "cell", _StepWithConstants(cell, constants, training))
        try:
            return super().inner_loop(sequences, initial_state, mask, training=training)
        finally:
            if own:
                object.__setattr__(self, "cell", cell)
            else:
                del self.__dict__["cell"]

    def compute_output_shape(self, sequences_shape, initial_state_shape=None, constants_shape=None):
        return super().compute_output_shape(sequences_shape, initial_state_shape)

    def build(self, sequences_shape, initial_state_shape=None, constants_shape=None):
        if constants_shape is not None:
            # Keras 2 counted the constants when the layer was first called (get_config()).
            nested = isinstance(constants_shape, (list, tuple)) and all(
                isinstance(s, (list, tuple)) for s in constants_shape)
            self.num_constants = len(constants_shape) if nested else 1
        super().build(sequences_shape, initial_state_shape)

    def get_config(self):
        config = super().get_config()
        if self.num_constants:
            config["num_constants"] = self.num_constants
        else:
            config.pop("num_constants", None)
        return config
