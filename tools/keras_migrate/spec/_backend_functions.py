"""Keras 2 `keras.backend` (`K.*`) functions: what Keras 3 keeps, replaces or dropped.

Every rewrite here was checked numerically against tf_keras 2.21 (TF_USE_LEGACY_KERAS=1)
on the same inputs (agreement within 1e-5, or exactly for integer results); entries
whose Keras 3 counterpart computes something else are diagnosed instead:
- K.hard_sigmoid is 0.2x+0.5 clipped, keras.ops.hard_sigmoid is x/6+0.5 clipped: the
  exact Keras 2 formula is written out.
- K.sqrt clamps negative inputs to 0 first (keras.ops.sqrt gives NaN).
- K.binary_crossentropy on probabilities adds epsilon inside the log; keras.ops'
  does not: results differ only for probabilities within ~1e-7 of 0 or 1 (rewritten
  with an info note; from_logits=True and the graph-mode Sigmoid-logits shortcut are
  identical).
- K.dot contracts x's last axis with y's second-to-last: that is
  keras.ops.tensordot(x, y, axes=[[-1], [-2]]) for every rank >= 2 (keras.ops.matmul
  only agrees when y has rank 2); checked on TensorFlow, JAX and PyTorch.
- K.switch tiles a lower-rank condition along trailing axes (keras.ops.where
  broadcasts from the right): keras.ops.where when the condition provably has the
  branches' shape (an element-wise comparison of a branch with a scalar), else the
  runtime's keras2_switch (Keras 2's tiling and callable branches).
- K.shape returns a tensor, keras.ops.shape a tuple: only `K.shape(x)[i]` is rewritten.
- K.argmax/argmin/concatenate/cumsum/cumprod/expand_dims default to axis -1 or 0 where
  keras.ops defaults differ: the Keras 2 default is written out.
- K.bias_add, K.batch_dot, K.batch_flatten, K.repeat, K.count_params, K.dtype and
  K.cast_to_floatx are gone from Keras 3: runtime helpers with Keras 2's semantics
  (batch_dot's axes and rank-2 squeezing, bias_add's data formats).
- K.constant/K.variable default to floatx(); K.arange to int32; K.l2_normalize clamps
  the norm at 1e-6 (epsilon 1e-12 on the squared sum).
"""

from __future__ import annotations

from keras_migrate.spec._types import BackendFunction as B

__all__ = ["BACKEND_FUNCTIONS", "KEPT_BACKEND_FUNCTIONS"]

# Still in keras.backend in Keras 3: left untouched.
KEPT_BACKEND_FUNCTIONS = frozenset({
    "backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format",
    "is_keras_tensor", "set_epsilon", "set_floatx", "set_image_data_format",
    "is_float_dtype", "is_int_dtype", "result_type", "standardize_dtype",
})

_X = ("x",)
_XAK = ("x", "axis", "keepdims")


def _unary(name, target=None):
    return B(name, f"ops.{target or name}", _X, _X)


def _reduce(name, target=None):
    return B(name, f"ops.{target or name}", _XAK, _XAK)


def _binary(name, target=None):
    return B(name, f"ops.{target or name}", ("x", "y"), ("x1", "x2"), positional=2)


def _gone(name, message, fix):
    return B(name, message=message, fix=fix)


