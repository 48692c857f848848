"""Data for the guide's part-1 section rules (TensorFlow backend): XLA-unsafe TF ops and
saving formats. (TF ops on KerasTensors reuse the checked table of spec/_tf_ops.py.)"""

from __future__ import annotations

__all__ = [
    "AUTO_NAMED_METRICS",
    "DIRECTORY_FUNCTIONS",
    "DIRECTORY_PROBES",
    "EXISTING_DIRECTORIES",
    "METRIC_NAME_EXCEPTIONS",
    "MODEL_FILE_SUFFIXES",
    "PATH_JOINS",
    "PATH_PROBES",
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

# Calls that build one path from their arguments, joined by "/" (str() and friends only
# convert). A path built with them has the same shape as the f-string or `+` spelling.
PATH_JOINS = (
    "os.path.join",
    "posixpath.join",
    "os.fspath",
    "pathlib.Path",
    "pathlib.PurePath",
    "pathlib.PosixPath",
)

# Calls that create or remove the directory given as their first argument. A path variable
# passed to one names a directory: it keeps its value, and a model saved at that path gets
# its file suffix where it is saved and loaded.
DIRECTORY_FUNCTIONS = (
    "os.makedirs",
    "os.mkdir",
    "os.rmdir",
    "os.removedirs",
    "shutil.rmtree",
    "tensorflow.io.gfile.makedirs",
    "tensorflow.io.gfile.mkdir",
    "tensorflow.io.gfile.rmtree",
)

# Calls whose result is a directory that exists: saving into it needs no os.makedirs.
EXISTING_DIRECTORIES = (
    "tempfile.mkdtemp",
    "tempfile.gettempdir",
    "tempfile.TemporaryDirectory",
    "os.getcwd",
)

# Tests that a saved model is there: they follow the path when its file name changes
# (`if os.path.exists(path): model = load_model(path)`).
PATH_PROBES = (
    "os.path.exists",
    "os.path.isfile",
    "os.path.lexists",
    "tensorflow.io.gfile.exists",
)
# ... a SavedModel directory test (false for the .keras file that replaces it) or listing
# (fails on it): diagnosed.
DIRECTORY_PROBES = ("os.path.isdir", "tensorflow.io.gfile.isdir", "os.listdir", "os.scandir", "os.walk",
                    "tensorflow.io.gfile.listdir", "tensorflow.io.gfile.walk", "shutil.copytree")

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
