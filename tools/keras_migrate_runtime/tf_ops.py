"""TensorFlow ops that keras.ops lacks or computes differently, with TensorFlow's
signature and numbers on the JAX, TensorFlow and PyTorch backends.

The tf_ops migration rule (KM200) rewrites `tf.<name>(...)` to these helpers where no
keras.ops call matches; tests/keras_migrate/spec/check_tf_ops_semantics.py compares
them with TensorFlow on every backend.
"""

import numpy as np
from keras import backend, ops, saving

__all__ = [
    "band_part",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "compute_average_loss",
    "confusion_matrix",
    "cumprod",
    "cumsum",
    "fill",
    "gather_nd",
    "global_norm",
    "image_gradients",
    "l2_normalize",
    "leaky_relu",
    "math_imag",
    "npairs_loss",
    "one_hot",
    "ones_like",
    "per_image_standardization",
    "psnr",
    "set_diag",
    "shape_entry_cast",
    "shape_maximum",
    "shape_minimum",
    "signal_fft",
    "signal_fft2d",
    "signal_ifft",
    "signal_ifft2d",
    "split",
    "ssim",
    "unsorted_segment_max",
    "unsorted_segment_mean",
    "unsorted_segment_min",
    "unsorted_segment_sqrt_n",
    "zeros_like",
]


def _axes(axes):
    # JAX wants hashable (tuple) axes; TF accepts lists.
    return tuple(axes) if isinstance(axes, list) else axes


# Gradients at ties. TensorFlow differentiates a kink the same way on every device:
# leaky_relu at exactly 0 has slope alpha, clip_by_value at exactly a bound passes the
# gradient (minimum/maximum give a tie to their first argument). keras.ops.leaky_relu
# and keras.ops.clip compute the same values, but JAX's gradient at those points is 1
# and 0.5 (PyTorch's matches TF). Exact ties are ordinary in real data: zero feature
# rows, zero padding, values already clipped. `where` puts every tie on TF's side on
# all three backends, so a migrated model trains to the same weights.


@saving.register_keras_serializable(package="keras_migrate_runtime")  # an activation value too
def leaky_relu(features, alpha=0.2, name=None):
    """tf.nn.leaky_relu: x where x > 0, else alpha * x; gradient alpha at 0, as TF."""
    x = ops.convert_to_tensor(features)
    if not backend.is_float_dtype(x.dtype):  # TF computes integer input in float32
        x = ops.cast(x, "float32")
    return ops.where(x > 0, x, x * alpha)


