"""KM252 python_generators: Python generators given to predict() and as validation data.

Found with keras-migrate verify on independent programs (silent before):
- predict() of a generator yielding bare arrays (`yield x[i:i + n]`): Keras 2 took each
  as the batch's inputs, Keras 3 raises ("the generator must return a tuple, either
  (input,) or ..."). The argument becomes keras_migrate_runtime.keras2_input_batches(...),
  which yields `(batch,)` for them.
- fit(validation_data=<endless generator>, validation_steps=n): Keras 2 and Keras 3 read
  ahead on the validation generator by different amounts (logged: Keras 2 scored epoch 2
  on the batches after its 5 read-ahead ones, Keras 3 on JAX after 3, on TensorFlow after
  4), so from the second epoch val_* metrics are computed on other batches. Reported with
  the fix: validation data Keras reads from the start each epoch.

Generators are the file's functions containing `yield`, called in the argument or
through a name bound once to such a call.
"""

from __future__ import annotations

import ast
from typing import Dict, Optional

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file

__all__ = ["PythonGenerators"]

HELPER = "keras2_input_batches"
_PREDICT = frozenset({"predict", "predict_generator"})
_FIT = frozenset({"fit", "fit_generator"})


@per_file
def _generators(ctx) -> Dict[str, bool]:
    """{file generator function: whether some `yield` gives a bare value (not a tuple)}."""
    found: Dict[str, bool] = {}
    for node in _scan.nodes(ctx, ast.FunctionDef):
        yields = [n for n in ast_walk(node) if isinstance(n, ast.Yield)]
        if yields:
            found[node.name] = any(y.value is not None and not isinstance(y.value, ast.Tuple) for y in yields)
    return found


class PythonGenerators(Rule):
    id = "KM252"
    name = "python_generators"
    description = ("predict() of a generator yielding bare arrays -> keras2_input_batches(...); endless generators "
                   "as fit()'s validation data reported (Keras 3 reads ahead on them differently).")
    TRIGGERS = ("yield",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf

            def inputs_only(x, n):
                while True:
                    for i in range(0, len(x), n):
                        yield x[i:i + n]

            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            stream = inputs_only(x, 16)
            a = model.predict(inputs_only(x, 16), steps=4)
            b = model.predict(stream, steps=4)
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import keras2_input_batches

            def inputs_only(x, n):
                while True:
                    for i in range(0, len(x), n):
                        yield x[i:i + n]

            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            stream = inputs_only(x, 16)
            a = model.predict(keras2_input_batches(inputs_only(x, 16)), steps=4)
            b = model.predict(keras2_input_batches(stream), steps=4)
            """,
        ),
        Example(
            before="""
            import tensorflow as tf

            def batches(x, y, n):
                while True:
                    for i in range(0, len(x), n):
                        yield x[i:i + n], y[i:i + n]

            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            model.fit(batches(x, y, 10), steps_per_epoch=6, validation_data=batches(xv, yv, 20), validation_steps=3)
            predictions = model.predict(batches(x, y, 10), steps=2)
            """,
            diagnostics=("KM252",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._bound: Dict[str, Optional[str]] = {}  # name -> generator function it was bound to a call of

    def visit_Assign(self, node: cst.Assign) -> None:
        called = self._generator_called(node.value)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if called is None:
                    self._bound.pop(target.target.value, None)
                else:
                    self._bound[target.target.value] = called

    def _generator_called(self, value: cst.BaseExpression) -> Optional[str]:
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in _generators(self.ctx):
            return value.func.value
        if isinstance(value, cst.Name):
            return self._bound.get(value.value)
        return None

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _PREDICT | _FIT:
            return updated
        if func.attr.value in _FIT:
            self._validation(original)
            return updated
        if not original.args or original.args[0].keyword is not None:
            return updated
        generator = self._generator_called(original.args[0].value)
        if generator is None or not _generators(self.ctx)[generator]:
            return updated
        self.ctx.use_runtime(HELPER)
        self.fired()
        args = list(updated.args)
        args[0] = args[0].with_changes(value=cst.Call(func=cst.Name(HELPER), args=[cst.Arg(args[0].value)]))
        return updated.with_changes(args=args)

    def _validation(self, call: cst.Call) -> None:
        value = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "validation_data"),
                     None)
        if value is None or self._generator_called(value) is None:
            return
        self.report(call, "validation_data is a Python generator: Keras 2 and Keras 3 read ahead on it by different "
                          "amounts, so from the second epoch the val_* metrics are computed on other batches",
                    "validate on data Keras reads from the start each epoch: arrays (validation_data=(x_val, "
                    "y_val)), a finite tf.data.Dataset, or a keras.utils.PyDataset")
