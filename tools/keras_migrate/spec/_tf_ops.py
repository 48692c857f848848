"""tf.* ops -> keras.ops (guide part 2, "Switching to Keras ops"), as data.

Every entry was checked numerically against TensorFlow on the JAX, TensorFlow and
PyTorch backends by tests/keras_migrate/spec/check_tf_ops_semantics.py, which runs
each entry's `samples` through the migrator. Names below are relative to
`tensorflow.`; sample inputs: x, y (float32 (2, 3, 4), y > 0), m (3, 3), v (4,),
i (int32 (2, 3) in [0, 4)), lab (int32 (2, 3) in [0, 4)), img (float32 (2, 4, 4, 3)),
k1 (3, 4, 5) conv1d kernel, k2 (2, 2, 3, 5) conv2d kernel, seq (2, 8, 4). `grad_samples`
are also differentiated with respect to z (float32 (2, 5): exact zeros, -2, -0.3, 0.4, 2).
"""

from __future__ import annotations

from typing import Dict, Tuple

from keras_migrate.spec._types import ArgLimit, TensorflowOnlyApi, TfNoEquivalent, TfOp

__all__ = [
    "owned_elsewhere",
    "TF_OPS",
    "TF_OPS_BY_NAME",
    "TF_NO_EQUIVALENT",
    "TF_NO_EQUIVALENT_BY_NAME",
    "TF_NAMESPACES_OWNED_ELSEWHERE",
    "TF_DATA_METHODS",
    "TF_ATTRIBUTE_CONSTANTS",
    "TENSORFLOW_ONLY_APIS",
    "TF_RANDOM_OPS",
]


def _aliases(name: str, *modules: str) -> Tuple[str, ...]:
    return (name,) + tuple(f"{m}.{name}" for m in modules)


def _unary(tf_names, keras, param="x", samples=("{tf}(x)",), **kw) -> TfOp:
    return TfOp(tf=tf_names, keras=keras, params=(param,), keras_params=("x",),
                renames=((param, "x"),) if param != "x" else (),
                samples=tuple(s.format(tf="tf." + tf_names[0]) for s in samples), **kw)


def _binary(tf_names, keras, samples=("{tf}(x, y)",), **kw) -> TfOp:
    return TfOp(tf=tf_names, keras=keras, params=("x", "y"), keras_params=("x1", "x2"),
                renames=(("x", "x1"), ("y", "x2")),
                samples=tuple(s.format(tf="tf." + tf_names[0]) for s in samples), **kw)


def _reduce(tf_names, keras, samples=(), extra=()) -> TfOp:
    first = "tf." + tf_names[0]
    return TfOp(tf=tf_names, keras=keras, params=("input_tensor", "axis", "keepdims"),
                keras_params=("x", "axis", "keepdims"), renames=(("input_tensor", "x"),),
                samples=(samples or (f"{first}(x)", f"{first}(x, axis=1)",
                                     f"{first}(x, axis=[0, 2], keepdims=True)", f"{first}(x, -1, True)"))
                + tuple(e.format(tf=first) for e in extra))


_M = ("math",)
_UNARY = (
    _unary(("abs", "math.abs"), "ops.absolute"),
    _unary(_aliases("sqrt", *_M), "ops.sqrt", samples=("{tf}(y)",)),
    _unary(_aliases("exp", *_M), "ops.exp"),
    _unary(("math.log", "log"), "ops.log", samples=("{tf}(y)",)),
    _unary(_aliases("square", *_M), "ops.square"),
    _unary(_aliases("sign", *_M), "ops.sign"),
    _unary(_aliases("floor", *_M), "ops.floor", samples=("{tf}(x * 3.0)",)),
    _unary(("math.ceil",), "ops.ceil", samples=("{tf}(x * 3.0)",)),
    # Half to even on every backend, like TF.
    _unary(_aliases("round", *_M), "ops.round", samples=("{tf}(x * 4.0)", "{tf}(tf.constant([0.5, 1.5, 2.5, -0.5]))")),
    _unary(_aliases("negative", *_M), "ops.negative"),
    _unary(("math.reciprocal",), "ops.reciprocal", samples=("{tf}(y)",)),
    _unary(("math.rsqrt",), "ops.rsqrt", samples=("{tf}(y)",)),
    _unary(("math.log1p",), "ops.log1p", samples=("{tf}(y)",)),
    _unary(("math.expm1",), "ops.expm1"),
    _unary(_aliases("sin", *_M), "ops.sin"),
    _unary(_aliases("cos", *_M), "ops.cos"),
    _unary(_aliases("tan", *_M), "ops.tan"),
    _unary(("math.sinh", "sinh"), "ops.sinh"),
    _unary(("math.cosh", "cosh"), "ops.cosh"),
    _unary(_aliases("tanh", "math", "nn"), "ops.tanh"),
    _unary(_aliases("asin", *_M), "ops.arcsin"),
    _unary(_aliases("acos", *_M), "ops.arccos"),
    _unary(_aliases("atan", *_M), "ops.arctan"),
    _unary(_aliases("asinh", *_M), "ops.arcsinh"),
    _unary(_aliases("acosh", *_M), "ops.arccosh", samples=("{tf}(y + 1.0)",)),
    _unary(_aliases("atanh", *_M), "ops.arctanh", samples=("{tf}(x * 0.9)",)),
    _unary(_aliases("sigmoid", "math", "nn"), "ops.sigmoid"),
    _unary(("math.erf", "erf"), "ops.erf"),
    _unary(("math.erfinv",), "ops.erfinv", samples=("{tf}(x * 0.9)",)),
    _unary(("math.is_finite",), "ops.isfinite", samples=("{tf}(x / (x - x))",)),
    _unary(("math.is_nan",), "ops.isnan", samples=("{tf}(x / (x - x))",)),
    _unary(("math.is_inf",), "ops.isinf", samples=("{tf}(x / (x - x))",)),
    _unary(_aliases("logical_not", *_M), "ops.logical_not", samples=("{tf}(x > 0)",)),
    _unary(("math.conj", "conj"), "ops.conjugate"),
    _unary(("math.real", "real"), "ops.real", param="input"),
    # keras.ops.imag of a real tensor raises on PyTorch; TF gives zeros
    TfOp(("math.imag", "imag"), "", ("input",), runtime="math_imag",
         samples=("tf.math.imag(x)", "tf.math.imag(tf.signal.fft(tf.cast(x, tf.complex64)))", "tf.math.imag(tf.cast(x, tf.complex64))")),
    _unary(("math.log_sigmoid",), "ops.log_sigmoid"),
    _unary(("math.softplus", "nn.softplus"), "ops.softplus", param="features"),
    _unary(("nn.softsign", "math.softsign"), "ops.softsign", param="features"),
    _unary(("nn.relu",), "ops.relu", param="features", grad_samples=("tf.nn.relu(z)",)),
    _unary(("nn.relu6",), "ops.relu6", param="features", samples=("{tf}(x * 10.0)",),
           grad_samples=("tf.nn.relu6(z * 3.0)",)),
    _unary(("nn.elu",), "ops.elu", param="features", grad_samples=("tf.nn.elu(z)",)),
    _unary(("nn.selu",), "ops.selu", param="features"),
    _unary(("stop_gradient",), "ops.stop_gradient", param="input"),
    _unary(("identity",), "ops.copy", param="input"),
)

_BINARY = (
    # Of two dimensions (ints, tf.shape entries): the runtime's shape_maximum/minimum keep
    # Python ints, which JAX's jit needs for shapes (keras.io StyleGAN's group size).
    _binary(_aliases("maximum", *_M), "ops.maximum", special="shape_extreme", runtime="shape_maximum",
            samples=("{tf}(x, y)", "tf.reshape(x, [{tf}(2, tf.shape(x)[0]), -1])")),
    _binary(_aliases("minimum", *_M), "ops.minimum", special="shape_extreme", runtime="shape_minimum",
            samples=("{tf}(x, y)", "tf.reshape(x, [{tf}(4, tf.shape(x)[0]), -1])")),
    _binary(_aliases("add", *_M), "ops.add"),
    _binary(_aliases("subtract", *_M), "ops.subtract"),
    _binary(_aliases("multiply", *_M), "ops.multiply"),
    _binary(_aliases("divide", *_M), "ops.divide"),
    _binary(_aliases("truediv", *_M), "ops.true_divide"),
    _binary(("math.floordiv",), "ops.floor_divide", samples=("{tf}(x * 5.0, y)",)),
    # Floored modulo (sign of the divisor) on every backend, like Python's %.
    _binary(("math.floormod", "floormod", "math.mod", "mod"), "ops.mod",
            samples=("{tf}(x * 5.0, y)", "{tf}(x * 5.0, -y)")),
    _binary(_aliases("pow", *_M), "ops.power", samples=("{tf}(y, x)",)),
    _binary(_aliases("equal", *_M), "ops.equal", samples=("{tf}(tf.round(x), tf.round(y))",)),
    _binary(_aliases("not_equal", *_M), "ops.not_equal", samples=("{tf}(tf.round(x), tf.round(y))",)),
    _binary(_aliases("greater", *_M), "ops.greater"),
    _binary(_aliases("greater_equal", *_M), "ops.greater_equal"),
    _binary(_aliases("less", *_M), "ops.less"),
    _binary(_aliases("less_equal", *_M), "ops.less_equal"),
    _binary(_aliases("logical_and", *_M), "ops.logical_and", samples=("{tf}(x > 0, y > 0.5)",)),
    _binary(_aliases("logical_or", *_M), "ops.logical_or", samples=("{tf}(x > 0, y > 0.5)",)),
    _binary(("math.logical_xor",), "ops.logical_xor", samples=("{tf}(x > 0, y > 0.5)",)),
    _binary(("math.divide_no_nan",), "ops.divide_no_nan", samples=("{tf}(x, y * tf.cast(x > 0, tf.float32))",)),
    # TF names the arguments (y, x).
    TfOp(tf=("math.atan2", "atan2"), keras="ops.arctan2", params=("y", "x"), keras_params=("x1", "x2"),
         renames=(("y", "x1"), ("x", "x2")), samples=("tf.math.atan2(x, y)",)),
)

