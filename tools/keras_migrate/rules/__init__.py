"""Migration rules, one per module. ALL_RULES is the order they run in on each node."""

from keras_migrate.rules.imports import Imports
from keras_migrate.rules.backend_functions import BackendFunctions
from keras_migrate.rules.call_signatures import CallSignatures
from keras_migrate.rules.lambda_output_shape import LambdaOutputShape
from keras_migrate.rules.loss_reduction import LossReduction
from keras_migrate.rules.regularizers import Regularizers
from keras_migrate.rules.method_renames import MethodRenames
from keras_migrate.rules.model_io_names import ModelIoNames
from keras_migrate.rules.optimizer_lr import OptimizerLr
from keras_migrate.rules.optimizer_weights import OptimizerWeights
from keras_migrate.rules.python_generators import PythonGenerators
from keras_migrate.rules.depthwise_kernel import DepthwiseKernel
from keras_migrate.rules.discretization_adapt import DiscretizationAdapt
from keras_migrate.rules.output_losses_on_tensorflow import OutputLossesOnTensorflow
from keras_migrate.rules.metric_result_aliasing import MetricResultAliasing
from keras_migrate.rules.l1_at_zero import L1AtZero
from keras_migrate.rules.layer_node_accessors import LayerNodeAccessors
from keras_migrate.rules.recompile_metrics import RecompileMetrics
from keras_migrate.rules.log_keys import LogKeys
from keras_migrate.rules.shape_api import ShapeApi
from keras_migrate.rules.reset_states import ResetStates
from keras_migrate.rules.weight_distribution_args import WeightDistributionArgs
from keras_migrate.rules.training_positional import TrainingPositional
from keras_migrate.rules.get_file_layout import GetFileLayout
from keras_migrate.rules.call_mask import CallMask
from keras_migrate.rules.input_shape import InputShape
from keras_migrate.rules.embedding_sparse_updates import EmbeddingSparseUpdates
from keras_migrate.rules.legacy_optimizer import LegacyOptimizer
from keras_migrate.rules.keras2_libraries import Keras2Libraries
from keras_migrate.rules.dict_targets import DictTargets
from keras_migrate.rules.feature_crosses import FeatureCrosses
from keras_migrate.rules.jit_compile import JitCompile
from keras_migrate.rules.saved_model import SavedModel
from keras_migrate.rules.tf_ops_on_keras_tensors import TfOpsOnKerasTensors
from keras_migrate.rules.variable_tracking import VariableTracking
from keras_migrate.rules.state_building import StateBuilding
from keras_migrate.rules.autograph import AutographControlFlow
from keras_migrate.rules.multi_output_evaluate import MultiOutputEvaluate
from keras_migrate.rules.metric_functions import MetricFunctions
from keras_migrate.rules.explicit_training import ExplicitTraining
from keras_migrate.rules.none_in_nested_args import NoneInNestedArgs
from keras_migrate.rules.nested_inputs import NestedInputs
from keras_migrate.rules.gradient_tape import GradientTapeLoops
from keras_migrate.rules.tf_ops import TfOps
from keras_migrate.rules.tf_values import TfValues
from keras_migrate.rules.dtypes import Dtypes
from keras_migrate.rules.thresholded_relu import ThresholdedRelu
from keras_migrate.rules.random_crop_inference import RandomCropInference
from keras_migrate.rules.positional_call_args import PositionalCallArgs
from keras_migrate.rules.literal_layer_inputs import LiteralLayerInputs
from keras_migrate.rules.broadcast_output_shape import BroadcastOutputShape
from keras_migrate.rules.padding_case import PaddingCase
from keras_migrate.rules.callback_monitor_mode import CallbackMonitorMode
from keras_migrate.rules.activation_values import ActivationValues
from keras_migrate.rules.symbolic_add_loss import SymbolicAddLoss
from keras_migrate.rules.removed_layer_attributes import RemovedLayerAttributes
from keras_migrate.rules.rnn_constants import RnnConstants
from keras_migrate.rules.numpy_method import NumpyMethod
from keras_migrate.rules.tf_random import TfRandom
from keras_migrate.rules.tf_variable import TfVariable
from keras_migrate.rules.train_step import TrainStep
from keras_migrate.rules.compiled_containers import CompiledContainers
from keras_migrate.rules.compile_time_trainable import CompileTimeTrainable
from keras_migrate.rules.metrics_names import MetricsNames
from keras_migrate.rules.batch_input_shape import BatchInputShape
from keras_migrate.rules.custom_object_names import CustomObjectNames
from keras_migrate.rules.stateful_rnn import StatefulRnn
from keras_migrate.rules.sequential_io import SequentialIo
from keras_migrate.rules.string_data import StringData
from keras_migrate.rules.checkpoint_period import CheckpointPeriod
from keras_migrate.rules.weight_names import WeightNames
from keras_migrate.rules.add_update import AddUpdate
from keras_migrate.rules.control_flow import ControlFlow
from keras_migrate.rules.tensorflow_only import TensorflowOnly
from keras_migrate.rules.tpu_detection import TpuDetection
from keras_migrate.rules.text_standardize import TextStandardize
from keras_migrate.rules.preprocessing_pipeline import PreprocessingPipeline
from keras_migrate.rules.build_constants import BuildConstants
from keras_migrate.rules.callback_forward import CallbackForward
from keras_migrate.rules.tfp_distributions import TfpDistributions
from keras_migrate.rules.numpy_attributes import NumpyAttributes
from keras_migrate.rules.augmented_assign import AugmentedAssign
from keras_migrate.rules.per_sample_add_loss import PerSampleAddLoss
from keras_migrate.rules.string_output_layers import StringOutputLayers
from keras_migrate.rules.swa_unwrap import SwaUnwrap
from keras_migrate.rules.symbolic_batch_size import SymbolicBatchSize
from keras_migrate.rules.symbolic_shape_calls import SymbolicShapeCalls
from keras_migrate.rules.trainable_assign_in_call import TrainableAssignInCall
from keras_migrate.rules.tf_function import TfFunction
from keras_migrate.rules.layer_size_args import LayerSizeArgs
from keras_migrate.rules.loss_function_calls import LossFunctionCalls
from keras_migrate.rules.sequence_batches import SequenceBatches
from keras_migrate.rules.model_training_flag import ModelTrainingFlag
from keras_migrate.rules.batch_norm_variance import BatchNormVariance
from keras_migrate.rules.nadam_schedule import NadamSchedule
from keras_migrate.rules.attention_masking import AttentionMasking
from keras_migrate.rules.loss_identifiers import LossIdentifiers
from keras_migrate.rules.mixed_precision_steps import MixedPrecisionSteps
from keras_migrate.rules.jax_lookup_layers import JaxLookupLayers
from keras_migrate.rules.jax_masked_metrics import JaxMaskedMetrics
from keras_migrate.rules.optimizer_minimize import OptimizerMinimize
from keras_migrate.rules.legacy_iterator_reads import LegacyIteratorReads
from keras_migrate.rules.layer_shape_attributes import LayerShapeAttributes

