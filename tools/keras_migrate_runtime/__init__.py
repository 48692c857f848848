"""Runtime support imported by migrated code: backend-agnostic Keras 3 implementations of
layers and constraints that Keras 3 removed, and Keras 2 behaviour Keras 3 changed (the guide: "copy the implementation into your
own codebase"). Depends on nothing but keras (and numpy, which keras needs); works on the
JAX, TensorFlow and PyTorch backends, with Keras 2's weight layouts and numbers.

The package is flat (no subpackages) and uses relative imports only, so that
`keras-migrate --runtime copy` can copy it beside migrated scripts as is.
"""

from .activations import keras2_hard_sigmoid, keras2_leaky_relu, keras2_thresholded_relu
from .add_loss import AddLoss, add_symbolic_loss
from .batch_lambda import BatchLambda
from .batch_normalization import BatchNormalization
from .call_context import keras2_call
from .backend_functions import (
    keras2_batch_dot, keras2_batch_flatten, keras2_batch_get_value, keras2_batch_set_value, keras2_bias_add,
    keras2_cast_to_floatx, keras2_clip, keras2_count_params, keras2_dtype, keras2_function,
    keras2_moving_average_update, keras2_repeat, keras2_switch,
)
from .batch_methods import test_on_batch, train_on_batch
from ._surface import (
    keras2_input_shape,
    keras2_model_input,
    keras2_model_output,
    keras2_output_shape,
    keras2_weight_name,
)
from .distribute import connect_tpu_cluster, tpu_cluster_resolver
from .checkpoint import Keras2ModelCheckpoint
from .compiled import keras2_compiled_loss, keras2_metrics_results, keras2_update_compiled_metrics
from .functions import tensorflow_function
from .generators import keras2_input_batches
from .gradients import minimize, value_and_grad, value_and_grads, value_and_input_grad
from .layer_inputs import keras2_number_inputs
from .layer_updates import keras2_add_update
from .legacy_get_file import legacy_get_file
from .legacy_nadam import LegacyNadam
from .legacy_preprocessing import (
    DataFrameIterator,
    DirectoryIterator,
    ImageDataGenerator,
    Iterator,
    NumpyArrayIterator,
    TimeseriesGenerator,
    Tokenizer,
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    hashing_trick,
    random_brightness,
    random_channel_shift,
    random_rotation,
    random_shear,
    random_shift,
    random_zoom,
    text_one_hot,
    text_to_word_sequence,
    tokenizer_from_json,
)
from .loss_functions import keras2_broadcasting
from .text_vectorization import Keras2TextVectorization
from .locally_connected1d import LocallyConnected1D
from .locally_connected2d import LocallyConnected2D
from .metrics_names import keras2_metrics, keras2_metrics_names
from .mixed_precision import set_global_policy
from .model_build import (
    build_by_calling, keras2_get_input_at, keras2_get_input_shape_at, keras2_get_output_at, keras2_get_output_shape_at,
)
from .attention import AdditiveAttention, Attention
from .multi_head_attention import MultiHeadAttention
from .discretization import Discretization
from .regularizers import L1, L1L2
from .embedding import Embedding
from .optimizer_state import (
    keras2_learning_rate,
    keras2_optimizer_variables,
    keras2_optimizer_weights,
    keras2_set_optimizer_weights,
)
from .output_metrics import Keras2Metric, keras2_broadcast_metrics, keras2_copy_metric
from .targets import keras2_targets
from .string_data import keras2_string_data
from .no_grad import call_without_gradients
from .numpy_utils import normalize, to_categorical
from .radial_constraint import RadialConstraint
from .ctc import keras2_ctc_batch_cost, keras2_ctc_decode
from .random_crop import Keras2RandomCrop
from .time_distributed import TimeDistributed
from .random_fourier_features import RandomFourierFeatures
from .rnn import RNN
from .saving import keras2_fresh_optimizer, keras2_load_model
from .sequence import Keras2Sequence
from .skipgrams import make_sampling_table, skipgrams
from .states import keras2_reset_states
from .trainable_state import keras2_compile
from .time_major import GRU, LSTM, SimpleRNN, TimeMajor
from .training import BackendAgnosticSteps
from .training_context import Keras2Training
from .tf_ops import (
    band_part,
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    compute_average_loss,
    confusion_matrix,
    cumprod,
    cumsum,
    fill,
    gather_nd,
    global_norm,
    image_gradients,
    l2_normalize,
    leaky_relu,
    math_imag,
    npairs_loss,
    one_hot,
    ones_like,
    per_image_standardization,
    psnr,
    set_diag,
    shape_entry_cast,
    shape_maximum,
    shape_minimum,
    signal_fft,
    signal_fft2d,
    signal_ifft,
    signal_ifft2d,
    split,
    ssim,
    unsorted_segment_max,
    unsorted_segment_mean,
    unsorted_segment_min,
    unsorted_segment_sqrt_n,
    zeros_like,
)
from .variable_methods import assign_slice, scatter_nd_add, scatter_nd_sub, scatter_nd_update
from . import jax_variables as _jax_variables

