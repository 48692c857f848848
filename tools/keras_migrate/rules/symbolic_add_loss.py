"""KM171 symbolic_add_loss: `model.add_loss(<KerasTensor expression>)` on a functional model.

Keras 3 only accepts add_loss() inside a layer's call(). The statement becomes

    model = add_symbolic_loss(model, lambda hidden: <expression>, hidden)

(keras_migrate_runtime): the model is rebuilt from its own inputs and outputs
with an AddLoss layer that passes the outputs through and calls
`self.add_loss(<expression>)` on the real tensors in call(). The rebuilt model
shares every layer and weight and keeps the name, so training sees the same
total loss (Keras 2 and 3 both add the term, unweighted, to every batch's loss).
Differences worth knowing: `model.layers` gains the AddLoss layer at the end,
and the loss function is Python code, so a saved model needs it again to load.

Which names in the expression are KerasTensors (they become the lambda's
parameters) comes from the tf_ops_on_keras_tensors analysis (keras.Input,
layer applications, ops on those). A callable loss (`add_loss(lambda: <loss of
weights>)`, which Keras 2 called on every step) on a functional model is given to
add_symbolic_loss as it is, with no inputs: AddLoss calls it in call(), where JAX's
stateless step reads the weights' current values. Callables with parameters or on
Sequential models, expressions with no known KerasTensor, models not built with
keras.Model(...) in the same scope, and add_metric() on a model are diagnosed.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._util import code, comma_separated

__all__ = ["SymbolicAddLoss"]

_MODEL_CONSTRUCTORS = frozenset({"Model", "models.Model", "Sequential", "models.Sequential"})
_RUNTIME_FUNCTION = "add_symbolic_loss"
_FIX = ("compute the term inside a layer's call(): `outputs = AddLoss(lambda t: <loss of t>)(outputs, [t])` "
        "with keras_migrate_runtime.AddLoss before keras.Model(inputs, outputs), or "
        "`model = keras_migrate_runtime.add_symbolic_loss(model, lambda t: <loss of t>, t)`")


class SymbolicAddLoss(Rule):
    id = "KM171"
    NODE_KEYED = ('_rewrites',)
    name = "symbolic_add_loss"
    description = "Move symbolic model.add_loss(<tensor expression>) into a layer that calls add_loss in call()."
    TRIGGERS = ("add_loss", "add_metric")
    EXAMPLES = (
        Example(
            before="""
            import keras

            inputs = keras.Input(shape=(4,))
            hidden = keras.layers.Dense(3)(inputs)
            outputs = keras.layers.Dense(1)(hidden)
            model = keras.Model(inputs, outputs)
            model.add_loss(0.1 * keras.ops.mean(keras.ops.square(hidden)))
            """,
            after="""
            import keras
            from keras_migrate_runtime import add_symbolic_loss

            inputs = keras.Input(shape=(4,))
            hidden = keras.layers.Dense(3)(inputs)
            outputs = keras.layers.Dense(1)(hidden)
            model = keras.Model(inputs, outputs)
            model = add_symbolic_loss(model, lambda hidden: 0.1 * keras.ops.mean(keras.ops.square(hidden)), hidden)
            """,
        ),
        # Inside call() add_loss is fine in Keras 3.
        Example(
            before="""
            import keras

            class Reg(keras.layers.Layer):
                def call(self, x):
                    self.add_loss(keras.ops.sum(x))
                    return x
            """,
        ),
        Example(
            before="""
            import keras

            dense = keras.layers.Dense(2)
            model = keras.Sequential([dense])
            model.add_loss(lambda: keras.ops.sum(dense.kernel))
            """,
            diagnostics=("KM171",),
        ),
        # A callable loss on a functional model (Keras 2 called it on every step).
        Example(
            before="""
            import keras

            inputs = keras.Input(shape=(4,))
            outputs = keras.layers.Dense(1, name="head")(inputs)
            model = keras.Model(inputs, outputs)
            model.add_loss(lambda: 0.01 * keras.ops.sum(keras.ops.square(model.get_layer("head").kernel)))
            """,
            after="""
            import keras
            from keras_migrate_runtime import add_symbolic_loss

            inputs = keras.Input(shape=(4,))
            outputs = keras.layers.Dense(1, name="head")(inputs)
            model = keras.Model(inputs, outputs)
            model = add_symbolic_loss(model, lambda: 0.01 * keras.ops.sum(keras.ops.square(model.get_layer("head").kernel)))
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._models: Dict[_scan.Scope, Set[str]] = {}
        self._functional: Dict[_scan.Scope, Set[str]] = {}  # of those, built by keras.Model(inputs, outputs)
        self._tensors = None  # the KerasTensor analysis, built on first need
        self._rewrites: Dict[int, cst.Assign] = {}

    # -- which names are functional models ----------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        if self.ctx.class_stack or not isinstance(node.value, cst.Call):
            return
        path = self.ctx.keras_path(node.value.func)
        if path not in _MODEL_CONSTRUCTORS:
            return
        scope = _scan.cst_scope(self.ctx)
        for target in node.targets:
            self._models.setdefault(scope, set()).add(code(target.target))
            if path in ("Model", "models.Model"):
                self._functional.setdefault(scope, set()).add(code(target.target))

    def _bound(self, table: Dict[_scan.Scope, Set[str]], receiver: cst.BaseExpression) -> bool:
        """`receiver` is a name of `table` in this function scope or at module level."""
        text = code(receiver)
        return text in table.get(_scan.cst_scope(self.ctx), ()) or text in table.get((), ())

    def _is_functional(self, receiver: cst.BaseExpression) -> bool:
        return self._bound(self._functional, receiver)

    def _is_model(self, receiver: cst.BaseExpression) -> bool:
        return self._bound(self._models, receiver)

    # -- add_loss / add_metric statements outside classes ---------------------------
    def visit_Expr(self, node: cst.Expr) -> None:
        call = node.value
        if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)):
            return
        method = call.func.attr.value
        if method not in ("add_loss", "add_metric") or self.ctx.class_stack:
            return  # inside classes add_loss belongs to call()/build(): fine in Keras 3
        receiver = call.func.value
        if not self._is_model(receiver):
            if method == "add_loss" and call.args and self._loss_inputs(call.args[0].value):
                self.report(call, "Model.add_loss() of KerasTensors outside call() was removed in Keras 3 "
                            f"(and `{code(receiver)}` is not a keras.Model(...) built in this scope)", _FIX)
            return
        if method == "add_metric":
            self.report(
                call,
                "symbolic Model.add_metric() was removed in Keras 3",
                "pass the metric to compile(metrics=...), or track it in a layer's call() with a "
                "keras.metrics.Mean created in __init__ (`self.tracker.update_state(value)`)",
            )
            return
        replacement = self._rewrite(call, receiver)
        if replacement is not None:
            self._rewrites[id(node)] = replacement

    def leave_Expr(self, original: cst.Expr, updated: cst.Expr):
        if id(original) not in self._rewrites:
            return updated
        self._rewrites.pop(id(original))
        call = updated.value
        receiver = call.func.value
        loss = call.args[0].value
        if isinstance(loss, cst.Lambda):  # a callable loss: given as it is, with no inputs
            params, lam = [], loss
        else:
            params = self._loss_inputs(original.value.args[0].value)
            lam = cst.Lambda(params=cst.Parameters(params=[cst.Param(cst.Name(p)) for p in params]), body=loss)
        self.ctx.use_runtime(_RUNTIME_FUNCTION)
        self.fired()
        args = [cst.Arg(receiver), cst.Arg(lam)] + [cst.Arg(cst.Name(p)) for p in params]
        return cst.Assign(
            targets=[cst.AssignTarget(receiver)],
            value=cst.Call(func=cst.Name(_RUNTIME_FUNCTION), args=comma_separated(args, last=None)),
            semicolon=updated.semicolon,
        )

    def _rewrite(self, call: cst.Call, receiver: cst.BaseExpression) -> Optional[bool]:
        if len(call.args) != 1 or call.args[0].star or (
                call.args[0].keyword is not None and call.args[0].keyword.value != "losses"):
            self.report(call, "symbolic Model.add_loss() with these arguments was removed in Keras 3", _FIX)
            return None
        loss = call.args[0].value
        if isinstance(loss, cst.Lambda) and not (_no_parameters(loss) and self._is_functional(receiver)):
            self.report(
                call,
                "callable losses passed to Model.add_loss() outside call() were removed in Keras 3",
                "use a regularizer on the weight (kernel_regularizer=...), or add the term in a "
                "layer's call() with self.add_loss(...)",
            )
            return None
        if isinstance(loss, cst.Lambda):
            return True  # Keras 2 called it on every step: AddLoss calls it in the model's call()
        if not self._loss_inputs(loss):
            self.report(call, "Model.add_loss() outside call() was removed in Keras 3, and no KerasTensor of "
                        "the model could be found in the loss expression", _FIX)
            return None
        return True

    def _loss_inputs(self, loss: cst.BaseExpression) -> List[str]:
        """The expression's free names that hold KerasTensors, in order of appearance."""
        analysis = self._analysis()
        if analysis is None:
            return []
        try:
            tree = ast.parse(code(loss), mode="eval")
        except SyntaxError:
            return []
        scope = _scan.cst_scope(self.ctx)
        bound: Set[str] = set()
        for node in ast_walk(tree):  # names bound inside the expression (comprehensions, lambdas)
            if isinstance(node, ast.comprehension):
                bound.update(_scan.assigned_names(node.target))
            elif isinstance(node, ast.Lambda):
                bound.update(a.arg for a in node.args.args)
        first: Dict[str, tuple] = {}
        for node in ast_walk(tree):
            if isinstance(node, ast.Name) and node.id not in bound:
                position = (node.lineno, node.col_offset)
                first[node.id] = min(first.get(node.id, position), position)
        found = [name for name in first if analysis.is_tensor(ast.Name(id=name, ctx=ast.Load()), scope)]
        return sorted(found, key=first.__getitem__)

    def _analysis(self):
        if self._tensors is None:
            # The file's shared KerasTensor analysis (computed once per file).
            from keras_migrate.rules.tf_ops_on_keras_tensors import keras_tensors

            self._tensors = keras_tensors(self.ctx) or False
        return self._tensors or None


def _no_parameters(function: cst.Lambda) -> bool:
    params = function.params
    return not (params.params or params.posonly_params or params.kwonly_params
                or isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None)
