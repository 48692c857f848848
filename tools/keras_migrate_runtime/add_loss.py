"""Keras 2's symbolic `model.add_loss(<tensor>)` for Keras 3 functional models."""

import warnings

import keras
from keras import tree

from ._surface import Keras2Surface

__all__ = ["AddLoss", "add_symbolic_loss"]


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class AddLoss(Keras2Surface, keras.layers.Layer):
    """Passes `outputs` through unchanged and adds `loss_fn(*loss_inputs)` as a loss.

    Keras 3 only accepts add_loss() inside call(): this layer is that call().
    `loss_fn` is a Python callable, so a model holding this layer saves but only
    loads back with the same `loss_fn` passed again (custom_objects / rebuild).
    """

    def __init__(self, loss_fn=None, **kwargs):
        super().__init__(**kwargs)
        self.loss_fn = loss_fn
        self._held_losses = []

    def add_loss(self, loss):
        super().add_loss(loss)
        # Keras 3.15 remembers a call's loss tensors by id() only, and on this layer's
        # next call removes every loss of the new scope that has a remembered id. A
        # tensor of an earlier JAX trace is freed by then, so a loss another layer adds
        # in the next trace can get its address and is dropped (evaluate() with a
        # second batch size lost a model's callable penalty). Holding the tensors until
        # that clean-up keeps every remembered id unique.
        self._held_losses.extend(tree.flatten(loss))

    def _clear_losses(self):
        super()._clear_losses()
        self._held_losses = []

    def get_config(self):
        # Overriding get_config() keeps Keras from trying to serialize loss_fn
        # (models holding this layer must save): the function is left out.
        return super().get_config()

    @classmethod
    def from_config(cls, config):
        # The loss is Python code and is not saved: a reloaded model predicts the same
        # but would train without the term unless the function is given back.
        warnings.warn(
            f"AddLoss layer {config.get('name')!r} was loaded without its loss function; the model trains "
            "without that loss term. Rebuild it with keras_migrate_runtime.add_symbolic_loss() to train.",
            stacklevel=2,
        )
        return cls(**config)

    def call(self, outputs, loss_inputs):
        if self.loss_fn is not None:
            self.add_loss(self.loss_fn(*loss_inputs))
        return outputs

    def compute_output_spec(self, outputs, loss_inputs):
        return tree.map_structure(
            lambda t: keras.KerasTensor(t.shape, dtype=t.dtype, sparse=getattr(t, "sparse", False)), outputs
        )


def _structure(model, private, public):
    # Functional models keep the user's (possibly nested) input/output structure.
    value = getattr(model, private, None)
    return value if value is not None else getattr(model, public)


def add_symbolic_loss(model, loss_fn, *loss_inputs, name=None):
    """Returns `model` rebuilt with an AddLoss layer adding `loss_fn(*loss_inputs)`.

    `loss_inputs` are KerasTensors of `model`'s graph (Keras 2 code passed an
    expression of them to model.add_loss); with none, `loss_fn` is a callable loss
    (Keras 2's `model.add_loss(lambda: ...)`), called on every forward pass. The new model shares every layer and
    weight with `model` and keeps its name, inputs and outputs structure and its
    output names. Like Keras 2's, its layers end with a layer named "add_loss".
    """
    inputs = _structure(model, "_inputs_struct", "inputs")
    outputs = _structure(model, "_outputs_struct", "outputs")
    outputs = AddLoss(loss_fn, name=name)(outputs, list(loss_inputs))
    rebuilt = keras.Model(inputs, outputs, name=model.name)
    # Keras 3 names outputs after the layers producing them, here all AddLoss; Keras 2
    # kept the original names, which compile(loss={...}) dicts and history keys use.
    if getattr(model, "output_names", None) is not None:
        rebuilt.output_names = list(model.output_names)
    return rebuilt
