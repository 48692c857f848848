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
    "RUNTIME_SYMBOLS",
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
)

KEYWORD_RENAMES = (
    KeywordRename("layers.LeakyReLU", "alpha", "negative_slope"),
    # Keras 2 optimizers accepted `lr` as a deprecated alias; Keras 3 does not.
    *(
        KeywordRename(f"optimizers.{name}", "lr", "learning_rate")
        for name in (
            "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl",
        )
    ),
    KeywordRename("layers.Attention", "causal", "use_causal_mask"),
)

POSITIONAL_TO_KEYWORD = (
    # Keras 2 `add_weight(name, shape, ...)`; Keras 3 `add_weight(shape=None, ...)`.
    PositionalToKeyword("layers.Layer.add_weight", 0, "name", method=True),
    PositionalToKeyword("layers.Layer.add_weight", 1, "shape", method=True),
    PositionalToKeyword("layers.LeakyReLU", 0, "negative_slope"),
    # tfa.optimizers.AdamW(weight_decay, learning_rate, ...) -> keyword form.
    PositionalToKeyword("tensorflow_addons.optimizers.AdamW", 0, "weight_decay"),
    PositionalToKeyword("tensorflow_addons.optimizers.AdamW", 1, "learning_rate"),
)

REMOVED_KEYWORDS = (
    *(
        RemovedKeyword(
            f"layers.{rnn}", "time_major",
            "RNN `time_major` was removed in Keras 3",
            "drop time_major=True and transpose the input to batch-major: keras.ops.transpose(x, (1, 0, 2))",
            drop_if=("False",),
        )
        for rnn in ("RNN", "LSTM", "GRU", "SimpleRNN", "Bidirectional")
    ),
    *(
        RemovedKeyword(
            f"models.Model.{method}", "reset_metrics",
            f"`reset_metrics` was removed from Model.{method}()",
            "drop reset_metrics=...; call model.reset_metrics() yourself where reset_metrics=True was relied on",
            drop_if=("True", "False"),
            method=True,
        )
        for method in ("train_on_batch", "test_on_batch")
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
        "preprocessing.image.ImageDataGenerator",
        "ImageDataGenerator was removed in Keras 3",
        "load images with keras.utils.image_dataset_from_directory and augment with preprocessing layers "
        "(keras.layers.RandomFlip, RandomRotation, RandomZoom, ...)",
    ),
    RemovedSymbol(
        "preprocessing.text.Tokenizer",
        "keras.preprocessing.text.Tokenizer was removed in Keras 3",
        "use keras.layers.TextVectorization (adapt() on the corpus, then call it on strings)",
    ),
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
    MethodRename("fit_generator", "fit"),
    MethodRename("evaluate_generator", "evaluate"),
    MethodRename("predict_generator", "predict"),
)

ATTRIBUTE_RENAMES = (
    AttributeRename("lr", "learning_rate"),
)

# Layers Keras 3 removed that keras_migrate_runtime re-implements backend-agnostically.
RUNTIME_SYMBOLS = {
    "layers.LocallyConnected1D": "LocallyConnected1D",
    "layers.LocallyConnected2D": "LocallyConnected2D",
    "layers.experimental.RandomFourierFeatures": "RandomFourierFeatures",
    "constraints.RadialConstraint": "RadialConstraint",
}