def _cumulative(op, identity, x, axis, exclusive, reverse):
    """TF's exclusive / reverse cumulative ops: the input flipped and shifted by one
    (identity first) along `axis`, as TensorFlow computes them."""
    x = ops.convert_to_tensor(x)
    axis = int(axis)
    axis = axis + len(x.shape) if axis < 0 else axis
    if reverse:
        x = ops.flip(x, axis=axis)
    if exclusive:
        padding = [[0, 0]] * len(x.shape)
        padding[axis] = [1, 0]
        x = ops.pad(x, padding, constant_values=identity)
        x = x[(slice(None),) * axis + (slice(None, -1),)]
    out = op(x, axis=axis)
    return ops.flip(out, axis=axis) if reverse else out


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.math.cumsum, exclusive= and reverse= included."""
    return _cumulative(ops.cumsum, 0, x, axis, exclusive, reverse)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.math.cumprod, exclusive= and reverse= included."""
    return _cumulative(ops.cumprod, 1, x, axis, exclusive, reverse)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """tf.clip_by_value: minimum(t, max) then maximum(., min), ties to t, as TF."""
    t = ops.convert_to_tensor(t)
    upper = ops.cast(clip_value_max, t.dtype)
    lower = ops.cast(clip_value_min, t.dtype)
    below_max = ops.where(t > upper, upper, t)
    return ops.where(below_max < lower, lower, below_max)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """tf.clip_by_norm: t * clip_norm / max(l2norm(t, axes), clip_norm); a zero norm
    keeps t (and its gradient finite), as in TensorFlow."""
    t = ops.convert_to_tensor(t)
    l2sum = ops.sum(t * t, axis=_axes(axes), keepdims=True)
    positive = l2sum > 0
    l2norm = ops.where(positive, ops.sqrt(ops.where(positive, l2sum, ops.ones_like(l2sum))), l2sum)
    clip_norm = ops.cast(clip_norm, t.dtype)
    return t * clip_norm / ops.maximum(l2norm, clip_norm)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """tf.math.l2_normalize: x * rsqrt(max(sum(x**2, axis), epsilon)), all axes by default.
    keras.ops.normalize clips rsqrt's result instead, whose gradient is NaN at a zero
    vector (a dead ReLU row in a contrastive head); TensorFlow's is finite there."""
    x = ops.convert_to_tensor(x)
    square_sum = ops.sum(ops.square(x), axis=_axes(axis if dim is None else dim), keepdims=True)
    return x * ops.rsqrt(ops.maximum(square_sum, ops.cast(epsilon, x.dtype)))


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """tf.nn.compute_average_loss without a distribution strategy (one replica): the
    (weighted) losses' sum over `global_batch_size`, by default the first dimension;
    0 for a zero batch size, as TensorFlow's div_no_nan."""
    loss = ops.convert_to_tensor(per_example_loss)
    dtype = loss.dtype
    if sample_weight is not None:
        loss = ops.cast(loss * ops.cast(sample_weight, dtype), dtype)
    if global_batch_size is None:
        global_batch_size = ops.shape(loss)[0]
    return ops.divide_no_nan(ops.sum(loss), ops.cast(global_batch_size, dtype))


def zeros_like(input, dtype=None, name=None):
    """tf.zeros_like, also of a keras.Variable on JAX: keras.ops.zeros_like, which takes
    one there once this package is imported (jax_variables); a file calling this helper
    imports it, one calling keras.ops.zeros_like may not."""
    return ops.zeros_like(input, dtype=dtype)


def ones_like(input, dtype=None, name=None):
    """tf.ones_like, likewise."""
    return ops.ones_like(input, dtype=dtype)


def confusion_matrix(labels, predictions, num_classes, weights=None, dtype="int32", name=None):
    """tf.math.confusion_matrix with num_classes given: counts (or summed `weights`) of
    (label, prediction) pairs, labels as rows. Built from one-hot matrices, so it traces
    on every backend (TensorFlow's scatter has no keras.ops counterpart); ids outside
    [0, num_classes) count nowhere, where TensorFlow raises."""
    dtype = backend.standardize_dtype(dtype)
    labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
    predictions = ops.cast(ops.reshape(predictions, (-1,)), "int32")
    work = "float64" if dtype in ("float64", "int64") else "float32"
    rows = ops.one_hot(labels, num_classes, dtype=work)
    if weights is not None:
        # TensorFlow casts the weights to `dtype` before summing them.
        weights = ops.cast(ops.cast(ops.reshape(weights, (-1,)), dtype), work)
        rows = rows * weights[:, None]
    counts = ops.matmul(ops.transpose(rows), ops.one_hot(predictions, num_classes, dtype=work))
    return ops.cast(counts, dtype)


