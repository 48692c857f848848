"""KM119 call_mask: `call(self, a, b, mask=None)` still receives the first input's mask.

Keras 2 filled a layer's `mask` argument with the mask of the first positional input,
however many inputs call() took. Keras 3 fills `mask` only when call() receives ONE
tensor argument; with several it fills `<name>_mask` for each tensor argument whose
parameter exists, and `mask` stays None: a decoder's `call(self, inputs,
encoder_outputs, mask=None)` silently loses its padding mask (or fails on an unbound
variable). The rewrite adds the `<first>_mask` parameter Keras 3 fills and uses it when
`mask` was not given, which is Keras 2's behaviour with either Keras 3 calling rule.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule, is_docstring
from keras_migrate.rules import _scan
from keras_migrate.rules._util import NO_SPACE

__all__ = ["CallMask"]


def _param(params: cst.Parameters, name: str) -> Optional[cst.Param]:
    for param in list(params.params) + list(params.kwonly_params):
        if param.name.value == name:
            return param
    return None


class CallMask(Rule):
    id = "KM119"
    name = "call_mask"
    description = ("Layer.call() with several inputs and a `mask` parameter: Keras 3 passes the first input's "
                   "mask as `<first>_mask`, not `mask`; take it from there as Keras 2 did.")
    TRIGGERS = ("mask",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            class Decoder(keras.layers.Layer):
                def call(self, inputs, encoder_outputs, mask=None):
                    return self.attention(inputs, encoder_outputs, attention_mask=mask)
            """,
            after="""
            from tensorflow import keras
            class Decoder(keras.layers.Layer):
                def call(self, inputs, encoder_outputs, mask=None, inputs_mask=None):
                    if mask is None:  # Keras 3 passes the first input's mask as inputs_mask
                        mask = inputs_mask
                    return self.attention(inputs, encoder_outputs, attention_mask=mask)
            """,
        ),
        # One input: Keras 3 fills `mask` itself.
        Example(
            before="""
            from tensorflow import keras
            class Pool(keras.layers.Layer):
                def call(self, inputs, mask=None):
                    return inputs
            """,
        ),
    )

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        cls = self.ctx.current_class
        if original.name.value != "call" or cls is None or len(self.ctx.function_stack) != 1:
            return updated
        if cls.name.value not in _scan.keras_layer_classes(self.ctx):
            return updated
        params = updated.params
        positional = [p.name.value for p in params.params]
        mask = _param(params, "mask")
        inputs = [name for name in positional[1:] if name not in ("mask", "training")]
        if mask is None or positional[:1] != ["self"] or len(inputs) < 2 or positional[1] == "mask":
            return updated
        first = inputs[0]
        first_mask = f"{first}_mask"
        if _param(params, first_mask) is not None:  # already migrated
            return updated
        self.fired()
        new_param = cst.Param(cst.Name(first_mask), default=cst.Name("None"),
                              equal=NO_SPACE)
        if mask in params.kwonly_params:
            params = params.with_changes(kwonly_params=[*params.kwonly_params, new_param])
        else:
            params = params.with_changes(params=[*params.params, new_param])
        statement = cst.parse_statement(
            f"if mask is None:  # Keras 3 passes the first input's mask as {first_mask}\n"
            f"    mask = {first_mask}\n")
        body = updated.body
        if isinstance(body, cst.IndentedBlock):
            head = list(body.body)
            at = 1 if head and is_docstring(head[0]) else 0
            body = body.with_changes(body=[*head[:at], statement, *head[at:]])
        return updated.with_changes(params=params, body=body)