_REDUCTIONS = (
    # axis=tf.range(...) of static ints -> a tuple (JAX and PyTorch take no tensor of axes)
    _reduce(_aliases("reduce_sum", *_M), "ops.sum", extra=("{tf}(x, axis=tf.range(1, tf.size(tf.shape(x))))",
                                                           "{tf}(x, tf.range(tf.rank(x) - 1))")),
    # TF's mean of an integer tensor is an integer; Keras' is a float.
    _reduce(_aliases("reduce_mean", *_M), "ops.mean"),
    _reduce(_aliases("reduce_max", *_M), "ops.max"),
    _reduce(_aliases("reduce_min", *_M), "ops.min"),
    _reduce(_aliases("reduce_prod", *_M), "ops.prod"),
    _reduce(_aliases("reduce_logsumexp", *_M), "ops.logsumexp"),
    _reduce(("math.reduce_std",), "ops.std"),
    _reduce(("math.reduce_variance",), "ops.var"),
    TfOp(("math.reduce_euclidean_norm",), "ops.norm", ("input_tensor", "axis", "keepdims"), ("x", "axis", "keepdims"),
         (("input_tensor", "x"),), special="norm",
         samples=("tf.math.reduce_euclidean_norm(x)", "tf.math.reduce_euclidean_norm(x, axis=1, keepdims=True)")),
    _reduce(_aliases("reduce_all", *_M), "ops.all", samples=("tf.reduce_all(x > -0.5, axis=1)", "tf.reduce_all(x > -2.0)")),
    _reduce(_aliases("reduce_any", *_M), "ops.any", samples=("tf.reduce_any(x > 0.5, axis=-1, keepdims=True)",)),
)

_SHAPES = (
    TfOp(("concat",), "ops.concatenate", ("values", "axis"), ("xs", "axis"), (("values", "xs"),), special="concat",
         samples=("tf.concat([x, y], axis=-1)", "tf.concat([x, y], 0)",
                  "tf.concat([tf.argmax(v, output_type=tf.int32)[None], [tf.argmax(v, output_type=tf.int32)]], 0)")),
    # TF splits into sizes, Keras (NumPy) at indices: size lists become cumulative indices.
    TfOp(("split",), "ops.split", ("value", "num_or_size_splits", "axis", "num"), ("x", "indices_or_sections", "axis"),
         (("value", "x"), ("num_or_size_splits", "indices_or_sections")),
         limits=(ArgLimit("num", "num=", ("None",)),), special="split", runtime="split",
         samples=("tf.split(x, 2, axis=2)[1]", "tf.split(x, [1, 3], axis=2)[1]", "tf.split(x, [1, 1, 2], -1)[2]",
                  "tf.split(v, 4)[3]", "tf.split(x, [x.shape[2] // 4, x.shape[2] - 1], axis=2)[1]",
                  "tf.split(value=m, num_or_size_splits=[m.shape[0] - 2, 1, 1], axis=0)[1]",
                  "tf.split(x, [1, -1], axis=2)[1]", "tf.split(x, [int(x.shape[2]) - 1, 1], axis=2)[0]")),
    TfOp(("stack",), "ops.stack", ("values", "axis"), ("x", "axis"), (("values", "x"),),
         samples=("tf.stack([x, y], axis=1)", "tf.stack([v, v])")),
    TfOp(("unstack",), "ops.unstack", ("value", "num", "axis"), ("x", "num", "axis"), (("value", "x"),),
         samples=("tf.unstack(x, axis=1)[2]", "tf.unstack(m)[1]")),
    TfOp(("reshape",), "ops.reshape", ("tensor", "shape"), ("x", "newshape"),
         (("tensor", "x"), ("shape", "newshape")), samples=("tf.reshape(x, [-1, 6])", "tf.reshape(x, (4, 6))")),
    TfOp(("transpose", "linalg.transpose"), "ops.transpose", ("a", "perm", "conjugate"), ("x", "axes"),
         (("a", "x"), ("perm", "axes")), limits=(ArgLimit("conjugate", "conjugate transposition"),),
         samples=("tf.transpose(x, perm=[0, 2, 1])", "tf.transpose(m)", "tf.transpose(x, [2, 0, 1])")),
    TfOp(("linalg.matrix_transpose", "linalg.adjoint"), "", ("a", "conjugate"),
         limits=(ArgLimit("conjugate", "conjugate transposition"),),
         template="{keras}.ops.swapaxes({a}, -2, -1)", samples=("tf.linalg.matrix_transpose(x)",)),
    TfOp(("expand_dims",), "ops.expand_dims", ("input", "axis"), ("x", "axis"), (("input", "x"),),
         samples=("tf.expand_dims(x, -1)", "tf.expand_dims(v, axis=0)")),
    TfOp(("squeeze",), "ops.squeeze", ("input", "axis"), ("x", "axis"), (("input", "x"),),
         samples=("tf.squeeze(x[:, :1], axis=1)", "tf.squeeze(x[:1, :, :1])", "tf.squeeze(x[:1, :, :1], [0, 2])")),
    TfOp(("tile",), "ops.tile", ("input", "multiples"), ("x", "repeats"),
         (("input", "x"), ("multiples", "repeats")), special="tile",
         samples=("tf.tile(x, [1, 2, 1])", "tf.tile(x, multiples=(1, 1, 2))", "tf.tile(x, [tf.shape(x)[0], 1, 1])")),
    TfOp(("reverse",), "ops.flip", ("tensor", "axis"), ("x", "axis"), (("tensor", "x"),),
         samples=("tf.reverse(x, axis=[-1])", "tf.reverse(x, [0, 2])")),
    TfOp(("pad",), "ops.pad", ("tensor", "paddings", "mode", "constant_values"),
         ("x", "pad_width", "mode", "constant_values"), (("tensor", "x"), ("paddings", "pad_width")),
         values=(("mode", "pad_mode"),),
         samples=("tf.pad(x, [[0, 0], [1, 2], [0, 1]])", "tf.pad(x, [[0, 0], [1, 1], [2, 2]], mode='REFLECT')",
                  "tf.pad(x, [[1, 0], [0, 0], [0, 0]], constant_values=3.0)")),
    TfOp(("broadcast_to",), "ops.broadcast_to", ("input", "shape"), ("x", "shape"), (("input", "x"),),
         samples=("tf.broadcast_to(v, [3, 4])",)),
    TfOp(("repeat",), "ops.repeat", ("input", "repeats", "axis"), ("x", "repeats", "axis"), (("input", "x"),),
         values=(("repeats", "no_list"),),
         samples=("tf.repeat(x, 2, axis=1)", "tf.repeat(v, tf.constant([1, 2, 0, 3]), axis=0)",
                  "tf.repeat(v, tf.shape(v)[0], axis=0)")),
    TfOp(("where",), "ops.where", ("condition", "x", "y"), ("condition", "x1", "x2"),
         (("x", "x1"), ("y", "x2")), special="where",
         samples=("tf.where(x > 0, x, y)", "tf.where(x > 0, x, 0.0)", "tf.where(condition=x > 0, x=1.0, y=x)",
                  "tf.where(x > 0, 1, 0)")),
    TfOp(("meshgrid",), "ops.meshgrid", ("*args", "indexing"), (), (), ("name",), samples=("tf.meshgrid(v, v[:3])[1]", "tf.meshgrid(v, v[:3], indexing='ij')[0]")),
    TfOp(("shape",), "ops.shape", ("input", "out_type"), ("x",), (("input", "x"),), ("name", "out_type"),
         special="shape", samples=("tf.shape(x)[1]",)),
    TfOp(("rank",), "ops.ndim", ("input",), ("x",), (("input", "x"),),
         samples=("tf.rank(x)", "tf.rank(m) - 1", "tf.shape(x).shape[0]", "tf.shape(v).shape[0] + 1",
                  "tf.size(tf.shape(x))", "tf.size(tf.shape(m)) - 1")),
    TfOp(("size",), "ops.size", ("input", "out_type"), ("x",), (("input", "x"),), ("name", "out_type"),
         samples=("tf.size(x)",)),
)

_CREATION = (
    TfOp(("zeros",), "ops.zeros", ("shape", "dtype"), ("shape", "dtype"), samples=("tf.zeros((2, 3))", "tf.zeros([2], dtype=tf.int32)")),
    TfOp(("ones",), "ops.ones", ("shape", "dtype"), ("shape", "dtype"), samples=("tf.ones((2, 3))",)),
    # Of an attribute (`layer.kernel`, `self.cm`: often a variable), a constraint's weight or a
    # loop item over a variables list (rules/_tf_op_emit.variable_names), the runtime's helper:
    # JAX's keras.ops.zeros_like refuses a keras.Variable where the file imports no runtime.
    TfOp(("zeros_like",), "ops.zeros_like", ("input", "dtype"), ("x", "dtype"), (("input", "x"),),
         special="variable_operand", runtime="zeros_like", samples=("tf.zeros_like(x)",)),
    TfOp(("ones_like",), "ops.ones_like", ("input", "dtype"), ("x", "dtype"), (("input", "x"),),
         special="variable_operand", runtime="ones_like", samples=("tf.ones_like(i)",)),
    TfOp(("fill",), "ops.full", ("dims", "value"), ("shape", "fill_value"), (("dims", "shape"), ("value", "fill_value")),
         special="fill", runtime="fill",
         samples=("tf.fill([2, 3], 1.5)", "tf.fill((2,), 7)", "tf.fill([2], True)", "tf.fill(3, 7)",
                  "tf.fill([2, 2], tf.constant(2.5))", "tf.fill(2, np.int64(4))", "tf.fill(tf.shape(m), 0.5)")),
    TfOp(("eye", "linalg.eye"), "ops.eye", ("num_rows", "num_columns", "batch_shape", "dtype"), ("N", "M", "k", "dtype"),
         (("num_rows", "N"), ("num_columns", "M")), limits=(ArgLimit("batch_shape", "batched identity matrices", ("None",)),),
         samples=("tf.eye(3)", "tf.eye(2, 3)")),
    TfOp(("range",), "ops.arange", ("start", "limit", "delta", "dtype"), ("start", "stop", "step", "dtype"),
         (("limit", "stop"), ("delta", "step")),
         samples=("tf.range(5)", "tf.range(1, 7, 2)", "tf.range(0.0, 1.0, 0.25)", "tf.range(2, limit=5)", "tf.range(4, dtype=tf.float32)")),
    TfOp(("linspace", "lin_space"), "ops.linspace", ("start", "stop", "num", "axis"), ("start", "stop", "num"),
         samples=("tf.linspace(0.0, 1.0, 5)",)),
    TfOp(("constant",), "ops.convert_to_tensor", ("value", "dtype", "shape"), ("x", "dtype"), (("value", "x"),),
         limits=(ArgLimit("shape", "tf.constant's shape broadcasting", ("None",)),),
         samples=("tf.constant([1.0, 2.0])", "tf.constant(3)", "tf.constant([1, 2], dtype=tf.float32)")),
    TfOp(("convert_to_tensor",), "ops.convert_to_tensor", ("value", "dtype", "dtype_hint"), ("x", "dtype"),
         (("value", "x"),), limits=(ArgLimit("dtype_hint", "dtype_hint (a soft dtype preference)", ("None",)),),
         samples=("tf.convert_to_tensor([1.0, 2.0])",)),
    TfOp(("cast", "dtypes.cast"), "ops.cast", ("x", "dtype"), ("x", "dtype"), special="cast", runtime="shape_entry_cast",
         samples=("tf.cast(x * 3.0, tf.int32)", "tf.cast(x > 0, tf.float32)",
                  "tf.cast(tf.shape(x)[1], dtype='int64') * tf.ones(shape=(tf.cast(tf.shape(x)[0], 'int64'), 1), "
                  "dtype='int64')")),
    TfOp(("sequence_mask",), "", ("lengths", "maxlen", "dtype"), required=("maxlen",),
         limits=(ArgLimit("dtype", "a non-bool mask dtype", ("tf.bool", "tensorflow.bool", '"bool"', "'bool'")),),
         template="{keras}.ops.arange({maxlen}) < {keras}.ops.expand_dims({lengths}, -1)",
         samples=("tf.sequence_mask(tf.constant([1, 3, 0]), 4)", "tf.sequence_mask(i, maxlen=5)")),
)