def global_norm(t_list, name=None):
    """tf.linalg.global_norm: sqrt of the summed squares of every tensor (None skipped)."""
    squares = [ops.sum(ops.square(ops.cast(t, "float32"))) for t in t_list if t is not None]
    if not squares:
        return ops.convert_to_tensor(0.0, "float32")
    return ops.sqrt(ops.sum(ops.stack(squares)))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """tf.clip_by_global_norm: (list of t * clip_norm / max(global_norm, clip_norm), global_norm).

    None entries stay None; a non-finite global norm makes every clipped value NaN,
    as in TensorFlow."""
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else ops.cast(use_norm, "float32")
    clip_norm = ops.cast(clip_norm, "float32")
    scale = clip_norm * ops.minimum(1.0 / norm, 1.0 / clip_norm)
    scale = scale + (norm - norm)  # NaN when the norm is inf or NaN
    clipped = [None if t is None else ops.convert_to_tensor(t) * ops.cast(scale, ops.convert_to_tensor(t).dtype)
               for t in t_list]
    return clipped, norm


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):
    """tf.linalg.set_diag for the main diagonal (k=0) of the innermost matrices."""
    if not (isinstance(k, int) and k == 0):
        raise NotImplementedError("set_diag supports the main diagonal (k=0) only")
    x = ops.convert_to_tensor(input)
    diagonal = ops.cast(diagonal, x.dtype)
    rows, cols = ops.shape(x)[-2], ops.shape(x)[-1]
    column = ops.arange(cols)
    on_diagonal = ops.expand_dims(ops.arange(rows), -1) == ops.expand_dims(column, 0)
    # Column j of the result's diagonal is diagonal[..., j] (j < min(rows, cols)); the
    # clamped index only fills columns the mask never selects.
    length = ops.shape(diagonal)[-1]
    spread = ops.take(diagonal, ops.minimum(column, length - 1), axis=-1)
    return ops.where(on_diagonal, ops.expand_dims(spread, -2), x)


def band_part(input, num_lower, num_upper, name=None):
    """tf.linalg.band_part with tensor bounds: keeps (i, j) where (num_lower < 0 or
    i - j <= num_lower) and (num_upper < 0 or j - i <= num_upper)."""
    x = ops.convert_to_tensor(input)
    rows, cols = ops.shape(x)[-2], ops.shape(x)[-1]
    i = ops.expand_dims(ops.arange(rows), -1)
    j = ops.expand_dims(ops.arange(cols), 0)
    num_lower = ops.cast(num_lower, "int32")
    num_upper = ops.cast(num_upper, "int32")
    keep = ops.logical_and(ops.logical_or(num_lower < 0, i - j <= num_lower),
                           ops.logical_or(num_upper < 0, j - i <= num_upper))
    return ops.where(keep, x, ops.zeros_like(x))


