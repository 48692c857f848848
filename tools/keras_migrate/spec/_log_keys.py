"""Keys of callback `logs` and `History.history` that differ between Keras 2 and Keras 3.

Found by fitting the same model under tf_keras 2.21 and Keras 3.15 (JAX, TensorFlow,
PyTorch) with ReduceLROnPlateau, LearningRateScheduler and a callback recording the
keys of every hook's logs, and by compiling with every metric identifier:

- ReduceLROnPlateau and LearningRateScheduler write the learning rate as logs["lr"]
  (so History has "lr") in Keras 2 and as logs["learning_rate"] in Keras 3.
- A metric given to compile() by class name ("AUC", "Precision", "Recall", ...) is
  logged under the class's default metric name in Keras 2 ("auc", "precision") and
  under the string itself in Keras 3 ("AUC"): every history/logs/monitor key built
  from it changes. Passing the Keras 2 name pins the key; Keras 3 resolves these
  snake-case strings to the same metric classes (tests/keras_migrate/spec checks it),
  except the three with `keras3_string=None`, which need the class with name=.
- A metric object made without a name logs under its class's default name, the same
  in both versions for every class but KLDivergence ("kullback_leibler_divergence" in
  Keras 2, "kl_divergence" in Keras 3; every metric class's `.name` compared):
  METRIC_DEFAULT_NAMES pins Keras 2's.
Every other key (loss, val_*, metric functions by name) is the same.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Optional

__all__ = ["RENAMED_LOG_KEYS", "MetricClassKey", "METRIC_CLASS_KEYS", "METRIC_DEFAULT_NAMES", "METRIC_FUNCTION_STRINGS"]

RENAMED_LOG_KEYS: Dict[str, str] = {"lr": "learning_rate"}

# keras.metrics.<class>() -> Keras 2's default name, where Keras 3's differs.
METRIC_DEFAULT_NAMES: Dict[str, str] = {"KLDivergence": "kullback_leibler_divergence"}


@dataclasses.dataclass(frozen=True)
class MetricClassKey:
    """compile(metrics=["<cls>"]): logged as `key` in Keras 2; `keras3_string` is a
    Keras 3 identifier for the same class that logs as `key` (None: use the class)."""

    cls: str
    key: str
    keras3_string: Optional[str] = None

    def keras3_names(self):
        return (f"keras.metrics.{self.cls}(name)",)


def _same(cls: str, key: str) -> MetricClassKey:
    return MetricClassKey(cls, key, keras3_string=key)


METRIC_CLASS_KEYS: Dict[str, MetricClassKey] = {
    entry.cls: entry
    for entry in (
        _same("AUC", "auc"),
        _same("BinaryAccuracy", "binary_accuracy"),
        _same("BinaryCrossentropy", "binary_crossentropy"),
        _same("BinaryIoU", "binary_io_u"),
        _same("CategoricalAccuracy", "categorical_accuracy"),
        _same("CategoricalCrossentropy", "categorical_crossentropy"),
        _same("CategoricalHinge", "categorical_hinge"),
        _same("CosineSimilarity", "cosine_similarity"),
        _same("F1Score", "f1_score"),
        MetricClassKey("FBetaScore", "fbeta_score"),
        _same("FalseNegatives", "false_negatives"),
        _same("FalsePositives", "false_positives"),
        _same("Hinge", "hinge"),
        MetricClassKey("KLDivergence", "kullback_leibler_divergence"),
        MetricClassKey("LogCoshError", "logcosh"),
        _same("MeanAbsoluteError", "mean_absolute_error"),
        _same("MeanAbsolutePercentageError", "mean_absolute_percentage_error"),
        _same("MeanSquaredError", "mean_squared_error"),
        _same("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error"),
        _same("Poisson", "poisson"),
        _same("Precision", "precision"),
        _same("R2Score", "r2_score"),
        _same("Recall", "recall"),
        _same("RootMeanSquaredError", "root_mean_squared_error"),
        _same("SparseCategoricalAccuracy", "sparse_categorical_accuracy"),
        _same("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"),
        _same("SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy"),
        _same("SquaredHinge", "squared_hinge"),
        _same("TopKCategoricalAccuracy", "top_k_categorical_accuracy"),
        _same("TrueNegatives", "true_negatives"),
        _same("TruePositives", "true_positives"),
    )
}


# compile(metrics=["<function name>"]) strings Keras 2 resolved and Keras 3's metrics.get()
# rejects ("Could not interpret metric identifier"): the class, named as Keras 2 logged it.
METRIC_FUNCTION_STRINGS: Dict[str, MetricClassKey] = {
    "logcosh": MetricClassKey("LogCoshError", "logcosh"),
    "log_cosh": MetricClassKey("LogCoshError", "log_cosh"),
    "kullback_leibler_divergence": MetricClassKey("KLDivergence", "kullback_leibler_divergence"),
}
