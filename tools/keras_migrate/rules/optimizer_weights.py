"""KM251 optimizer_weights: Optimizer.get_weights() / set_weights() / variables().

Keras 2's optimizers listed their state as [iterations, slot variables...]: the legacy
ones through get_weights() / set_weights() / variables(), slots grouped by kind (legacy
Adam: every first moment, then every second moment); the tf_keras 2.11+ ones through
the method variables() and set_weights(), slots in creation order. Keras 3's optimizers
have none of these methods (AttributeError; `variables` is a property, so `variables()`
fails with "'list' object is not callable"), and their `variables` list holds the
learning rate too, as its second entry. Found with keras-migrate verify on an
independent program (silently crashing on every backend).

The calls become keras_migrate_runtime's keras2_optimizer_weights(opt) /
keras2_set_optimizer_weights(opt, values, legacy=...) / keras2_optimizer_variables(opt,
legacy=...), which read Keras 3's variables in Keras 2's order (checked against tf_keras
2.21 for legacy Adam with amsgrad, legacy RMSprop centered with momentum, legacy SGD
with momentum, Adam and RMSprop). get_weights() existed only on legacy optimizers; for
the others the receiver says which kind it is: a name bound to an optimizer constructor,
`model.optimizer` of a model compiled with one, or `X.optimizer` (and names like `opt`,
`self.gen_optimizer`) in a file that makes optimizers of one kind only (compile("adam")
makes a tf_keras 2.11+ one). A file making both kinds: reported, with the fix.
"""

from __future__ import annotations

import ast
from typing import Dict, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._args import argument, optimizer_like
from keras_migrate.rules._util import code, comma_separated, keyword

__all__ = ["OptimizerWeights"]


def _legacy_path(path: Optional[str]) -> Optional[bool]:
    if path is None or not path.startswith("optimizers."):
        return None
    if path.startswith("optimizers.legacy."):
        return True
    rest = path[len("optimizers."):]
    return False if "." not in rest and rest[:1].isupper() else None

_HELPERS = {"get_weights": "keras2_optimizer_weights", "set_weights": "keras2_set_optimizer_weights",
            "variables": "keras2_optimizer_variables"}