_INDEXING = (
    # TF's axis=None means axis 0; Keras' means "flatten".
    TfOp(("gather",), "ops.take", ("params", "indices", "validate_indices", "axis", "batch_dims"),
         ("x", "indices", "axis"), (("params", "x"),), ("name", "validate_indices"),
         limits=(ArgLimit("batch_dims", "batched gathers (batch_dims)", ("0",)),), add=(("axis", "0"),),
         samples=("tf.gather(x, [1, 0])", "tf.gather(x, i, axis=2)", "tf.gather(m, tf.range(0, 3, 2), axis=1)")),
    TfOp(("nn.embedding_lookup",), "ops.take", ("params", "ids", "max_norm"), ("x", "indices", "axis"),
         (("params", "x"), ("ids", "indices")), limits=(ArgLimit("max_norm", "max_norm clipping", ("None",)),),
         add=(("axis", "0"),), samples=("tf.nn.embedding_lookup(m, i[:, :2] % 3)",)),
    # Literal index lists become a stack of subscripts; others use the runtime helper
    # (flat indices into a reshaped tensor).
    TfOp(("gather_nd",), "", ("params", "indices", "batch_dims"), special="gather_nd", runtime="gather_nd",
         limits=(ArgLimit("batch_dims", "batched gathers (batch_dims)", ("0",)),),
         samples=("tf.gather_nd(x, [[0, 1], [1, 2]])", "tf.gather_nd(x, [[1, 2, 3], [0, 0, 1]])",
                  "tf.gather_nd(x, tf.constant([[1, 2], [0, 0], [1, 1]]))", "tf.gather_nd(x, i[:, :1] % 2)",
                  "tf.gather_nd(params=m, indices=tf.constant([[2], [0]]))", "tf.gather_nd(x, tf.reshape(i % 2, [2, 1, 3]))",
                  "tf.gather_nd(lab, tf.constant([[[1, 2]], [[0, 1]]]))")),
    # Custom on/off values go to the runtime helper (TF's dtype rules); keras.ops.one_hot
    # raises on PyTorch for indices outside [0, depth), which TF maps to all-zero rows.
    TfOp(("one_hot",), "ops.one_hot", ("indices", "depth", "on_value", "off_value", "axis", "dtype"),
         ("x", "num_classes", "axis", "dtype"), (("indices", "x"), ("depth", "num_classes")),
         values=(("axis", "drop_none"),), special="one_hot", runtime="one_hot",
         samples=("tf.one_hot(i, 4)", "tf.one_hot(i, depth=5, axis=1)", "tf.one_hot(lab, 4, dtype=tf.int32)",
                  "tf.one_hot(i, 4, on_value=0.9, off_value=0.1)", "tf.one_hot(i, 3, 5, -1, axis=0)",
                  "tf.one_hot(tf.constant([0, -1, 3, 5]), 4, on_value=1.0)",
                  "tf.one_hot(lab, depth=4, off_value=-1.0, dtype=tf.float32)")),
    TfOp(_aliases("argmax", *_M), "ops.argmax", ("input", "axis", "output_type"), ("x", "axis"),
         (("input", "x"),), ("name", "output_type"), add=(("axis", "0"),),
         note="Keras returns int32 indices where TF returns int64 (same values).",
         samples=("tf.argmax(x)", "tf.argmax(x, axis=-1)")),
    TfOp(_aliases("argmin", *_M), "ops.argmin", ("input", "axis", "output_type"), ("x", "axis"),
         (("input", "x"),), ("name", "output_type"), add=(("axis", "0"),),
         samples=("tf.argmin(x)", "tf.argmin(x, 1)")),
    # exclusive= / reverse= (keras.ops has neither): the runtime's helper, TF's signature
    TfOp(_aliases("cumsum", *_M), "ops.cumsum", ("x", "axis", "exclusive", "reverse"), ("x", "axis"),
         add=(("axis", "0"),), special="cumulative", runtime="cumsum",
         samples=("tf.cumsum(x)", "tf.math.cumsum(x, axis=2)", "tf.math.cumsum(x, axis=1, exclusive=True)",
                  "tf.math.cumsum(x, axis=-1, exclusive=True, reverse=True)", "tf.cumsum(x, 0, False, True)")),
    TfOp(_aliases("cumprod", *_M), "ops.cumprod", ("x", "axis", "exclusive", "reverse"), ("x", "axis"),
         add=(("axis", "0"),), special="cumulative", runtime="cumprod",
         samples=("tf.math.cumprod(x, axis=1)", "tf.math.cumprod(x, axis=1, exclusive=True, reverse=True)")),
    TfOp(("sort",), "ops.sort", ("values", "axis", "direction"), ("x", "axis"), (("values", "x"),),
         limits=(ArgLimit("direction", "descending sorts", ("'ASCENDING'", '"ASCENDING"')),),
         samples=("tf.sort(x)", "tf.sort(x, axis=0)")),
    TfOp(("argsort",), "ops.argsort", ("values", "axis", "direction", "stable"), ("x", "axis"), (("values", "x"),),
         ("name", "stable"), limits=(ArgLimit("direction", "descending sorts", ("'ASCENDING'", '"ASCENDING"')),),
         samples=("tf.argsort(x)", "tf.argsort(x, axis=1)")),
    TfOp(("math.top_k", "nn.top_k"), "ops.top_k", ("input", "k", "sorted", "index_type"), ("x", "k", "sorted"),
         (("input", "x"),), ("name", "index_type"), add=(("k", "1"),), special="top_k",
         samples=("tf.math.top_k(x, 2)[0]", "tf.math.top_k(x, k=3)[1]", "tf.nn.top_k(tf.constant([1.0, 3.0, 3.0, 2.0]), 2)[1]")),
    TfOp(("math.in_top_k",), "ops.in_top_k", ("targets", "predictions", "k"), ("targets", "predictions", "k"),
         samples=("tf.math.in_top_k(lab[0], x[0, :3], 2)",)),
    TfOp(("math.unsorted_segment_sum", "unsorted_segment_sum"), "ops.segment_sum", ("data", "segment_ids", "num_segments"),
         ("data", "segment_ids", "num_segments"),
         values=(("num_segments", "static_size"), ("segment_ids", "tensor")),
         samples=("tf.math.unsorted_segment_sum(x, tf.constant([1, 0]), 3)",
                  "tf.math.unsorted_segment_sum(x, [0, 1], num_segments=2)",
                  "tf.math.unsorted_segment_sum(v, tf.constant([1, -1, 1, 0]), num_segments=3)")),
    # An empty segment holds the dtype's lowest (max) / largest (min) value in TF, -inf
    # on JAX and PyTorch: runtime helpers.
    TfOp(("math.unsorted_segment_max", "unsorted_segment_max"), "", ("data", "segment_ids", "num_segments"),
         runtime="unsorted_segment_max",
         values=(("num_segments", "static_size"), ("segment_ids", "tensor")),
         samples=("tf.math.unsorted_segment_max(v, tf.constant([1, 0, 1, 2]), 3)",
                  "tf.math.unsorted_segment_max(x, tf.constant([1, 0]), num_segments=3)",
                  "tf.math.unsorted_segment_max(i, tf.constant([2, 0]), 4)")),
    TfOp(("math.unsorted_segment_min", "unsorted_segment_min"), "", ("data", "segment_ids", "num_segments"),
         runtime="unsorted_segment_min",
         values=(("num_segments", "static_size"), ("segment_ids", "tensor")),
         samples=("tf.math.unsorted_segment_min(v, tf.constant([1, 0, 1, 0]), 3)",
                  "tf.math.unsorted_segment_min(x[0], tf.constant([0, 0, 2]), 3)")),
    TfOp(("math.unsorted_segment_mean", "unsorted_segment_mean"), "", ("data", "segment_ids", "num_segments"),
         runtime="unsorted_segment_mean",
         values=(("num_segments", "static_size"), ("segment_ids", "tensor")),
         samples=("tf.math.unsorted_segment_mean(v, tf.constant([1, 0, 1, 0]), 3)",
                  "tf.math.unsorted_segment_mean(data=x[0], segment_ids=tf.constant([0, 2, 0]), num_segments=4)")),
    TfOp(("math.unsorted_segment_sqrt_n", "unsorted_segment_sqrt_n"), "", ("data", "segment_ids", "num_segments"),
         runtime="unsorted_segment_sqrt_n",
         values=(("num_segments", "static_size"), ("segment_ids", "tensor")),
         samples=("tf.math.unsorted_segment_sqrt_n(v, tf.constant([1, 0, 1, 1]), 3)",)),
    # TensorFlow's tensor scatters are keras.ops.scatter_update with a reduction.
    TfOp(("tensor_scatter_nd_update",), "ops.scatter_update", ("tensor", "indices", "updates"),
         ("inputs", "indices", "updates"), (("tensor", "inputs"),),
         samples=("tf.tensor_scatter_nd_update(x, [[0, 1], [1, 2]], tf.ones((2, 4)))",
                  "tf.tensor_scatter_nd_update(m, [[0, 1], [2, 2]], tf.constant([5.0, 6.0]))",
                  "tf.tensor_scatter_nd_update(i, tf.constant([[1, 0]]), tf.constant([9]))")),
    TfOp(("tensor_scatter_nd_add",), "ops.scatter_update", ("tensor", "indices", "updates"),
         ("inputs", "indices", "updates"), (("tensor", "inputs"),), add=(("reduction", '"add"'),),
         samples=("tf.tensor_scatter_nd_add(m, [[0, 1], [0, 1], [2, 0]], tf.constant([5.0, 6.0, 1.0]))",
                  "tf.tensor_scatter_nd_add(x, [[1], [0], [1]], tf.concat([y, y[:1]], 0))")),
    TfOp(("tensor_scatter_nd_max",), "ops.scatter_update", ("tensor", "indices", "updates"),
         ("inputs", "indices", "updates"), (("tensor", "inputs"),), add=(("reduction", '"max"'),),
         samples=("tf.tensor_scatter_nd_max(m, [[0, 1], [0, 1], [2, 0]], tf.constant([5.0, -6.0, -1.0]))",)),
    TfOp(("tensor_scatter_nd_min",), "ops.scatter_update", ("tensor", "indices", "updates"),
         ("inputs", "indices", "updates"), (("tensor", "inputs"),), add=(("reduction", '"min"'),),
         samples=("tf.tensor_scatter_nd_min(m, [[0, 1], [0, 1], [2, 0]], tf.constant([5.0, -6.0, -1.0]))",)),
    TfOp(("tensor_scatter_nd_sub",), "", ("tensor", "indices", "updates"),
         template='{keras}.ops.scatter_update({tensor}, {indices}, {keras}.ops.negative({updates}), reduction="add")',
         samples=("tf.tensor_scatter_nd_sub(m, [[0, 1], [0, 1]], tf.constant([5.0, 6.0]))",)),
    # tf.scatter_nd adds repeated indices, like keras.ops.scatter.
    TfOp(("scatter_nd",), "ops.scatter", ("indices", "updates", "shape"), ("indices", "values", "shape"),
         (("updates", "values"),), values=(("indices", "tensor"),),
         samples=("tf.scatter_nd([[0, 1], [0, 1], [2, 2]], tf.constant([5.0, 6.0, 1.0]), [3, 3])",
                  "tf.scatter_nd(tf.constant([[1], [3]]), m[:2], (4, 3))")),
    # keras.ops.clip's gradient at a bound is 0.5 on JAX, TF's is 1: the runtime's
    # clip_by_value gives ties TF's side on every backend (keras.ops.clip where the file
    # binds that name, special "kink").
    TfOp(("clip_by_value",), "ops.clip", ("t", "clip_value_min", "clip_value_max"), ("x", "x_min", "x_max"),
         (("t", "x"), ("clip_value_min", "x_min"), ("clip_value_max", "x_max")),
         special="kink", runtime="clip_by_value",
         samples=("tf.clip_by_value(x, -0.3, 0.4)", "tf.clip_by_value(i, 1, 2)", "tf.clip_by_value(x, -0.5, v)",
                  "tf.clip_by_value(t=x, clip_value_min=tf.constant(0.0), clip_value_max=1.0)"),
         grad_samples=("tf.clip_by_value(z, -0.3, 0.4)", "tf.clip_by_value(z * 2.0, -2, 2)")),
    TfOp(("einsum", "linalg.einsum"), "ops.einsum", ("equation", "*inputs"), ("subscripts",), (("equation", "subscripts"),),
         samples=("tf.einsum('bij,bkj->bik', x, y)", "tf.einsum('ij,jk->ik', m, m)", "tf.einsum('bij, bkj->bik', x, y)",
                  "tf.einsum('bIj,bKj->bIK', x, y)", "tf.einsum('...j,kj->...k', x, m[:, :1] * tf.ones((3, 4)))")),
    TfOp(("tensordot", "linalg.tensordot"), "ops.tensordot", ("a", "b", "axes"), ("x1", "x2", "axes"),
         (("a", "x1"), ("b", "x2")), samples=("tf.tensordot(x, v, 1)", "tf.tensordot(x, y, [[1, 2], [1, 2]])")),
    TfOp(("matmul", "linalg.matmul"), "ops.matmul",
         ("a", "b", "transpose_a", "transpose_b", "adjoint_a", "adjoint_b", "a_is_sparse", "b_is_sparse", "output_type"),
         ("x1", "x2"), (("a", "x1"), ("b", "x2")), ("name", "a_is_sparse", "b_is_sparse"),
         limits=(ArgLimit("adjoint_a", "adjoint (conjugate) matmul"), ArgLimit("adjoint_b", "adjoint (conjugate) matmul"),
                 ArgLimit("output_type", "an output_type", ("None",))),
         values=(("transpose_a", "transpose"), ("transpose_b", "transpose")), special="matmul",
         samples=("tf.matmul(x, y, transpose_b=True)", "tf.matmul(m, m, transpose_a=True)", "tf.matmul(x, tf.ones((4, 2)))")),
    # Literal bounds become tril/triu; tensor bounds go to the runtime helper (a mask).
    TfOp(("linalg.band_part", "matrix_band_part"), "", ("input", "num_lower", "num_upper"), special="band_part",
         runtime="band_part",
         samples=("tf.linalg.band_part(m, -1, 0)", "tf.linalg.band_part(x, 0, -1)", "tf.linalg.band_part(x, 1, 0)",
                  "tf.linalg.band_part(m, 0, 1)", "tf.linalg.band_part(x, 2, 1)",
                  "tf.linalg.band_part(x, tf.constant(1), tf.size(v) - 5)",
                  "tf.linalg.band_part(input=m, num_lower=tf.rank(m) - 1, num_upper=tf.constant(0))")),
    TfOp(("linalg.set_diag", "matrix_set_diag"), "", ("input", "diagonal", "k", "align"), dropped=("name", "align"),
         limits=(ArgLimit("k", "off-diagonal or band updates (k != 0)", ("0",)),), runtime="set_diag",
         samples=("tf.linalg.set_diag(x, tf.zeros(tf.shape(x)[:-1]))", "tf.linalg.set_diag(m, v[:3])",
                  "tf.linalg.set_diag(x[:, :2, :], x[:, 0, :2])", "tf.linalg.set_diag(x[:, :, :2], diagonal=y[:, 0, :2])",
                  "tf.linalg.set_diag(i, tf.constant([7, 8]), k=0)")),
    # Gradient clipping by norm (the optimizers' clipnorm / global_clipnorm clip inside
    # apply(); these are the explicit ops of custom training steps).
    TfOp(("clip_by_norm",), "", ("t", "clip_norm", "axes"), runtime="clip_by_norm",
         samples=("tf.clip_by_norm(x, 0.5)", "tf.clip_by_norm(x, 0.5, axes=[1])", "tf.clip_by_norm(x, 100.0)",
                  "tf.clip_by_norm(x * 0.0, 1.0)", "tf.clip_by_norm(t=x, clip_norm=1.0, axes=-1)")),
    TfOp(("clip_by_global_norm",), "", ("t_list", "clip_norm", "use_norm"), runtime="clip_by_global_norm",
         samples=("tf.clip_by_global_norm([x, y], 1.0)[0][1]", "tf.clip_by_global_norm([x, None, m], 0.5)[1]",
                  "tf.clip_by_global_norm([x, m], 100.0)[0][0]", "tf.clip_by_global_norm((x, m), 1.0, use_norm=tf.constant(2.0))[0][1]",
                  "tf.clip_by_global_norm([x, x / 0.0], 1.0)[0][0]")),
    # One replica (no distribution strategy): the losses' sum over the global batch size.
    TfOp(("nn.compute_average_loss",), "", ("per_example_loss", "sample_weight", "global_batch_size"),
         runtime="compute_average_loss",
         samples=("tf.nn.compute_average_loss(v)", "tf.nn.compute_average_loss(x[0, 0], global_batch_size=8)",
                  "tf.nn.compute_average_loss(v, sample_weight=tf.constant([1.0, 0.0, 2.0, 0.5]))",
                  "tf.nn.compute_average_loss(x[:, 0, 0], sample_weight=0.5, global_batch_size=tf.constant(4))",
                  "tf.nn.compute_average_loss(v, global_batch_size=0)"),
         grad_samples=("tf.nn.compute_average_loss(z[0] * z[0], global_batch_size=4)",)),
    # TF scatters the counts; the runtime sums one-hot products (num_classes must be
    # given: a data-dependent size cannot be traced on JAX).
    TfOp(("math.confusion_matrix",), "", ("labels", "predictions", "num_classes", "weights", "dtype"),
         required=("num_classes",), runtime="confusion_matrix",
         samples=("tf.math.confusion_matrix(tf.reshape(lab, [-1]), tf.reshape(i, [-1]), num_classes=4)",
                  "tf.math.confusion_matrix(lab[0], i[1], 5, weights=x[0, :, 0], dtype=tf.float32)",
                  "tf.math.confusion_matrix(lab[1], i[0], num_classes=4, weights=y[1, :, 2])",
                  "tf.math.confusion_matrix(labels=lab[0], predictions=lab[1], num_classes=4, dtype=tf.float64)")),
    TfOp(("linalg.global_norm", "global_norm"), "", ("t_list",), runtime="global_norm",
         samples=("tf.linalg.global_norm([x, y, m])", "tf.linalg.global_norm([x, None])")),
    TfOp(("linalg.diag_part",), "ops.diagonal", ("input", "k"), ("x", "offset"), (("input", "x"), ("k", "offset")),
         add=(("axis1", "-2"), ("axis2", "-1")), samples=("tf.linalg.diag_part(x)", "tf.linalg.diag_part(m)")),
    TfOp(("linalg.trace", "trace"), "ops.trace", ("x",), ("x",), add=(("axis1", "-2"), ("axis2", "-1")),
         samples=("tf.linalg.trace(x[:, :, :3])",)),
    TfOp(("linalg.inv",), "ops.inv", ("input", "adjoint"), ("x",), (("input", "x"),),
         limits=(ArgLimit("adjoint", "adjoint inverses"),), samples=("tf.linalg.inv(tf.eye(3) * 3.0 + tf.constant(m))",)),
    TfOp(("linalg.det",), "ops.det", ("input",), ("x",), (("input", "x"),), samples=("tf.linalg.det(m)",)),
    TfOp(("linalg.cholesky",), "ops.cholesky", ("input",), ("x",), (("input", "x"),),
         samples=("tf.linalg.cholesky(tf.matmul(m, m, transpose_b=True) + tf.eye(3))",)),
    TfOp(("linalg.solve",), "ops.solve", ("matrix", "rhs", "adjoint"), ("a", "b"), (("matrix", "a"), ("rhs", "b")),
         limits=(ArgLimit("adjoint", "adjoint solves"),), samples=("tf.linalg.solve(tf.eye(3) * 3.0 + tf.constant(m), tf.constant(m))",)),
    TfOp(("norm", "linalg.norm"), "ops.norm", ("tensor", "ord", "axis", "keepdims"), ("x", "ord", "axis", "keepdims"),
         (("tensor", "x"),), values=(("ord", "norm_ord"), ("keepdims", "drop_none"), ("axis", "tuple")),
         special="norm",
         samples=("tf.norm(x)", "tf.linalg.norm(x, axis=-1, keepdims=True)", "tf.norm(x, ord=1, axis=1)",
                  "tf.norm(x, ord=np.inf, axis=1)", "tf.norm(x, axis=[1, 2])", "tf.norm(x, ord='fro', axis=[-2, -1])",
                  "tf.norm(x, ord=1, axis=(-2, -1))", "tf.norm(x, ord=3, axis=1)", "tf.norm(x, ord=1)",
                  "tf.norm(x, ord=2, axis=[-2, -1])", "tf.norm(x, 'euclidean', [1, 2])")),
    # TF: x * rsqrt(max(sum(x**2), epsilon)); keras.ops.normalize: x * min(rsqrt(sum(x**2)),
    # 1/epsilon), the same values but a NaN gradient at a zero vector: the runtime's
    # l2_normalize is TF's formula. TF's axis=None means all axes.
    TfOp(("nn.l2_normalize", "math.l2_normalize", "linalg.l2_normalize"), "",
         ("x", "axis", "epsilon", "name", "dim"), runtime="l2_normalize",
         samples=("tf.nn.l2_normalize(x, axis=-1)", "tf.math.l2_normalize(x)", "tf.nn.l2_normalize(x * 1e-5, 1, epsilon=1e-4)",
                  "tf.math.l2_normalize(x * 0.0, axis=1)", "tf.nn.l2_normalize(x, dim=[1, 2])"),
         grad_samples=("tf.math.l2_normalize(z, axis=-1)", "tf.math.l2_normalize(z * 0.0, axis=-1)",
                       "tf.nn.l2_normalize(tf.nn.relu(z - 5.0), 1)")),
)

