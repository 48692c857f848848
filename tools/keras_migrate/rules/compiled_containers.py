"""KM160 compiled_containers: `model.compiled_loss(...)` / `model.compiled_metrics.update_state(...)`.

Keras 2 code that overrides train_step/test_step (or writes its own loop around a
compiled model) calls the compile containers. Keras 3 has shims of them on the
TensorFlow backend only, and they give other numbers (measured, tf_keras 2.21 against
Keras 3.15):

* `compiled_loss(y, y_pred, sample_weight, regularization_losses=...)` ignores
  `regularization_losses` and returns compute_loss(), which always adds `model.losses`
  (Keras 2 added exactly what was passed: nothing when it was omitted), and it leaves
  the "loss" metric alone (Keras 2 updated it with the batch's total loss);
* `compiled_metrics.update_state(y, y_pred)` updates every metric in `model.metrics`,
  the "loss" tracker included, which then averages the predictions: the "loss" that
  fit() reports is the mean of y_pred (custom_train_step: -0.079 instead of 2.04);
* `{m.name: m.result() for m in self.metrics}` nests the compiled metrics under
  "compile_metrics", lists "loss" even when no compiled loss ran (also in a model's own
  step that never touches the containers), and raises when the compiled metrics were
  never updated.

The calls become keras_migrate_runtime's `keras2_compiled_loss(model, ...)`,
`keras2_update_compiled_metrics(model, ...)` and `keras2_metrics_results(model)`, which
do what Keras 2 did with Keras 3's own compile containers, on every backend. The
train_step rule (KM205) runs first and turns the keras.io loss-only steps into
compute_loss() in agnostic mode; this rule rewrites what is left (tensorflow mode, the
`_tensorflow_train_step` of a dispatch, helper methods, custom training loops).
"""

from __future__ import annotations

import ast
from typing import FrozenSet, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, transform
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._util import code, prepend_arg

__all__ = ["CompiledContainers"]

LOSS = "keras2_compiled_loss"
METRICS = "keras2_update_compiled_metrics"
RESULTS = "keras2_metrics_results"
_CONTAINERS = ("compiled_loss", "compiled_metrics")


