"""KM125 feature_crosses: feature crosses of more than two features.

Keras 2's HashedCrossing (and FeatureSpace.cross) hashed any number of features
together; Keras 3's takes exactly two ("Expected as input a list/tuple of 2 tensors").
The hash of three features has no two-feature spelling with the same buckets, so a
cross of three or more literal feature names gets a warning with the fix.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule

__all__ = ["FeatureCrosses"]

_CROSSES = ("utils.FeatureSpace.cross", "FeatureSpace.cross")


class FeatureCrosses(Rule):
    id = "KM125"
    name = "feature_crosses"
    description = "Warn where FeatureSpace.cross crosses more than two features (Keras 3 crosses exactly two)."
    TRIGGERS = ("cross",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow.keras.utils import FeatureSpace
            crosses = [FeatureSpace.cross(feature_names=("default", "housing", "loan"), crossing_dim=6),
                       FeatureSpace.cross(feature_names=("age", "job"), crossing_dim=8)]
            """,
            diagnostics=("KM125",),
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.keras_path(original.func) not in _CROSSES:
            return updated
        names = next((a.value for a in original.args if a.keyword is not None and a.keyword.value == "feature_names"),
                     original.args[0].value if original.args and original.args[0].keyword is None else None)
        if isinstance(names, (cst.Tuple, cst.List)) and len(names.elements) > 2:
            self.report(
                original,
                f"Keras 3's FeatureSpace.cross (HashedCrossing) crosses exactly two features; this crosses "
                f"{len(names.elements)} (Keras 2 hashed them together)",
                "cross two features at a time (cross a and b, then the crossed feature with c), or hash a "
                "string join of the features with FeatureSpace.string_hashed; the buckets differ from Keras 2's",
            )
        return updated
