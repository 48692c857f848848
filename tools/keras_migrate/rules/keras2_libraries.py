"""KM123 keras2_libraries: libraries built on Keras 2 cannot join a Keras 3 model.

TensorFlow Addons, TF Probability's Keras layers, TF Hub's KerasLayer, TF Decision
Forests' models, TF Similarity and Hugging Face Transformers' TF models subclass tf_keras classes (TF Addons even fails to
import next to Keras 3). Their objects are not Keras 3 layers, losses or optimizers, so
a migrated model using them fails on every backend, TensorFlow included. The pieces
Keras 3 has an equivalent for are renamed by the imports rule (tfa AdamW, GELU,
GroupNormalization, InstanceNormalization, gelu, mish, npairs_loss); every other use gets a warning where it is written.
"""

from __future__ import annotations

import ast
from typing import Optional, Set, Tuple

import libcst as cst
from libcst.helpers import get_full_name_for_node

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._agnostic import rule_rewrites
from keras_migrate.rules.swa_unwrap import SWA_NAMES, swa_unwrapped
from keras_migrate.rules.tfp_distributions import DISTRIBUTIONS_MODULE, TFP_LAMBDA_NAMES, distribution_lambdas_rewritten
from keras_migrate.spec import RUNTIME_SYMBOLS, SYMBOL_RENAMES

__all__ = ["Keras2Libraries"]

# prefix -> (what it is, the fix)
KERAS2_LIBRARIES: Tuple[Tuple[str, str, str], ...] = (
    # TF Addons pieces with a close Keras 3 counterpart that is not an exact rename:
    # the fix names it and the difference (first match wins, so these precede the package).
    ("tensorflow_addons.image.gaussian_filter2d", "TF Addons' gaussian_filter2d (a TF Addons op)",
     "keras.ops.image.gaussian_blur(images, kernel_size=filter_shape, sigma=(sigma, sigma)) pads with zeros, "
     "like padding='CONSTANT'; for TF Addons' default padding='REFLECT' pad first with keras.ops.pad(images, "
     "[[0, 0], [k // 2, k // 2], [k // 2, k // 2], [0, 0]], mode='reflect') and crop k // 2 pixels from each border"),
    ("tensorflow_addons.image.rotate", "TF Addons' image.rotate (a TF Addons op)",
     "keras.ops.image.affine_transform(images, transform, interpolation='nearest') with the rotation's "
     "projective transform (TF Addons rotates counter-clockwise by `angles` radians around the image centre), "
     "or keras.layers.RandomRotation for augmentation"),
    ("tensorflow_addons.optimizers.LAMB", "TF Addons' LAMB optimizer (a Keras 2 optimizer)",
     "keras.optimizers.Lamb(learning_rate=..., epsilon=1e-6, weight_decay=...) (Keras 3's epsilon defaults to "
     "1e-7; it has no exclude_from_weight_decay / exclude_from_layer_adaptation)"),
    ("tensorflow_addons", "TensorFlow Addons (built on Keras 2; it does not import next to Keras 3)",
     "use the Keras 3 equivalent (keras.optimizers.AdamW/Lion, keras.layers.GroupNormalization, "
     "keras.ops / keras.activations functions, KerasCV/KerasHub augmentations) or reimplement it with keras.ops"),
    ("tensorflow_probability.layers", "TF Probability's Keras layers (tf_keras layers)",
     "compute the distribution's parameters with Keras 3 layers and sample / evaluate log-probabilities "
     "with keras.random / keras.ops, or keep this model on Keras 2 (tf_keras)"),
    ("tensorflow_probability.python.layers", "TF Probability's Keras layers (tf_keras layers)",
     "compute the distribution's parameters with Keras 3 layers and sample / evaluate log-probabilities "
     "with keras.random / keras.ops, or keep this model on Keras 2 (tf_keras)"),
    ("tensorflow_hub.KerasLayer", "TF Hub's KerasLayer (a tf_keras layer)",
     "load the model from KerasHub / keras.applications, or wrap an exported SavedModel with "
     "keras.layers.TFSMLayer (TensorFlow backend)"),
    ("tensorflow_decision_forests.keras", "TF Decision Forests models (tf_keras models)",
     "keep decision forests on Keras 2 (tf_keras), or train them with YDF directly"),
    ("tensorflow_similarity", "TF Similarity (built on Keras 2)", "keep this model on Keras 2 (tf_keras)"),
    ("tensorflow_model_optimization", "TF Model Optimization (built on Keras 2)",
     "keep this model on Keras 2 (tf_keras), or use Keras 3's quantization (model.quantize)"),
)
# Hugging Face Transformers' TensorFlow classes (TFBertModel, TFAutoModel, ...) are
# tf_keras models: next to Keras 3 they refuse to build ("Keras 3 ... not yet supported").
_TRANSFORMERS_TF = ("transformers", "Hugging Face Transformers' TF models (tf_keras models)",
                    "use the KerasHub model (keras_hub.models.*, Keras 3 on every backend), or keep this model "
                    "on Keras 2 (tf_keras)")
_RENAMED: Set[str] = {r.old for r in SYMBOL_RENAMES} | {q for q in RUNTIME_SYMBOLS if q.startswith("tensorflow_addons.")}


def _library(qualified: str) -> Optional[Tuple[str, str, str]]:
    if qualified in _RENAMED or any(qualified.startswith(r + ".") for r in _RENAMED):
        return None  # the imports rule turns these into Keras 3 names
    parts = qualified.split(".")
    if parts[0] == "transformers" and any(p.startswith("TF") for p in parts[1:]):
        return _TRANSFORMERS_TF
    for entry in KERAS2_LIBRARIES:
        prefix = entry[0]
        if qualified == prefix or qualified.startswith(prefix + "."):
            return entry
    return None