def _python_dtype(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int32"
    if isinstance(value, float):
        return "float32"
    return ops.convert_to_tensor(value).dtype


def fill(dims, value, name=None):
    """tf.fill: `dims` may be one number (TF reads a scalar as a one-entry shape;
    keras.ops.full needs a sequence on TensorFlow and PyTorch), and the dtype is the
    value's as TF infers it (int -> int32, float -> float32, bool, a tensor's or
    NumPy value's own dtype), where keras.ops.full would use floatx."""
    if isinstance(dims, (int, np.integer)) or (hasattr(dims, "shape") and len(dims.shape) == 0):
        dims = (int(dims),)
    elif isinstance(dims, list):
        dims = tuple(dims)
    dtype = getattr(value, "dtype", None)
    dtype = _python_dtype(value) if dtype is None else backend.standardize_dtype(dtype)
    return ops.full(dims, value, dtype=dtype)


def npairs_loss(y_true, y_pred):
    """tfa.losses.npairs_loss: softmax cross-entropy of each row of the similarity
    matrix `y_pred` against the rows' same-label indicator, normalised per row."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.expand_dims(ops.cast(y_true, y_pred.dtype), -1)
    y_true = ops.cast(ops.equal(y_true, ops.transpose(y_true)), y_pred.dtype)
    y_true = y_true / ops.sum(y_true, axis=1, keepdims=True)
    loss = -ops.sum(y_true * ops.log_softmax(y_pred, axis=-1), axis=-1)
    return ops.mean(loss)


def split(value, num_or_size_splits, axis=0, num=None, name=None):
    """tf.split: `num_or_size_splits` is a count of equal parts or a list of sizes (one of
    them may be -1, inferred); keras.ops.split takes a count or split indices."""
    value = ops.convert_to_tensor(value)
    if not isinstance(num_or_size_splits, (list, tuple)):
        sizes = np.asarray(ops.convert_to_numpy(num_or_size_splits) if ops.is_tensor(num_or_size_splits)
                           else num_or_size_splits)
        if sizes.ndim == 0:
            return ops.split(value, int(sizes), axis=axis)
        num_or_size_splits = sizes.tolist()
    sizes = [int(s) for s in num_or_size_splits]
    if -1 in sizes:
        sizes[sizes.index(-1)] = int(value.shape[axis]) - (sum(sizes) + 1)
    return ops.split(value, list(np.cumsum(sizes[:-1]).tolist()), axis=axis)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """tf.one_hot: indices outside [0, depth) give off_value rows (keras.ops.one_hot
    raises on PyTorch); the dtype follows dtype, else on_value, else off_value, else float32."""
    if dtype is None:
        given = on_value if on_value is not None else off_value
        dtype = "float32" if given is None else _python_dtype(given)
    on_value = 1 if on_value is None else on_value
    off_value = 0 if off_value is None else off_value
    indices = ops.convert_to_tensor(indices)
    hot = ops.expand_dims(indices, -1) == ops.cast(ops.arange(depth), indices.dtype)
    if axis is not None and axis != -1:
        hot = ops.moveaxis(hot, -1, axis)
    return ops.where(hot, ops.cast(on_value, dtype), ops.cast(off_value, dtype))


def _counts(data, segment_ids, num_segments):
    """Entries per segment, shaped to broadcast against the segment results."""
    ones = ops.ones(ops.shape(segment_ids), dtype=data.dtype)
    counts = ops.segment_sum(ones, segment_ids, num_segments=num_segments)
    return ops.reshape(counts, (-1,) + (1,) * (len(data.shape) - 1))


def _extreme(dtype, largest):
    dtype = np.dtype(backend.standardize_dtype(dtype))
    info = np.finfo(dtype) if np.issubdtype(dtype, np.floating) else np.iinfo(dtype)
    return info.max if largest else info.min


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """tf.math.unsorted_segment_max: an empty segment holds the dtype's lowest value
    (keras.ops.segment_max gives -inf on JAX and PyTorch)."""
    data = ops.convert_to_tensor(data)
    result = ops.segment_max(data, segment_ids, num_segments=num_segments)
    empty = _counts(data, segment_ids, num_segments) == 0
    return ops.where(empty, ops.cast(_extreme(data.dtype, largest=False), data.dtype), result)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """tf.math.unsorted_segment_min: an empty segment holds the dtype's largest value."""
    data = ops.convert_to_tensor(data)
    result = ops.negative(ops.segment_max(ops.negative(data), segment_ids, num_segments=num_segments))
    empty = _counts(data, segment_ids, num_segments) == 0
    return ops.where(empty, ops.cast(_extreme(data.dtype, largest=True), data.dtype), result)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """tf.math.unsorted_segment_mean: sum / max(count, 1) (an empty segment is 0)."""
    data = ops.convert_to_tensor(data)
    total = ops.segment_sum(data, segment_ids, num_segments=num_segments)
    return total / ops.maximum(_counts(data, segment_ids, num_segments), 1)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """tf.math.unsorted_segment_sqrt_n: sum / sqrt(max(count, 1))."""
    data = ops.convert_to_tensor(data)
    total = ops.segment_sum(data, segment_ids, num_segments=num_segments)
    return total / ops.sqrt(ops.maximum(_counts(data, segment_ids, num_segments), 1))


def image_gradients(image):
    """tf.image.image_gradients: (dy, dx) forward differences of NHWC images, zero in
    the last row (dy) and column (dx)."""
    image = ops.convert_to_tensor(image)
    dy = ops.pad(image[:, 1:, :, :] - image[:, :-1, :, :], [[0, 0], [0, 1], [0, 0], [0, 0]])
    dx = ops.pad(image[:, :, 1:, :] - image[:, :, :-1, :], [[0, 0], [0, 0], [0, 1], [0, 0]])
    return dy, dx


def psnr(a, b, max_val, name=None):
    """tf.image.psnr over the last three (height, width, channel) axes, in float32
    (TF scales integer images and max_val alike, which leaves the ratio unchanged)."""
    a = ops.cast(a, "float32")
    b = ops.cast(b, "float32")
    max_val = ops.cast(max_val, "float32")
    mse = ops.mean(ops.square(a - b), axis=(-3, -2, -1))
    return 20.0 * ops.log(max_val) / np.log(10.0).astype("float32") - np.float32(10 / np.log(10)) * ops.log(mse)


def _to_float_image(x):
    """tf.image.convert_image_dtype to float32: integers scale to [0, 1]."""
    dtype = backend.standardize_dtype(ops.convert_to_tensor(x).dtype)
    x = ops.cast(x, "float32")
    if "int" in dtype:
        x = x / np.float32(np.iinfo(dtype).max)
    return x, dtype


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, return_index_map=False):
    """tf.image.ssim: per-image SSIM over the last three (height, width, channel) axes,
    with TF's Gaussian window (a softmax of -x^2 / 2 sigma^2, size filter_size), 'VALID'
    depthwise filtering, and integer images scaled to [0, 1] as TF converts them."""
    img1, dtype = _to_float_image(img1)
    img2, _ = _to_float_image(img2)
    max_val = ops.cast(max_val, "float32")
    if "int" in dtype:
        max_val = max_val / np.float32(np.iinfo(dtype).max)
    coords = np.arange(filter_size, dtype="float32") - np.float32(filter_size - 1) / 2.0
    g = np.square(coords) * (-0.5 / np.float32(filter_sigma) ** 2)
    g = (g.reshape(1, -1) + g.reshape(-1, 1)).reshape(1, -1)
    window = ops.reshape(ops.softmax(ops.convert_to_tensor(g), axis=-1), (filter_size, filter_size, 1, 1))
    channels = img1.shape[-1]
    kernel = ops.tile(window, (1, 1, channels, 1))

    def reducer(x):
        shape = ops.shape(x)
        y = ops.depthwise_conv(ops.reshape(x, (-1,) + tuple(shape[-3:])), kernel, strides=1, padding="valid")
        return ops.reshape(y, tuple(shape[:-3]) + tuple(ops.shape(y)[1:]))

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean0, mean1 = reducer(img1), reducer(img2)
    num0 = mean0 * mean1 * 2.0
    den0 = ops.square(mean0) + ops.square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(img1 * img2) * 2.0
    den1 = reducer(ops.square(img1) + ops.square(img2))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    if return_index_map:
        return ops.mean(luminance * cs, axis=-1)
    return ops.mean(ops.mean(luminance * cs, axis=(-3, -2)), axis=-1)