_NN = (
    TfOp(("nn.softmax", "math.softmax"), "ops.softmax", ("logits", "axis"), ("x", "axis"), (("logits", "x"),),
         values=(("axis", "drop_none"),), samples=("tf.nn.softmax(x)", "tf.nn.softmax(x, axis=1)")),
    TfOp(("nn.log_softmax", "math.log_softmax"), "ops.log_softmax", ("logits", "axis"), ("x", "axis"), (("logits", "x"),),
         values=(("axis", "drop_none"),), samples=("tf.nn.log_softmax(x)", "tf.nn.log_softmax(x, 1)")),
    # TF's gelu is exact by default; Keras' is the tanh approximation.
    TfOp(("nn.gelu",), "ops.gelu", ("features", "approximate"), ("x", "approximate"), (("features", "x"),),
         add=(("approximate", "False"),), samples=("tf.nn.gelu(x)", "tf.nn.gelu(x, approximate=True)")),
    # keras.ops.leaky_relu's gradient at 0 is 1 on JAX, alpha on TF: the runtime's gives alpha.
    TfOp(("nn.leaky_relu",), "ops.leaky_relu", ("features", "alpha"), ("x", "negative_slope"),
         (("features", "x"), ("alpha", "negative_slope")), add=(("negative_slope", "0.2"),),
         special="kink", runtime="leaky_relu",
         samples=("tf.nn.leaky_relu(x)", "tf.nn.leaky_relu(x, alpha=0.3)", "tf.nn.leaky_relu(i)",
                  "tf.nn.leaky_relu(features=x, alpha=1.5)"),
         grad_samples=("tf.nn.leaky_relu(z)", "tf.nn.leaky_relu(z, 0.1)")),
    TfOp(("nn.silu", "nn.swish"), "ops.silu", ("features", "beta"), ("x",), (("features", "x"),),
         limits=(ArgLimit("beta", "a beta other than 1", ("1.0", "1")),), samples=("tf.nn.silu(x)",)),
    TfOp(("nn.moments",), "ops.moments", ("x", "axes", "shift", "keepdims"), ("x", "axes", "keepdims"), (),
         ("name", "shift"), samples=("tf.nn.moments(x, axes=[0, 1])[1]", "tf.nn.moments(x, [-1], keepdims=True)[0]",
                                     "tf.nn.moments(x, axes=(0), keepdims=False)[1]", "tf.nn.moments(x, axes=[0, 1, 2])[1]",
                                     "tf.nn.moments(x=x, axes=(1, 2), shift=None, keepdims=True)[1]")),
    TfOp(("nn.depth_to_space",), "ops.depth_to_space", ("input", "block_size", "data_format"),
         ("x", "block_size", "data_format"), (("input", "x"),), values=(("data_format", "data_format"),),
         samples=("tf.nn.depth_to_space(tf.concat([img, img, img, img], -1), 2)",
                  "tf.nn.depth_to_space(input=tf.tile(img, [1, 1, 1, 3]), block_size=3, data_format='NHWC')")),
    TfOp(("nn.space_to_depth",), "ops.space_to_depth", ("input", "block_size", "data_format"),
         ("x", "block_size", "data_format"), (("input", "x"),), values=(("data_format", "data_format"),),
         samples=("tf.nn.space_to_depth(img, 2)", "tf.nn.space_to_depth(input=img, block_size=4)")),
    TfOp(("nn.bias_add",), "ops.add", ("value", "bias", "data_format"), ("x1", "x2"), (("value", "x1"), ("bias", "x2")),
         limits=(ArgLimit("data_format", "channels-first bias_add", ("None", "'NHWC'", '"NHWC"')),),
         samples=("tf.nn.bias_add(x, v)",)),
    TfOp(("nn.sigmoid_cross_entropy_with_logits",), "ops.binary_crossentropy", ("labels", "logits"),
         ("target", "output"), (("labels", "target"), ("logits", "output")), add=(("from_logits", "True"),),
         samples=("tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.cast(x > 0, tf.float32), logits=y * 3.0)",)),
    TfOp(("nn.softmax_cross_entropy_with_logits",), "ops.categorical_crossentropy", ("labels", "logits", "axis"),
         ("target", "output"), (("labels", "target"), ("logits", "output")), add=(("from_logits", "True"),),
         samples=("tf.nn.softmax_cross_entropy_with_logits(labels=tf.nn.softmax(y), logits=x)",)),
    TfOp(("nn.sparse_softmax_cross_entropy_with_logits",), "ops.sparse_categorical_crossentropy", ("labels", "logits"),
         ("target", "output"), (("labels", "target"), ("logits", "output")), add=(("from_logits", "True"),),
         samples=("tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=x)",)),
    # Convolutions and pooling: TF takes upper-case padding, NHWC-style data formats and
    # strides/ksize that may include the batch and channel dimensions.
    TfOp(("nn.conv1d",), "ops.conv", ("input", "filters", "stride", "padding", "data_format", "dilations"),
         ("inputs", "kernel", "strides", "padding"), (("input", "inputs"), ("filters", "kernel"), ("stride", "strides"),
                                                      ("dilations", "dilation_rate")),
         values=(("padding", "lower"), ("data_format", "data_format"), ("stride", "spatial"), ("dilations", "spatial")),
         required=("padding",), samples=("tf.nn.conv1d(seq, k1[:, :4], stride=1, padding='SAME')",
                                         "tf.nn.conv1d(seq, k1[:, :4], 2, 'VALID')")),
    TfOp(("nn.conv2d",), "ops.conv", ("input", "filters", "strides", "padding", "data_format", "dilations"),
         ("inputs", "kernel", "strides", "padding"), (("input", "inputs"), ("filters", "kernel"),
                                                      ("dilations", "dilation_rate")),
         values=(("padding", "lower"), ("data_format", "data_format"), ("strides", "spatial"), ("dilations", "spatial")),
         required=("padding",), samples=("tf.nn.conv2d(img, k2, strides=1, padding='SAME')",
                                         "tf.nn.conv2d(img, k2, [1, 2, 2, 1], 'VALID')")),
    TfOp(("nn.conv3d",), "ops.conv", ("input", "filters", "strides", "padding", "data_format", "dilations"),
         ("inputs", "kernel", "strides", "padding"), (("input", "inputs"), ("filters", "kernel"),
                                                      ("dilations", "dilation_rate")),
         values=(("padding", "lower"), ("data_format", "data_format"), ("strides", "spatial"), ("dilations", "spatial")),
         required=("padding",)),
    TfOp(("nn.depthwise_conv2d",), "ops.depthwise_conv",
         ("input", "filter", "strides", "padding", "data_format", "dilations"),
         ("inputs", "kernel", "strides", "padding"), (("input", "inputs"), ("filter", "kernel"),
                                                      ("dilations", "dilation_rate")),
         values=(("padding", "lower"), ("data_format", "data_format"), ("strides", "spatial"), ("dilations", "spatial")),
         required=("padding",), samples=("tf.nn.depthwise_conv2d(img, k2[:, :, :, :2], [1, 1, 1, 1], 'SAME')",)),
    TfOp(("nn.avg_pool", "nn.avg_pool1d", "nn.avg_pool2d", "nn.avg_pool3d"), "ops.average_pool",
         ("input", "ksize", "strides", "padding", "data_format"), ("inputs", "pool_size", "strides", "padding"),
         (("input", "inputs"), ("ksize", "pool_size")),
         values=(("padding", "valid_only"), ("data_format", "data_format"), ("ksize", "spatial"), ("strides", "spatial")),
         required=("padding",), samples=("tf.nn.avg_pool2d(img, 2, 2, 'VALID')", "tf.nn.avg_pool2d(img, [1, 3, 3, 1], 1, 'VALID')")),
    TfOp(("nn.max_pool", "nn.max_pool1d", "nn.max_pool2d", "nn.max_pool3d"), "ops.max_pool",
         ("input", "ksize", "strides", "padding", "data_format"), ("inputs", "pool_size", "strides", "padding"),
         (("input", "inputs"), ("ksize", "pool_size")),
         values=(("padding", "lower"), ("data_format", "data_format"), ("ksize", "spatial"), ("strides", "spatial")),
         required=("padding",), samples=("tf.nn.max_pool2d(img, [1, 2, 2, 1], [1, 2, 2, 1], 'VALID')",
                                         "tf.nn.max_pool2d(img, 3, 1, 'SAME')")),
)

