"""Where Keras 2 names live in Keras 3 (part 1 of the guide and the everyday breaks).

All paths are Keras-relative: the same entry matches `tf.keras.X`, `tensorflow.keras.X`,
`tf.compat.v1.keras.X`, `tf_keras.X` and standalone Keras 2 `keras.X`.
tests/keras_migrate/spec checks that every target exists in the installed keras.
"""

from __future__ import annotations

from keras_migrate.spec._types import (
    AttributeRename,
    KeywordRename,
    MethodRename,
    ModuleRename,
    PositionalToKeyword,
    RemovedKeyword,
    RemovedSymbol,
    SymbolRename,
)

__all__ = [
    "MODULE_RENAMES",
    "SYMBOL_RENAMES",
    "KEYWORD_RENAMES",
    "POSITIONAL_TO_KEYWORD",
    "REMOVED_KEYWORDS",
    "REMOVED_SYMBOLS",
    "METHOD_RENAMES",
    "ATTRIBUTE_RENAMES",
    "KERAS2_DEFAULT_LEARNING_RATES",
    "RUNTIME_SYMBOLS",
    "DEFAULT_CHANGES",
    "REDUCTION_VALUES",
    "TRAINING_SECOND_POSITIONAL",
    "LAMBDA_UNTRACEABLE",
    "LAMBDA_OPAQUE",
    "LAMBDA_UNTRACEABLE_TF_MODE",
]

MODULE_RENAMES = (
    ModuleRename("layers.experimental.preprocessing", "layers"),
    ModuleRename("layers.experimental", "layers"),
    ModuleRename("optimizers.legacy", "optimizers"),
    ModuleRename("optimizers.experimental", "optimizers"),
    ModuleRename("mixed_precision.experimental", "mixed_precision"),
    ModuleRename("utils.np_utils", "utils"),
    ModuleRename("utils.vis_utils", "utils"),
    ModuleRename("utils.data_utils", "utils"),
    ModuleRename("utils.generic_utils", "utils"),
    ModuleRename("utils.image_dataset", "utils"),
    ModuleRename("preprocessing.image", "utils"),
    ModuleRename("preprocessing.sequence", "utils"),
)

SYMBOL_RENAMES = (
    SymbolRename("layers.CuDNNLSTM", "layers.LSTM"),
    SymbolRename("layers.CuDNNGRU", "layers.GRU"),
    SymbolRename("preprocessing.image_dataset_from_directory", "utils.image_dataset_from_directory"),
    SymbolRename("preprocessing.text_dataset_from_directory", "utils.text_dataset_from_directory"),
    SymbolRename("preprocessing.timeseries_dataset_from_array", "utils.timeseries_dataset_from_array"),
    SymbolRename("utils.generic_utils.get_custom_objects", "saving.get_custom_objects"),
    SymbolRename("utils.generic_utils.register_keras_serializable", "saving.register_keras_serializable"),
    SymbolRename("utils.register_keras_serializable", "saving.register_keras_serializable"),
    SymbolRename("utils.generic_utils.serialize_keras_object", "saving.serialize_keras_object"),
    SymbolRename("utils.generic_utils.deserialize_keras_object", "saving.deserialize_keras_object"),
    # tf.keras aliases of classes and functions Keras 3 keeps elsewhere (the module
    # renames would lead to names that do not exist).
    SymbolRename("experimental.CosineDecay", "optimizers.schedules.CosineDecay"),
    SymbolRename("experimental.CosineDecayRestarts", "optimizers.schedules.CosineDecayRestarts"),
    SymbolRename("callbacks.experimental.BackupAndRestore", "callbacks.BackupAndRestore"),
    SymbolRename("preprocessing.image.smart_resize", "preprocessing.image.smart_resize"),
    SymbolRename("models.load_model", "saving.load_model"),
    SymbolRename("models.save_model", "saving.save_model"),
    SymbolRename("backend.random_normal", "random.normal"),
    SymbolRename("backend.random_uniform", "random.uniform"),
    # tensorflow_addons pieces that Keras 3 has.
    SymbolRename("tensorflow_addons.optimizers.AdamW", "optimizers.AdamW", keras=False),
    SymbolRename("tensorflow_addons.layers.GroupNormalization", "layers.GroupNormalization", keras=False),
    SymbolRename("tensorflow_addons.activations.gelu", "activations.gelu", keras=False),
    SymbolRename("tensorflow_addons.activations.mish", "activations.mish", keras=False),
    SymbolRename("tensorflow_addons.layers.GELU", "layers.Activation", keras=False),
    # TF Addons' InstanceNormalization is its GroupNormalization with groups=-1 (set in
    # its __init__); Keras 3's GroupNormalization(groups=-1) is instance normalization,
    # with the same epsilon (1e-3), weights and moments (DEFAULT_CHANGES adds groups=-1).
    SymbolRename("tensorflow_addons.layers.InstanceNormalization", "layers.GroupNormalization", keras=False),
) + tuple(
    # Keras 2's short names of loss / metric functions; Keras 3 keeps only the long ones
    # (and the strings: compile(loss="mse") still works).
    SymbolRename(f"{module}.{alias}", f"{module}.{name}")
    for module in ("losses", "metrics")
    for name, aliases in (("mean_squared_error", ("mse", "MSE")), ("mean_absolute_error", ("mae", "MAE")),
                          ("mean_absolute_percentage_error", ("mape", "MAPE")),
                          ("mean_squared_logarithmic_error", ("msle", "MSLE")),
                          ("kl_divergence", ("kld", "KLD", "kullback_leibler_divergence")),
                          ("log_cosh", ("logcosh",)))
    for alias in aliases
)