__all__ = ["ALL_RULES", "rule_by_id"]

ALL_RULES = (
    Imports,
    CallSignatures,
    MethodRenames,
    OptimizerLr,
    OptimizerWeights,
    PythonGenerators,
    DepthwiseKernel,
    DiscretizationAdapt,
    OutputLossesOnTensorflow,
    MetricResultAliasing,
    LayerNodeAccessors,
    RecompileMetrics,
    OptimizerMinimize,
    LegacyIteratorReads,
    LayerShapeAttributes,
    MetricsNames,
    SequentialIo,
    StringData,
    CheckpointPeriod,
    WeightNames,
    AddUpdate,
    LogKeys,
    ShapeApi,
    ResetStates,
    WeightDistributionArgs,
    LossReduction,
    Regularizers,
    L1AtZero,  # after KM161: takes the regularizers as it wrote them
    TrainingPositional,
    GetFileLayout,
    CallMask,
    InputShape,
    BatchInputShape,
    CustomObjectNames,
    SymbolicShapeCalls,
    SymbolicBatchSize,
    BuildConstants,
    EmbeddingSparseUpdates,
    LegacyOptimizer,
    Keras2Libraries,
    DictTargets,
    FeatureCrosses,
    LambdaOutputShape,
    BackendFunctions,
    ModelIoNames,
    JitCompile,
    SavedModel,
    TfOpsOnKerasTensors,
    VariableTracking,
    StateBuilding,
    AutographControlFlow,
    MultiOutputEvaluate,
    MetricFunctions,  # after KM145: wraps the per-output lists it makes
    NoneInNestedArgs,
    NestedInputs,
    GradientTapeLoops,
    TfOps,
    LayerSizeArgs,
    LossFunctionCalls,
    SequenceBatches,
    BatchNormVariance,
    NadamSchedule,
    AttentionMasking,
    LossIdentifiers,
    MixedPrecisionSteps,
    JaxMaskedMetrics,
    JaxLookupLayers,
    TfValues,
    Dtypes,
    ThresholdedRelu,
    RandomCropInference,
    PositionalCallArgs,
    LiteralLayerInputs,
    BroadcastOutputShape,
    PaddingCase,
    CallbackMonitorMode,
    ActivationValues,
    SymbolicAddLoss,
    PerSampleAddLoss,
    RemovedLayerAttributes,
    RnnConstants,
    NumpyMethod,
    TfRandom,
    TfVariable,
    TrainStep,
    # After TrainStep: rewrites the compile-container calls its conversions leave.
    CompiledContainers,
    # After TrainStep: judges the steps the class keeps.
    ModelTrainingFlag,
    ControlFlow,
    TpuDetection,
    TextStandardize,
    PreprocessingPipeline,
    CallbackForward,
    TfpDistributions,
    SwaUnwrap,
    TrainableAssignInCall,
    NumpyAttributes,
    AugmentedAssign,
    StringOutputLayers,
    StatefulRnn,
    TensorflowOnly,
    TfFunction,
    # Last: other rules rewrite compile()'s arguments by position, on the `X.compile(...)`
    # call this one turns into `keras2_compile(X, ...)`.
    CompileTimeTrainable,
    ExplicitTraining,  # last: wraps calls as the other rules left them
)


def rule_by_id(rule_id: str):
    for rule in ALL_RULES:
        if rule.id == rule_id or rule.name == rule_id:
            return rule
    raise KeyError(rule_id)
