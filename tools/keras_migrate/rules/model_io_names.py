"""KM117 model_io_names: `model.input_names` (gone in Keras 3) and Sequential `output_names`."""

from __future__ import annotations

from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._util import code
from keras_migrate.rules._args import file_uses_keras

__all__ = ["ModelIoNames"]

_SEQUENTIAL = ("Sequential", "models.Sequential")


class ModelIoNames(Rule):
    id = "KM117"
    NODE_KEYED = ('_targets',)
    name = "model_io_names"
    description = ("Replace model.input_names (removed in Keras 3) by the input tensor names, and "
                   "Sequential.output_names by the last layer's name.")
    TRIGGERS = ("input_names", "output_names")
    EXAMPLES = (
        Example(
            before="""
            import keras
            feed = dict(zip(model.input_names, arrays))
            """,
            after="""
            import keras
            feed = dict(zip([t.name for t in model.inputs], arrays))
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

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        attr = original.attr.value
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
