"""KM121 embedding_sparse_updates: Embedding + an adaptive optimizer trains differently on
Keras 3's TensorFlow backend.

Keras 3's TensorFlow optimizers apply an Embedding's gradient (a tf.IndexedSlices) as a
row update: Adam's moments, and the rows themselves, change only for the token ids in
the batch. Keras 2 (and Keras 3 on JAX and PyTorch) decay the moments of every row and
move every row whose moment is non-zero. Same model, same data: the numbers differ from
the second step on. Nothing in the code can be rewritten to restore Keras 2's behaviour
on that backend, so the file gets a warning where the Embedding is built (measured with
`keras-migrate verify`: identical on jax and torch, different on tensorflow).
"""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file

__all__ = ["EmbeddingSparseUpdates"]

# Optimizers whose update reads per-row state (momentum, second moments, accumulators):
# with sparse rows they differ; SGD without momentum does not.
_ADAPTIVE = ("Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad", "Adadelta", "Ftrl", "Lion", "Adafactor",
             "LossScaleOptimizer")
_ADAPTIVE_STRINGS = {name.lower() for name in _ADAPTIVE}


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
    description = ("Warn where an Embedding is trained with an adaptive optimizer: Keras 3's TensorFlow backend "
                   "updates only the rows in each batch (JAX and PyTorch match Keras 2).")
    TRIGGERS = ("Embedding",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            embed = keras.layers.Embedding(20000, 32)
            model = keras.Sequential([embed, keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
            model.compile(optimizer="adam", loss="mse")
            """,
            diagnostics=("KM121",),
        ),
        Example(
            before="""
            from tensorflow import keras
            embed = keras.layers.Embedding(20000, 32)
            model = keras.Sequential([embed, keras.layers.Dense(1)])
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.keras_path(original.func) not in ("layers.Embedding", "Embedding"):
            return updated
        optimizer = _adaptive_optimizer(self.ctx)
        if optimizer is not None:
            self.report(
                original,
                f"on Keras 3's TensorFlow backend, {optimizer} updates an Embedding only at the rows of each "
                "batch (sparse updates): rows a batch does not use keep their values and optimizer state, so "
                "training numbers differ from Keras 2 unless every batch uses every row; the JAX and PyTorch "
                "backends match Keras 2",
                "run this model on the JAX or PyTorch backend to keep Keras 2's training numbers, or accept "
                "the TensorFlow backend's row-wise (lazy) updates",
            )
        return updated
