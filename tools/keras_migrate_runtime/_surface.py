"""Keras 2 layer attributes that Keras 3 dropped, for the runtime's replacement layers.

Code written for Keras 2 reads `layer.output_shape` / `layer.input_shape` of the
layers it used (LocallyConnected2D, RandomFourierFeatures, ...); the runtime's
replacements answer them as Keras 2 did: from the layer's calls on symbolic
inputs (keras.Input), one shape tuple per tensor in the call's structure. Keras 3's own
layers lost both (its models kept them): keras2_output_shape(layer) /
keras2_input_shape(layer) answer for any layer or model.
"""

__all__ = ["Keras2Surface", "keras2_variant", "saved_as_keras", "keras2_input_shape", "keras2_model_input", "keras2_model_output", "keras2_output_shape", "keras2_weight_name"]


def _shape(tensor):
    return tuple(tensor.shape)


def _node_shapes(tensors):
    shapes = [_shape(t) for t in tensors]
    # Keras 2 gives one tuple for a single tensor, else a list of tuples.
    return shapes[0] if len(shapes) == 1 else shapes


class Keras2Surface:
    """`output_shape` and `input_shape` as Keras 2 layers had them."""

    def _keras2_shape(self, which):
        nodes = getattr(self, "_inbound_nodes", None) or []
        if not nodes:
            raise AttributeError(f'The layer "{self.name}" has never been called and thus has no defined {which}.')
        attribute = "output_tensors" if which == "output shape" else "input_tensors"
        shapes = [_node_shapes(getattr(node, attribute)) for node in nodes]
        if any(shape != shapes[0] for shape in shapes[1:]):
            raise AttributeError(
                f'The layer "{self.name}" has multiple inbound nodes, with different {which}s. Hence the notion '
                f'of "{which}" is ill-defined for the layer.'
            )
        return shapes[0]

    @property
    def output_shape(self):
        return self._keras2_shape("output shape")

    @property
    def input_shape(self):
        return self._keras2_shape("input shape")


def keras2_output_shape(layer):
    """Keras 2's `layer.output_shape`, for a Keras 3 layer or model."""
    try:
        return layer.output_shape  # Keras 3 models, the runtime's layers
    except AttributeError:
        return Keras2Surface._keras2_shape(layer, "output shape")


def keras2_input_shape(layer):
    """Keras 2's `layer.input_shape`, for a Keras 3 layer or model."""
    try:
        return layer.input_shape
    except AttributeError:
        return Keras2Surface._keras2_shape(layer, "input shape")


def _one_or_all(tensors):
    tensors = list(tensors)
    return tensors[0] if len(tensors) == 1 else tensors


def _sequential_own(model, attribute):
    """A built Sequential's own graph `inputs` / `outputs`, or None. Keras 3's
    `Sequential.input` / `.output` are those of the model's first call as a layer: once
    it is used inside another model (`base(inputs)`), the enclosing model's tensors,
    not connected to `base.get_layer(...).output`; Keras 2's were always its own."""
    from keras import Sequential  # (this module imports without Keras)

    if not isinstance(model, Sequential):
        return None
    try:
        return _one_or_all(getattr(model, attribute))
    except AttributeError:  # not built yet: as Keras 3 (and Keras 2) say it
        return None


def keras2_model_input(model):
    """Keras 2's `model.input`: the model's input tensor (a list for several). Keras 3's
    Sequential models answer with their own graph's `inputs` only (`input` raises
    AttributeError, or gives an enclosing model's tensor once the model was called)."""
    own = _sequential_own(model, "inputs")
    if own is not None:
        return own
    try:
        return model.input
    except AttributeError:
        return _one_or_all(model.inputs)


def keras2_model_output(model):
    """Keras 2's `model.output`, likewise."""
    own = _sequential_own(model, "outputs")
    if own is not None:
        return own
    try:
        return model.output
    except AttributeError:
        return _one_or_all(model.outputs)


def keras2_weight_name(variable):
    """Keras 2's `variable.name`: "<layer>/<weight>:0" (the layer that made it). Keras 3's
    variables are named "<weight>" and keep the scopes in `path`; other objects' names
    are theirs."""
    path = getattr(variable, "path", None)
    if not isinstance(path, str):
        return variable.name
    return "/".join(path.split("/")[-2:]) + ":0"


def keras2_variant(mixin, base, module: str, argument: str):
    """`base` (a Keras 3 layer class) with Keras 2's `argument` through `mixin` (put
    first in the bases). The class keeps the Keras name (model.summary() prints it) and
    registers as keras_migrate_runtime>Name for saving."""
    import keras

    cls = type(base.__name__, (mixin, base), {
        "__module__": module,
        "__doc__": f"keras.layers.{base.__name__} with Keras 2's `{argument}` argument.",
    })
    return keras.saving.register_keras_serializable(package="keras_migrate_runtime")(cls)


def saved_as_keras(module: str):
    """Class decorator for a runtime subclass whose config Keras's own class of the same
    name reads (`module`: that class's public module, "keras.layers"). Saved files name
    Keras's class, so any Keras 3 program loads them without this runtime and gets
    Keras's layer (a predict script that only loads the model need not import it). Where
    the runtime is imported the class is the custom object of that name, so .keras and
    .h5 files (every one such a program loads) come back as it. Registering it as
    keras_migrate_runtime>Name instead made every migrated model holding it unloadable
    without the runtime."""
    import keras

    def decorate(cls):
        cls.__module__ = module
        keras.saving.get_custom_objects()[cls.__name__] = cls
        return cls

    return decorate
