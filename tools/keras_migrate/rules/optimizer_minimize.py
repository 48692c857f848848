"""KM235 optimizer_minimize: Keras 3's optimizers have no `minimize()`.

Keras 2's `optimizer.minimize(loss, var_list)` (tf_keras 2.11+ and the legacy
optimizers alike) differentiated `loss()` with a GradientTape and applied the gradients;
Keras 3 dropped the method on every backend (AttributeError, TensorFlow included). With
a function as the loss, as Keras 2 required without `tape=`, the call becomes
keras_migrate_runtime's `minimize(optimizer, loss, var_list)`: value_and_grad and
apply_gradients on any backend, `var_list` read after the loss as Keras 2 read it.

A loss tensor recorded by the caller's own tape (`minimize(loss, var_list, tape=tape)`,
Keras 2's own train_step) becomes what Keras 2 did with it,
`opt.apply_gradients(zip(tape.gradient(loss, var_list), var_list))`, the form the
train-step and tape rules carry to JAX and PyTorch (Keras' default train_step is then
recognised and removed). `grad_loss=`, or a loss function with a tape, are reported with
the rewrite to make by hand.
Receivers are untyped: a name bound to `keras.optimizers.X(...)` in the file, or one
that is called an optimizer (`optimizer`, `self.opt`); in a file that also builds
TensorFlow 1 optimizers (`tf.compat.v1.train`), whose minimize takes other arguments,
only the former.
"""

from __future__ import annotations

import ast
from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._args import bind, file_uses_keras, keras_optimizer_targets, optimizer_like
from keras_migrate.rules._keras import Part
from keras_migrate.rules._util import code

__all__ = ["OptimizerMinimize"]

HELPER = "minimize"
# Keras 2's signatures: the new optimizers (loss, var_list, tape) and the legacy ones
# (loss, var_list, grad_loss, name, tape).
_PARAMS = ("loss", "var_list", "grad_loss", "name", "tape")
# Files building TensorFlow 1 optimizers, whose minimize(loss, global_step, var_list, ...)
# reads its arguments otherwise.
_TF1_OPTIMIZERS = ("compat.v1.train.", "tf.train.")