_jax_variables.install()  # keras.ops.zeros_like(variable) & co. on JAX (see the module)

__all__ = [
    "cumprod",
    "cumsum",
    "keras2_input_batches",
    "keras2_learning_rate",
    "keras2_optimizer_variables",
    "keras2_optimizer_weights",
    "keras2_set_optimizer_weights",
    "keras2_fresh_optimizer",
    "keras2_load_model",
    "Keras2ModelCheckpoint",
    "AddLoss",
    "BackendAgnosticSteps",
    "BatchLambda",
    "BatchNormalization",
    "DataFrameIterator",
    "DirectoryIterator",
    "Discretization",
    "L1",
    "L1L2",
    "Embedding",
    "GRU",
    "ImageDataGenerator",
    "Iterator",
    "Keras2Metric",
    "Keras2RandomCrop",
    "Keras2Sequence",
    "Keras2TextVectorization",
    "Keras2Training",
    "LSTM",
    "LegacyNadam",
    "LocallyConnected1D",
    "LocallyConnected2D",
    "MultiHeadAttention",
    "Attention",
    "AdditiveAttention",
    "NumpyArrayIterator",
    "RNN",
    "RadialConstraint",
    "RandomFourierFeatures",
    "SimpleRNN",
    "TimeDistributed",
    "TimeMajor",
    "TimeseriesGenerator",
    "Tokenizer",
    "add_symbolic_loss",
    "apply_affine_transform",
    "apply_brightness_shift",
    "apply_channel_shift",
    "assign_slice",
    "band_part",
    "build_by_calling",
    "call_without_gradients",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "compute_average_loss",
    "confusion_matrix",
    "connect_tpu_cluster",
    "fill",
    "gather_nd",
    "global_norm",
    "hashing_trick",
    "image_gradients",
    "keras2_batch_dot",
    "keras2_batch_flatten",
    "keras2_bias_add",
    "keras2_broadcast_metrics",
    "keras2_call",
    "keras2_broadcasting",
    "keras2_cast_to_floatx",
    "keras2_clip",
    "keras2_count_params",
    "keras2_batch_get_value",
    "keras2_get_input_at",
    "keras2_get_input_shape_at",
    "keras2_get_output_at",
    "keras2_get_output_shape_at",
    "keras2_batch_set_value",
    "keras2_dtype",
    "keras2_add_update",
    "keras2_number_inputs",
    "keras2_compile",
    "keras2_function",
    "keras2_metrics",
    "keras2_metrics_names",
    "keras2_model_input",
    "keras2_model_output",
    "keras2_moving_average_update",
    "keras2_string_data",
    "keras2_targets",
    "keras2_weight_name",
    "keras2_compiled_loss",
    "keras2_copy_metric",
    "keras2_ctc_batch_cost",
    "keras2_ctc_decode",
    "keras2_hard_sigmoid",
    "keras2_input_shape",
    "keras2_leaky_relu",
    "keras2_metrics_results",
    "keras2_output_shape",
    "keras2_repeat",
    "keras2_switch",
    "keras2_reset_states",
    "keras2_thresholded_relu",
    "keras2_update_compiled_metrics",
    "l2_normalize",
    "normalize",
    "leaky_relu",
    "legacy_get_file",
    "make_sampling_table",
    "math_imag",
    "minimize",
    "npairs_loss",
    "one_hot",
    "ones_like",
    "per_image_standardization",
    "psnr",
    "random_brightness",
    "random_channel_shift",
    "random_rotation",
    "random_shear",
    "random_shift",
    "random_zoom",
    "scatter_nd_add",
    "scatter_nd_sub",
    "scatter_nd_update",
    "set_diag",
    "set_global_policy",
    "shape_entry_cast",
    "shape_maximum",
    "shape_minimum",
    "signal_fft",
    "signal_fft2d",
    "signal_ifft",
    "signal_ifft2d",
    "skipgrams",
    "split",
    "ssim",
    "tensorflow_function",
    "test_on_batch",
    "text_one_hot",
    "text_to_word_sequence",
    "to_categorical",
    "tokenizer_from_json",
    "tpu_cluster_resolver",
    "train_on_batch",
    "unsorted_segment_max",
    "unsorted_segment_mean",
    "unsorted_segment_min",
    "unsorted_segment_sqrt_n",
    "value_and_grad",
    "value_and_grads",
    "value_and_input_grad",
    "zeros_like",
]