def gather_nd(params, indices, batch_dims=0, name=None):
    """tf.gather_nd (batch_dims=0): the last axis of `indices` indexes the leading axes
    of `params`; the result has shape indices.shape[:-1] + params.shape[depth:]."""
    if batch_dims != 0:
        raise NotImplementedError("gather_nd supports batch_dims=0 only")
    params = ops.convert_to_tensor(params)
    indices = ops.cast(ops.convert_to_tensor(indices), "int32")
    depth = indices.shape[-1]
    shape = ops.shape(params)
    # Row-major strides of the indexed axes turn each index tuple into one flat index.
    strides, stride = [], 1
    for size in reversed(shape[:depth]):
        strides.insert(0, stride)
        stride = stride * size
    flat_index = ops.sum(indices * ops.cast(ops.stack(strides), "int32"), axis=-1)
    flat = ops.reshape(params, (-1,) + tuple(shape[depth:]))
    return ops.take(flat, flat_index, axis=0)


def per_image_standardization(image):
    """tf.image.per_image_standardization: (x - mean) / max(std, 1 / sqrt(pixels)) over
    the last three axes, in float32 for integer images."""
    image = ops.convert_to_tensor(image)
    if not backend.is_float_dtype(image.dtype):
        image = ops.cast(image, "float32")
    axes = (-3, -2, -1)
    pixels = ops.cast(ops.prod(ops.convert_to_tensor(ops.shape(image)[-3:])), image.dtype)
    mean = ops.mean(image, axis=axes, keepdims=True)
    stddev = ops.std(image, axis=axes, keepdims=True)
    return (image - mean) / ops.maximum(stddev, ops.rsqrt(pixels))


