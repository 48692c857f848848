"""KM242 stateful_rnn: stateful recurrent layers run right only on TensorFlow in Keras 3.

A Keras 2 `LSTM(..., stateful=True)` (GRU, SimpleRNN, RNN, ConvLSTM*) carries its
states from one batch to the next until reset_states(). Keras 3.15 does so on
TensorFlow; on JAX the states do not reach the next batch of fit() / predict() (a
stateful LSTM's predictions from the second batch on, and its training losses, differ
from Keras 2 and from Keras 3 on TensorFlow), and on PyTorch fit() fails ("one of the
variables needed for gradient computation has been modified by an inplace operation").
Measured with keras-migrate verify on a stateful-LSTM time-series script: TensorFlow
identical, JAX loss 0.575 against 0.620, PyTorch crash. Called directly
(`model(x)`), the layers carry their states on every backend. A file whose stateful
model goes through fit / evaluate / predict / *_on_batch (the model a stateful layer is
assigned or added to, by name; any model when that is not known) is kept on TensorFlow
(agnostic mode), with the reason.
"""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part

__all__ = ["StatefulRnn"]

_RECURRENT = frozenset({"RNN", "LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
                        "CuDNNLSTM", "CuDNNGRU"})
_REASON = ("stateful recurrent layer (stateful=True): Keras 3 carries its states across batches only on "
           "TensorFlow (JAX drops them between the batches of fit/predict, PyTorch fails in fit)")


# Keras' loops over batches: where Keras 3 loses or breaks the states off TensorFlow.
_LOOPS = frozenset({"fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
                    "fit_generator", "evaluate_generator", "predict_generator"})


def _stateful_call(names, node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or _scan.called_name(node) not in _RECURRENT:
        return False
    path = names.keras(node.func) if names is not None else None
    if path is not None and not path.startswith("layers."):
        return False
    value = _scan.call_keywords(node).get("stateful")
    return value is not None and not (isinstance(value, ast.Constant) and value.value in (False, None))


def _model_of(statement: ast.stmt, call: ast.Call) -> Optional[str]:
    """The model a stateful layer goes into, by the statement holding it: `name = ...`
    (not the layer itself) or `model.add(...)`; None when not known."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], ast.Name) and statement.value is not call:
        return statement.targets[0].id
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) \
            and isinstance(statement.value.func, ast.Attribute) and statement.value.func.attr == "add":
        return ast.unparse(statement.value.func.value)
    return None


@per_file
def _states_lost(ctx) -> bool:
    """Does a model with a stateful layer run through Keras' batch loops in this file?"""
    names = _scan.names(ctx)
    models, unknown = set(), False
    for node in _scan.nodes(ctx, ast.Assign, ast.Expr):
        found = [n for n in ast_walk(node) if _stateful_call(names, n)]
        for call in found:
            model = _model_of(node, call)
            if model is None:
                unknown = True
            else:
                models.add(model)
    for node in _scan.nodes(ctx, ast.Call):
        if isinstance(node.func, ast.Attribute) and node.func.attr in _LOOPS \
                and (unknown or ast.unparse(node.func.value) in models):
            return True
    return False


class StatefulRnn(Rule):
    id = "KM242"
    name = "stateful_rnn"
    description = "Keep files with stateful recurrent layers on TensorFlow (Keras 3 JAX/PyTorch do not carry states)."
    part = Part.AGNOSTIC
    TRIGGERS = ("stateful",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            model = keras.Sequential([keras.Input(batch_shape=(4, 1, 1)), keras.layers.LSTM(6, stateful=True),
                                      keras.layers.Dense(1)])
            model.fit(x, y, batch_size=4, shuffle=False)
            """,
            after="""
            import keras
            model = keras.Sequential([keras.Input(batch_shape=(4, 1, 1)), keras.layers.LSTM(6, stateful=True),
                                      keras.layers.Dense(1)])
            model.fit(x, y, batch_size=4, shuffle=False)
            """,
            diagnostics=("KM242",),
            full=True,
            tensorflow_only=True,
        ),
        # Called directly (the states carry on every backend), stateful=False, another
        # library's `stateful`: nothing to do.
        Example(
            before="""
            from tensorflow import keras
            stepper = keras.Model(inputs, keras.layers.LSTM(4, stateful=True)(inputs))
            first, carried = stepper(x), stepper(x)
            layer = keras.layers.GRU(4, stateful=False)
            session = make_session(stateful=True)
            other_model.fit(x, y)
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        if not _states_lost(self.ctx):
            return
        path = self.ctx.keras_path(node.func) or ""
        if path.rsplit(".", 1)[-1] not in _RECURRENT or not path.startswith("layers."):
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "stateful" \
                    and not (isinstance(arg.value, cst.Name) and arg.value.value in ("False", "None")):
                self.ctx.keep_on_tensorflow(self.id, node, _REASON)
                return