# Loss identifier strings Keras 2 resolved and Keras 3 does not (same function).
# tf_keras 2.21's Model.compile() parameters in order (positions of positional arguments;
# tests/keras_migrate/spec/test_compile_parameters.py pins them to tf_keras), and the
# keywords its **kwargs accepted.
KERAS2_COMPILE_PARAMETERS = ("optimizer", "loss", "metrics", "loss_weights", "weighted_metrics", "run_eagerly",
                             "steps_per_execution", "jit_compile", "pss_evaluation_shards")
KERAS2_COMPILE_KEYWORDS = frozenset(KERAS2_COMPILE_PARAMETERS) | {"sample_weight_mode", "target_tensors",
                                                                   "distribute"}

LOSS_STRING_RENAMES = {"logcosh": "log_cosh", "kullback_leibler_divergence": "kl_divergence", "huber_loss": "huber"}

KEYWORD_RENAMES = (
    KeywordRename("layers.LeakyReLU", "alpha", "negative_slope"),
    # relu(x, alpha, max_value, threshold): same positions and numbers (checked on all backends).
    KeywordRename("activations.relu", "alpha", "negative_slope"),
    # Keras 2 read ReduceLROnPlateau(epsilon=...) as min_delta; Keras 3 takes **kwargs and
    # ignores it silently (min_delta stays 1e-4: the learning rate drops at other epochs).
    KeywordRename("callbacks.ReduceLROnPlateau", "epsilon", "min_delta"),
    # Keras 2 optimizers accepted `lr` as a deprecated alias; Keras 3 does not.
    *(
        KeywordRename(f"optimizers.{name}", "lr", "learning_rate")
        for name in (
            "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl",
            "Lion", "Adafactor",
        )
    ),
)

# tf_keras 2.11+ optimizers (keras.optimizers.X, .experimental.X) drop `lr=` with a
# logged warning and train with their default learning rate; the legacy ones
# (keras.optimizers.legacy.X) honour it. Defaults of the new ones, from tf_keras 2.21:
KERAS2_DEFAULT_LEARNING_RATES = {
    "Adadelta": "0.001", "Adafactor": "0.001", "Adagrad": "0.001", "Adam": "0.001", "AdamW": "0.001",
    "Adamax": "0.001", "Ftrl": "0.001", "Lion": "0.0001", "Nadam": "0.001", "RMSprop": "0.001", "SGD": "0.01",
}