_OTHER = (
    TfOp(("math.add_n", "add_n"), "", ("inputs",), template="{keras}.ops.sum({keras}.ops.stack({inputs}), axis=0)",
         samples=("tf.math.add_n([x, y, x])",)),
    TfOp(("math.squared_difference",), "", ("x", "y"), template="{keras}.ops.square({keras}.ops.subtract({x}, {y}))",
         samples=("tf.math.squared_difference(x, y)",)),
    TfOp(("math.scalar_mul", "scalar_mul"), "ops.multiply", ("scalar", "x"), ("x1", "x2"),
         (("scalar", "x1"), ("x", "x2")), samples=("tf.math.scalar_mul(2.0, x)",)),
    # keras.ops.count_nonzero(axis=...) puts the axes in another order on torch.
    TfOp(("math.count_nonzero", "count_nonzero"), "", ("input", "axis", "keepdims", "dtype"),
         dropped=("name", "dtype"), limits=(ArgLimit("keepdims", "keepdims", ("None", "False")),), add=(("axis", "None"),),
         template='{keras}.ops.sum({keras}.ops.cast({keras}.ops.not_equal({input}, 0), "int32"), axis={axis})',
         samples=("tf.math.count_nonzero(x > 0, axis=1)", "tf.math.count_nonzero(x * tf.cast(x > 0, 'float32'))")),
    TfOp(("searchsorted",), "ops.searchsorted", ("sorted_sequence", "values", "side", "out_type"),
         ("sorted_sequence", "values", "side"), (), ("name", "out_type"), samples=("tf.searchsorted(tf.sort(v), y[0, 0])",)),
    TfOp(("image.resize",), "ops.image.resize", ("images", "size", "method", "preserve_aspect_ratio", "antialias"),
         ("images", "size"), (("method", "interpolation"),),
         limits=(ArgLimit("preserve_aspect_ratio", "preserve_aspect_ratio"),),
         values=(("method", "resize_method"),), special="resize",
         samples=("tf.image.resize(img, (8, 8))", "tf.image.resize(tf.cast(tf.clip_by_value(tf.abs(img) * 50.0, 0.0, 255.0), 'uint8'), (8, 6))",
                  "tf.image.resize(tf.cast(tf.abs(img) * 50.0, 'int32'), (3, 5), method='nearest')", "tf.image.resize(img, (8, 6), method='nearest')",
                  "tf.image.resize(img, [2, 2])", "tf.image.resize(img, (3, 3), antialias=True)",
                  "tf.image.resize(img, (8, 6), antialias=True)", "tf.image.resize(img[0], (3, 5))",
                  "tf.image.resize(img, size=[3, 5], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)")),
    TfOp(("image.rgb_to_hsv",), "ops.image.rgb_to_hsv", ("images",), ("images",),
         samples=("tf.image.rgb_to_hsv(img * 0.5 + 0.5)",)),
    TfOp(("image.hsv_to_rgb",), "ops.image.hsv_to_rgb", ("images",), ("images",),
         samples=("tf.image.hsv_to_rgb(img * 0.5 + 0.5)",)),
    # Float images: TF adds delta in float32 (integer images are converted first: not handled).
    TfOp(("image.adjust_brightness",), "", ("image", "delta"), template="{image} + {delta}",
         samples=("tf.image.adjust_brightness(img, 0.1)", "tf.image.adjust_brightness(img, delta=-0.25)")),
    TfOp(("image.rgb_to_grayscale",), "ops.image.rgb_to_grayscale", ("images",), ("images",),
         samples=("tf.image.rgb_to_grayscale(img)",)),
    TfOp(("image.rot90",), "ops.rot90", ("image", "k"), ("array", "k"), (("image", "array"),),
         add=(("axes", "(-3, -2)"),), samples=("tf.image.rot90(img)", "tf.image.rot90(img, k=3)", "tf.image.rot90(img[0], 2)")),
    TfOp(("image.transpose",), "", ("image",), template="{keras}.ops.swapaxes({image}, -3, -2)",
         samples=("tf.image.transpose(img)", "tf.image.transpose(img[0, :, :3])")),
    TfOp(("image.image_gradients",), "", ("image",), runtime="image_gradients",
         samples=("tf.image.image_gradients(tf.constant(img))[0]", "tf.image.image_gradients(tf.constant(img))[1]")),
    TfOp(("image.ssim",), "", ("img1", "img2", "max_val", "filter_size", "filter_sigma", "k1", "k2",
                               "return_index_map"), runtime="ssim",
         samples=("tf.image.ssim(img, img * 0.8 + 0.1, max_val=2.0, filter_size=3)",
                  "tf.image.ssim(img, tf.reverse(img, [1]), 1.0, filter_size=3, filter_sigma=0.8, k1=0.02)",
                  "tf.image.ssim(tf.cast((img + 1.0) * 100.0, tf.uint8), tf.cast((img + 1.0) * 90.0, tf.uint8), 255, "
                  "filter_size=2)",
                  "tf.image.ssim(img, img * 0.5, 2.0, filter_size=3, return_index_map=True)")),
    TfOp(("image.psnr",), "", ("a", "b", "max_val"), runtime="psnr",
         samples=("tf.image.psnr(img, img * 0.9, max_val=1.0)", "tf.image.psnr(img, tf.reverse(img, [1]), 2.0)")),
    # XLA's dynamic_update_slice (keras.io's forwardforward) is keras.ops.slice_update
    # with its arguments reordered; both clamp start indices so the update fits on JAX.
    TfOp(("compiler.tf2xla.python.xla.dynamic_update_slice",), "", ("input", "update", "indices"),
         template="{keras}.ops.slice_update({input}, {indices}, {update})",
         samples=("xla.dynamic_update_slice(x, y[:1, :2], [1, 1, 0])",
                  "xla.dynamic_update_slice(tf.zeros([10], dtype=tf.float64), tf.cast(v[:1], tf.float64), [3])",
                  "xla.dynamic_update_slice(m, m[:1] * 2.0, [2, 0])")),
    # complex in, complex out as in TF (keras.ops.fft/fft2 take and return (real, imag) pairs)
    TfOp(("signal.fft2d",), "", ("input",), runtime="signal_fft2d",
         samples=("tf.math.real(tf.signal.fft2d(tf.cast(x, tf.complex64)))",
                  "tf.math.imag(tf.signal.fft2d(tf.cast(x * 2.0, tf.complex64)))",
                  "tf.abs(tf.signal.fft2d(tf.cast(img[..., 0], tf.complex64)))")),
    TfOp(("signal.ifft2d",), "", ("input",), runtime="signal_ifft2d",
         samples=("tf.math.real(tf.signal.ifft2d(tf.signal.fft2d(tf.cast(x, tf.complex64))))",
                  "tf.math.imag(tf.signal.ifft2d(tf.signal.fft2d(tf.cast(x, tf.complex64)) + 1.0))")),
    TfOp(("signal.fft",), "", ("input",), runtime="signal_fft",
         samples=("tf.math.real(tf.signal.fft(tf.cast(x, tf.complex64)))", "tf.math.imag(tf.signal.fft(tf.cast(x, tf.complex64)))")),
    TfOp(("signal.ifft",), "", ("input",), runtime="signal_ifft",
         samples=("tf.math.real(tf.signal.ifft(tf.signal.fft(tf.cast(x, tf.complex64)) * 2.0))",
                  "tf.math.imag(tf.signal.ifft(tf.signal.fft2d(tf.cast(x, tf.complex64))))")),
    TfOp(("image.per_image_standardization",), "", ("image",), runtime="per_image_standardization",
         samples=("tf.image.per_image_standardization(img)", "tf.image.per_image_standardization(img[0] * 0.0 + 1.0)",
                  "tf.image.per_image_standardization(tf.cast(img * 100.0, tf.int32))")),
    TfOp(("image.flip_left_right",), "", ("image",), template="{keras}.ops.flip({image}, axis=-2)",
         samples=("tf.image.flip_left_right(img)",)),
    TfOp(("image.flip_up_down",), "", ("image",), template="{keras}.ops.flip({image}, axis=-3)",
         samples=("tf.image.flip_up_down(img)",)),
    TfOp(("signal.frame",), "ops.extract_sequences", ("signal", "frame_length", "frame_step", "pad_end", "pad_value", "axis"),
         ("x", "sequence_length", "sequence_stride"), (("signal", "x"), ("frame_length", "sequence_length"),
                                                       ("frame_step", "sequence_stride")),
         limits=(ArgLimit("pad_end", "pad_end framing"), ArgLimit("pad_value", "pad_value", ("0", "0.0")),
                 ArgLimit("axis", "framing along another axis than the last", ("-1",))),
         samples=("tf.signal.frame(x, 2, 1)",)),
    TfOp(("cond",), "ops.cond", ("pred", "true_fn", "false_fn"), ("pred", "true_fn", "false_fn"),
         samples=("tf.cond(tf.reduce_sum(x) > 0, lambda: x, lambda: y)",)),
    TfOp(("while_loop",), "ops.while_loop",
         ("cond", "body", "loop_vars", "shape_invariants", "parallel_iterations", "back_prop", "swap_memory",
          "maximum_iterations"), ("cond", "body", "loop_vars"),
         dropped=("name", "parallel_iterations", "back_prop", "swap_memory"),
         limits=(ArgLimit("shape_invariants", "shape_invariants", ("None",)),),
         samples=("tf.while_loop(lambda a: tf.reduce_sum(a) < 100.0, lambda a: [a * 2.0], [tf.constant(y)])[0]",)),
    TfOp(("map_fn",), "ops.map", ("fn", "elems", "dtype", "parallel_iterations", "back_prop", "swap_memory",
                                  "infer_shape", "fn_output_signature"), ("f", "xs"), (("fn", "f"), ("elems", "xs")),
         dropped=("name", "parallel_iterations", "back_prop", "swap_memory", "infer_shape"),
         limits=(ArgLimit("dtype", "an output dtype (write the function to return it)", ("None",)),
                 ArgLimit("fn_output_signature", "an output signature", ("None",))),
         samples=("tf.map_fn(lambda r: r * 2.0 + 1.0, x)",)),
    TfOp(("vectorized_map",), "ops.vectorized_map", ("fn", "elems", "fallback_to_while_loop", "warn"),
         ("function", "elements"), (("fn", "function"), ("elems", "elements")),
         dropped=("fallback_to_while_loop", "warn"), samples=("tf.vectorized_map(lambda r: tf.reduce_sum(r), tf.constant(x))",)),
    TfOp(("switch_case",), "ops.switch", ("branch_index", "branch_fns", "default"), ("index", "branches"),
         (("branch_index", "index"), ("branch_fns", "branches")),
         limits=(ArgLimit("default", "a default branch", ("None",)),),
         samples=("tf.switch_case(tf.constant(1), [lambda: x, lambda: y])",)),
    TfOp(("nest.flatten",), "tree.flatten", ("structure", "expand_composites"), ("structure",),
         limits=(ArgLimit("expand_composites", "expand_composites"),),
         samples=("tf.nest.flatten({'b': x, 'a': [y, m]})[1]",)),
    TfOp(("nest.map_structure",), "tree.map_structure", ("func", "*structure"), ("func",),
         dropped=("name",), samples=("tf.nest.map_structure(lambda t: t * 2.0, [x, (y,)])[1][0]",)),
    TfOp(("nest.pack_sequence_as",), "tree.pack_sequence_as", ("structure", "flat_sequence", "expand_composites"),
         ("structure", "flat_sequence"), limits=(ArgLimit("expand_composites", "expand_composites"),),
         samples=("tf.nest.pack_sequence_as([0, (0,)], [x, y])[1][0]",)),
    TfOp(("nest.is_nested",), "tree.is_nested", ("seq",), ("structure",), (("seq", "structure"),),
         samples=("float(tf.nest.is_nested([x]))",)),
)

