"""KM173 rnn_constants: RNN cells written for Keras 2's `constants` argument.

Keras 3 RNN layers take no `constants` (a Theano remnant): `rnn(x, constants=c)`
call sites are reported by call_signatures (KM110); this rule reports the other
half, cells whose call() expects them, with the concrete Keras 3 pattern. No
rewrite: where the constants come from is a design decision of the model (an
attention context, a conditioning vector), and the usual fix changes the cell's
input size. `time_major` is call_signatures' too.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule

__all__ = ["RnnConstants"]

_FIX = (
    "drop the `constants` parameter and feed the constants with the input instead: before the RNN, "
    "`x = keras.ops.concatenate([x, keras.ops.repeat(keras.ops.expand_dims(c, 1), keras.ops.shape(x)[1], "
    "axis=1)], axis=-1)`, and at the top of this call() `inputs, c = inputs[..., :-n], inputs[..., -n:]` "
    "(n = the constants' width; the cell's input size grows by n); or, for constants that do not depend "
    "on the batch, set them as an attribute of the cell before calling the RNN"
)


class RnnConstants(Rule):
    id = "KM173"
    name = "rnn_constants"
    description = "Diagnose RNN cells whose call() takes the `constants` argument Keras 3 removed."
    TRIGGERS = ("constants",)
    EXAMPLES = (
        Example(
            before="""
            import keras

            class ContextCell(keras.layers.Layer):
                state_size = 4

                def call(self, inputs, states, constants=None):
                    context = constants[0]
                    return inputs + context, states
            """,
            diagnostics=("KM173",),
        ),
        Example(
            before="""
            import keras

            class Plain(keras.layers.Layer):
                def call(self, inputs, constants_scale=1.0):
                    return inputs * constants_scale
            """,
        ),
    )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value != "call" or not self.ctx.class_stack:
            return
        params = node.params
        names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
        if "constants" not in names:
            return
        cls = self.ctx.class_stack[-1].name.value
        self.report(node.name, f"`{cls}.call()` takes RNN `constants`, which Keras 3 RNN layers no longer pass", _FIX)
