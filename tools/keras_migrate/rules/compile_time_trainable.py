"""KM238 compile_time_trainable: Keras 2 trained with the trainable flags of compile().

tf_keras 2.21 recorded each sublayer's `trainable` flag at `model.compile()`, and the
model's `fit()` / `train_on_batch()` ran with those flags whatever was set since
(training_utils.RespectCompiledTrainableState); Keras 3 reads the flags at each call.
Keras 2's classic GAN depends on it: the discriminator is compiled, then frozen before
the combined model is compiled, and `d.train_on_batch(...)` still trains it. Under Keras
3 the discriminator silently never trains again, on every backend (checked with
keras-migrate verify). Gradual unfreezing in a callback, without a recompile, is the
same difference the other way round.

A flag set after a compile matters when the file trains a model after it with no
recompile of that model in between: then the file's `X.compile(...)` calls become
keras_migrate_runtime's `keras2_compile(X, ...)`, which records the flags and makes that
model's fit / train_on_batch run with them, as Keras 2 did (other models are not
touched). Receivers are untyped, so the test is textual: module names (`re.compile`,
`torch.compile`) and `super().compile` are left alone; a training call inside a function
counts as coming after every flag set. A flag set by a Callback while fit() runs is
reported with the fix: Keras 2 ignored it until the next compile(), Keras 3 fails on JAX
and PyTorch.
"""

from __future__ import annotations

import ast
from typing import FrozenSet, List, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules import _scan
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part
from keras_migrate.rules._util import code, prepend_arg

__all__ = ["CompileTimeTrainable"]

HELPER = "keras2_compile"
# Keras 2's endpoints that ran with the compile-time flags (fit_generator called fit).
_TRAINING = frozenset({"fit", "train_on_batch", "fit_generator"})

Position = Tuple[int, int]