class OptimizerMinimize(Rule):
    id = "KM235"
    name = "optimizer_minimize"
    description = ("`optimizer.minimize(loss_fn, var_list)` (removed in Keras 3) -> keras_migrate_runtime's "
                   "minimize(optimizer, loss_fn, var_list) on any backend.")
    part = Part.TENSORFLOW
    TRIGGERS = (".minimize(",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf

            v = tf.Variable([1.0, -1.0])
            sgd = tf.keras.optimizers.SGD(learning_rate=0.05)
            for _ in range(10):
                sgd.minimize(lambda: tf.reduce_sum((v - 3.0) ** 2), var_list=[v])
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import minimize

            v = tf.Variable([1.0, -1.0])
            sgd = tf.keras.optimizers.SGD(learning_rate=0.05)
            for _ in range(10):
                minimize(sgd, lambda: tf.reduce_sum((v - 3.0) ** 2), var_list=[v])
            """,
        ),
        # Positional arguments, a function returning the variables, a receiver that is an
        # optimizer by its name.
        Example(
            before="""
            from tensorflow import keras

            def fit_step(model, optimizer, loss_fn):
                optimizer.minimize(loss_fn, lambda: model.trainable_weights)
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import minimize

            def fit_step(model, optimizer, loss_fn):
                minimize(optimizer, loss_fn, lambda: model.trainable_weights)
            """,
        ),
        # A loss tensor recorded by the caller's tape (Keras 2's own train_step): what Keras 2
        # did, tape.gradient + apply_gradients, which the tape and train-step rules carry
        # to every backend.
        Example(
            before="""
            import tensorflow as tf

            opt = tf.keras.optimizers.Adam()
            with tf.GradientTape() as tape:
                loss = model(x)
            opt.minimize(loss, model.trainable_variables, tape=tape)
            """,
            after="""
            import tensorflow as tf

            opt = tf.keras.optimizers.Adam()
            with tf.GradientTape() as tape:
                loss = model(x)
            opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
            """,
        ),
        # grad_loss=, or a loss function with a tape: reported, not rewritten.
        Example(
            before="""
            import tensorflow as tf

            legacy = tf.keras.optimizers.legacy.SGD()
            legacy.minimize(f, [w], grad_loss=g)
            opt = tf.keras.optimizers.Adam()
            opt.minimize(lambda: model(x), model.trainable_variables, tape=tf.GradientTape())
            """,
            diagnostics=("KM235", "KM235"),
        ),
        # Not an optimizer (scipy's function, a TensorFlow 1 optimizer, a study object).
        Example(
            before="""
            import tensorflow as tf
            from scipy import optimize

            result = optimize.minimize(f, x0)
            optimizer = tf.compat.v1.train.AdamOptimizer(0.01)
            train_op = optimizer.minimize(loss)
            study.minimize(objective)
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._keras_optimizers: Set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        self._keras_optimizers.update(keras_optimizer_targets(self.ctx, node))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "minimize"):
            return updated
        receiver = code(func.value)
        if not self._is_keras_optimizer(receiver):
            return updated
        bound = bind(original, _PARAMS)
        if bound is None or "loss" not in bound or "var_list" not in bound:
            return updated
        if "tape" in bound and "grad_loss" not in bound and self._tensor_form(bound):
            self.fired()
            return self._as_apply_gradients(updated, bound)
        if "tape" in bound or "grad_loss" in bound:
            given = "tape=" if "tape" in bound else "grad_loss="
            self.report(original, f"Keras 3's optimizers have no minimize(); this call passes {given}, which "
                        "a function call cannot carry over to JAX or PyTorch",
                        f"compute the gradients yourself (`grads = tape.gradient({code(bound['loss'].value)}, "
                        f"{code(bound['var_list'].value)})`) and call `{receiver}.apply_gradients(zip(grads, "
                        f"{code(bound['var_list'].value)}))`")
            return updated
        self.ctx.use_runtime(HELPER)
        self.fired()
        # The receiver becomes the first argument, the call's own arguments keep their
        # layout.
        first = cst.Arg(updated.func.value)
        return updated.with_changes(func=cst.Name(HELPER), args=[first, *updated.args])

    def _tensor_form(self, bound) -> bool:
        """`minimize(loss, var_list, tape=tape)` with a loss tensor the caller's tape
        recorded (Keras 2's own train_step) and a variable list that reads the same when
        read twice (a name or attribute chain)."""
        loss, var_list = bound["loss"].value, bound["var_list"].value
        if isinstance(loss, cst.Lambda) or (isinstance(loss, cst.Name) and loss.value in self._functions()):
            return False
        while isinstance(var_list, cst.Attribute):
            var_list = var_list.value
        return isinstance(var_list, cst.Name)

    def _functions(self) -> Set[str]:
        return {node.name for node in _scan.nodes(self.ctx, ast.FunctionDef, ast.AsyncFunctionDef)}

    @staticmethod
    def _as_apply_gradients(updated: cst.Call, bound) -> cst.Call:
        """What Keras 2's minimize did with a tape: `opt.apply_gradients(zip(
        tape.gradient(loss, var_list), var_list))` (the form the train-step and tape rules
        carry to JAX and PyTorch)."""
        loss, var_list, tape = (bound[k].value for k in ("loss", "var_list", "tape"))
        gradient = cst.Call(cst.Attribute(tape, cst.Name("gradient")),
                            [cst.Arg(loss), cst.Arg(var_list)])
        pairs = cst.Call(cst.Name("zip"), [cst.Arg(gradient), cst.Arg(var_list)])
        return cst.Call(updated.func.with_changes(attr=cst.Name("apply_gradients")), [cst.Arg(pairs)])

    def _is_keras_optimizer(self, receiver: str) -> bool:
        if receiver in self._keras_optimizers:
            return True
        if not optimizer_like(receiver) or not file_uses_keras(self.ctx):
            return False
        return not any(marker in self.ctx.source for marker in _TF1_OPTIMIZERS)
