"""KM251 optimizer_weights: Optimizer.get_weights() / set_weights() / variables().

Keras 2's optimizers listed their state as [iterations, slot variables...]: the legacy
ones through get_weights() / set_weights() / weights, the tf_keras 2.11+ ones through
the method variables() (and set_weights()). Keras 3's optimizers have none of these
methods (AttributeError; `variables` is a property, so `variables()` fails with "'list'
object is not callable"), and their `variables` list holds the learning rate too, as
its second entry, with the slots in each optimizer's own order (legacy Adam listed all
first moments, then all second moments). Found with keras-migrate verify on an
independent program (silently crashing on every backend). Code that reads or restores
positions in that list cannot be rewritten blindly: reported, with the fix.

Receivers: `X.optimizer` (model.optimizer, self.model.optimizer) and names the file
binds to a keras.optimizers constructor.
"""

from __future__ import annotations

from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._util import code

__all__ = ["OptimizerWeights"]

_METHODS = {
    "get_weights": "read `[v.numpy() for v in optimizer.variables]` (keras.ops.convert_to_numpy(v) off TensorFlow)",
    "set_weights": "assign each value to its variable: `for v, value in zip(optimizer.variables, values): "
                   "v.assign(value)`, with values saved from Keras 3's list",
    "variables": "read the property `optimizer.variables`",
}
_ORDER = (": Keras 3's list is [iterations, learning_rate, slots...] (Keras 2's had no learning rate, and "
          "legacy optimizers grouped the slots by kind), so positions differ")


class OptimizerWeights(Rule):
    id = "KM251"
    name = "optimizer_weights"
    description = "Report Optimizer.get_weights() / set_weights() / variables(), which Keras 3 removed."
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
            diagnostics=("KM251", "KM251", "KM251"),
        ),
        # Layers' and models' weights, and the variables property: nothing to say.
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
        self._optimizers: Set[str] = set()  # names bound to an optimizer constructor (so far)

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        path = self.ctx.keras_path(value.func) if isinstance(value, cst.Call) else None
        for target in node.targets:
            if not isinstance(target.target, cst.Name):
                continue
            if path is not None and path.startswith("optimizers.") and path[len("optimizers."):][:1].isupper() \
                    or (path or "").startswith("optimizers.legacy."):
                self._optimizers.add(target.target.value)
            else:
                self._optimizers.discard(target.target.value)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _METHODS:
            return updated
        receiver = func.value
        if not ((isinstance(receiver, cst.Attribute) and receiver.attr.value == "optimizer")
                or (isinstance(receiver, cst.Name) and receiver.value in self._optimizers)):
            return updated
        method = func.attr.value
        self.report(original, f"`{code(receiver)}.{method}()`: Keras 3 optimizers have no {method}() method"
                              + _ORDER, _METHODS[method])
        return updated
