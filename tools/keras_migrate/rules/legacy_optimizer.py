"""KM122 legacy_optimizer: a legacy optimizer applying gradients to several variable lists.

Keras 2's `optimizers.legacy.*` created slots lazily for whatever variables
apply_gradients() received, so one optimizer could serve several layers' own updates
(the forward-forward example passes one to every layer). Keras 3 has no legacy
optimizers: `keras.optimizers.X` builds itself for the variables of its first update
and rejects others ("Unknown variable ... This optimizer can only be called for the
variables it was originally built with"). Where a file builds a legacy optimizer and
calls apply_gradients() itself, the construction gets a warning with the two fixes.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file

__all__ = ["LegacyOptimizer"]


@per_file
def _applies_gradients(ctx) -> bool:
    """The file's code uses some `.apply_gradients` (a custom training loop)."""
    return any(isinstance(node, ast.Attribute) and node.attr == "apply_gradients"
               for _, node in _scan.scoped_nodes(ctx))


@per_file
def _builds_legacy(ctx) -> bool:
    """The file constructs a Keras 2 legacy optimizer (and applies gradients itself)."""
    return _applies_gradients(ctx) and re.search(r"optimizers\.legacy\b|optimizers import legacy\b",
                                                 ctx.source) is not None


_OPTIMIZER_BASES = frozenset({"optimizers.Optimizer", "optimizers.legacy.Optimizer", "optimizers.optimizer_v2.OptimizerV2",
                              "optimizers.optimizer_v2.optimizer_v2.OptimizerV2", "optimizer_v2.optimizer_v2.OptimizerV2"})
_OPTIMIZER_V2_METHODS = frozenset({"_create_slots", "_resource_apply_dense", "_resource_apply_sparse",
                                   "_prepare_local", "_resource_apply_sparse_duplicate_indices"})


class LegacyOptimizer(Rule):
    id = "KM122"
    name = "legacy_optimizer"
    description = ("Warn where a Keras 2 legacy optimizer may update several variable lists: a Keras 3 "
                   "optimizer only updates the variables it was built with.")
    TRIGGERS = ("legacy", "_resource_apply_dense", "_create_slots")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            shared = keras.optimizers.legacy.Adam(learning_rate=0.03)
            for layer in layers:
                shared.apply_gradients(zip(grads[layer], layer.trainable_weights))
            """,
            after="""
            import keras
            shared = keras.optimizers.Adam(learning_rate=0.03)
            for layer in layers:
                shared.apply_gradients(zip(grads[layer], layer.trainable_weights))
            """,
            diagnostics=("KM122", "KM122"),
            full=True,
        ),
        # A custom OptimizerV2 (handson-ml2 ch. 12): nothing of it runs in Keras 3.
        Example(
            before="""
            from tensorflow import keras
            class MyMomentumOptimizer(keras.optimizers.legacy.Optimizer):
                def __init__(self, learning_rate=0.001, momentum=0.9, name="MyMomentumOptimizer", **kwargs):
                    super().__init__(name, **kwargs)
                    self._set_hyper("learning_rate", kwargs.get("lr", learning_rate))

                def _create_slots(self, var_list):
                    for var in var_list:
                        self.add_slot(var, "momentum")

                def _resource_apply_dense(self, grad, var):
                    momentum_var = self.get_slot(var, "momentum")
                    momentum_var.assign(momentum_var * 0.9 - (1. - 0.9) * grad)
                    var.assign_add(momentum_var * self._get_hyper("learning_rate"))
            """,
            diagnostics=("KM122",),
        ),
        # compile() / fit() own the optimizer: one variable list.
        Example(
            before="""
            from tensorflow import keras
            model.compile(optimizer=keras.optimizers.legacy.Adam(1e-3), loss="mse")
            """,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        """A custom Keras 2 optimizer (OptimizerV2's _create_slots / _resource_apply_dense /
        _set_hyper API, handson-ml2's MyMomentumOptimizer): Keras 3 has no such API on any
        backend, and its Optimizer takes other constructor arguments ('Argument
        `learning_rate` should be float' at construction)."""
        if not any((self.ctx.keras_path(base.value) or "") in _OPTIMIZER_BASES for base in node.bases):
            return
        methods = {stmt.name.value for stmt in (node.body.body if isinstance(node.body, cst.IndentedBlock) else ())
                   if isinstance(stmt, cst.FunctionDef)}
        legacy = sorted(methods & _OPTIMIZER_V2_METHODS)
        if not legacy:
            return
        self.report(node.name, f"{node.name.value} implements Keras 2's OptimizerV2 API ({', '.join(legacy)}), "
                               "which Keras 3's Optimizer does not call on any backend: it would not train",
                    "rewrite it as a Keras 3 optimizer: __init__(self, learning_rate=..., name=..., **kwargs) "
                    "passing learning_rate to super().__init__, build(self, var_list) creating slots with "
                    "self.add_variable_from_reference(var, 'name'), and update_step(self, gradient, variable, "
                    "learning_rate) using self.assign / self.assign_sub")

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if isinstance(func, cst.Attribute) and func.attr.value == "apply_gradients" and _builds_legacy(self.ctx):
            # where it breaks (the constructor may be far away, in another function)
            self.report(original, "apply_gradients() on an optimizer that may have been built for other "
                                  "variables: Keras 3 raises 'Unknown variable' where Keras 2's legacy "
                                  "optimizers created slots on the fly",
                        "build the optimizer once with every variable it will update before the first "
                        "apply_gradients(), or give each variable list its own optimizer")
            return updated
        path = self.ctx.keras_path(original.func)
        if not (path and path.startswith("optimizers.legacy.")) or not _applies_gradients(self.ctx):
            return updated
        self.report(
            original,
            "Keras 3 has no legacy optimizers: keras.optimizers."
            f"{path.rsplit('.', 1)[-1]} builds itself for the variables of its first update and rejects "
            "others, while this file applies gradients itself (several layers sharing one optimizer fail)",
            "build the optimizer once with every variable it will update (optimizer.build(model.trainable_"
            "variables)) before the first apply_gradients(), or create one optimizer per variable list",
        )
        return updated
