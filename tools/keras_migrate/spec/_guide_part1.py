"""Data for the guide's part-1 section rules (TensorFlow backend): XLA-unsafe TF ops,
saving formats, and the small tf -> keras.ops table used on KerasTensors."""

from __future__ import annotations

import dataclasses
from typing import Tuple

__all__ = [
    "KERAS_TENSOR_OPS",
    "KerasOpEquivalent",
    "MODEL_FILE_SUFFIXES",
    "SAVEDMODEL_READERS",
    "TRAINING_METHODS",
    "XLA_UNSUPPORTED",
    "keras_op_for",
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


@dataclasses.dataclass(frozen=True)
class KerasOpEquivalent:
    """A TF op with an exact keras.ops equivalent (same numbers, same defaults).

    `keywords` maps TF keyword names to keras.ops ones; a call using a TF keyword not
    listed (other than `name`, which is dropped) is not rewritten. `positional` is how
    many positional arguments the mapping supports.
    """

    tf: str  # fully qualified
    op: str  # name in keras.ops
    keywords: Tuple[Tuple[str, str], ...] = ()
    positional: int = 1


def _unary(tf_names, op, arg="x"):
    return tuple(KerasOpEquivalent(n, op, ((arg, "x"),), 1) for n in tf_names)


def _reduce(tf_names, op):
    return tuple(
        KerasOpEquivalent(n, op, (("input_tensor", "x"), ("axis", "axis"), ("keepdims", "keepdims")), 3)
        for n in tf_names
    )


def _binary(tf_names, op):
    return tuple(KerasOpEquivalent(n, op, (("x", "x1"), ("y", "x2")), 2) for n in tf_names)


# Kept small on purpose: only ops whose keras.ops twin has the same semantics and
# defaults. tf.shape (a tensor vs keras.ops' tuple with None) and tf.gather/argmax
# (axis=None means 0 in TF, "flatten" in keras.ops) are deliberately absent.
KERAS_TENSOR_OPS: Tuple[KerasOpEquivalent, ...] = (
    *_reduce(("tensorflow.reduce_sum", "tensorflow.math.reduce_sum"), "sum"),
    *_reduce(("tensorflow.reduce_mean", "tensorflow.math.reduce_mean"), "mean"),
    *_reduce(("tensorflow.reduce_max", "tensorflow.math.reduce_max"), "max"),
    *_reduce(("tensorflow.reduce_min", "tensorflow.math.reduce_min"), "min"),
    *_reduce(("tensorflow.reduce_prod", "tensorflow.math.reduce_prod"), "prod"),
    *_reduce(("tensorflow.reduce_any", "tensorflow.math.reduce_any"), "any"),
    *_reduce(("tensorflow.reduce_all", "tensorflow.math.reduce_all"), "all"),
    *_reduce(("tensorflow.reduce_logsumexp", "tensorflow.math.reduce_logsumexp"), "logsumexp"),
    KerasOpEquivalent("tensorflow.concat", "concatenate", (("values", "xs"), ("axis", "axis")), 2),
    KerasOpEquivalent("tensorflow.stack", "stack", (("values", "x"), ("axis", "axis")), 2),
    KerasOpEquivalent("tensorflow.expand_dims", "expand_dims", (("input", "x"), ("axis", "axis")), 2),
    KerasOpEquivalent("tensorflow.squeeze", "squeeze", (("input", "x"), ("axis", "axis")), 2),
    KerasOpEquivalent("tensorflow.reshape", "reshape", (("tensor", "x"), ("shape", "newshape")), 2),
    KerasOpEquivalent("tensorflow.transpose", "transpose", (("a", "x"), ("perm", "axes")), 2),
    KerasOpEquivalent("tensorflow.tile", "tile", (("input", "x"), ("multiples", "repeats")), 2),
    KerasOpEquivalent("tensorflow.cast", "cast", (("x", "x"), ("dtype", "dtype")), 2),
    KerasOpEquivalent("tensorflow.clip_by_value", "clip",
                      (("t", "x"), ("clip_value_min", "x_min"), ("clip_value_max", "x_max")), 3),
    KerasOpEquivalent("tensorflow.matmul", "matmul", (("a", "x1"), ("b", "x2")), 2),
    KerasOpEquivalent("tensorflow.linalg.matmul", "matmul", (("a", "x1"), ("b", "x2")), 2),
    KerasOpEquivalent("tensorflow.einsum", "einsum", (), 99),
    KerasOpEquivalent("tensorflow.where", "where", (("condition", "condition"), ("x", "x1"), ("y", "x2")), 3),
    KerasOpEquivalent("tensorflow.nn.softmax", "softmax", (("logits", "x"), ("axis", "axis")), 2),
    KerasOpEquivalent("tensorflow.math.softmax", "softmax", (("logits", "x"), ("axis", "axis")), 2),
    *_unary(("tensorflow.nn.relu",), "relu", "features"),
    *_unary(("tensorflow.nn.relu6",), "relu6", "features"),
    *_unary(("tensorflow.nn.sigmoid", "tensorflow.sigmoid", "tensorflow.math.sigmoid"), "sigmoid"),
    *_unary(("tensorflow.nn.tanh", "tensorflow.tanh", "tensorflow.math.tanh"), "tanh"),
    *_unary(("tensorflow.nn.softplus", "tensorflow.math.softplus"), "softplus", "features"),
    *_unary(("tensorflow.abs", "tensorflow.math.abs"), "abs"),
    *_unary(("tensorflow.square", "tensorflow.math.square"), "square"),
    *_unary(("tensorflow.sqrt", "tensorflow.math.sqrt"), "sqrt"),
    *_unary(("tensorflow.exp", "tensorflow.math.exp"), "exp"),
    *_unary(("tensorflow.math.log",), "log"),
    *_unary(("tensorflow.negative", "tensorflow.math.negative"), "negative"),
    *_unary(("tensorflow.ones_like",), "ones_like", "input"),
    *_unary(("tensorflow.zeros_like",), "zeros_like", "input"),
    *_binary(("tensorflow.add", "tensorflow.math.add"), "add"),
    *_binary(("tensorflow.subtract", "tensorflow.math.subtract"), "subtract"),
    *_binary(("tensorflow.multiply", "tensorflow.math.multiply"), "multiply"),
    *_binary(("tensorflow.maximum", "tensorflow.math.maximum"), "maximum"),
    *_binary(("tensorflow.minimum", "tensorflow.math.minimum"), "minimum"),
    *_binary(("tensorflow.pow", "tensorflow.math.pow"), "power"),
)

_BY_TF = {entry.tf: entry for entry in KERAS_TENSOR_OPS}


def keras_op_for(qualified: str):
    return _BY_TF.get(qualified)