def _receiver(node: cst.BaseExpression) -> bool:
    """`self`, `model`, `self.model`: a plain name or attribute chain."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


def container_call(call: cst.Call) -> Optional[tuple]:
    """(runtime function, receiver) for `R.compiled_loss(...)` / `R.compiled_metrics.update_state(...)`."""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return None
    if func.attr.value == "compiled_loss" and _receiver(func.value):
        return LOSS, func.value
    if (func.attr.value == "update_state" and isinstance(func.value, cst.Attribute)
            and func.value.attr.value == "compiled_metrics" and _receiver(func.value.value)):
        return METRICS, func.value.value
    return None


def _is_results_comprehension(node: cst.DictComp, receivers: Set[str]) -> Optional[cst.BaseExpression]:
    """`{m.name: m.result() for m in R.metrics}` -> R (when R uses the compile containers
    or is a model's `self`)."""
    comp = node.for_in
    if comp.inner_for_in is not None or comp.ifs or not isinstance(comp.target, cst.Name):
        return None
    var = comp.target.value
    if not (isinstance(comp.iter, cst.Attribute) and comp.iter.attr.value == "metrics"
            and _receiver(comp.iter.value) and code(comp.iter.value) in receivers):
        return None
    if code(node.key) != f"{var}.name" or code(node.value) != f"{var}.result()":
        return None
    return comp.iter.value


@per_file
def _container_receivers(ctx) -> FrozenSet[str]:
    """Dotted names whose .compiled_loss / .compiled_metrics the file's code reads."""
    found = set()
    for _, node in _scan.scoped_nodes(ctx):
        if (isinstance(node, ast.Attribute) and node.attr in _CONTAINERS
                and _dotted_name(node.value)):
            found.add(ast.unparse(node.value))
    return frozenset(found)


def _dotted_name(node: ast.AST) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


class _Rewriter(cst.CSTTransformer):
    def __init__(self, rule: "CompiledContainers", models=()) -> None:
        super().__init__()
        self.rule = rule
        self.models = models  # receivers that are Keras models (`self` in a Model subclass)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        return self.rule.rewrite_call(updated)

    def leave_DictComp(self, original: cst.DictComp, updated: cst.DictComp):
        return self.rule.rewrite_results(updated, self.models)


class CompiledContainers(Rule):
    id = "KM160"
    NODE_KEYED = ('_supported',)
    name = "compiled_containers"
    description = ("Replace model.compiled_loss(...) / model.compiled_metrics.update_state(...) (whose Keras 3 "
                   "shims compute other numbers) by keras_migrate_runtime functions with Keras 2's semantics.")
    TRIGGERS = _CONTAINERS + ("self.metrics",)
    EXAMPLES = (
        # A GAN's step with its own trackers (keras.io WGAN-graphs): Keras 2's self.metrics
        # held no "loss" (no compiled loss ran), Keras 3's always does.
        Example(
            before="""
            from tensorflow import keras

            class GraphWGAN(keras.Model):
                def train_step(self, inputs):
                    self.metric_generator.update_state(self._step(inputs))
                    return {m.name: m.result() for m in self.metrics}
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_metrics_results

            class GraphWGAN(keras.Model):
                def train_step(self, inputs):
                    self.metric_generator.update_state(self._step(inputs))
                    return keras2_metrics_results(self)
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Clipped(keras.Model):
                def train_step(self, data):
                    x, y = data
                    with tf.GradientTape() as tape:
                        y_pred = self(x, training=True)
                        loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
                    grads = tape.gradient(loss, self.trainable_variables)
                    grads = [tf.clip_by_norm(g, 1.0) for g in grads]
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    self.compiled_metrics.update_state(y, y_pred)
                    return {m.name: m.result() for m in self.metrics}
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import keras2_compiled_loss
            from keras_migrate_runtime import keras2_update_compiled_metrics
            from keras_migrate_runtime import keras2_metrics_results

            class Clipped(keras.Model):
                def train_step(self, data):
                    x, y = data
                    with tf.GradientTape() as tape:
                        y_pred = self(x, training=True)
                        loss = keras2_compiled_loss(self, y, y_pred, regularization_losses=self.losses)
                    grads = tape.gradient(loss, self.trainable_variables)
                    grads = [tf.clip_by_norm(g, 1.0) for g in grads]
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    keras2_update_compiled_metrics(self, y, y_pred)
                    return keras2_metrics_results(self)
            """,
            mode="tensorflow",
        ),
        # A custom loop around a compiled model.
        Example(
            before="""
            import keras

            with tape:
                loss = model.compiled_loss(y, model(x, training=True))
            model.compiled_metrics.update_state(y, pred, sample_weight=w)
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_compiled_loss
            from keras_migrate_runtime import keras2_update_compiled_metrics

            with tape:
                loss = keras2_compiled_loss(model, y, model(x, training=True))
            keras2_update_compiled_metrics(model, y, pred, sample_weight=w)
            """,
        ),
        Example(
            before="""
            import keras
            self.compiled_metrics.reset_state()
            """,
            diagnostics=("KM160",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        # Receivers (`self`, `model`, ...) of the compile containers anywhere in the file.
        self._receivers = _container_receivers(ctx)
        self._supported: Set[int] = set()

    # -- diagnostics on the original tree --------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        found = container_call(node)
        if found is None:
            return
        attribute = node.func if found[0] == LOSS else node.func.value
        self._supported.add(id(attribute))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if original.attr.value in _CONTAINERS and id(original) not in self._supported:
            self.report(original, f"{code(original)}: Keras 3 has no {original.attr.value} container (its "
                                  "TensorFlow-only shim computes other numbers)",
                        fix="call the compile containers' replacements instead: keras_migrate_runtime."
                            f"{LOSS}(model, y, y_pred, sample_weight, regularization_losses) and "
                            f"{METRICS}(model, y, y_pred, sample_weight); model.metrics lists the metrics")
        return updated

    # -- rewrites ------------------------------------------------------------------
    # Inside a class the rewrite waits for leave_ClassDef, after the train_step rule has
    # turned the loss-only steps into compute_loss() (it reads the original calls).
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.ctx.class_stack:
            return updated
        return self.rewrite_call(updated)

    def leave_DictComp(self, original: cst.DictComp, updated: cst.DictComp):
        if self.ctx.class_stack:
            return updated
        return self.rewrite_results(updated)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        if len(self.ctx.class_stack) > 1:
            return updated  # the outermost class rewrites its nested ones
        # A model's own step reporting `{m.name: m.result() for m in self.metrics}` gets
        # Keras 3's "loss" tracker too (keras.io WGAN-graphs logs "loss": 0), whether or
        # not it uses the compile containers.
        models = _scan.keras_subclasses(self.ctx, "Model") | _scan.keras_subclasses(self.ctx, "models.")
        return transform(updated, _Rewriter(self, ("self",) if original.name.value in models else ()))

    def rewrite_call(self, call: cst.Call) -> cst.BaseExpression:
        found = container_call(call)
        if found is None:
            return call
        function, receiver = found
        self.fired()
        self.ctx.use_runtime(function)
        return call.with_changes(func=cst.Name(function), args=prepend_arg(call, receiver))

    def rewrite_results(self, node: cst.DictComp, models=()) -> cst.BaseExpression:
        receiver = _is_results_comprehension(node, self._receivers.union(models))
        if receiver is None:
            return node
        self.fired()
        self.ctx.use_runtime(RESULTS)
        return cst.Call(cst.Name(RESULTS), [cst.Arg(receiver)])