POSITIONAL_TO_KEYWORD = (
    # Keras 2 `add_weight(name, shape, dtype, initializer, regularizer, trainable,
    # constraint)`; Keras 3 `add_weight(shape, initializer, dtype, *, ...)`: every
    # positional argument becomes a keyword.
    *(
        PositionalToKeyword("layers.Layer.add_weight", i, kw, method=True)
        for i, kw in enumerate(
            ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")
        )
    ),
    # Keras 2 `Metric.add_weight(name, shape=(), aggregation, synchronization, ...)`;
    # Keras 3 `Metric.add_weight(shape=(), initializer=None, dtype=None, name=None)` has
    # neither aggregation nor synchronization: more positional arguments are diagnosed.
    PositionalToKeyword("metrics.Metric.add_weight", 0, "name", method=True),
    PositionalToKeyword("metrics.Metric.add_weight", 1, "shape", method=True),
    PositionalToKeyword("layers.LeakyReLU", 0, "negative_slope"),
    # tfa.optimizers.AdamW(weight_decay, learning_rate, beta_1, beta_2, epsilon, amsgrad)
    # -> keyword form (Keras 3 puts learning_rate first).
    *(
        PositionalToKeyword("tensorflow_addons.optimizers.AdamW", i, kw, keras3="optimizers.AdamW")
        for i, kw in enumerate(("weight_decay", "learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad"))
    ),
)

# Keyword arguments added because a default changed between the libraries (or Keras 3
# has none): (qualified or Keras 3-relative callable, keyword, source text of the old
# default, the argument's position: a call with more positional arguments sets it).
DEFAULT_CHANGES = (
    # tfa.activations.gelu(x, approximate=True); keras.activations.gelu(x, approximate=False).
    ("tensorflow_addons.activations.gelu", "approximate", "True", 1),
    ("tensorflow_addons.layers.InstanceNormalization", "groups", "-1", 0),
    # Keras 3's average pooling layers require pool_size (TypeError); Keras 2 pooled by 2.
    *((f"layers.{name}{rank}D", "pool_size", default, 0)
      for name in ("AveragePooling", "AvgPool")
      for rank, default in ((1, "2"), (2, "(2, 2)"), (3, "(2, 2, 2)"))),
)

_DATA_PIPELINE = ("max_queue_size", "workers", "use_multiprocessing")

REMOVED_KEYWORDS = (
    *(
        RemovedKeyword(
            f"layers.{rnn}", "time_major",
            "RNN `time_major` was removed in Keras 3",
            # time_major on RNN/LSTM/GRU/SimpleRNN becomes keras_migrate_runtime's class of
            # the same name in call_signatures; other cases (Bidirectional) land here
            "use keras_migrate_runtime's LSTM/GRU/SimpleRNN/RNN, which keep time_major, "
            "or transpose the input to batch-major: keras.ops.swapaxes(x, 0, 1)",
            drop_if=("False",),
        )
        for rnn in ("RNN", "LSTM", "GRU", "SimpleRNN", "Bidirectional")
    ),
    *(
        RemovedKeyword(
            f"models.Model.{method}", "reset_metrics",
            # Keras 3 resets the metrics at the start of every call: the Keras 2 default
            # (True: per-batch results) is what it does; accumulating (False) is gone.
            # call_signatures routes files that accumulate through
            # keras_migrate_runtime.train_on_batch/test_on_batch (Keras 2 semantics).
            f"`reset_metrics` was removed from Model.{method}(); Keras 3 always resets the metrics "
            "first, so results are per batch and no longer accumulate across calls",
            "call keras_migrate_runtime.train_on_batch(model, ..., reset_metrics=False) "
            "(Keras 2 semantics), or accumulate the per-batch results yourself",
            drop_if=("True",),
            method=True,
        )
        for method in ("train_on_batch", "test_on_batch")
    ),
    # Keras 3 moved the data-pipeline knobs to keras.utils.PyDataset(workers=...,
    # use_multiprocessing=..., max_queue_size=...): they never changed results.
    *(
        RemovedKeyword(
            f"models.Model.{method}", keyword,
            f"`{keyword}` was removed from Model.{method}() in Keras 3 (dropped)",
            f"set {keyword}=... on your keras.utils.PyDataset subclass (super().__init__({keyword}=...)) "
            "if you relied on parallel loading",
            method=True,
            always_drop=True,
        )
        for method in ("fit", "evaluate", "predict")  # *_generator: see METHOD_RENAMES
        for keyword in _DATA_PIPELINE
    ),
    # Keras 3 reads per-timestep weights off the sample_weight's shape: the same numbers
    # as Keras 2's "temporal" (checked on an LSTM + TimeDistributed model with zero and
    # doubled weights: loss, metrics and weighted metrics alike on every backend).
    RemovedKeyword(
        "models.Model.compile", "sample_weight_mode",
        "`sample_weight_mode` was removed from Model.compile() in Keras 3 (dropped): Keras 3 takes "
        "per-timestep weights from the shape of `sample_weight` ((batch, steps) weights as \"temporal\" did)",
        "pass sample_weight with one weight per sample, or per sample and time step",
        method=True,
        always_drop=True,
    ),
    # Other values of causal= make the layer keras_migrate_runtime's class of the same
    # name in call_signatures (Keras 2's causal kept); a literal False is dropped here.
    *(
        RemovedKeyword(
            f"layers.{layer}", "causal",
            f"{layer}(causal=...) was removed in Keras 3",
            "drop causal=... and pass use_causal_mask=True when calling the layer: attention([q, v], "
            "use_causal_mask=True)",
            drop_if=("False",),
        )
        for layer in ("Attention", "AdditiveAttention")
    ),
    RemovedKeyword(
        "layers.BatchNormalization", "fused",
        "BatchNormalization(fused=...) was removed in Keras 3",
        "drop fused=...; the backend picks the fused kernel itself",
        drop_if=("True", "False", "None"),
    ),
    RemovedKeyword(
        "layers.Layer.__init__", "dynamic",
        "Layer(dynamic=...) was removed in Keras 3",
        "drop dynamic=...; eager-only layers should set `self.jit_compile = False` on the model instead",
        drop_if=("False",),
    ),
)