def _complex(real, imag):
    # keras.ops has no complex constructor; each backend's own one keeps gradients.
    name = backend.backend()
    if name == "jax":
        import jax

        return jax.lax.complex(real, imag)
    if name == "torch":
        import torch

        return torch.complex(real, imag)
    import tensorflow as tf

    return tf.complex(real, imag)


def _complex_transform(transform, input):
    input = ops.convert_to_tensor(input)
    if "complex" not in str(input.dtype):
        raise TypeError(f"expected a complex tensor (TensorFlow's FFT ops take complex64/complex128), got {input.dtype}")
    return _complex(*transform((ops.real(input), ops.imag(input))))


def math_imag(input, name=None):
    """tf.math.imag: zeros for a real tensor, as in TF (keras.ops.imag raises on PyTorch)."""
    input = ops.convert_to_tensor(input)
    if "complex" not in str(input.dtype):
        return ops.zeros_like(input)
    return ops.imag(input)


def signal_fft(input, name=None):
    """tf.signal.fft: complex in, complex out, over the innermost axis (keras.ops.fft
    takes and returns (real, imag) pairs)."""
    return _complex_transform(ops.fft, input)


def signal_ifft(input, name=None):
    """tf.signal.ifft over the innermost axis, complex in and out."""
    return _complex_transform(_ifft_pair, input)


def _ifft_pair(pair):
    # keras.ops has no ifft: ifft(z) = conj(fft(conj(z))) / n
    real, imag = ops.fft((pair[0], ops.negative(pair[1])))
    n = ops.cast(ops.shape(real)[-1], real.dtype)
    return real / n, ops.negative(imag) / n


def signal_fft2d(input, name=None):
    """tf.signal.fft2d over the two innermost axes, complex in and out."""
    return _complex_transform(ops.fft2, input)


def signal_ifft2d(input, name=None):
    """tf.signal.ifft2d over the two innermost axes, complex in and out."""
    return _complex_transform(ops.ifft2, input)


def shape_minimum(x, y, name=None):
    """tf.minimum of two dimensions (keras.io StyleGAN's `tf.minimum(4, batch)` group
    size): a Python int where both are (keras.ops.shape's static dimensions: always on JAX
    and PyTorch), which JAX's jit needs in a shape; TF's op for a dynamic dimension."""
    if not ops.is_tensor(x) and not ops.is_tensor(y):
        return min(x, y)
    return ops.minimum(x, y)


def shape_maximum(x, y, name=None):
    """tf.maximum of two dimensions: as shape_minimum."""
    if not ops.is_tensor(x) and not ops.is_tensor(y):
        return max(x, y)
    return ops.maximum(x, y)


def shape_entry_cast(x, dtype, name=None):
    """tf.cast(tf.shape(t)[i], <integer dtype>): a static dimension (keras.ops.shape gives
    Python ints on JAX and PyTorch, symbolic ones while Keras infers shapes) stays as it is,
    usable as a shape under jit; a dynamic TensorFlow dimension (a scalar tensor) is cast
    as TF does."""
    if not ops.is_tensor(x):  # an int, or a symbolic dimension while Keras infers shapes on JAX
        return x
    return ops.cast(x, dtype)
