"""KM207 tensorflow_only: code that cannot become backend-agnostic is reported per reason."""

from __future__ import annotations

import ast
import functools
from typing import Dict, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, ast_children
from keras_migrate.rules._facts import FileFacts, per_file
from keras_migrate.rules._host import host_kept_calls
from keras_migrate.rules import _scan
from keras_migrate.rules._scan import all_nodes, file_ast, names as ast_names
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import (
    DATA_CALLS, STRING_LAYERS, TPU_DETECTION, data_context, rule_rewrites, string_layer_names,
    tpu_detection_guards)
from keras_migrate.rules._util import keyword_arg_value
from keras_migrate.rules.text_standardize import STANDARDIZE_RUNTIME, custom_standardize
from keras_migrate.rules.tfp_distributions import (
    DISTRIBUTIONS_MODULE, TFP_DISTRIBUTIONS, TFP_LAMBDA_NAMES, distribution_lambdas_rewritten, tfp_fully_rewritten)
from keras_migrate.spec import keras_path
from keras_migrate.spec._tf_ops import TENSORFLOW_ONLY_APIS, TF_OPS_BY_NAME
from keras_migrate.spec._types import TensorflowOnlyApi

__all__ = ["TensorflowOnly"]

# Python-level file I/O: runs on the host with every backend (TensorFlow installed).
_HOST_IO = ("tensorflow.io.gfile",)
# The default strategy: its scope() is a no-op for Keras 3 on JAX and PyTorch.
_DEFAULT_STRATEGY = frozenset({"tensorflow.distribute.get_strategy", "tensorflow.distribute.has_strategy",
                               "tensorflow.distribute.in_cross_replica_context"})
# What a TPU-detection try body may call after its resolver (never run off TensorFlow, KM210).
_TPU_SETUP = ("tensorflow.distribute", "tensorflow.tpu", "tensorflow.config.experimental_connect_to_cluster")


@functools.lru_cache(maxsize=4096)  # a pure function of the name, asked for every tf.* reference
def _match(qualified: str) -> Optional[TensorflowOnlyApi]:
    if qualified.startswith(_HOST_IO) or qualified in _DEFAULT_STRATEGY:
        return None
    for entry in TENSORFLOW_ONLY_APIS:
        for prefix in entry.prefixes:
            if qualified == prefix or qualified.startswith(prefix if prefix.endswith("_") else prefix + "."):
                return entry
    return None


_INPUTS = frozenset({"Input", "layers.Input", "layers.InputLayer", "engine.input_layer.Input"})
_SEQUENTIAL = frozenset({"Sequential", "models.Sequential"})
_RAGGED_INPUT = TensorflowOnlyApi(
    (), "ragged model inputs (Input(ragged=True)): Keras 3 accepts them only on TensorFlow, where its "
        "recurrent and most other layers still reject ragged tensors ('Cannot index into an inner ragged "
        "dimension' in GRU/LSTM)",
    "pad the sequences (keras.utils.pad_sequences, or ragged.to_tensor() in tf.data), drop ragged=True and "
    "mask the padding with Embedding(mask_zero=True) or a Masking layer")
_STRING_INPUT = TensorflowOnlyApi(
    (), "string inputs to a Keras model (Input(dtype='string')): only TensorFlow has string tensors",
    "apply TextVectorization / StringLookup in the tf.data pipeline (Dataset.map) and feed the model "
    "the integer ids, or keep this model on TensorFlow")

_STANDARDIZE = TensorflowOnlyApi(
    (), "TextVectorization(standardize=<function>): on JAX and PyTorch Keras 3 calls the function on NumPy "
        "string arrays, so the layer fails inside a tf.data pipeline",
    "standardize in the pipeline before the layer (ds.map(lambda x, y: (standardize(x), y)), adapt() on the "
    "standardized data) and build TextVectorization(standardize=None); or keep this code on TensorFlow")


