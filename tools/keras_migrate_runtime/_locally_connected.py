"""Keras 2's locally connected layers for Keras 3: the shared N-D implementation.

Weights keep Keras 2's layout for each `implementation` (1, 2 or 3), so weights
saved by, or copied from, tf.keras set_weights() unchanged and give the same
numbers. Everything runs through keras.ops: it works on JAX, TensorFlow and
PyTorch. The connectivity (which input feeds which output) is computed once in
numpy at build time, exactly as tf_keras.src.utils.conv_utils does it.
"""

import itertools

import numpy as np

import keras
from keras import ops

from ._surface import Keras2Surface

__all__ = ["LocallyConnected"]


def normalize_tuple(value, n, name, allow_zero=False):
    if isinstance(value, int):
        values = (value,) * n
    else:
        try:
            values = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value}")
        if len(values) != n:
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value}")
    if any(v < 0 or (v == 0 and not allow_zero) for v in values):
        raise ValueError(f"The `{name}` argument must be positive integers. Received: {value}")
    return values


def output_length(length, kernel, padding, stride):
    if length is None:
        return None
    if padding == "same":
        out = length
    else:  # valid
        out = length - kernel + 1
    return (out + stride - 1) // stride


def _connected_inputs(input_shape, kernel_shape, output_position, strides, padding):
    # conv_utils.conv_connected_inputs: the input window feeding one output position.
    ranges = []
    for d in range(len(input_shape)):
        left = int(kernel_shape[d] / 2)
        right = kernel_shape[d] - left
        center = output_position[d] * strides[d]
        if padding == "valid":
            center += left
        ranges.append(range(max(0, center - left), min(input_shape[d], center + right)))
    return ranges


def kernel_mask(input_shape, kernel_shape, strides, padding, output_shape):
    """Boolean (d_in..., d_out...) connectivity mask (conv_utils.conv_kernel_mask)."""
    mask = np.zeros(tuple(input_shape) + tuple(output_shape), bool)
    for out_pos in itertools.product(*[range(d) for d in output_shape]):
        for in_pos in itertools.product(*_connected_inputs(input_shape, kernel_shape, out_pos, strides, padding)):
            mask[in_pos + out_pos] = True
    return mask


def kernel_idxs(input_shape, kernel_shape, strides, padding, filters_in, filters_out, data_format, output_shape):
    """Sorted (output_idx, input_idx) pairs (conv_utils.conv_kernel_idxs), as an int array."""
    if data_format == "channels_first":
        concat = lambda spatial, f: (f,) + tuple(spatial)  # noqa: E731
    else:
        concat = lambda spatial, f: tuple(spatial) + (f,)  # noqa: E731
    out_dims = concat(output_shape, filters_out)
    in_dims = concat(input_shape, filters_in)
    idxs = []
    for out_pos in itertools.product(*[range(d) for d in output_shape]):
        for in_pos in itertools.product(*_connected_inputs(input_shape, kernel_shape, out_pos, strides, padding)):
            for f_in in range(filters_in):
                for f_out in range(filters_out):
                    idxs.append((
                        int(np.ravel_multi_index(concat(out_pos, f_out), out_dims)),
                        int(np.ravel_multi_index(concat(in_pos, f_in), in_dims)),
                    ))
    return np.asarray(sorted(idxs), dtype="int32").reshape(-1, 2)


def patch_indices(input_shape_no_batch, kernel_size, strides, output_shape, data_format):
    """(positions, feature_dim) flat input indices of each output position's patch.

    backend.local_conv slices `inputs[:, window]` and reshapes it to feature_dim:
    slicing an index grid the same way reproduces its feature order exactly.
    """
    grid = np.arange(int(np.prod(input_shape_no_batch))).reshape(input_shape_no_batch)
    rows = []
    for pos in itertools.product(*[range(d) for d in output_shape]):
        window = tuple(slice(p * s, p * s + k) for p, s, k in zip(pos, strides, kernel_size))
        if data_format == "channels_first":
            patch = grid[(slice(None),) + window]
        else:
            patch = grid[window + (slice(None),)]
        rows.append(patch.reshape(-1))
    return np.stack(rows).astype("int32")