_MORE = (
    TfOp(("is_tensor",), "ops.is_tensor", ("x",), ("x",), samples=("float(tf.is_tensor(tf.constant(x)))",)),
    TfOp(("math.bincount",), "ops.bincount", ("arr", "weights", "minlength", "maxlength", "dtype"),
         ("x", "weights", "minlength"), (("arr", "x"),), ("name", "dtype"),
         limits=(ArgLimit("maxlength", "maxlength", ("None",)),), samples=("tf.math.bincount(tf.constant([1, 3, 3, 0]), minlength=5)",)),
    TfOp(("image.crop_to_bounding_box",), "ops.image.crop_images",
         ("image", "offset_height", "offset_width", "target_height", "target_width"),
         ("images", "top_cropping", "left_cropping", "bottom_cropping", "right_cropping", "target_height", "target_width"),
         (("image", "images"), ("offset_height", "top_cropping"), ("offset_width", "left_cropping")),
         samples=("tf.image.crop_to_bounding_box(img, 1, 0, 2, 3)",)),
    TfOp(("image.pad_to_bounding_box",), "ops.image.pad_images",
         ("image", "offset_height", "offset_width", "target_height", "target_width"),
         ("images", "top_padding", "left_padding", "bottom_padding", "right_padding", "target_height", "target_width"),
         (("image", "images"), ("offset_height", "top_padding"), ("offset_width", "left_padding")),
         samples=("tf.image.pad_to_bounding_box(img, 1, 2, 6, 7)",)),
    TfOp(("image.extract_patches",), "ops.image.extract_patches", ("images", "sizes", "strides", "rates", "padding"),
         ("images", "size", "strides", "dilation_rate", "padding"), (("sizes", "size"), ("rates", "dilation_rate")),
         values=(("sizes", "spatial"), ("strides", "spatial"), ("rates", "spatial"), ("padding", "lower")),
         samples=("tf.image.extract_patches(img, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], 'VALID')",
                  "tf.image.extract_patches(img, sizes=[1, 3, 3, 1], strides=[1, 1, 1, 1], rates=[1, 1, 1, 1], padding='SAME')",
                  "tf.image.extract_patches(img, sizes=[1, img.shape[1] // 2, img.shape[1] // 2, 1], "
                  "strides=[1, img.shape[1] // 2, img.shape[1] // 2, 1], rates=[1, 1, 1, 1], padding='VALID')")),
    # Initializer objects (random ones draw Keras 3 streams, which differ from TF's by design).
    TfOp(("random_uniform_initializer", "initializers.RandomUniform", "keras.initializers.RandomUniform"),
         "initializers.RandomUniform", ("minval", "maxval", "seed"), ("minval", "maxval", "seed")),
    TfOp(("random_normal_initializer", "initializers.RandomNormal"), "initializers.RandomNormal",
         ("mean", "stddev", "seed"), ("mean", "stddev", "seed")),
    TfOp(("constant_initializer", "initializers.Constant"), "initializers.Constant", ("value",), ("value",),
         add=(("value", "0"),)),
    TfOp(("zeros_initializer", "initializers.Zeros"), "initializers.Zeros", (), ()),
    TfOp(("ones_initializer", "initializers.Ones"), "initializers.Ones", (), ()),
    TfOp(("initializers.GlorotUniform", "glorot_uniform_initializer"), "initializers.GlorotUniform", ("seed",), ("seed",)),
)

