"""KM121 embedding_sparse_updates: Embedding + an adaptive optimizer trains as in Keras 2
on Keras 3's TensorFlow backend too.

Keras 3's TensorFlow optimizers apply an Embedding's gradient (a tf.IndexedSlices) as a
row update: Adam's moments, and the rows themselves, change only for the token ids in
the batch. Keras 2 (and Keras 3 on JAX and PyTorch) decay the moments of every row and
move every row whose moment is non-zero. Same model, same data: the numbers differ from
the second step on (found with `keras-migrate verify`: identical on jax and torch,
different on tensorflow). In a file that trains with such an optimizer, Embedding(...)
becomes keras_migrate_runtime's subclass (same name, config, weights and forward pass),
which hands TensorFlow's optimizer a dense gradient as the other backends have it.
Subclasses of Embedding are reported (their call() is their own).
"""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._agnostic import runtime_class_for
from keras_migrate.rules._facts import per_file

__all__ = ["EmbeddingSparseUpdates"]

RUNTIME_CLASS = "Embedding"
LOCAL_NAME = "Keras2Embedding"
_PATHS = frozenset({"layers.Embedding", "Embedding", "layers.embeddings.Embedding", "layers.core.Embedding",
                    "layers.core.embedding.Embedding"})

# Optimizers whose update reads per-row state (momentum, second moments, accumulators):
# with sparse rows they differ; SGD without momentum does not.
_ADAPTIVE = ("Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Adadelta", "Ftrl", "Lion", "Adafactor",
             "LossScaleOptimizer")
_ADAPTIVE_STRINGS = {name.lower() for name in _ADAPTIVE}
_ADDONS = frozenset(_ADAPTIVE) | {"LAMB", "RectifiedAdam", "Yogi", "NovoGrad", "AdaBelief"}


@per_file
def _adaptive_optimizer(ctx) -> Optional[str]:
    """The first adaptive optimizer the file uses (class or compile string), if any."""
    tree, names = _scan.file_ast(ctx), _scan.names(ctx)
    found = ""
    if tree is not None and names is not None:
        for node in _scan.nodes(ctx, ast.Call):
            path = names.keras(node.func) or ""
            name = path.rsplit(".", 1)[-1]
            momentum = [k.value for k in node.keywords if k.arg == "momentum"] + node.args[1:2]
            with_momentum = name == "SGD" and any(
                not (isinstance(m, ast.Constant) and not m.value) for m in momentum)
            if not path:  # TensorFlow Addons' adaptive optimizers become Keras 3 ones (tensorflow_addons rules)
                addons = names.qualified(node.func) or ""
                if addons.startswith("tensorflow_addons.optimizers.") and addons.rsplit(".", 1)[-1] in _ADDONS:
                    found = addons.rsplit(".", 1)[-1]
                    break
            if path.startswith("optimizers.") and (name in _ADAPTIVE or with_momentum):
                found = f"{name} with momentum" if with_momentum else name
                break
            if isinstance(node.func, ast.Attribute) and node.func.attr == "compile":
                args = list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "optimizer"]
                for arg in args:
                    if isinstance(arg, ast.Constant) and str(arg.value).lower() in _ADAPTIVE_STRINGS:
                        found = str(arg.value)
                        break
                if found:
                    break
    return found or None


class EmbeddingSparseUpdates(Rule):
    id = "KM121"
    name = "embedding_sparse_updates"
    description = ("Where an Embedding is trained with an adaptive optimizer, Embedding becomes "
                   "keras_migrate_runtime's subclass: Keras 3's TensorFlow backend would update only the rows "
                   "in each batch (Keras 2, JAX and PyTorch update every row).")
    TRIGGERS = ("Embedding",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            embed = keras.layers.Embedding(20000, 32)
            model = keras.Sequential([embed, keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import Embedding as Keras2Embedding
            embed = Keras2Embedding(20000, 32)
            model = keras.Sequential([embed, keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            from tensorflow.keras import layers

            class Tokens(tf.keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.table = layers.Embedding(100, 8, mask_zero=True)

            model = tf.keras.Sequential([layers.Embedding(100, 8), layers.LSTM(4)])
            model.compile(tf.keras.optimizers.RMSprop(1e-3), "mse")
            """,
            after="""
            import tensorflow as tf
            from tensorflow.keras import layers
            from keras_migrate_runtime import Embedding as Keras2Embedding

            class Tokens(tf.keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.table = Keras2Embedding(100, 8, mask_zero=True)

            model = tf.keras.Sequential([Keras2Embedding(100, 8), layers.LSTM(4)])
            model.compile(tf.keras.optimizers.RMSprop(1e-3), "mse")
            """,
        ),
        # A subclass keeps its own call(): reported.
        Example(
            before="""
            from tensorflow import keras

            class Scaled(keras.layers.Embedding):
                def call(self, ids):
                    return super().call(ids) * 2.0

            model = keras.Sequential([Scaled(50, 4), keras.layers.Flatten(), keras.layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            """,
            diagnostics=("KM121",),
        ),
        # Plain SGD updates the rows alike either way: left alone.
        Example(
            before="""
            from tensorflow import keras
            embed = keras.layers.Embedding(20000, 32)
            model = keras.Sequential([embed, keras.layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
            """,
        ),
    )

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not any(self.ctx.keras_path(base.value) in _PATHS for base in node.bases):
            return
        optimizer = _adaptive_optimizer(self.ctx)
        if optimizer is not None:
            self.report(
                node.name,
                f"on Keras 3's TensorFlow backend, {optimizer} updates this Embedding subclass only at the rows "
                "of each batch (sparse updates): rows a batch does not use keep their values and optimizer "
                "state, so training numbers differ from Keras 2; the JAX and PyTorch backends match Keras 2",
                "subclass keras_migrate_runtime.Embedding instead (its call() gives TensorFlow's optimizer a "
                "dense gradient), or run this model on JAX or PyTorch",
                backends=("tensorflow",),
            )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.keras_path(original.func) not in _PATHS or _adaptive_optimizer(self.ctx) is None:
            return updated
        self.fired()
        return updated.with_changes(func=runtime_class_for(self.ctx, original.func, RUNTIME_CLASS, LOCAL_NAME))
