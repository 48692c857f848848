"""KM254 discretization_adapt: Discretization layers adapt to Keras 2's bin boundaries.

Both libraries learn boundaries by merging approximate quantile summaries, but tf_keras's
adapt() cut a NumPy array into batches of 32 and summarised each its own way; Keras 3
summarises the whole array with another formula. The boundaries learned from the same
data differ (found with keras-migrate verify on an independent program: every loss of
the model moved). In a file that adapts layers, Discretization(...) becomes
keras_migrate_runtime's subclass (same name, config and call), whose adapt() reads
Keras 2's batches and summarises them as Keras 2 did. Keras 2 also kept the summary as a
non-trainable weight, which Keras 3's layer does not have: where the file reads or
writes weight lists, that difference is reported.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._agnostic import runtime_class_for

__all__ = ["DiscretizationAdapt"]

RUNTIME_CLASS = "Discretization"
LOCAL_NAME = "Keras2Discretization"
_WEIGHT_LISTS = ("get_weights", "set_weights", ".weights", "save_weights", "load_weights", "non_trainable")
_PATHS = frozenset({"layers.Discretization", "layers.experimental.preprocessing.Discretization",
                    "layers.preprocessing.discretization.Discretization"})


class DiscretizationAdapt(Rule):
    id = "KM254"
    name = "discretization_adapt"
    description = ("In files that adapt layers, Discretization becomes keras_migrate_runtime's subclass, which "
                   "learns Keras 2's bin boundaries (its batches of 32, its quantile summaries).")
    TRIGGERS = ("Discretization",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf

            bins = tf.keras.layers.Discretization(num_bins=4)
            bins.adapt(train_ages)

            class Bucketed(tf.keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.buckets = tf.keras.layers.experimental.preprocessing.Discretization(num_bins=3)
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import Discretization as Keras2Discretization

            bins = Keras2Discretization(num_bins=4)
            bins.adapt(train_ages)

            class Bucketed(tf.keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.buckets = Keras2Discretization(num_bins=3)
            """,
        ),
        # Nothing adapted in the file (fixed boundaries): Keras 3's own layer.
        Example(
            before="""
            from tensorflow.keras import layers
            bins = layers.Discretization(bin_boundaries=[0.0, 1.0])
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.keras_path(original.func) not in _PATHS or ".adapt(" not in self.ctx.source:
            return updated
        self.fired()
        if any(use in self.ctx.source for use in _WEIGHT_LISTS):
            self.report(original, "Keras 2's Discretization kept its adapted summary as a non-trainable weight; "
                                  "Keras 3's has no weights, so weight lists of models holding it (get_weights(), "
                                  "weights, weight files) are one entry shorter",
                        "index weight lists by layer (model.get_layer(name).get_weights()) rather than by "
                        "position across the model", Severity.INFO)
        return updated.with_changes(func=runtime_class_for(self.ctx, original.func, RUNTIME_CLASS, LOCAL_NAME))
