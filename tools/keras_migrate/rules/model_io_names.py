"""KM117 model_io_names: `model.input_names` (gone in Keras 3) and Sequential `output_names`."""

from __future__ import annotations

import ast
from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._util import code
from keras_migrate.rules import _scan
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._facts import per_file

__all__ = ["ModelIoNames"]

_SEQUENTIAL = ("Sequential", "models.Sequential")
_INPUTS = ("Input", "layers.Input", "layers.InputLayer", "InputLayer", "engine.input_layer.Input")


class ModelIoNames(Rule):
    id = "KM117"
    NODE_KEYED = ('_targets',)
    name = "model_io_names"
    description = ("Replace model.input_names (removed in Keras 3) by the input tensor names, "
                   "Sequential.output_names by the last layer's name, and an input layer's .input by its .output.")
    TRIGGERS = ("input_names", "output_names", "get_layer")
    EXAMPLES = (
        Example(
            before="""
            import keras
            feed = dict(zip(model.input_names, arrays))
            names = sorted(model.input_names) if hasattr(model, "input_names") else None
            """,
            after="""
            import keras
            feed = dict(zip([t.name for t in model.inputs], arrays))
            names = sorted([t.name for t in model.inputs]) if hasattr(model, "inputs") else None
            """,
        ),
        Example(
            before="""
            import keras
            seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="y")])
            names = seq.output_names
            """,
            after="""
            import keras
            seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="y")])
            names = [seq.layers[-1].name]
            """,
        ),
        # Functional models keep output_names in Keras 3 (the output layers' names).
        Example(before="import keras\nnames = model.output_names\n"),
        # An InputLayer's .input is [] in Keras 3 (its tensor is its .output): keras.io's OCR
        # prediction models, Model(model.get_layer(name="image").input, ...).
        Example(
            before="""
            from tensorflow import keras
            image = keras.Input(shape=(32, 8, 1), name="image")
            labels = keras.layers.Input(name="label", shape=(None,))
            model = build(image, labels)
            prediction_model = keras.models.Model(model.get_layer(name="image").input, model.get_layer(name="dense2").output)
            other = model.get_layer("dense2").input
            """,
            after="""
            from tensorflow import keras
            image = keras.Input(shape=(32, 8, 1), name="image")
            labels = keras.layers.Input(name="label", shape=(None,))
            model = build(image, labels)
            prediction_model = keras.models.Model(model.get_layer(name="image").output, model.get_layer(name="dense2").output)
            other = model.get_layer("dense2").input
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._sequential: Set[str] = set()
        self._targets: Set[int] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._targets.add(id(target.target))
        if isinstance(node.value, cst.Call) and self.ctx.keras_path(node.value.func) in _SEQUENTIAL:
            for target in node.targets:
                self._sequential.add(code(target.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets.add(id(node.target))

    def _input_layer_name(self, node: cst.BaseExpression) -> bool:
        """`x.get_layer("image")` / `x.get_layer(name="image")` naming one of the file's
        Input layers."""
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                and node.func.attr.value == "get_layer" and len(node.args) == 1):
            return False
        arg = node.args[0]
        if arg.keyword is not None and arg.keyword.value != "name" or not isinstance(arg.value, cst.SimpleString):
            return False
        return arg.value.evaluated_value in _input_layer_names(self.ctx)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        attr = original.attr.value
        if attr == "input" and id(original) not in self._targets and self._input_layer_name(original.value):
            self.fired()
            return updated.with_changes(attr=cst.Name("output"))
        if attr not in ("input_names", "output_names") or id(original) in self._targets:
            return updated
        if not isinstance(original.value, (cst.Name, cst.Attribute)) or not file_uses_keras(self.ctx):
            return updated
        receiver = updated.value
        if attr == "input_names":
            # Keras 3 matches dict inputs by these names (Functional._standardize_inputs);
            # named keras.Input(name=...) tensors carry the Keras 2 input layer names.
            self.fired()
            return cst.parse_expression(f"[t.name for t in {code(receiver)}.inputs]")
        if code(original.value) in self._sequential:
            # Keras 2 Sequential.output_names == [last layer's name]; Keras 3 Sequential
            # has no output_names.
            self.fired()
            return cst.parse_expression(f"[{code(receiver)}.layers[-1].name]")
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        # `x.input_names if hasattr(x, "input_names") else ...`: the guard would be False on
        # every Keras 3 model and hide the rewritten read; Keras 3 models have `inputs`.
        if not (isinstance(original.func, cst.Name) and original.func.value == "hasattr" and len(original.args) == 2):
            return updated
        name = original.args[1].value
        if not (isinstance(name, cst.SimpleString) and name.evaluated_value == "input_names"
                and file_uses_keras(self.ctx)):
            return updated
        self.fired()
        quote = name.quote
        args = list(updated.args)
        args[1] = args[1].with_changes(value=cst.SimpleString(f"{name.prefix}{quote}inputs{quote}"))
        return updated.with_changes(args=args)


@per_file
def _input_layer_names(ctx) -> frozenset:
    """name= strings of the file's keras.Input / InputLayer calls."""
    found = set()
    names = _scan.names(ctx)
    for node in _scan.nodes(ctx, ast.Call) if names is not None else ():
        if names.keras(node.func) in _INPUTS:
            name = _scan.call_keywords(node).get("name")
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                found.add(name.value)
    return frozenset(found)
