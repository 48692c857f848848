"""Data for the guide's part-1 section rules (TensorFlow backend): XLA-unsafe TF ops and
saving formats. (TF ops on KerasTensors reuse the checked table of spec/_tf_ops.py.)"""

from __future__ import annotations

__all__ = [
    "AUTO_NAMED_METRICS",
    "METRIC_NAME_EXCEPTIONS",
    "MODEL_FILE_SUFFIXES",
    "SAVEDMODEL_READERS",
    "TRAINING_METHODS",
    "XLA_UNSUPPORTED",
]

# Fully qualified TF names (prefixes end with ".") whose kernels XLA cannot compile.
# Checked with tf.function(jit_compile=True) on TF 2.21: these raise "Detected
# unsupported operations"; tf.unique, tf.where(cond), tf.boolean_mask, tf.sparse.*,
# tf.image.resize, tf.math.bincount and TensorArray compile and are NOT listed.
XLA_UNSUPPORTED = (
    "tensorflow.strings.",
    "tensorflow.as_string",
    "tensorflow.print",
    "tensorflow.py_function",
    "tensorflow.numpy_function",
    "tensorflow.compat.v1.py_func",
    "tensorflow.RaggedTensor",
    "tensorflow.ragged.",
    "tensorflow.lookup.",
    "tensorflow.histogram_fixed_width",
    "tensorflow.io.",
)

# A path ending in one of these already names a Keras 3 loadable file.
MODEL_FILE_SUFFIXES = (".keras", ".h5", ".hdf5")

# Readers of a SavedModel directory: a path they read must stay a SavedModel (export).
SAVEDMODEL_READERS = (
    "tensorflow.saved_model.load",
    "tensorflow.compat.v2.saved_model.load",
    "tensorflow.lite.TFLiteConverter.from_saved_model",
    "tensorflow.experimental.tensorrt.Converter",
)

# Methods that show a reloaded model is trained (TFSMLayer cannot be).
TRAINING_METHODS = ("compile", "fit", "train_on_batch", "fit_generator")

# keras.metrics classes whose default `name` is not the snake_case of the class name.
METRIC_NAME_EXCEPTIONS = {"FBetaScore": "fbeta_score", "LogCoshError": "logcosh"}
# ... and those named automatically (name=None: "auc", "auc_1", ...): unpredictable keys.
AUTO_NAMED_METRICS = frozenset({
    "AUC", "BinaryIoU", "FalseNegatives", "FalsePositives", "IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU",
    "Precision", "PrecisionAtRecall", "Recall", "RecallAtPrecision", "SensitivityAtSpecificity",
    "SpecificityAtSensitivity", "TrueNegatives", "TruePositives", "MeanMetricWrapper", "Metric",
})
