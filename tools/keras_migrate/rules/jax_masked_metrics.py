"""KM233 jax_masked_metrics: fit()'s metrics on JAX ignore Keras masks.

Keras 3's JAX trainer computes the loss inside jax.value_and_grad and the metrics from
the predictions it hands out of it, which no longer carry their Keras mask: training
metrics (fit's history, not val_* or evaluate()) then count masked steps, unlike Keras 2
and Keras 3 on TensorFlow and PyTorch (measured on Keras 3.15: accuracy 0.406 on JAX,
0.109 on Keras 2, TensorFlow and PyTorch, for an Embedding(mask_zero=True) sequence
model; the loss and weights are the same). Agnostic mode: compile() calls with metrics
in a file that makes Keras masks get a warning; there is no change to make in the code.
Their weighted_metrics get a second one, for PyTorch: Keras 3's loss scales the batch's
sample-weight tensor by the mask weights in place there, and the weighted metrics read
it afterwards (found with keras-migrate verify on an independent masked sequence-labelling
program: fit accuracy 0.3492 on PyTorch against Keras 2's 0.3482).
"""

from __future__ import annotations

import re

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part

__all__ = ["JaxMaskedMetrics"]

_MASK_SOURCES = re.compile(r"mask_zero\s*=\s*True|\bMasking\s*\(|\bdef compute_mask\b|supports_masking\s*=\s*True")
_METRICS_POSITION = 2  # compile(optimizer, loss, metrics, ...)


@per_file
def _makes_masks(ctx) -> bool:
    return _MASK_SOURCES.search(ctx.source) is not None and file_uses_keras(ctx)


class JaxMaskedMetrics(Rule):
    id = "KM233"
    name = "jax_masked_metrics"
    description = ("Warn that on JAX, fit()'s training metrics ignore Keras masks (Keras 3's JAX trainer), and that on "
                   "PyTorch weighted metrics see mask-scaled sample weights.")
    part = Part.AGNOSTIC
    TRIGGERS = ("mask_zero", "Masking", "compute_mask", "supports_masking")
    EXAMPLES = (
        Example(
            before="""
            import keras
            inputs = keras.Input((6,), dtype="int32")
            x = keras.layers.Embedding(100, 8, mask_zero=True)(inputs)
            model = keras.Model(inputs, keras.layers.Dense(100)(x))
            model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
            model.compile("adam", "sparse_categorical_crossentropy")
            model.compile("adam", "sparse_categorical_crossentropy", weighted_metrics=["accuracy"])
            """,
            diagnostics=("KM233", "KM233", "KM233"),
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile") or not _makes_masks(self.ctx):
            return
        metrics = [a for i, a in enumerate(node.args)
                   if (a.keyword is not None and a.keyword.value in ("metrics", "weighted_metrics"))
                   or (a.keyword is None and not a.star and i == _METRICS_POSITION)]
        if metrics and not (isinstance(metrics[0].value, cst.Name) and metrics[0].value.value == "None"):
            self.report(metrics[0], "on the JAX backend, fit() computes these training metrics without the Keras "
                                    "mask this file's layers make (Keras 3's JAX trainer drops it): fit's history "
                                    "differs from Keras 2 there; val_* metrics, evaluate() and the loss do not",
                        "nothing to change in the code; compare training metrics on TensorFlow or PyTorch, or use "
                        "evaluate()/validation metrics on JAX")
        weighted = next((a for a in node.args if a.keyword is not None and a.keyword.value == "weighted_metrics"), None)
        if weighted is not None and not (isinstance(weighted.value, cst.Name) and weighted.value.value == "None"):
            self.report(weighted, "on the PyTorch backend, Keras 3.15's loss multiplies each batch's sample weights by "
                                  "its mask weights in place (losses/loss.py apply_mask: `sample_weight *= "
                                  "float_mask`), so these weighted metrics see rescaled weights when fit()/evaluate() "
                                  "get sample or class weights: per-batch averages instead of Keras 2's weighted mean",
                        "nothing to change in the code; compare weighted metrics on JAX or TensorFlow")
