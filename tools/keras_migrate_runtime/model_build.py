"""Keras 2's `Model.build(input_shape)` for subclassed models, on Keras 3.

Keras 2 built a subclassed model by running its call() on placeholders of
`input_shape`: every sub-layer (and sub-layers created lazily in call())
made its weights, so set_weights(), load_weights(), summary() and
count_params() worked before the first call on data. Keras 3's default
build() only marks the model built and creates nothing.
"""

import inspect

import keras

__all__ = ["build_by_calling", "keras2_get_input_at", "keras2_get_input_shape_at", "keras2_get_output_at",
           "keras2_get_output_shape_at"]


def _placeholders(input_shape):
    if hasattr(input_shape, "as_list"):  # a tf.TensorShape
        input_shape = tuple(input_shape.as_list())
    if isinstance(input_shape, list) and all(d is None or isinstance(d, int) for d in input_shape):
        input_shape = tuple(input_shape)  # Keras 2: a list of ints is one shape
    return keras.tree.map_shape_structure(
        lambda shape: keras.KerasTensor(tuple(shape), dtype=keras.config.floatx()), input_shape
    )


def _call_kwargs(model):
    # Keras 2 passed training=False to a call() whose `training` has no default and
    # refused any other required argument.
    kwargs = {}
    parameters = list(inspect.signature(model.call).parameters.values())[1:]
    for parameter in parameters:
        if parameter.default is not inspect.Parameter.empty or parameter.kind in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ):
            continue
        if parameter.name != "training":
            raise ValueError(
                f"Cannot build {type(model).__name__} from an input shape: its call() requires the argument "
                f"`{parameter.name}`. Call the model on real data with all of its arguments instead."
            )
        kwargs["training"] = False
    return kwargs


def build_by_calling(model, input_shape):
    """Creates every weight of `model` (and its sub-layers) as Keras 2's build did.

    Runs `model.call` symbolically (no computation) on placeholders of
    `input_shape`: a shape tuple, a list of shapes or a dict of shapes.
    """
    if input_shape is None:
        raise ValueError("Input shape must be defined when calling `build()` on a `Model` subclass.")
    keras.Operation.compute_output_spec(model, _placeholders(input_shape), **_call_kwargs(model))


# Keras 2's Layer.get_input_at / get_output_at / get_input_shape_at / get_output_shape_at
# (gone from Keras 3): the tensors (or their shapes) of the layer's node_index-th call in
# a functional graph, one tensor unwrapped from its list, as Keras 2 returned them.
def _node_attribute(layer, node_index, attr, attr_name):
    return layer._get_node_attribute_at_index(node_index, attr, attr_name)


def keras2_get_input_at(layer, node_index):
    """Keras 2's layer.get_input_at(node_index)."""
    return _node_attribute(layer, node_index, "input_tensors", "input")


def keras2_get_output_at(layer, node_index):
    """Keras 2's layer.get_output_at(node_index)."""
    return _node_attribute(layer, node_index, "output_tensors", "output")


def _shapes(value):
    if isinstance(value, (list, tuple)):
        return [tuple(v.shape) for v in value]
    return tuple(value.shape)


def keras2_get_input_shape_at(layer, node_index):
    """Keras 2's layer.get_input_shape_at(node_index)."""
    return _shapes(keras2_get_input_at(layer, node_index))


def keras2_get_output_shape_at(layer, node_index):
    """Keras 2's layer.get_output_shape_at(node_index)."""
    return _shapes(keras2_get_output_at(layer, node_index))