REMOVED_SYMBOLS = (
    RemovedSymbol(
        "layers.experimental.SyncBatchNormalization",
        "SyncBatchNormalization was removed in Keras 3",
        "use keras.layers.BatchNormalization(synchronized=True)",
    ),
    RemovedSymbol(
        "layers.DenseFeatures",
        "DenseFeatures (feature columns) was removed in Keras 3",
        "preprocess with keras.utils.FeatureSpace or preprocessing layers in the tf.data pipeline",
    ),
    RemovedSymbol(
        "wrappers.scikit_learn.KerasClassifier",
        "keras.wrappers.scikit_learn was removed in Keras 3",
        "use keras.wrappers.SKLearnClassifier (model built by a function returning a compiled model)",
    ),
    RemovedSymbol(
        "wrappers.scikit_learn.KerasRegressor",
        "keras.wrappers.scikit_learn was removed in Keras 3",
        "use keras.wrappers.SKLearnRegressor (model built by a function returning a compiled model)",
    ),
)

METHOD_RENAMES = (
    MethodRename(
        "fit_generator", "fit",
        params=("generator", "steps_per_epoch", "epochs", "verbose", "callbacks", "validation_data",
                "validation_steps", "validation_freq", "class_weight", *_DATA_PIPELINE, "shuffle",
                "initial_epoch"),
        renames=(("generator", "x"),),
    ),
    # evaluate_generator/predict_generator were silent by default (verbose=0).
    MethodRename(
        "evaluate_generator", "evaluate",
        params=("generator", "steps", "callbacks", *_DATA_PIPELINE, "verbose"),
        renames=(("generator", "x"),),
        defaults=(("verbose", "0"),),
    ),
    MethodRename(
        "predict_generator", "predict",
        params=("generator", "steps", "callbacks", *_DATA_PIPELINE, "verbose"),
        renames=(("generator", "x"),),
        defaults=(("verbose", "0"),),
    ),
)

ATTRIBUTE_RENAMES = (
    AttributeRename("lr", "learning_rate", owner="optimizers.Optimizer"),
)

