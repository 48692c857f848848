"""KM220 swa_unwrap: TF Addons' SWA whose averages are never used -> the optimizer it wraps.

`tfa.optimizers.SWA(optimizer)` trains with `optimizer` and keeps, beside the weights, a
running average of them that only `assign_average_vars(...)` copies into the model.
TF Addons does not import next to Keras 3, and Keras 3 has no SWA; but a program that
never calls `assign_average_vars` (keras.io's consistency-training teacher) trains,
evaluates and saves exactly what the wrapped optimizer gives: the wrapper goes, the
optimizer stays. A module-level alias used only that way (`SWA = tfa.optimizers.SWA`)
goes too. When the averages are assigned the file keeps SWA (KM123 reports it).
"""

from __future__ import annotations

import ast
from typing import FrozenSet, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._util import drop_module_import_if_unused

__all__ = ["SwaUnwrap", "SWA_NAMES", "swa_unwrapped"]

SWA_NAMES = frozenset({"tensorflow_addons.optimizers.SWA",
                       "tensorflow_addons.optimizers.stochastic_weight_averaging.SWA"})
# What reads or assigns the averaged weights (the method, the "average" slots).
_AVERAGE_USES = ("assign_average_vars", "\"average\"", "'average'")


@per_file
def swa_unwrapped(ctx) -> Optional[FrozenSet[str]]:
    """The module-level aliases of SWA (maybe none) when every SWA of the file is called
    with the optimizer it wraps and nothing uses the averages; otherwise None."""
    tree, names = _scan.file_ast(ctx), _scan.names(ctx)
    if tree is None or names is None or any(use in ctx.source for use in _AVERAGE_USES):
        return None
    aliases = {stmt.targets[0].id for stmt in tree.body
               if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
               and names.qualified(stmt.value) in SWA_NAMES}
    calls = {id(node.func) for node in _scan.all_nodes(ctx) if isinstance(node, ast.Call) and _wrapped(node) is not None}
    found = False
    for node in _scan.all_nodes(ctx):
        is_swa = isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load) and (
            names.qualified(node) in SWA_NAMES or isinstance(node, ast.Name) and node.id in aliases)
        if not is_swa:
            continue
        if isinstance(node, ast.Attribute) and names.qualified(node) in SWA_NAMES and any(
                isinstance(s, ast.Assign) and s.value is node for s in tree.body):
            continue  # the alias assignment itself
        if id(node) not in calls:
            return None  # passed around, subclassed, ...: keep it (KM123 reports it)
        found = True
    return frozenset(aliases) if found else None


def _wrapped(call) -> Optional[object]:
    """The optimizer argument of SWA(optimizer, ...) (ast or cst call), else None."""
    if isinstance(call, ast.Call):
        if call.args and not isinstance(call.args[0], ast.Starred):
            return call.args[0]
        return next((k.value for k in call.keywords if k.arg == "optimizer"), None)
    for arg in call.args:
        if arg.keyword is None and arg.star == "":
            return arg.value
        if arg.keyword is not None and arg.keyword.value == "optimizer":
            return arg.value
    return None


class SwaUnwrap(Rule):
    id = "KM220"
    NODE_KEYED = ("_aliases_assigned",)
    name = "swa_unwrap"
    description = ("tfa.optimizers.SWA(optimizer) whose averaged weights are never assigned (no "
                   "assign_average_vars) -> optimizer: it trains the same, and TF Addons does not import "
                   "next to Keras 3.")
    TRIGGERS = ("tensorflow_addons",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import tensorflow_addons as tfa

            # Initialize SWA from TF Addons.
            SWA = tfa.optimizers.SWA
            model.compile(optimizer=SWA(tf.keras.optimizers.Adam()), loss="mse")
            student.compile(optimizer=tfa.optimizers.SWA(optimizer=tf.keras.optimizers.SGD(0.1), average_period=5))
            """,
            after="""
            import tensorflow as tf

            # Initialize SWA from TF Addons.
            model.compile(optimizer=tf.keras.optimizers.Adam(), loss="mse")
            student.compile(optimizer=tf.keras.optimizers.SGD(0.1))
            """,
            diagnostics=("KM220", "KM220"),
        ),
        # The averages are assigned to the model: SWA stays (KM123 reports TF Addons).
        Example(
            before="""
            import tensorflow as tf
            import tensorflow_addons as tfa

            optimizer = tfa.optimizers.SWA(tf.keras.optimizers.Adam())
            model.compile(optimizer=optimizer, loss="mse")
            model.fit(x, y)
            optimizer.assign_average_vars(model.variables)
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        aliases = swa_unwrapped(self.ctx)
        if aliases is None:
            return updated
        func = original.func
        if not (self.ctx.qualified_name(func) in SWA_NAMES or isinstance(func, cst.Name) and func.value in aliases):
            return updated
        inner = _wrapped(updated)
        if inner is None:
            return updated
        self.report(original, "tfa.optimizers.SWA(optimizer) -> optimizer: nothing assigns the averaged weights "
                              "(assign_average_vars), so training is the wrapped optimizer's; TF Addons does not "
                              "import next to Keras 3", severity=Severity.INFO)
        drop_module_import_if_unused(self.ctx, "tensorflow_addons")
        return inner

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._aliases_assigned: Set[int] = set()  # module-level `SWA = tfa.optimizers.SWA` lines

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        aliases = swa_unwrapped(self.ctx)
        if not aliases or self.ctx.function_stack or self.ctx.class_stack or len(original.body) != 1:
            return updated
        statement = original.body[0]
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0].target, cst.Name) \
                and statement.targets[0].target.value in aliases \
                and self.ctx.qualified_name(statement.value) in SWA_NAMES:
            self._aliases_assigned.add(id(updated))
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module):
        """`SWA = tfa.optimizers.SWA` goes with its last (rewritten) use; the comments and
        blank lines above it stay, above the next statement."""
        if not self._aliases_assigned:
            return updated
        body, carried = [], []
        for statement in updated.body:
            if id(statement) in self._aliases_assigned:
                carried.extend(statement.leading_lines)
                continue
            if carried:
                statement = statement.with_changes(leading_lines=[*carried, *statement.leading_lines])
                carried = []
            body.append(statement)
        self._aliases_assigned.clear()
        drop_module_import_if_unused(self.ctx, "tensorflow_addons")
        return updated.with_changes(body=body, footer=[*carried, *updated.footer])