TF_OPS: Tuple[TfOp, ...] = _UNARY + _BINARY + _REDUCTIONS + _SHAPES + _CREATION + _INDEXING + _NN + _OTHER + _MORE

TF_OPS_BY_NAME: Dict[str, TfOp] = {f"tensorflow.{name}": op for op in TF_OPS for name in op.tf}

# Sizes computed from tensor values (`tf.reduce_max(ids) + 1`, `tf.math.bincount(ids)`):
# the op's output shape then depends on the data, which neither XLA nor JAX's jit compiles.
# Read by the op rewriter (on the call's text) and by KM140 (jit_compile=False).
DATA_DEPENDENT_SIZES = frozenset({
    "reduce_max", "max", "amax", "reduce_sum", "sum", "reduce_prod", "prod", "count_nonzero", "bincount",
    "argmax", "unique", "reduce_any", "reduce_all", "cumsum", "reduce_min", "min",
})
# {qualified TF name: (position, name) of its size argument}: the ops whose output is sized
# by an argument (the table's "static_size" / "no_list" values).
SIZED_BY_ARGUMENT: Dict[str, Tuple[int, str]] = {
    f"tensorflow.{name}": (op.params.index(param), param)
    for op in TF_OPS for param, kind in op.values if kind in ("static_size", "no_list") for name in op.tf}


def _no(names, message, fix) -> TfNoEquivalent:
    return TfNoEquivalent(tuple(names), message, fix)


TF_NO_EQUIVALENT: Tuple[TfNoEquivalent, ...] = (
    _no(("boolean_mask",), "tf.boolean_mask returns a data-dependent shape, which JAX cannot compile",
        "keep the shape static: keras.ops.where(mask[..., None], x, 0.0) and reduce, or keep this code on TensorFlow"),
    _no(("linalg.svd",), "tf.linalg.svd returns (s, u, v); keras.ops.svd returns (u, s, vh) with v transposed",
        "s, u, v = tf.linalg.svd(x) -> u, s, vh = keras.ops.svd(x, full_matrices=False); v = keras.ops.swapaxes(vh, -1, -2)"),
    _no(("linalg.qr", "linalg.eigh", "linalg.eig"), "decompositions are unique only up to signs, which differ between backends",
        "use keras.ops.qr / keras.ops.eigh and make the result sign-independent (or keep this code on TensorFlow)"),
    _no(("signal.rfft", "signal.irfft", "signal.stft", "signal.inverse_stft"),
        "TF's real FFT ops return complex tensors and take fft_length / frame arguments keras.ops.rfft/stft read differently",
        "rewrite with keras.ops.rfft(x, fft_length) returning (real, imag); keras.ops.stft also centres frames by default (center=True)"),
    _no(("math.segment_sum", "math.segment_mean", "math.segment_max", "math.segment_min", "math.segment_prod",
         "math.sparse_segment_sum", "math.sparse_segment_mean", "math.sparse_segment_sqrt_n"),
        "the sorted segment ops size their result by the data (max(segment_ids) + 1), which JAX cannot compile",
        "pass the number of segments: tf.math.unsorted_segment_sum / _mean / _max / _min(data, segment_ids, "
        "num_segments=N) with a static N migrates to keras.ops.segment_sum / keras_migrate_runtime helpers"),
    _no(("math.unsorted_segment_prod",), "keras.ops has no segment product",
        "keep this code on TensorFlow, or multiply per segment with a one-hot mask: "
        "keras.ops.prod(keras.ops.where(mask[..., None], data[:, None], 1.0), axis=0) with "
        "mask = keras.ops.one_hot(segment_ids, num_segments) > 0"),
    _no(("nn.batch_normalization",), "tf.nn.batch_normalization broadcasts mean/variance; keras.ops.batch_normalization needs the feature axis",
        "keras.ops.batch_normalization(x, mean, variance, axis=-1, offset=offset, scale=scale, epsilon=variance_epsilon)"),
    _no(("nn.ctc_loss",), "tf.nn.ctc_loss and keras.ops.ctc_loss take different arguments (blank index, sparse labels)",
        "keras.ops.ctc_loss(target, output, target_length, output_length, mask_index=0) with dense labels"),
    _no(("unique", "dynamic_partition"), "returns a data-dependent shape, which JAX cannot compile",
        "restructure with fixed shapes (masks) or keep this code on TensorFlow"),
    _no(("image.ssim_multiscale",), "keras.ops has no multi-scale SSIM",
        "keep this loss on TensorFlow, or combine keras_migrate_runtime.ssim over downsampled scales "
        "(tf.image.ssim_multiscale's power factors (0.0448, 0.2856, 0.3001, 0.2363, 0.1333))"),
    _no(("image.convert_image_dtype",),
        "tf.image.convert_image_dtype scales integer images to [0, 1] (and back), a cast does not",
        "float input: keras.ops.cast(image, \"float32\"); uint8 input: keras.ops.cast(image, \"float32\") / 255.0"),
    _no(("image.random_flip_left_right", "image.random_flip_up_down", "image.random_crop", "image.random_brightness",
         "image.random_contrast", "image.random_hue", "image.random_saturation", "image.random_jpeg_quality"),
        "TensorFlow's random image ops draw from TensorFlow's RNG",
        "use the Keras 3 preprocessing layers (keras.layers.RandomFlip / RandomCrop / RandomBrightness / "
        "RandomContrast / RandomHue / RandomSaturation) in the model, or keep them in the tf.data pipeline"),
    _no(("print",), "tf.print only prints TensorFlow tensors",
        "print eagerly with print(keras.ops.convert_to_numpy(x)) (not under jit), or remove the debug print"),
    _no(("numpy_function", "py_function"), "runs Python inside a TensorFlow graph",
        "keep this code on TensorFlow"),
)