def _compile_receiver(names, call: ast.Call):
    """The receiver's code of a `X.compile(...)` that may be a Keras model's, else None."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "compile"):
        return None
    if isinstance(func.value, ast.Call) and isinstance(func.value.func, ast.Name) and func.value.func.id == "super":
        return None
    if names is not None and names.qualified(func) is not None:
        return None  # a module's function: re.compile, torch.compile
    return ast.unparse(func.value)


@per_file
def _unsettled_flags(ctx) -> FrozenSet[Position]:
    """Positions of the `.trainable = ...` assignments that come after a compile() and
    before a training call of a model not recompiled in between."""
    if _scan.file_ast(ctx) is None or not file_uses_keras(ctx):
        return frozenset()
    names = _scan.names(ctx)
    compiles: List[Tuple[Position, str]] = []
    trains: List[Tuple[Position, str, bool]] = []
    for scope, node in _scan.scoped_nodes(ctx):
        if isinstance(node, ast.Call):
            receiver = _compile_receiver(names, node)
            at = (node.lineno, node.col_offset)
            if receiver is not None:
                compiles.append((at, receiver))
            elif isinstance(node.func, ast.Attribute) and node.func.attr in _TRAINING:
                trains.append((at, ast.unparse(node.func.value), bool(scope)))
    if not compiles or not trains:
        return frozenset()
    first_compile = min(at for at, _ in compiles)

    def recompiled(receiver: str, after: Position, before: Position) -> bool:
        return any(r == receiver and after < at < before for at, r in compiles)

    unsettled = set()
    for flag in _flag_positions(ctx):
        if flag < first_compile:
            continue
        for at, receiver, in_function in trains:
            if in_function and not recompiled(receiver, flag, (1 << 30, 0)):
                unsettled.add(flag)
            elif at > flag and not recompiled(receiver, flag, at):
                unsettled.add(flag)
    return frozenset(unsettled)


class CompileTimeTrainable(Rule):
    id = "KM238"
    name = "compile_time_trainable"
    description = ("`X.trainable = ...` after X or its model was compiled, then trained without a recompile: "
                   "compile() -> keras_migrate_runtime.keras2_compile (Keras 2 trained with the compile-time "
                   "flags; Keras 3 reads them at each call).")
    part = Part.TENSORFLOW
    TRIGGERS = (".trainable",)
    EXAMPLES = (
        # Keras 2's GAN: the discriminator keeps training after it is frozen for the
        # combined model.
        Example(
            before="""
            from tensorflow import keras
            d = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
            d.compile(loss="binary_crossentropy", optimizer="adam")
            d.trainable = False
            gan = keras.Sequential([g, d])
            gan.compile(loss="binary_crossentropy", optimizer="adam")
            for x_real, noise in batches:
                d.train_on_batch(x_real, ones)
                gan.train_on_batch(noise, ones)
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_compile
            d = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])
            keras2_compile(d, loss="binary_crossentropy", optimizer="adam")
            d.trainable = False
            gan = keras.Sequential([g, d])
            keras2_compile(gan, loss="binary_crossentropy", optimizer="adam")
            for x_real, noise in batches:
                d.train_on_batch(x_real, ones)
                gan.train_on_batch(noise, ones)
            """,
            diagnostics=("KM238",),
        ),
        # Compiled in a function, frozen in another, trained in a third (tutorial layout).
        Example(
            before="""
            import tensorflow as tf
            def define_discriminator():
                model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
                model.compile(loss="mse", optimizer="adam")
                return model
            def define_gan(g_model, d_model):
                d_model.trainable = False
                model = tf.keras.Sequential([g_model, d_model])
                model.compile(loss="mse", optimizer="adam")
                return model
            def train(g_model, d_model, gan_model):
                d_model.train_on_batch(x, y)
                gan_model.train_on_batch(z, y)
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import keras2_compile
            def define_discriminator():
                model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
                keras2_compile(model, loss="mse", optimizer="adam")
                return model
            def define_gan(g_model, d_model):
                d_model.trainable = False
                model = tf.keras.Sequential([g_model, d_model])
                keras2_compile(model, loss="mse", optimizer="adam")
                return model
            def train(g_model, d_model, gan_model):
                d_model.train_on_batch(x, y)
                gan_model.train_on_batch(z, y)
            """,
            diagnostics=("KM238",),
        ),
        # Unfreezing in a callback while fit() runs: reported with the fix (no rewrite makes
        # Keras 3 ignore it mid-fit as Keras 2 did).
        Example(
            before="""
            from tensorflow import keras
            class Unfreeze(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    self.model.get_layer("base").trainable = True
            """,
            diagnostics=("KM238",),
        ),
        # Fine-tuning that recompiles before training again (keras.io's transfer learning
        # guide), flags set before the first compile, `re.compile`: nothing to do.
        Example(
            before="""
            import re
            from tensorflow import keras
            base.trainable = False
            model.compile(optimizer="adam", loss="mse")
            model.fit(x, y)
            base.trainable = True
            model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="mse")
            model.fit(x, y)
            pattern = re.compile("a+")
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._flags_seen = 0  # trainable assignments met so far

    def visit_Assign(self, node: cst.Assign) -> None:
        if not any(isinstance(t.target, cst.Attribute) and t.target.attr.value == "trainable" for t in node.targets):
            return
        if self._in_callback():
            self.report(node, "a trainable flag set by a callback while fit() runs: Keras 2 went on training with "
                        "the flags of the last compile() until compile() ran again; Keras 3 fails on JAX and "
                        "PyTorch (the trainable weights change under the running train step) and ignores it on "
                        "TensorFlow until the train function is rebuilt",
                        "change the flag between two fit() calls and compile() again, e.g. "
                        "`model.fit(..., epochs=k)`, set the flag, `model.compile(...)`, "
                        "`model.fit(..., initial_epoch=k, epochs=n)`")
        unsettled = _unsettled_flags(self.ctx)
        if not unsettled:
            return
        # The file's trainable assignments in source order, as the traversal meets them.
        ordered = _flag_positions(self.ctx)
        index, self._flags_seen = self._flags_seen, self._flags_seen + 1
        if index < len(ordered) and ordered[index] in unsettled:
            self.report(node, f"`{code(node.targets[0].target)} = ...` after a compile(): Keras 2 trained "
                        "each model with the trainable flags of its last compile(), Keras 3 reads them at "
                        "each fit/train_on_batch; the compile() calls of this file keep Keras 2's rule "
                        f"(keras_migrate_runtime.{HELPER})", severity=Severity.INFO)

    def _in_callback(self) -> bool:
        """Inside a method of a class deriving from a Callback (by the base's name)."""
        if not (self.ctx.class_stack and self.ctx.function_stack):
            return False
        return any(code(base.value).split(".")[-1].endswith("Callback") for base in self.ctx.class_stack[-1].bases)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile"):
            return updated
        if not _unsettled_flags(self.ctx):
            return updated
        receiver = func.value
        if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super":
            return updated
        if self.ctx.qualified_name(func) is not None:
            return updated
        self.ctx.use_runtime(HELPER)
        self.fired()
        return updated.with_changes(func=cst.Name(HELPER), args=prepend_arg(updated, updated.func.value))


@per_file
def _flag_positions(ctx) -> List[Position]:
    """Positions of the file's `<x>.trainable = ...` assignments, in source order."""
    return sorted((node.lineno, node.col_offset) for node in _scan.nodes(ctx, ast.Assign)
                  if any(isinstance(t, ast.Attribute) and t.attr == "trainable" for t in node.targets))