class TensorflowOnly(Rule):
    id = "KM207"
    NODE_KEYED = ('_seen_chain', '_builders', '_eager')
    name = "tensorflow_only"
    description = "Report code that only runs on the TensorFlow backend (tf.strings, tf.lookup, ragged, TF Hub, SavedModel, tf.distribute, ...) as tensorflow-only with its reason."
    part = Part.AGNOSTIC
    TRIGGERS = ("tensorflow", "string", "TextVectorization", "StringLookup", "ragged")
    regions = (DATA_CALLS, TPU_DETECTION)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Tokenize(keras.layers.Layer):
                def call(self, text):
                    return tf.strings.split(tf.strings.lower(text))
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        # The same ops in a tf.data pipeline run on TensorFlow with every backend.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def clean(text):
                return tf.strings.lower(text)

            ds = tf.data.TextLineDataset("a.txt").map(clean)
            """,
        ),
        # A plain function building a tf.data.Dataset runs eagerly on the host (keras.io's
        # multi-label classification binarizes ragged label lists there).
        Example(
            before="""
            import tensorflow as tf
            import keras

            lookup = keras.layers.StringLookup(output_mode="multi_hot")

            def make_dataset(texts, terms):
                labels = tf.ragged.constant(terms)
                return tf.data.Dataset.from_tensor_slices((texts, lookup(labels))).batch(8)
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            def make_labels(terms):
                return tf.ragged.constant(terms).to_tensor()
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        # A Sequential whose first layer takes strings is a model fed strings.
        Example(
            before="""
            import keras

            vectorizer = keras.layers.TextVectorization(100, output_mode="tf_idf")
            classifier = keras.Sequential([keras.layers.Dense(1)])
            inference = keras.Sequential([vectorizer, classifier])
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        Example(
            before="""
            import keras

            model = keras.Sequential([keras.layers.StringLookup(vocabulary=["a", "b"]), keras.layers.Dense(1)])
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        # Integer ids in, strings out: the model's inputs are numbers.
        Example(
            before="""
            import keras

            to_words = keras.layers.StringLookup(vocabulary=["a", "b"], invert=True)
            ids = keras.Sequential([keras.layers.Embedding(3, 2), keras.layers.Dense(1)])
            """,
        ),
        # Predictions decoded to text on the host (`.numpy()` on the result): eager
        # TensorFlow beside any backend (keras.io's CTC speech and OCR examples).
        Example(
            before="""
            import tensorflow as tf
            import keras

            num_to_char = keras.layers.StringLookup(vocabulary=list("abc"), oov_token="", invert=True)

            def decode_batch_predictions(pred):
                return [tf.strings.reduce_join(num_to_char(r)).numpy().decode("utf-8") for r in pred]

            class Transcripts(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    for label in self.labels:
                        print(tf.strings.reduce_join(num_to_char(label)).numpy().decode("utf-8"))
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            def decode_batch_predictions(pred):
                return tf.strings.reduce_join(num_to_char(pred), axis=-1)
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        # A model with no call() whose layers are made when its train_step first calls them
        # (keras.io's forwardforward, a contrastive model's projection head) is not
        # TensorFlow-only: the runtime's BackendAgnosticSteps builds it in its first train
        # step, as Keras 2 did.
        Example(
            before="""
            import keras

            class FFNetwork(keras.Model):
                def __init__(self, dims, **kwargs):
                    super().__init__(**kwargs)
                    self.layer_list = [keras.layers.Dense(d) for d in dims]

                def train_step(self, data):
                    x, y = data
                    for layer in self.layer_list:
                        x = layer.forward_forward(x)
                    return {}

            model = FFNetwork(dims=[784, 500, 500])
            """,
        ),
        # Sub-models that come built (functional, a Sequential from an Input) and the file's
        # own layers without build() (their __init__ makes their state; keras.io's GAN-ADA
        # augmenter): the runtime's BackendAgnosticSteps marks the model built.
        Example(
            before="""
            import keras

            class Augmenter(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.probability = keras.Variable(0.0)
                    self.augmenter = keras.Sequential([keras.layers.InputLayer(input_shape=(8, 8, 3)),
                                                       keras.layers.RandomFlip("horizontal")])

                def call(self, images, training):
                    return self.augmenter(images, training=training)

            class GAN(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.augmenter = Augmenter()
                    self.generator = get_generator()

                def train_step(self, real_images):
                    return {"n": keras.ops.mean(self.augmenter(real_images, training=True))}

            model = GAN()
            """,
        ),
        # TPU detection with a default-strategy fallback (KM210 rewrites the resolver):
        # the try body never runs off TensorFlow.
        Example(
            before="""
            import tensorflow as tf
            import keras

            try:
                tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
                strategy = tf.distribute.TPUStrategy(tpu)
            except ValueError:
                strategy = tf.distribute.get_strategy()
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            try:
                tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
                strategy = tf.distribute.TPUStrategy(tpu)
            except ValueError:
                strategy = tf.distribute.MirroredStrategy()
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
            strategy = tf.distribute.TPUStrategy(tpu)
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        # TextVectorization's split function is preprocessing (TensorFlow strings on
        # every backend); a standardize function is KM211's (TensorFlow strings again).
        Example(
            before="""
            import tensorflow as tf
            import keras

            def split(text):
                return tf.strings.split(tf.strings.lower(text), "/")

            vectorizer = keras.layers.TextVectorization(100, split=split, standardize="lower")
            ds = tf.data.Dataset.from_tensor_slices(["a/b"]).map(vectorizer)
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            def standardize(text):
                return tf.strings.regex_replace(tf.strings.lower(text), "<br />", " ")

            vectorizer = keras.layers.TextVectorization(100, standardize=standardize)
            ds = tf.data.Dataset.from_tensor_slices(["a b"]).map(vectorizer)
            """,
        ),
        Example(
            before="""
            import keras

            vectorizer = keras.layers.TextVectorization(100)
            text = keras.Input(shape=(1,), dtype="string")
            model = keras.Model(text, keras.layers.Embedding(100, 8)(vectorizer(text)))
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
        # Ragged inputs: TensorFlow only, and said with the padded alternative.
        Example(
            before="""
            import keras

            model = keras.Sequential([
                keras.layers.InputLayer(input_shape=[None], dtype="int32", ragged=True),
                keras.layers.Embedding(input_dim=7, output_dim=2),
                keras.layers.GRU(3),
            ])
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        self._seen_chain: Set[int] = set()
        self._reported: Set[str] = set()
        self._builders: Dict[int, bool] = {}
        # funcs of calls whose result is taken .numpy(): eager host code (decoding
        # predictions to text), which runs on TensorFlow beside any backend
        self._eager: Set[int] = set()
        self._handlers = 0  # except clauses open (a TPU-detection fallback is not guarded)
        self._in_import = False

    def visit_Call(self, node: cst.Call) -> None:
        """keras.Input(dtype="string"): a model fed strings runs only on TensorFlow (JAX and
        PyTorch have no string tensors), however its string layers are migrated."""
        path = self.ctx.keras_path(node.func) or ""
        if path.rsplit(".", 1)[-1] == "TextVectorization":
            self._standardize_callable(node)
            return
        if path in _SEQUENTIAL:
            self._string_sequential(node)
            return
        if path not in _INPUTS:
            return
        self._ragged_input(node)
        dtype = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "dtype"), None)
        if dtype is None or _STRING_INPUT.reason in self._reported:
            return
        if not (isinstance(dtype, cst.SimpleString) and dtype.evaluated_value == "string") and (
                self.ctx.qualified_name(dtype) != "tensorflow.string"):
            return
        self._reported.add(_STRING_INPUT.reason)
        self.ctx.keep_on_tensorflow(self.id, node, _STRING_INPUT.reason)
        self.report(node, f"kept on TensorFlow: {_STRING_INPUT.reason}", _STRING_INPUT.fix, Severity.WARNING)

    def _ragged_input(self, node: cst.Call) -> None:
        """keras.Input / InputLayer(ragged=True): Keras 3 has ragged inputs only on
        TensorFlow, and its recurrent layers do not take them there either."""
        ragged = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "ragged"), None)
        if ragged is None or (isinstance(ragged, cst.Name) and ragged.value in ("False", "None")):
            return
        self.ctx.keep_on_tensorflow(self.id, node, _RAGGED_INPUT.reason)
        self.report(node, f"kept on TensorFlow: {_RAGGED_INPUT.reason}", _RAGGED_INPUT.fix, Severity.WARNING)

    def _takes_strings(self, call: cst.Call) -> bool:
        if (self.ctx.keras_path(call.func) or "").rsplit(".", 1)[-1] not in STRING_LAYERS:
            return False
        invert = keyword_arg_value(call, "invert")
        return not (isinstance(invert, cst.Name) and invert.value == "True")

    def _string_sequential(self, node: cst.Call) -> None:
        """keras.Sequential([text_vectorizer, model]): the model is fed strings (keras.io's
        inference models); Keras 3 converts its inputs to arrays of numbers off TensorFlow."""
        layers = node.args[0].value if node.args and node.args[0].keyword is None else keyword_arg_value(
            node, "layers")
        if not isinstance(layers, (cst.List, cst.Tuple)) or not layers.elements or (
                _STRING_INPUT.reason in self._reported):
            return
        first = layers.elements[0].value
        if not ((isinstance(first, cst.Name) and first.value in string_layer_names(self.ctx)) or (
                isinstance(first, cst.Call) and (self._takes_strings(first) or _scan.call_dtype(self.ctx, first) == "string"))):
            return
        self._reported.add(_STRING_INPUT.reason)
        self.ctx.keep_on_tensorflow(self.id, node, _STRING_INPUT.reason)
        self.report(node, f"kept on TensorFlow: {_STRING_INPUT.reason}", _STRING_INPUT.fix, Severity.WARNING)

    def _standardize_callable(self, node: cst.Call) -> None:
        """Keras 3 (3.15) hands a callable `standardize` NumPy string arrays on JAX and
        PyTorch: the layer then fails inside a tf.data pipeline, where Keras 2 ran it.
        KM211 rewrites the layer; this reports what it cannot."""
        if custom_standardize(self.ctx, node) is None or _STANDARDIZE.reason in self._reported:
            return
        if rule_rewrites(self.ctx, "KM211", "text_standardize", STANDARDIZE_RUNTIME):
            return
        self._reported.add(_STANDARDIZE.reason)
        self.ctx.keep_on_tensorflow(self.id, node, _STANDARDIZE.reason)
        self.report(node, f"kept on TensorFlow: {_STANDARDIZE.reason}", _STANDARDIZE.fix, Severity.WARNING)

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import = True

    def leave_Import(self, original: cst.Import, updated: cst.Import):
        self._in_import = False
        return updated

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._handlers += 1

    def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler):
        self._handlers -= 1
        return updated

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "numpy" and isinstance(node.value, cst.Call):
            self._eager.add(id(node.value.func))
        self._seen_chain.add(id(node.value))
        if id(node) in self._seen_chain:
            return
        root = node.value
        while isinstance(root, cst.Attribute):
            root = root.value
        binding = self.ctx.names.bindings.get(root.value) if isinstance(root, cst.Name) else None
        if binding is not None and binding.startswith("tensorflow"):
            self._check(node)

    def visit_Name(self, node: cst.Name) -> None:
        binding = self.ctx.names.bindings.get(node.value)
        if binding is not None and binding.startswith("tensorflow") and id(node) not in self._seen_chain:
            self._check(node)

    def _check(self, node: cst.CSTNode) -> None:
        qualified = self.ctx.qualified_name(node)
        if qualified is None or not qualified.startswith("tensorflow") or keras_path(qualified) is not None:
            return  # tf.compat.v1.keras.* is Keras (the imports rule's business)
        entry = _match(qualified)
        if entry is None or entry.reason in self._reported:
            return
        if id(node) in host_kept_calls(self.ctx):
            return  # eager host code on TensorFlow-only values (_host)
        if qualified in TF_OPS_BY_NAME or _all_uses_rewritten(self.ctx, qualified):
            return  # the tf_ops rule rewrites it (or reports why not); its import goes with it
        if qualified.startswith("tensorflow_probability") and rule_rewrites(
                self.ctx, "KM214", "tfp_distributions", DISTRIBUTIONS_MODULE) and (
                qualified in TFP_DISTRIBUTIONS
                or qualified in TFP_LAMBDA_NAMES and distribution_lambdas_rewritten(self.ctx)
                or tfp_fully_rewritten(self.ctx) is not None and (
                    self._in_import or qualified == "tensorflow_probability.distributions")):
            return  # KM214 rewrites it (and then drops the import / repoints the alias)
        if self._data.active(self.ctx) or id(node) in self._eager:
            return
        in_code = bool(self.ctx.function_stack or self.ctx.class_stack)
        if not (entry.anywhere or in_code):
            return
        if not entry.anywhere and self._in_dataset_builder():
            return
        if qualified.startswith(_TPU_SETUP) and not self._handlers and tpu_detection_guards(self.ctx):
            return
        if entry.prefixes[0] == "tensorflow.GradientTape":
            return  # the train_step rule (a model's steps) and the gradient_tape rule decide
        self._reported.add(entry.reason)
        self.ctx.keep_on_tensorflow(self.id, node, entry.reason)
        self.report(node, f"kept on TensorFlow: {entry.reason}", entry.fix, Severity.WARNING)

    def _in_dataset_builder(self) -> bool:
        """A plain function (no class around it) that builds a tf.data.Dataset runs eagerly
        on the host before any model does: TensorFlow ops there (tf.ragged.constant of
        label lists, tf.strings on file names) work with every backend, as at module level."""
        if self.ctx.class_stack or not self.ctx.function_stack:
            return False
        function = self.ctx.function_stack[0]
        if id(function) not in self._builders:
            self._builders[id(function)] = _builds_dataset(self.ctx, function)
        return self._builders[id(function)]