# Layers Keras 3 removed (Keras-relative paths) and TF Addons pieces (fully qualified)
# that keras_migrate_runtime re-implements backend-agnostically.
RUNTIME_SYMBOLS = {
    "layers.LocallyConnected1D": "LocallyConnected1D",
    "layers.LocallyConnected2D": "LocallyConnected2D",
    "layers.experimental.RandomFourierFeatures": "RandomFourierFeatures",
    "constraints.RadialConstraint": "RadialConstraint",
    "constraints.radial_constraint": "RadialConstraint",  # Keras 2's lowercase alias of the class
    # Gone from Keras 3's API (keras.utils has neither): Keras 2's own code.
    "preprocessing.sequence.skipgrams": "skipgrams",
    "preprocessing.sequence.make_sampling_table": "make_sampling_table",
    # Gone from Keras 3's API, still in Keras 3 (keras.src.legacy, what tf.keras maps them
    # to under TensorFlow 2.16+): runtime re-exports, iterators read as Keras 2 read them.
    **{f"preprocessing.image.{name}": name for name in (
        "ImageDataGenerator", "Iterator", "NumpyArrayIterator", "DirectoryIterator", "DataFrameIterator",
        "apply_affine_transform", "apply_brightness_shift", "apply_channel_shift", "random_brightness",
        "random_channel_shift", "random_rotation", "random_shear", "random_shift", "random_zoom")},
    **{f"preprocessing.text.{name}": name for name in (
        "Tokenizer", "hashing_trick", "text_to_word_sequence", "tokenizer_from_json")},
    "preprocessing.text.one_hot": "text_one_hot",  # the runtime's one_hot is the tensor op
    "preprocessing.sequence.TimeseriesGenerator": "TimeseriesGenerator",
    # Keras 3's has no dtype= and returns float64 for NumPy input (Keras 2: float32).
    "utils.to_categorical": "to_categorical",
    "utils.np_utils.to_categorical": "to_categorical",
    # Keras 3's reads `axis = axis or -1`: axis=0 normalises along the last axis.
    "utils.normalize": "normalize",
    "utils.np_utils.normalize": "normalize",
    # Keras 3.15's maps over range(batch size) when the time dimension is unknown (TF).
    "layers.TimeDistributed": "TimeDistributed",
    "layers.wrappers.TimeDistributed": "TimeDistributed",
    # TF Addons functions (fully qualified: not Keras paths) with a keras.ops version.
    "tensorflow_addons.losses.npairs_loss": "npairs_loss",
}

# keras.losses.Reduction (ReductionV2) members -> Keras 3 reduction strings. AUTO meant
# SUM_OVER_BATCH_SIZE outside custom distribution-strategy loops.
REDUCTION_VALUES = {
    "NONE": "none",
    "SUM": "sum",
    "SUM_OVER_BATCH_SIZE": "sum_over_batch_size",
    "AUTO": "sum_over_batch_size",
}

# keras.layers classes whose call() is `call(inputs, training=...)` in Keras 2 and 3:
# a second positional argument is `training` (Keras 3 requires it by keyword).
TRAINING_SECOND_POSITIONAL = frozenset({
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
    "GaussianDropout", "AlphaDropout", "BatchNormalization", "RandomFlip", "RandomRotation",
    "RandomZoom", "RandomTranslation", "RandomContrast", "RandomCrop", "RandomHeight",
    "RandomWidth", "RandomBrightness",
})

# Keras 3 infers a Lambda's output shape by tracing its function on placeholders of the
# layer's compute dtype (float32), whatever the input dtype: these ops, applied to the
# function's (int/string/bool) input, fail there (checked with keras 3.15.1; Keras 2
# traced with the real dtype). Fully qualified names; a trailing "." is a prefix.
LAMBDA_UNTRACEABLE = (
    "tensorflow.gather", "tensorflow.gather_nd", "tensorflow.nn.embedding_lookup",
    "tensorflow.strings.", "tensorflow.bitwise.", "tensorflow.math.bincount", "tensorflow.lookup.",
    # K.gather becomes keras.ops.take, which fails on float indices too.
    "tensorflow.keras.backend.gather", "keras.backend.gather", "tf_keras.backend.gather",
)
# Also untraceable, but agnostic mode rewrites them to keras.ops forms that cast
# (keras.ops.one_hot, keras.ops.logical_*), which trace fine.
LAMBDA_UNTRACEABLE_TF_MODE = (
    "tensorflow.one_hot", "tensorflow.logical_not", "tensorflow.logical_and", "tensorflow.logical_or",
    "tensorflow.math.logical_not", "tensorflow.math.logical_and", "tensorflow.math.logical_or",
)
# Untraceable whatever the input: the output shape is unknown to the tracer.
LAMBDA_OPAQUE = ("tensorflow.py_function", "tensorflow.numpy_function")