TF_NO_EQUIVALENT_BY_NAME: Dict[str, TfNoEquivalent] = {
    f"tensorflow.{name}": entry for entry in TF_NO_EQUIVALENT for name in entry.tf
}

# Namespaces other rules own (RNG, variables, tracing, tensorflow-only APIs, Keras itself)
# or that do not touch backend tensors (tf.data pipelines work with every backend).
TF_NAMESPACES_OWNED_ELSEWHERE: Tuple[str, ...] = (
    # tf.python.keras (old private imports, keras-tcn's examples): Keras, the tf.keras rewrite's
    "keras", "python.keras", "data", "random", "nn.dropout", "Variable", "function", "GradientTape", "TensorSpec", "config", "distribute",
    "strings", "lookup", "ragged", "RaggedTensor", "RaggedTensorSpec", "SparseTensor", "sparse", "saved_model", "io",
    "TensorArray", "py_function", "numpy_function", "summary", "test", "compat", "experimental", "train", "debugging",
    "errors", "autograph", "executing_eagerly", "device", "Module", "DType", "dtypes", "TensorShape", "Tensor",
    "newaxis", "get_logger", "version", "sysconfig", "audio", "estimator", "feature_column", "tpu", "xla", "lite",
    "queue", "image.decode_jpeg", "image.decode_png", "image.decode_image", "image.encode_jpeg", "image.encode_png",
    "Graph", "control_dependencies", "init_scope", "name_scope", "variable_scope", "nest",
    "__version__", "__git_version__", "__compiler_version__",
)


def owned_elsewhere(rel: str) -> bool:
    """`tf.<rel>` belongs to a namespace other rules handle (TF_NAMESPACES_OWNED_ELSEWHERE)."""
    return any(rel == ns or rel.startswith(ns + ".") for ns in TF_NAMESPACES_OWNED_ELSEWHERE)

# tf.* names whose values are plain Python (versions, configuration, logging): never
# tensors, never model code.
TF_PLAIN_PYTHON: Tuple[str, ...] = (
    "tensorflow.__version__", "tensorflow.__git_version__", "tensorflow.__compiler_version__",
    "tensorflow.version", "tensorflow.config", "tensorflow.sysconfig", "tensorflow.get_logger",
    "tensorflow.executing_eagerly", "tensorflow.test", "tensorflow.autograph.set_verbosity",
)


def is_tf_plain_python(qualified: str) -> bool:
    return any(qualified == p or qualified.startswith(p + ".") for p in TF_PLAIN_PYTHON)

# Dataset methods whose function arguments run in TF graph mode (never rewritten).
TF_DATA_METHODS: Tuple[str, ...] = (
    "map", "filter", "flat_map", "interleave", "from_tensor_slices", "from_tensors", "from_generator",
    "reduce", "scan", "padded_batch", "bucket_by_sequence_length", "group_by_window", "apply", "batch",
    "rebatch", "unbatch", "shuffle", "prefetch", "cache", "take", "skip", "zip", "concatenate", "window",
    "ragged_batch",
)

# tf.<constant> attributes with a plain-Python value.
TF_ATTRIBUTE_CONSTANTS: Dict[str, str] = {"tensorflow.newaxis": "None"}


def _only(prefixes, reason, fix, anywhere=False) -> TensorflowOnlyApi:
    return TensorflowOnlyApi(tuple(prefixes), reason, fix, anywhere)


# One entry per kind of reason (the wording is what reports and Bazel targets show).
TENSORFLOW_ONLY_APIS: Tuple[TensorflowOnlyApi, ...] = (
    _only(("tensorflow.strings", "tensorflow.io.decode_", "tensorflow.image.decode_", "tensorflow.image.encode_"),
          "string tensors in model code (tf.strings / decoding): strings exist only on TensorFlow",
          "move string processing into the tf.data pipeline (Dataset.map) or a preprocessing step"),
    _only(("tensorflow.lookup",), "tf.lookup tables: TensorFlow-only resources",
          "use keras.layers.StringLookup / IntegerLookup in the tf.data pipeline"),
    _only(("tensorflow.ragged", "tensorflow.RaggedTensor", "tensorflow.RaggedTensorSpec"),
          "ragged tensors: only TensorFlow has them",
          "pad to dense tensors with a mask (keras.ops.pad / masking layers)"),
    _only(("tensorflow.sparse", "tensorflow.SparseTensor", "tensorflow.SparseTensorSpec"),
          "tf.sparse tensors in model code", "use dense tensors, or keep this model on TensorFlow"),
    _only(("tensorflow_hub",), "TensorFlow Hub layers (hub.KerasLayer) load TensorFlow SavedModels",
          "use a KerasHub / keras.applications model, or keep this model on TensorFlow", anywhere=True),
    _only(("tensorflow.saved_model", "tensorflow.compat.v1.saved_model"),
          "SavedModel export/serving (tf.saved_model)",
          "model.export(path) (Keras 3 SavedModel export works from the TensorFlow backend) or keep on TensorFlow",
          anywhere=True),
    _only(("tensorflow.io",), "tf.io in model code (files and serialized protos are TensorFlow ops)",
          "read files in the tf.data pipeline or eagerly before the model runs"),
    _only(("tensorflow_probability",), "TensorFlow Probability distributions",
          "rewrite the sampling/log-prob math with keras.ops and keras.random, or keep on TensorFlow", anywhere=True),
    _only(("tensorflow.distribute",), "tf.distribute strategies work with the TensorFlow backend only",
          "use keras.distribution (JAX) or keep on TensorFlow", anywhere=True),
    _only(("tensorflow.py_function", "tensorflow.numpy_function", "tensorflow.compat.v1.py_func"),
          "tf.py_function / tf.numpy_function in model code run Python inside a TensorFlow graph",
          "call the Python function eagerly, or keep this code on TensorFlow"),
    _only(("tensorflow.TensorArray",), "tf.TensorArray (TensorFlow graph loop storage)",
          "collect loop results with keras.ops.scan / keras.ops.fori_loop and keras.ops.stack"),
    _only(("tensorflow.custom_gradient", "tensorflow.RegisterGradient", "tensorflow.raw_ops"),
          "TensorFlow gradient/graph internals (tf.custom_gradient, tf.raw_ops)",
          "keras.ops.custom_gradient has backend-specific semantics: write one per backend or keep on TensorFlow"),
    _only(("tensorflow.compat.v1", "tensorflow.Session", "tensorflow.placeholder"),
          "TensorFlow 1 compat APIs (tf.compat.v1)", "port to TF2/Keras 3 APIs first", anywhere=True),
    _only(("tensorflow.Module",), "tf.Module subclasses (TensorFlow variable tracking)",
          "subclass keras.layers.Layer instead"),
    _only(("tensorflow.GradientTape",), "custom training loop with tf.GradientTape",
          "write the loop per backend (jax.value_and_grad / torch autograd / tf.GradientTape) "
          "or keep this script on TensorFlow", anywhere=True),
    _only(("tensorflow.experimental.numpy",), "tf.experimental.numpy ops", "use keras.ops (the NumPy API)"),
    _only(("tensorflow.tpu", "tensorflow.xla", "tensorflow.config.experimental_connect_to_cluster"),
          "TPU / XLA-specific TensorFlow APIs", "keep on TensorFlow", anywhere=True),
    _only(("tensorflow.control_dependencies", "tensorflow.Graph", "tensorflow.get_default_graph",
           "tensorflow.init_scope"),
          "TensorFlow graph control (tf.control_dependencies, graphs)",
          "order the computation with data dependencies (keras.ops) instead, or keep on TensorFlow"),
    _only(("tensorflow.train.Checkpoint", "tensorflow.train.CheckpointManager"),
          "tf.train.Checkpoint tracks Keras models, optimizers and variables only on the TensorFlow backend "
          "(JAX/PyTorch: \"expecting model to be a trackable object\")",
          "save and restore with model.save(\"....keras\") / keras.saving.load_model (weights and optimizer "
          "state) or model.save_weights(\"....weights.h5\"), or keep on TensorFlow", anywhere=True),
    _only(("tensorflow.python", "tensorflow.compiler", "tensorflow.core"),
          "TensorFlow's private modules (tensorflow.python.*, tensorflow.compiler.*)",
          "use public keras / keras.ops APIs, or keep on TensorFlow", anywhere=True),
)


# tf.random.* -> keras.random.* (the tf_random rule supplies seed=: a SeedGenerator in
# layers, the literal seed elsewhere). Keras 3 RNG streams differ from TF's by design,
# so these are checked statistically by the parity programs, not sample by sample.
TF_RANDOM_OPS: Dict[str, TfOp] = {
    f"tensorflow.{op.tf[0]}": op
    for op in (
        TfOp(("random.normal",), "random.normal", ("shape", "mean", "stddev", "dtype", "seed"),
             ("shape", "mean", "stddev", "dtype")),
        TfOp(("random.uniform",), "random.uniform", ("shape", "minval", "maxval", "dtype", "seed"),
             ("shape", "minval", "maxval", "dtype"), values=(("maxval", "drop_none"),)),
        TfOp(("random.truncated_normal",), "random.truncated_normal", ("shape", "mean", "stddev", "dtype", "seed"),
             ("shape", "mean", "stddev", "dtype")),
        TfOp(("random.categorical",), "random.categorical", ("logits", "num_samples", "dtype", "seed"),
             ("logits", "num_samples", "dtype")),
        TfOp(("random.shuffle",), "random.shuffle", ("value", "seed"), ("x",), (("value", "x"),)),
        TfOp(("nn.dropout",), "random.dropout", ("x", "rate", "noise_shape", "seed"),
             ("inputs", "rate", "noise_shape"), (("x", "inputs"),)),
    )
}