class LocallyConnected(Keras2Surface, keras.layers.Layer):
    """N-D locally connected layer (unshared convolution weights), Keras 2 semantics."""

    rank = None  # set by LocallyConnected1D / LocallyConnected2D

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        implementation=1,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        self.filters = int(filters)
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = normalize_tuple(strides, self.rank, "strides", allow_zero=True)
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(f"{name}: padding must be 'valid' or 'same'. Received: {padding}")
        if self.padding != "valid" and implementation == 1:
            raise ValueError(
                f'Invalid border mode for {name} (only "valid" is supported if implementation is 1): {padding}'
            )
        if implementation not in (1, 2, 3):
            raise ValueError(f"Unrecognized implementation mode: {implementation}.")
        self.data_format = (data_format or keras.config.image_data_format()).lower()
        if self.data_format not in ("channels_first", "channels_last"):
            raise ValueError(f"Unknown data_format: {data_format}")
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.implementation = implementation
        self.input_spec = keras.layers.InputSpec(ndim=self.rank + 2)

    def _split_shape(self, input_shape):
        if self.data_format == "channels_first":
            return tuple(input_shape[2:]), input_shape[1]
        return tuple(input_shape[1:-1]), input_shape[-1]

    def _output_spatial(self, spatial):
        return tuple(
            output_length(d, k, self.padding, s) for d, k, s in zip(spatial, self.kernel_size, self.strides)
        )

    def build(self, input_shape):
        spatial, input_filter = self._split_shape(input_shape)
        if input_filter is None or any(d is None for d in spatial):
            raise ValueError(
                f"The spatial and channel dimensions of the inputs to a {type(self).__name__} layer "
                f"should be fully-defined, but layer received the inputs shape {input_shape}"
            )
        out = self._output_spatial(spatial)
        if any(d <= 0 for d in out):
            raise ValueError(
                f"One of the dimensions in the output is <= 0 due to downsampling in {self.name}. "
                f"Received input shape {input_shape}."
            )
        self.output_spatial = out
        self._input_size = int(np.prod(spatial)) * input_filter
        n_out = int(np.prod(out))
        weight_args = dict(
            initializer=self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.implementation == 1:
            feature_dim = int(np.prod(self.kernel_size)) * input_filter
            self.kernel = self.add_weight(shape=(n_out, feature_dim, self.filters), **weight_args)
            shape_no_batch = (input_filter,) + spatial if self.data_format == "channels_first" else spatial + (input_filter,)
            self._patch_idx = patch_indices(shape_no_batch, self.kernel_size, self.strides, out, self.data_format)
        elif self.implementation == 2:
            if self.data_format == "channels_first":
                shape = (input_filter,) + spatial + (self.filters,) + out
            else:
                shape = spatial + (input_filter,) + out + (self.filters,)
            self.kernel = self.add_weight(shape=shape, **weight_args)
            mask = kernel_mask(spatial, self.kernel_size, self.strides, self.padding, out)
            # locally_connected_utils.get_locallyconnected_mask: singleton channel axes.
            if self.data_format == "channels_first":
                mask = np.expand_dims(np.expand_dims(mask, 0), -self.rank - 1)
            else:
                mask = np.expand_dims(np.expand_dims(mask, self.rank), -1)
            self._kernel_mask = mask.astype("float32")
        else:
            self._kernel_idxs = kernel_idxs(
                spatial, self.kernel_size, self.strides, self.padding,
                input_filter, self.filters, self.data_format, out,
            )
            self._dense_shape = (n_out * self.filters, int(np.prod(spatial)) * input_filter)
            self.kernel = self.add_weight(shape=(len(self._kernel_idxs),), **weight_args)
        if self.use_bias:
            self.bias = self.add_weight(
                shape=out + (self.filters,),
                initializer=self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        axis = 1 if self.data_format == "channels_first" else -1
        self.input_spec = keras.layers.InputSpec(ndim=self.rank + 2, axes={axis: input_filter})

    def compute_output_shape(self, input_shape):
        spatial, _ = self._split_shape(input_shape)
        out = self._output_spatial(spatial)
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters) + out
        return (input_shape[0],) + out + (self.filters,)

    def _output_dims(self):
        if self.data_format == "channels_first":
            return (self.filters,) + self.output_spatial
        return self.output_spatial + (self.filters,)

    def call(self, inputs):
        inputs_flat = ops.reshape(inputs, (-1, self._input_size))
        if self.implementation == 1:
            # backend.local_conv: one (patch . kernel[position]) product per output position.
            patches = ops.take(inputs_flat, self._patch_idx, axis=1)  # (batch, positions, features)
            output = ops.einsum("bpf,pfo->bpo", patches, self.kernel)
            output = ops.reshape(output, (-1,) + self.output_spatial + (self.filters,))
            if self.data_format == "channels_first":
                output = ops.transpose(output, (0, self.rank + 1) + tuple(range(1, self.rank + 1)))
        elif self.implementation == 2:
            # locally_connected_utils.local_conv_matmul: a masked dense kernel.
            kernel = self.kernel * ops.cast(self._kernel_mask, self.kernel.dtype)
            split = len(self.kernel.shape) // 2
            rows = int(np.prod(self.kernel.shape[:split]))
            kernel = ops.reshape(kernel, (rows, -1))
            output = ops.reshape(ops.matmul(inputs_flat, kernel), (-1,) + self._output_dims())
        else:
            # local_conv_sparse_matmul: the weight vector scattered into its (out, in) matrix.
            dense = ops.scatter(self._kernel_idxs, self.kernel, self._dense_shape)
            output = ops.matmul(inputs_flat, ops.transpose(dense))
            output = ops.reshape(output, (-1,) + self._output_dims())
        if self.use_bias:
            # backend.bias_add with a (out..., filters) bias. For channels_first Keras 2
            # *reshapes* (not transposes) the bias to (1, filters, out...); kept as is.
            if self.data_format == "channels_first":
                output = output + ops.reshape(self.bias, (1, self.filters) + self.output_spatial)
            else:
                output = output + ops.reshape(self.bias, (1,) + self.output_spatial + (self.filters,))
        return self.activation(output)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "activation": keras.activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": keras.regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
                "bias_constraint": keras.constraints.serialize(self.bias_constraint),
                "implementation": self.implementation,
            }
        )
        return config