def _is_addons(name: cst.BaseExpression) -> bool:
    return (get_full_name_for_node(name) or "").split(".")[0] == "tensorflow_addons"


def _unwrapped_swa(ctx, qualified: Optional[str]) -> bool:
    return qualified in SWA_NAMES and swa_unwrapped(ctx) is not None  # KM220 removes it


def _uses_addons(ctx) -> bool:
    """Whether the file uses a TF Addons object the migrator does not rename (ast pre-scan)."""
    names = _scan.names(ctx)
    if names is None:
        return False
    nodes = [node for _, node in _scan.scoped_nodes(ctx)]
    inner = {id(node.value) for node in nodes if isinstance(node, ast.Attribute)}  # `tfa.optimizers` in `tfa.optimizers.X`
    for node in nodes:
        if isinstance(node, (ast.Attribute, ast.Name)) and isinstance(node.ctx, ast.Load) and id(node) not in inner:
            qualified = names.qualified(node)
            entry = _library(qualified) if qualified else None
            if entry is not None and entry[0].startswith("tensorflow_addons") and not _unwrapped_swa(ctx, qualified):
                return True
    return False


class Keras2Libraries(Rule):
    id = "KM123"
    NODE_KEYED = ('_inner',)
    name = "keras2_libraries"
    description = ("Warn at every use of a library built on Keras 2 (TF Addons, tfp.layers, hub.KerasLayer, "
                   "TF-DF, TF Similarity, Transformers' TF models): its objects fail inside a Keras 3 model on every backend.")
    TRIGGERS = ("tensorflow_addons", "tensorflow_probability", "tensorflow_hub", "tensorflow_decision_forests",
                "tensorflow_similarity", "tensorflow_model_optimization", "transformers")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow_addons as tfa
            from tensorflow import keras
            optimizer = tfa.optimizers.AdamW(weight_decay=1e-4, learning_rate=1e-3)
            augment = tfa.image.rotate
            """,
            after="""
            import tensorflow_addons as tfa
            import keras
            optimizer = keras.optimizers.AdamW(weight_decay=1e-4 / 1e-3, learning_rate=1e-3)
            augment = tfa.image.rotate
            """,
            diagnostics=("KM123", "KM123", "KM123"),
            full=True,
        ),
        Example(
            before="""
            import tensorflow_probability as tfp
            from tensorflow import keras
            head = tfp.layers.IndependentNormal(1)
            """,
            diagnostics=("KM123", "KM123"),
        ),
        Example(
            before="""
            import transformers
            from transformers import BertTokenizer, TFBertModel
            from tensorflow import keras
            tokenizer = BertTokenizer.from_pretrained("bert-base-uncased")
            encoder = TFBertModel.from_pretrained("bert-base-uncased")
            auto = transformers.TFAutoModel.from_pretrained("bert-base-uncased")
            """,
            diagnostics=("KM123", "KM123", "KM123", "KM123"),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._inner: Set[int] = set()
        self._addons_used: Optional[bool] = None  # computed at the first TF Addons import

    def visit_Import(self, node: cst.Import) -> None:
        self._skip_import(node)
        if any(_is_addons(alias.name) for alias in node.names):
            self._addons_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._skip_import(node)
        if node.module is not None and _is_addons(node.module):
            self._addons_import(node)

    def _addons_import(self, node: cst.CSTNode) -> None:
        """TF Addons imports Keras 2 internals (keras.src.engine): next to Keras 3 the import
        itself fails, on every backend, before any use runs. Reported at the import when
        a use the migrator does not rename remains (renamed ones lose the import)."""
        if self._addons_used is None:
            self._addons_used = _uses_addons(self.ctx)
        if self._addons_used:
            self._addons_used = False  # once per file
            self.report(node, "import tensorflow_addons fails next to Keras 3 (ModuleNotFoundError: keras.src.engine), "
                              "on every backend, TensorFlow included",
                        "replace each TF Addons use reported in this file, then remove the import")

    def _skip_import(self, node) -> None:
        """An import alone builds nothing: its uses are what gets reported."""
        parts = [node.module] if isinstance(node, cst.ImportFrom) and node.module is not None else []
        if not isinstance(node.names, cst.ImportStar):
            parts += [alias.name for alias in node.names] + [alias.asname.name for alias in node.names if alias.asname]
        while parts:
            part = parts.pop()
            self._inner.add(id(part))
            if isinstance(part, cst.Attribute):
                parts += [part.value, part.attr]

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._inner.add(id(node.target))  # `augment = tfa.image.rotate`: the name is no use

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._inner.add(id(node.value))
        if id(node) not in self._inner:
            self._check(node)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._inner:
            self._check(node)

    def _check(self, node: cst.CSTNode) -> None:
        qualified = self.ctx.qualified_name(node)
        entry = _library(qualified) if qualified else None
        if entry is None:
            return
        if _unwrapped_swa(self.ctx, qualified) and rule_rewrites(self.ctx, "KM220", "swa_unwrap"):
            return
        if qualified in TFP_LAMBDA_NAMES and distribution_lambdas_rewritten(self.ctx) and rule_rewrites(
                self.ctx, "KM214", "tfp_distributions", DISTRIBUTIONS_MODULE):
            return  # KM214 makes it keras_migrate_runtime's DistributionLambda
        _, what, fix = entry
        self.ctx.keep_on_tensorflow(self.id, node, f"{what}: not usable with Keras 3")
        self.report(node, f"{qualified.replace('tensorflow_addons', 'tfa')}: {what}; a Keras 3 model cannot use it "
                          "on any backend", fix)