class _DatasetCalls(cst.CSTVisitor):
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.found = False

    def visit_Call(self, node: cst.Call) -> Optional[bool]:
        qualified = self.ctx.qualified_name(node.func) or ""
        if qualified.startswith("tensorflow.data.") or qualified.startswith("tensorflow.keras.utils.") and (
                qualified.endswith("_dataset_from_directory")):
            self.found = True
        return not self.found


def _builds_dataset(ctx, function: cst.FunctionDef) -> bool:
    visitor = _DatasetCalls(ctx)
    function.body.visit(visitor)
    return visitor.found


@per_file
def _module_uses(ctx) -> Dict[str, Set[str]]:
    """For each name the file imports from a tensorflow module: the qualified names of
    its uses ("" for a use other than `name.attr(...)`)."""
    tree = file_ast(ctx)
    imported = {a.asname or a.name: f"{n.module}.{a.name}" for n in (tree.body if tree is not None else ())
                if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("tensorflow.") for a in n.names}
    uses: Dict[str, Set[str]] = {full: set() for full in imported.values()}
    receivers: Set[int] = set()
    nodes = all_nodes(ctx) if imported else []
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id in imported:
            uses[imported[node.func.value.id]].add(f"{imported[node.func.value.id]}.{node.func.attr}")
            receivers.add(id(node.func.value))
    for node in nodes:
        if isinstance(node, ast.Name) and node.id in imported and isinstance(node.ctx, ast.Load) \
                and id(node) not in receivers:
            uses[imported[node.id]].add("")
    return uses


def _all_uses_rewritten(ctx, module: str) -> bool:
    uses = _module_uses(ctx).get(module)
    return bool(uses) and all(use in TF_OPS_BY_NAME for use in uses)
