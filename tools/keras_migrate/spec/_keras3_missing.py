"""tf_keras public names that Keras 3 does not have where the renames lead (nor
anywhere the migrator knows of): a use is reported and left as it is, never rewritten to
a name that does not exist (which failed only when the migrated code ran). Generated from
tf_keras 2.21's and keras 3.15.1's public APIs, without the names other tables or rules
handle (backend functions, removed symbols with their own fix, runtime replacements,
renames); tests/keras_migrate/spec/test_keras3_missing.py checks it against the installed
packages."""

__all__ = ["KERAS3_MISSING", "KERAS3_MISSING_APPLICATIONS"]

# Keras-relative paths (as keras_path() gives them).
KERAS3_MISSING = frozenset({
    "callbacks.BaseLogger", "callbacks.SidecarEvaluatorModelExport",
    "callbacks.experimental.UpdateEmbeddingCallback", "dtensor.experimental.LayoutMap",
    "dtensor.experimental.optimizers.Adadelta", "dtensor.experimental.optimizers.Adagrad",
    "dtensor.experimental.optimizers.Adam", "dtensor.experimental.optimizers.AdamW",
    "dtensor.experimental.optimizers.RMSprop", "dtensor.experimental.optimizers.SGD",
    "estimator.model_to_estimator", "experimental.LinearModel", "experimental.SequenceFeatures",
    "experimental.SidecarEvaluator", "experimental.WideDeepModel", "layers.AbstractRNNCell",
    "layers.RandomHeight", "layers.RandomWidth", "layers.experimental.DynamicEmbedding",
    "layers.experimental.DynamicLookup", "layers.experimental.preprocessing.RandomHeight",
    "layers.experimental.preprocessing.RandomWidth", "metrics.MeanRelativeError", "metrics.MeanTensor",
    "metrics.experimental.PyMetric", "models.experimental.SharpnessAwareMinimization",
    "models.model_from_config", "models.model_from_yaml", "protobuf.saved_metadata_pb2.DESCRIPTOR",
    "protobuf.saved_metadata_pb2.SavedMetadata", "protobuf.saved_metadata_pb2.SavedObject",
    "protobuf.versions_pb2.DESCRIPTOR", "protobuf.versions_pb2.VersionDef", "utils.GeneratorEnqueuer",
    "utils.OrderedEnqueuer", "utils.SequenceEnqueuer", "utils.SidecarEvaluator",
    "utils.StepsPerExecutionTuner", "utils.TimedThread", "utils.experimental.DatasetCreator",
    "utils.to_ordinal", "utils.warmstart_embedding_matrix",
})

# Applications Keras 3 does not ship (their weights and code live in keras_hub or tf_keras).
KERAS3_MISSING_APPLICATIONS = frozenset({
    "applications.RegNetX002", "applications.RegNetX004", "applications.RegNetX006", "applications.RegNetX008",
    "applications.RegNetX016", "applications.RegNetX032", "applications.RegNetX040", "applications.RegNetX064",
    "applications.RegNetX080", "applications.RegNetX120", "applications.RegNetX160", "applications.RegNetX320",
    "applications.RegNetY002", "applications.RegNetY004", "applications.RegNetY006", "applications.RegNetY008",
    "applications.RegNetY016", "applications.RegNetY032", "applications.RegNetY040", "applications.RegNetY064",
    "applications.RegNetY080", "applications.RegNetY120", "applications.RegNetY160", "applications.RegNetY320",
    "applications.ResNetRS101", "applications.ResNetRS152", "applications.ResNetRS200",
    "applications.ResNetRS270", "applications.ResNetRS350", "applications.ResNetRS420",
    "applications.ResNetRS50", "applications.regnet.RegNetX002", "applications.regnet.RegNetX004",
    "applications.regnet.RegNetX006", "applications.regnet.RegNetX008", "applications.regnet.RegNetX016",
    "applications.regnet.RegNetX032", "applications.regnet.RegNetX040", "applications.regnet.RegNetX064",
    "applications.regnet.RegNetX080", "applications.regnet.RegNetX120", "applications.regnet.RegNetX160",
    "applications.regnet.RegNetX320", "applications.regnet.RegNetY002", "applications.regnet.RegNetY004",
    "applications.regnet.RegNetY006", "applications.regnet.RegNetY008", "applications.regnet.RegNetY016",
    "applications.regnet.RegNetY032", "applications.regnet.RegNetY040", "applications.regnet.RegNetY064",
    "applications.regnet.RegNetY080", "applications.regnet.RegNetY120", "applications.regnet.RegNetY160",
    "applications.regnet.RegNetY320", "applications.regnet.decode_predictions",
    "applications.regnet.preprocess_input", "applications.resnet_rs.ResNetRS101",
    "applications.resnet_rs.ResNetRS152", "applications.resnet_rs.ResNetRS200",
    "applications.resnet_rs.ResNetRS270", "applications.resnet_rs.ResNetRS350",
    "applications.resnet_rs.ResNetRS420", "applications.resnet_rs.ResNetRS50",
    "applications.resnet_rs.decode_predictions", "applications.resnet_rs.preprocess_input",
})
