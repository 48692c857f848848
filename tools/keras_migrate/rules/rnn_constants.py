"""KM173 rnn_constants: Keras 2's RNN `constants` argument.

Keras 3 RNN layers take no `constants` (a Theano remnant). When every
`rnn(x, constants=c)` of a file calls a generic `keras.layers.RNN(cell)`, the
file's `keras.layers.RNN(...)` constructors become keras_migrate_runtime's RNN
(imported as RNNWithConstants): keras.layers.RNN plus Keras 2's `constants`,
passed to the cell's call() at every step exactly as Keras 2 did, so the cells
stay as written. Without constants it is keras.layers.RNN itself, so rewriting
every constructor of the file is harmless.

Otherwise (constants given to LSTM/GRU/Bidirectional, which Keras 2 rejected or
handled differently, or to layers this rule cannot trace) the call sites are
reported by call_signatures (KM110) and this rule reports cells whose call()
expects constants, with the Keras 3 pattern. `time_major` is call_signatures'.
"""

from __future__ import annotations

import ast

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._agnostic import runtime_class_for
from keras_migrate.rules._facts import FileFacts

__all__ = ["RnnConstants"]

_RUNTIME_SYMBOL = "RNN"
_LOCAL_NAME = "RNNWithConstants"
_GENERIC = "layers.RNN"
_OTHER_RNNS = frozenset({"layers.LSTM", "layers.GRU", "layers.SimpleRNN", "layers.Bidirectional",
                         "layers.ConvLSTM1D", "layers.ConvLSTM2D", "layers.ConvLSTM3D"})
_FIX = (
    "drop the `constants` parameter and feed the constants with the input instead: before the RNN, "
    "`x = keras.ops.concatenate([x, keras.ops.repeat(keras.ops.expand_dims(c, 1), keras.ops.shape(x)[1], "
    "axis=1)], axis=-1)`, and at the top of this call() `inputs, c = inputs[..., :-n], inputs[..., -n:]` "
    "(n = the constants' width; the cell's input size grows by n); or wrap the cell in "
    "keras_migrate_runtime.RNN, which still passes `constants`"
)


class RnnConstants(Rule):
    id = "KM173"
    name = "rnn_constants"
    description = "Keep Keras 2 RNN `constants` working (runtime RNN) or diagnose cells that expect them."
    TRIGGERS = ("constants",)
    EXAMPLES = (
        Example(
            before="""
            import keras

            rnn = keras.layers.RNN(ContextCell(4), return_sequences=True)
            y = rnn(x, constants=[context])
            """,
            after="""
            import keras
            from keras_migrate_runtime import RNN as RNNWithConstants

            rnn = RNNWithConstants(ContextCell(4), return_sequences=True)
            y = rnn(x, constants=[context])
            """,
        ),
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

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._handled = _constants_only_on_generic_rnns(ctx)
        if self._handled:
            ctx.facts(FileFacts).rnn_constants_runtime = True

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if not self._handled or self.ctx.keras_path(original.func) != _GENERIC:
            return updated
        self.fired()
        return updated.with_changes(func=runtime_class_for(self.ctx, original.func, _RUNTIME_SYMBOL, _LOCAL_NAME))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if self._handled or node.name.value != "call" or not self.ctx.class_stack:
            return
        params = node.params
        names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
        if "constants" not in names:
            return
        cls = self.ctx.class_stack[-1].name.value
        self.report(node.name, f"`{cls}.call()` takes RNN `constants`, which Keras 3 RNN layers no longer pass", _FIX)


def _constants_only_on_generic_rnns(ctx) -> bool:
    """True when the file passes constants= only to layers built by keras.layers.RNN(...)."""
    tree, names = _scan.file_ast(ctx), _scan.names(ctx)
    if tree is None or names is None:
        return False
    built = {}  # expression text -> keras path of the RNN class it was built from
    calls = []
    for node in _scan.nodes(ctx, ast.Assign, ast.Call):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            path = names.keras(node.value.func)
            if path == _GENERIC or path in _OTHER_RNNS:
                for target in node.targets:
                    built[ast.unparse(target)] = path
        elif isinstance(node, ast.Call) and any(k.arg == "constants" for k in node.keywords):
            calls.append(node)
    if not calls:
        return False
    for call in calls:
        if isinstance(call.func, ast.Call):
            path = names.keras(call.func.func)
        else:
            path = built.get(ast.unparse(call.func))
        if path != _GENERIC:
            return False
    return True
