"""KM170 thresholded_relu: `ThresholdedReLU(theta=t)` -> `ReLU(threshold=t)`.

Why this is exact: Keras 2 computes `x * cast(x > theta)`, Keras 3's ReLU with a
non-zero threshold computes `where(x > threshold, x, 0)`, and with threshold 0 a
plain relu. Both give 0 at x == theta, keep x above it, compare in the input's
float dtype (theta is cast to floatx / the input dtype), reject negative values
(Keras 2 raises for theta < 0, Keras 3 for threshold < 0), and have gradient
1 above the threshold, 0 elsewhere. They differ only for non-finite inputs
(Keras 2: -inf * 0 = nan and nan * 0 = nan; Keras 3 gives 0) and in the sign of
zeros (-0.0 vs 0.0). Keras 2's default theta is 1.0, Keras 3's threshold 0.0: the
default is written out. `keras.activations.relu(x, threshold=t)` computes the
same in both and needs nothing.
"""

from __future__ import annotations

from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import has_star
from keras_migrate.rules._util import as_keyword, dotted, with_keyword

__all__ = ["ThresholdedRelu"]

_PATH = "layers.ThresholdedReLU"
_FIX = "use keras.layers.ReLU(threshold=theta) (Keras 2's default theta is 1.0)"


class ThresholdedRelu(Rule):
    id = "KM170"
    NODE_KEYED = ('_handled',)
    name = "thresholded_relu"
    description = "Rewrite the removed ThresholdedReLU(theta) layer to ReLU(threshold=theta), same numbers."
    TRIGGERS = ("ThresholdedReLU",)
    EXAMPLES = (
        Example(
            before="""
            import keras
            act = keras.layers.ThresholdedReLU(theta=0.5)
            default = keras.layers.ThresholdedReLU()
            positional = keras.layers.ThresholdedReLU(0.2, name="t")
            """,
            after="""
            import keras
            act = keras.layers.ReLU(threshold=0.5)
            default = keras.layers.ReLU(threshold=1.0)
            positional = keras.layers.ReLU(threshold=0.2, name="t")
            """,
        ),
        Example(
            before="""
            from tensorflow.keras.layers import Dense, ThresholdedReLU
            model = [Dense(3), ThresholdedReLU(theta=0.1)]
            """,
            after="""
            from keras.layers import Dense
            import keras
            model = [Dense(3), keras.layers.ReLU(threshold=0.1)]
            """,
            full=True,
        ),
        Example(
            before="""
            import keras
            objects = {"ThresholdedReLU": keras.layers.ThresholdedReLU}
            """,
            diagnostics=("KM170",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._handled: Set[int] = set()  # funcs of calls this rule rewrites (or reported)

    def _is_thresholded_relu(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Attribute):
            if node.attr.value != "ThresholdedReLU":
                return False
        elif isinstance(node, cst.Name):
            binding = self.ctx.names.bindings.get(node.value)
            if binding is None or not binding.endswith("ThresholdedReLU"):
                return False
        else:
            return False
        return self.ctx.keras_path(node) == _PATH

    # -- other uses of the class: diagnosed ---------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if self._is_thresholded_relu(node.func):
            self._handled.add(id(node.func))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._check_reference(node)

    def visit_Name(self, node: cst.Name) -> None:
        self._check_reference(node)

    def _check_reference(self, node) -> None:
        # (names in imports are the imports rule's business)
        if self.ctx.import_depth or id(node) in self._handled or not self._is_thresholded_relu(node):
            return
        self._handled.add(id(node))
        self.report(
            node,
            "ThresholdedReLU was removed in Keras 3 and this use is not a constructor call",
            _FIX + " wherever the class itself is referenced (isinstance, custom_objects, subclassing)",
        )

    # -- constructor calls: rewritten ----------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if id(original.func) not in self._handled or not self._is_thresholded_relu(original.func):
            return updated
        if has_star(original):
            # **config may carry `theta`, which ReLU rejects.
            self.report(original, "ThresholdedReLU(*args/**kwargs) cannot be rewritten safely",
                        _FIX + ", renaming a `theta` key of the unpacked arguments to `threshold`")
            return updated
        args = []
        theta_seen = False
        for i, arg in enumerate(updated.args):
            if arg.keyword is None and i == 0:
                arg = as_keyword(arg, "threshold")  # ReLU's first parameter is max_value
                theta_seen = True
            elif arg.keyword is not None and arg.keyword.value == "theta":
                arg = arg.with_changes(keyword=cst.Name("threshold"))
                theta_seen = True
            args.append(arg)
        call = updated.with_changes(func=self._relu(updated.func), args=args)
        if not theta_seen:
            call = with_keyword(call, "threshold", cst.Float("1.0"))
        self.fired()
        return call

    def _relu(self, func: cst.BaseExpression) -> cst.BaseExpression:
        # `layers.ThresholdedReLU` with `layers` an imported module keeps that module
        # (the imports rule migrates its import); anything else becomes keras.layers.ReLU.
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if self.ctx.keras_path(func.value) == "layers":
                return func.with_changes(attr=cst.Name("ReLU"))
        return dotted(f"{self.ctx.require_keras()}.layers.ReLU")