class OptimizerWeights(Rule):
    id = "KM251"
    name = "optimizer_weights"
    description = ("Optimizer.get_weights() / set_weights() / variables(), which Keras 3 removed -> runtime helpers "
                   "reading Keras 3's variables in Keras 2's order.")
    TRIGGERS = ("get_weights", "set_weights", "variables(")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            opt = tf.keras.optimizers.legacy.SGD(0.1, momentum=0.9)
            model.compile(optimizer=opt, loss="mse")
            state = opt.get_weights()
            slots = model.optimizer.variables()[1:]
            fresh.optimizer.set_weights(state)
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import keras2_optimizer_weights
            from keras_migrate_runtime import keras2_optimizer_variables
            from keras_migrate_runtime import keras2_set_optimizer_weights
            opt = tf.keras.optimizers.legacy.SGD(0.1, momentum=0.9)
            model.compile(optimizer=opt, loss="mse")
            state = keras2_optimizer_weights(opt)
            slots = keras2_optimizer_variables(model.optimizer, legacy=True)[1:]
            keras2_set_optimizer_weights(fresh.optimizer, state, legacy=True)
            """,
        ),
        # Both kinds in one file: which one `model.optimizer` is cannot be told.
        Example(
            before="""
            import tensorflow as tf
            first = tf.keras.optimizers.Adam()
            second = tf.keras.optimizers.legacy.Adam()
            net.compile(optimizer=second, loss="mse")
            print(len(first.variables()), len(model.optimizer.variables()), net.optimizer.variables())
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import keras2_optimizer_variables
            first = tf.keras.optimizers.Adam()
            second = tf.keras.optimizers.legacy.Adam()
            net.compile(optimizer=second, loss="mse")
            print(len(keras2_optimizer_variables(first)), len(model.optimizer.variables()), keras2_optimizer_variables(net.optimizer, legacy=True))
            """,
            diagnostics=("KM251",),
        ),
        # Layers' and models' weights, and the variables property: nothing to do.
        Example(
            before="""
            import tensorflow as tf
            opt = tf.keras.optimizers.Adam()
            weights = model.get_weights()
            layer.set_weights(weights)
            count = len(opt.variables)
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._optimizers: Dict[str, bool] = {}  # name -> legacy, for names bound to a constructor (so far)
        self._kinds: Optional[Set[bool]] = None  # legacy flags of the file's optimizer constructors
        self._compiled: Dict[str, bool] = {}  # model name -> legacy, from its compile(optimizer=...) (so far)

    def _legacy(self, call: cst.Call) -> Optional[bool]:
        """Whether a call constructs a legacy optimizer (None: no optimizer constructor)."""
        return _legacy_path(self.ctx.keras_path(call.func))

    def _file_kinds(self) -> Set[bool]:
        """Legacy flags of the file's optimizer constructors (from the shared ast: names
        resolve there before the traversal reaches them)."""
        if self._kinds is None:
            names = _scan.names(self.ctx)
            self._kinds = set() if names is None else {
                flag for flag in (_legacy_path(names.keras(c.func)) for c in _scan.nodes(self.ctx, ast.Call))
                if flag is not None}
        return self._kinds

    def visit_Assign(self, node: cst.Assign) -> None:
        legacy = self._legacy(node.value) if isinstance(node.value, cst.Call) else None
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if legacy is None:
                    self._optimizers.pop(target.target.value, None)
                else:
                    self._optimizers[target.target.value] = legacy

    def visit_Call(self, node: cst.Call) -> None:
        # model.compile(optimizer=opt) / compile(tf.keras.optimizers.legacy.Adam()): which
        # kind `model.optimizer` is
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile" and isinstance(func.value, cst.Name)):
            return
        arg = argument(node, "optimizer", 0)
        value = arg.value if arg is not None else None
        legacy = None
        if isinstance(value, cst.Name):
            legacy = self._optimizers.get(value.value)
        elif isinstance(value, cst.Call):
            legacy = self._legacy(value)
        if legacy is None:
            self._compiled.pop(func.value.value, None)
        else:
            self._compiled[func.value.value] = legacy

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _HELPERS:
            return updated
        receiver = func.value
        if isinstance(receiver, cst.Name) and receiver.value in self._optimizers:
            legacy: Optional[bool] = self._optimizers[receiver.value]
        elif (isinstance(receiver, cst.Attribute) and receiver.attr.value == "optimizer"
              and isinstance(receiver.value, cst.Name) and receiver.value.value in self._compiled):
            legacy = self._compiled[receiver.value.value]
        elif (isinstance(receiver, cst.Attribute) and receiver.attr.value == "optimizer") or (
                isinstance(receiver, (cst.Name, cst.Attribute)) and optimizer_like(code(receiver))):
            kinds = self._file_kinds() or {False}
            legacy = next(iter(kinds)) if len(kinds) == 1 else None
        else:
            return updated
        method = func.attr.value
        if method == "get_weights":
            legacy = True  # only legacy optimizers had get_weights()
        if legacy is None:
            self.report(original, f"`{code(receiver)}.{method}()`: Keras 3 optimizers have no {method}() method, and "
                                  "this file makes both legacy and tf_keras 2.11+ optimizers, which listed their "
                                  "slots in different orders",
                        f"call keras_migrate_runtime.{_HELPERS[method]}({code(receiver)}, ..., legacy=True) for a "
                        "legacy optimizer, legacy=False otherwise")
            return updated
        helper = _HELPERS[method]
        self.ctx.use_runtime(helper)
        self.fired()
        args = [cst.Arg(updated.func.value)] + [a for a in updated.args]
        if legacy and method != "get_weights":
            args.append(keyword("legacy", cst.Name("True")))
        return cst.Call(func=cst.Name(helper), args=comma_separated(args))
