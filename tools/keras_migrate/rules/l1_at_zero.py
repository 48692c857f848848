"""KM257 l1_at_zero: L1 penalties on weights that start at zero keep TensorFlow's gradient.

Keras 3's L1 and L1L2 regularizers sum keras.ops.absolute(x). On JAX the gradient of
|x| at exactly 0 is 1 (TensorFlow, and so Keras 2, and PyTorch: 0), so a weight that
starts at zero gets a push of l1 on the first step on JAX only, and the whole training
goes on from other weights (found with keras-migrate verify on an independent program: a
Dense layer's `bias_regularizer=regularizers.L1(1e-4)` left 5 of its 8 biases up to 2e-4
away from Keras 2 on JAX, TensorFlow and PyTorch identical). Agnostic mode: such
regularizers, given where the weight starts at zero (`bias_regularizer`,
`beta_regularizer`, any `<weight>_regularizer` or add_weight `regularizer` beside a
zeros initializer), become keras_migrate_runtime's L1 / L1L2: the same values and
config, gradient 0 at 0 on every backend. Weights drawn at random are never exactly zero
and keep Keras's classes.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._agnostic import runtime_class_for
from keras_migrate.rules._args import paired_args
from keras_migrate.rules._keras import Part
from keras_migrate.rules._util import code

__all__ = ["L1AtZero"]

# Keras 2 regularizer constructors with an L1 part -> the runtime class.
_L1_FAMILY = {"regularizers.l1": "L1", "regularizers.L1": "L1", "regularizers.l1_l2": "L1L2",
              "regularizers.L1L2": "L1L2"}
_LOCAL = {"L1": "Keras2L1", "L1L2": "Keras2L1L2"}
# Weights whose default initializer is zeros.
_ZERO_BY_DEFAULT = frozenset({"bias", "beta"})
_ZEROS = frozenset({'"zeros"', "'zeros'", '"Zeros"', "'Zeros'", '"zero"', "'zero'"})


class L1AtZero(Rule):
    id = "KM257"
    name = "l1_at_zero"
    description = ("L1 / L1L2 regularizers of weights that start at zero (biases, zeros initializers) become "
                   "keras_migrate_runtime's, with TensorFlow's gradient 0 at 0 (JAX's is 1).")
    part = Part.AGNOSTIC
    TRIGGERS = ("regularizer",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow.keras import layers, regularizers
            d1 = layers.Dense(8, bias_regularizer=regularizers.L1(1e-4), kernel_regularizer=regularizers.l1(1e-4))
            d2 = layers.Dense(8, kernel_initializer="zeros", kernel_regularizer=regularizers.l1_l2(l1=1e-4, l2=1e-3))
            d3 = layers.Dense(8, bias_initializer="ones", bias_regularizer=regularizers.l1(1e-4))
            norm = layers.BatchNormalization(beta_regularizer=regularizers.l1(1e-3))
            """,
            after="""
            from tensorflow.keras import layers, regularizers
            from keras_migrate_runtime import L1 as Keras2L1
            from keras_migrate_runtime import L1L2 as Keras2L1L2
            d1 = layers.Dense(8, bias_regularizer=Keras2L1(1e-4), kernel_regularizer=regularizers.l1(1e-4))
            d2 = layers.Dense(8, kernel_initializer="zeros", kernel_regularizer=Keras2L1L2(l1=1e-4, l2=1e-3))
            d3 = layers.Dense(8, bias_initializer="ones", bias_regularizer=regularizers.l1(1e-4))
            norm = layers.BatchNormalization(beta_regularizer=Keras2L1(1e-3))
            """,
        ),
        Example(
            # add_weight(regularizer=...) beside a zeros initializer; the string "l1".
            before="""
            import keras

            class Scale(keras.layers.Layer):
                def build(self, shape):
                    self.shift = self.add_weight(shape=(shape[-1],), initializer="zeros", regularizer="l1")
                    self.scale = self.add_weight(shape=(shape[-1],), initializer="ones", regularizer="l1")
                    self.tilt = self.add_weight(shape=(shape[-1],), initializer="zeros",
                                                regularizer=keras.regularizers.L1L2(l2=1e-3))
            """,
            after="""
            import keras
            from keras_migrate_runtime import L1 as Keras2L1

            class Scale(keras.layers.Layer):
                def build(self, shape):
                    self.shift = self.add_weight(shape=(shape[-1],), initializer="zeros", regularizer=Keras2L1())
                    self.scale = self.add_weight(shape=(shape[-1],), initializer="ones", regularizer="l1")
                    self.tilt = self.add_weight(shape=(shape[-1],), initializer="zeros",
                                                regularizer=keras.regularizers.L1L2(l2=1e-3))
            """,
        ),
        Example(
            # TensorFlow mode: TensorFlow's own gradient, nothing to do.
            before="""
            from tensorflow.keras import layers, regularizers
            dense = layers.Dense(8, bias_regularizer=regularizers.L1(1e-4))
            """,
            mode="tensorflow",
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if not any(arg.keyword is not None and arg.keyword.value.endswith("regularizer") for arg in original.args):
            return updated
        initializers = {arg.keyword.value: code(arg.value) for arg in original.args if arg.keyword is not None
                        and arg.keyword.value.endswith("initializer")}
        args = list(updated.args)
        changed = False
        for arg, index in paired_args(original, updated):
            new = updated.args[index]
            keyword = arg.keyword.value if arg.keyword is not None else ""
            if not keyword.endswith("regularizer") or keyword == "activity_regularizer":
                continue
            weight = keyword[:-len("regularizer")].rstrip("_")  # "" for add_weight's regularizer=
            initializer = initializers.get(f"{weight}_initializer" if weight else "initializer")
            starts_at_zero = initializer in _ZEROS if initializer is not None else weight in _ZERO_BY_DEFAULT
            if not starts_at_zero:
                continue
            value = self._runtime(arg.value, new.value)
            if value is not None:
                args[index] = new.with_changes(value=value)
                changed = True
        if not changed:
            return updated
        self.fired()
        return updated.with_changes(args=args)

    def _runtime(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        """The runtime regularizer for `original` (as other rules left it: `updated`), or
        None when it has no L1 part."""
        if isinstance(original, cst.SimpleString) and original.evaluated_value == "l1":
            return cst.Call(func=self._name(None, "L1"))
        if isinstance(original, cst.SimpleString) and original.evaluated_value == "l1_l2":
            # the Regularizers rule made it L1L2(l1=0.01, l2=0.01)
            if isinstance(updated, cst.Call):
                return updated.with_changes(func=self._name(None, "L1L2"))
            return None
        if not (isinstance(original, cst.Call) and isinstance(updated, cst.Call)):
            return None
        symbol = _L1_FAMILY.get(self.ctx.keras_path(original.func) or "")
        if symbol is None or (symbol == "L1L2" and not _has_l1(updated)):
            return None
        return updated.with_changes(func=self._name(original.func, symbol))

    def _name(self, original: Optional[cst.BaseExpression], symbol: str) -> cst.Name:
        if original is None:
            self.ctx.runtime_imports.add(symbol)
            self.ctx.add_import(self.ctx.runtime_module, symbol, _LOCAL[symbol])
            return cst.Name(_LOCAL[symbol])
        return runtime_class_for(self.ctx, original, symbol, _LOCAL[symbol])


def _has_l1(call: cst.Call) -> bool:
    """An L1L2(...) / l1_l2(...) call with a non-zero l1 (Keras 3's class defaults it to 0)."""
    for position, arg in enumerate(call.args):
        if (arg.keyword is not None and arg.keyword.value == "l1") or (arg.keyword is None and position == 0):
            return code(arg.value) not in ("0", "0.0", "0.", "None")
        if arg.star:
            return True
    return False