BACKEND_FUNCTIONS = (
    # -- reductions -----------------------------------------------------------------
    *(_reduce(n) for n in ("mean", "sum", "max", "min", "prod", "std", "var", "any", "all")),
    B("argmax", "ops.argmax", ("x", "axis"), ("x", "axis"), defaults=(("axis", "-1"),)),
    B("argmin", "ops.argmin", ("x", "axis"), ("x", "axis"), defaults=(("axis", "-1"),)),
    B("cumsum", "ops.cumsum", ("x", "axis"), ("x", "axis"), defaults=(("axis", "0"),)),
    B("cumprod", "ops.cumprod", ("x", "axis"), ("x", "axis"), defaults=(("axis", "0"),)),
    # -- element-wise -----------------------------------------------------------------
    *(_unary(n) for n in ("square", "exp", "log", "abs", "sign", "round", "sin", "cos",
                          "sigmoid", "tanh", "softplus", "softsign", "stop_gradient",
                          "zeros_like", "ones_like", "transpose", "ndim")),
    B("sqrt", params=_X, template="keras.ops.sqrt(keras.ops.maximum(x, 0.0))"),
    # Keras 2's hard_sigmoid and clip were tf.clip_by_value: the runtime's keep TF's
    # gradient at the bounds (keras.ops.clip's is 0.5 there on JAX).
    B("hard_sigmoid", params=_X, runtime="keras2_hard_sigmoid"),
    B("pow", "ops.power", ("x", "a"), ("x1", "x2"), positional=2),
    B("clip", params=("x", "min_value", "max_value"), runtime="keras2_clip"),
    *(_binary(n) for n in ("maximum", "minimum", "equal", "not_equal", "greater",
                           "greater_equal", "less", "less_equal")),
    B("relu", "activations.relu", ("x", "alpha", "max_value", "threshold"),
      ("x", "negative_slope", "max_value", "threshold")),
    B("elu", "ops.elu", ("x", "alpha"), ("x", "alpha")),
    B("softmax", "ops.softmax", ("x", "axis"), ("x", "axis")),
    B("dropout", "random.dropout", ("x", "level", "noise_shape", "seed"),
      ("inputs", "rate", "noise_shape", "seed")),
    # -- losses (argument order is target, output in both) ----------------------------
    B("categorical_crossentropy", "ops.categorical_crossentropy",
      ("target", "output", "from_logits", "axis"), ("target", "output", "from_logits", "axis"), positional=2),
    B("sparse_categorical_crossentropy", "ops.sparse_categorical_crossentropy",
      ("target", "output", "from_logits", "axis"), ("target", "output", "from_logits", "axis"), positional=2),
    B("binary_crossentropy", "ops.binary_crossentropy",
      ("target", "output", "from_logits"), ("target", "output", "from_logits"), positional=2,
      note="K.binary_crossentropy added epsilon inside the log; keras.ops.binary_crossentropy does not "
           "(results differ only for probabilities within ~1e-7 of 0 or 1)"),
    # -- shapes and structure -----------------------------------------------------------
    B("concatenate", "ops.concatenate", ("tensors", "axis"), ("xs", "axis"), defaults=(("axis", "-1"),)),
    B("reshape", "ops.reshape", ("x", "shape"), ("x", "newshape"), positional=2),
    B("permute_dimensions", "ops.transpose", ("x", "pattern"), ("x", "axes"), positional=2),
    B("expand_dims", "ops.expand_dims", ("x", "axis"), ("x", "axis"), defaults=(("axis", "-1"),)),
    B("squeeze", "ops.squeeze", ("x", "axis"), ("x", "axis"), positional=2),
    B("stack", "ops.stack", ("x", "axis"), ("x", "axis")),
    B("tile", "ops.tile", ("x", "n"), ("x", "repeats"), positional=2),
    B("repeat_elements", "ops.repeat", ("x", "rep", "axis"), ("x", "repeats", "axis"), positional=2),
    B("flatten", params=_X, template="keras.ops.reshape(x, (-1,))"),
    B("gather", "ops.take", ("reference", "indices"), ("x", "indices"), positional=2,
      defaults=(("axis", "0"),)),
    B("one_hot", "ops.one_hot", ("indices", "num_classes"), ("x", "num_classes"), positional=2),
    B("shape", "ops.shape", _X, _X, subscript_only=True,
      message="K.shape returns a tensor, keras.ops.shape a tuple: left as is, and Keras 3's keras.backend has "
              "no shape() (an AttributeError when this line runs)",
      fix="index it where it is used (keras.ops.shape(x)[0]), or use "
          "keras.ops.convert_to_tensor(keras.ops.shape(x)) where a tensor is needed"),
    B("int_shape", params=_X, template="tuple(x.shape)"),
    B("cast", "ops.cast", ("x", "dtype"), ("x", "dtype"), positional=2),
    B("l2_normalize", "ops.normalize", ("x", "axis"), ("x", "axis"),
      defaults=(("axis", "None"), ("epsilon", "1e-6"))),
    B("batch_normalization", "ops.batch_normalization",
      ("x", "mean", "var", "beta", "gamma", "axis", "epsilon"),
      ("x", "mean", "variance", "offset", "scale", "axis", "epsilon"), positional=3,
      defaults=(("axis", "-1"),)),
    # -- tensors and variables ------------------------------------------------------------
    B("constant", "ops.convert_to_tensor", ("value", "dtype", "shape", "name"), ("x", "dtype", "", ""),
      defaults=(("dtype", "keras.config.floatx()"),)),
    B("variable", "Variable", ("value", "dtype", "name", "constraint"), ("initializer", "dtype", "name", ""),
      defaults=(("dtype", "keras.config.floatx()"),)),
    B("zeros", "ops.zeros", ("shape", "dtype", "name"), ("shape", "dtype", "")),
    B("ones", "ops.ones", ("shape", "dtype", "name"), ("shape", "dtype", "")),
    B("eye", "ops.eye", ("size", "dtype", "name"), ("N", "dtype", "")),
    B("arange", "ops.arange", ("start", "stop", "step", "dtype"), ("start", "stop", "step", "dtype"),
      positional=3, defaults=(("dtype", '"int32"'),)),
    B("get_value", "ops.convert_to_numpy", _X, _X),
    B("eval", "ops.convert_to_numpy", _X, _X),
    B("set_value", params=("x", "value"), template="x.assign(value)"),
    # tf_keras: each value made a NumPy array of the variable's dtype, then assigned
    # (metrics' reset_state over non-scalar variables, weight loading code).
    B("batch_set_value", params=("tuples",), runtime="keras2_batch_set_value"),
    B("batch_get_value", params=("tensors",), runtime="keras2_batch_get_value"),
    B("update", params=("x", "new_x"), template="x.assign(new_x)"),
    B("update_add", params=("x", "increment"), template="x.assign_add(increment)"),
    B("update_sub", params=("x", "decrement"), template="x.assign_sub(decrement)"),
    B("name_scope", "name_scope", ("name",), ("name",)),
    B("truncated_normal", "random.truncated_normal", ("shape", "mean", "stddev", "dtype", "seed"),
      ("shape", "mean", "stddev", "dtype", "seed")),
    # -- no exact replacement: diagnosed ---------------------------------------------------
    B("dot", params=("x", "y"), template="keras.ops.tensordot(x, y, axes=[[-1], [-2]])"),
    B("batch_dot", params=("x", "y", "axes"), runtime="keras2_batch_dot"),
    B("batch_flatten", params=_X, runtime="keras2_batch_flatten"),
    B("repeat", params=("x", "n"), runtime="keras2_repeat"),
    B("switch", params=("condition", "then_expression", "else_expression"),
      template="keras.ops.where(condition, then_expression, else_expression)",
      guard="same_shape_condition", fallback="keras2_switch",
      message="K.switch tiles a lower-rank condition along trailing axes and calls callable branches; "
              "keras.ops.where broadcasts from the right",
      fix="keras.ops.where(condition, then, else) when the condition has the branches' shape; "
          "keras.ops.cond(pred, then_fn, else_fn) for a scalar predicate"),
    _gone("learning_phase", "K.learning_phase() was removed in Keras 3",
          "pass `training` explicitly to call() and branch on it"),
    _gone("set_learning_phase", "K.set_learning_phase() was removed in Keras 3",
          "call the model with training=True/False instead"),
    _gone("learning_phase_scope", "K.learning_phase_scope was removed in Keras 3",
          "call the model with training=True/False instead"),
    _gone("in_train_phase", "K.in_train_phase was removed in Keras 3",
          "branch on the `training` argument of call()"),
    _gone("in_test_phase", "K.in_test_phase was removed in Keras 3",
          "branch on the `training` argument of call()"),
    # Keras 2's eager K.function was a functional model called on the values (tf_keras
    # backend.function): the runtime builds the same on Keras 3.
    B("function", params=("inputs", "outputs", "updates", "name"), runtime="keras2_function"),
    _gone("placeholder", "K.placeholder was removed in Keras 3", "use keras.Input(shape=..., dtype=...)"),
    _gone("gradients", "K.gradients was removed in Keras 3",
          "use tf.GradientTape (TensorFlow backend) or the backend's gradient API"),
    B("bias_add", params=("x", "bias", "data_format"), runtime="keras2_bias_add"),
    B("count_params", params=_X, runtime="keras2_count_params"),
    B("dtype", params=_X, runtime="keras2_dtype"),
    _gone("is_sparse", "K.is_sparse was removed in Keras 3", "check isinstance(x, tf.SparseTensor)"),
    B("cast_to_floatx", params=_X, runtime="keras2_cast_to_floatx"),
    _gone("print_tensor", "K.print_tensor was removed in Keras 3", "use print() / tf.print on the TensorFlow backend"),
    _gone("rnn", "K.rnn was removed in Keras 3", "use keras.layers.RNN with a cell, or keras.ops.scan"),
    # tf_keras: assign_moving_average(x, value, momentum, zero_debias=False), i.e.
    # x -= (x - value) * (1 - momentum), returning the update.
    B("moving_average_update", params=("x", "value", "momentum"), runtime="keras2_moving_average_update"),
    _gone("random_bernoulli", "K.random_bernoulli was removed in Keras 3",
          "keras.ops.cast(keras.random.uniform(shape) < p, dtype)"),
    _gone("random_binomial", "K.random_binomial was removed in Keras 3",
          "keras.ops.cast(keras.random.uniform(shape) < p, dtype)"),
    _gone("random_normal_variable", "K.random_normal_variable was removed in Keras 3",
          "keras.Variable(keras.random.normal(shape, mean, scale))"),
    _gone("random_uniform_variable", "K.random_uniform_variable was removed in Keras 3",
          "keras.Variable(keras.random.uniform(shape, low, high))"),
    *(_gone(n, f"K.{n} was removed in Keras 3", "use the keras.layers / keras.ops equivalent (keras.ops.conv, "
            "keras.ops.max_pool, keras.ops.depthwise_conv, keras.ops.image.resize, keras.ops.pad)")
      for n in ("conv1d", "conv2d", "conv2d_transpose", "conv3d", "depthwise_conv2d", "separable_conv2d",
                "pool2d", "pool3d", "resize_images", "resize_volumes", "spatial_2d_padding",
                "spatial_3d_padding", "temporal_padding", "local_conv1d", "local_conv2d")),
    # Keras 2's conventions (softmax outputs, log(p + eps), blank = last class, (batch, 1)
    # lengths) on keras.ops.ctc_loss / ctc_decode (tests/keras_migrate_runtime, all backends).
    B("ctc_batch_cost", params=("y_true", "y_pred", "input_length", "label_length"), runtime="keras2_ctc_batch_cost",
      message="K.ctc_batch_cost was removed in Keras 3",
      fix="keras.ops.ctc_loss(y_true, keras.ops.log(y_pred + 1e-7), label_length[:, 0], input_length[:, 0], "
          "mask_index=<last class>)[:, None]"),
    B("ctc_decode", params=("y_pred", "input_length", "greedy", "beam_width", "top_paths"),
      runtime="keras2_ctc_decode", guard="greedy_decode",
      message="K.ctc_decode(greedy=False) was removed in Keras 3: Keras 2's beam search merges repeated labels "
              "(tf.compat.v1), keras.ops.ctc_decode's does not, so the decoded paths differ",
      fix="keras.ops.ctc_decode(keras.ops.log(y_pred + 1e-7), input_length, strategy='beam_search', "
          "beam_width=..., top_paths=..., mask_index=<last class>) and check the paths it returns"),
    _gone("ctc_label_dense_to_sparse", "K.ctc_label_dense_to_sparse was removed in Keras 3",
          "keras.ops.ctc_loss takes dense labels and their lengths: drop the conversion"),
    *(_gone(n, f"K.{n} was removed in Keras 3", "use a Python loop, keras.ops.scan or keras.ops.vectorized_map")
      for n in ("map_fn", "foldl", "foldr")),
)
