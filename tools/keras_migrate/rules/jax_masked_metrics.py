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

import ast
import re
from typing import Dict, List, Optional, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part
from keras_migrate.rules._reads import BindingCounter

__all__ = ["JaxMaskedMetrics"]

_MASK_SOURCES = re.compile(r"mask_zero\s*=\s*True|\bMasking\s*\(|\bdef compute_mask\b|supports_masking\s*=\s*True")
_METRICS_POSITION = 2  # compile(optimizer, loss, metrics, ...)


@per_file
def _makes_masks(ctx) -> bool:
    return _MASK_SOURCES.search(ctx.source) is not None and file_uses_keras(ctx)


# How a layer treats the Keras mask of its input (Keras 3 and Keras 2 alike).
_RNNS = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "ConvLSTM1D", "ConvLSTM2D", "CuDNNLSTM", "CuDNNGRU"})
# Drop it: pooling over time, Flatten and the layers without masking support.
_DROP = frozenset({"GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAvgPool1D", "GlobalMaxPool1D", "Flatten",
                   "Conv1D", "Conv2D", "MaxPooling1D", "AveragePooling1D", "MaxPool1D", "AvgPool1D"})
# Pass it on.
_KEEP = frozenset({"Dense", "Dropout", "Activation", "BatchNormalization", "LayerNormalization", "TimeDistributed",
                   "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "ReLU", "LeakyReLU", "Softmax"})
# Merge layers (and their functions): masked when any input is.
_MERGE = frozenset({"Concatenate", "Add", "Multiply", "Average", "Subtract", "Maximum", "Minimum", "concatenate", "add",
                    "multiply", "average", "subtract", "maximum", "minimum"})
_INPUTS = frozenset({"Input", "InputLayer"})
_DEPTH = 64  # names followed back at most this far


@per_file
def _unmasked_models(ctx) -> frozenset:
    """Binding keys (see _scan.BindingVersions) of the file's models whose outputs carry no
    Keras mask, as far as their construction shows: a Sequential of known layers or a
    functional Model traced back through known layers to its Inputs (anything else
    may carry one)."""
    tree, names = _scan.file_ast(ctx), _scan.names(ctx)
    if tree is None or names is None:
        return frozenset()
    versions = _scan.BindingVersions()
    flow = _MaskFlow(names, {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)})
    found = set()
    for scope, node in _scan.scoped_nodes(ctx):
        versions.count_ast(scope, node)
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        order = flow.bind(scope, node.targets[0].id, node.value)
        if isinstance(node.value, ast.Call) and flow.model(node.value, scope, order) is False:
            found.add(versions.key(scope, node.targets[0].id))
    return frozenset(found)


Binding = Tuple[int, ast.AST]  # (order of the assignment in the file, value)


class _MaskFlow:
    """Whether a value carries a Keras mask: True, False, or None (cannot tell). A name
    is read as the assignment before the place that uses it (`h = Dense(8)(h)`)."""

    def __init__(self, names, builders) -> None:
        self.names = names
        self.builders = builders  # the file's module-level functions, by name
        self.bindings: Dict[Tuple[Tuple[str, ...], str], List[Binding]] = {}
        self.order = 0

    def bind(self, scope, name: str, value: ast.AST) -> int:
        self.order += 1
        self.bindings.setdefault((scope, name), []).append((self.order, value))
        return self.order

    def _lookup(self, scope, name: str, before: int) -> Optional[Binding]:
        found = None
        for binding in self.bindings.get((scope, name), ()):
            if binding[0] >= before:
                break
            found = binding
        return found

    def _kind(self, func: ast.AST) -> str:
        path = self.names.keras(func) or ""
        return path.rsplit(".", 1)[-1]

    def _layer(self, node: ast.AST, scope, before: int) -> Optional[ast.Call]:
        """The constructor call of a layer given as a call or a name bound to one."""
        for _ in range(_DEPTH):
            if not isinstance(node, ast.Name):
                break
            binding = self._lookup(scope, node.id, before)
            if binding is None:
                return None
            before, node = binding
        return node if isinstance(node, ast.Call) else None

    def model(self, call: ast.Call, scope, before: int) -> Optional[bool]:
        kind = self._kind(call.func)
        if kind == "Sequential":
            layers = call.args[0] if call.args else _scan.call_keywords(call).get("layers")
            if not isinstance(layers, (ast.List, ast.Tuple)):
                return None
            masked: Optional[bool] = False
            for element in layers.elts:
                layer = self._layer(element, scope, before)
                if layer is None:
                    return None
                if self._kind(layer.func) not in _INPUTS:
                    masked = self._through(layer, masked, scope, before)
            return masked
        if kind == "Model":
            outputs = call.args[1] if len(call.args) > 1 else _scan.call_keywords(call).get("outputs")
            return None if outputs is None else self.value(outputs, scope, before, 0)
        builder = self.builders.get(call.func.id) if isinstance(call.func, ast.Name) and not scope else None
        if builder is None:
            return None
        # `model = build_model()`: what the file's function returns, read in its scope.
        inner, end = (builder.name,), self.order + 1
        verdicts = []
        for node in ast_walk(builder):
            if isinstance(node, ast.Return):
                value, at = node.value, end
                while isinstance(value, ast.Name):
                    binding = self._lookup(inner, value.id, at)
                    at, value = binding if binding is not None else (0, None)
                verdicts.append(self.model(value, inner, at) if isinstance(value, ast.Call) else None)
        return _any(verdicts) if verdicts else None

    def value(self, node: ast.AST, scope, before: int, depth: int) -> Optional[bool]:
        if depth > _DEPTH:
            return None
        if isinstance(node, ast.Name):
            binding = self._lookup(scope, node.id, before)
            return None if binding is None else self.value(binding[1], scope, binding[0], depth + 1)
        if isinstance(node, (ast.List, ast.Tuple)):
            return _any([self.value(e, scope, before, depth + 1) for e in node.elts])
        if isinstance(node, ast.Dict):
            return _any([self.value(v, scope, before, depth + 1) for v in node.values])
        if not isinstance(node, ast.Call):
            return None
        kind = self._kind(node.func)
        if kind in _INPUTS:
            return False
        if kind in _MERGE and node.args:  # layers.concatenate([a, b])
            return self.value(node.args[0], scope, before, depth + 1)
        layer = self._layer(node.func, scope, before)
        if layer is None or not node.args:
            return None
        incoming = self.value(node.args[0], scope, before, depth + 1)
        if self._kind(layer.func) in _MERGE:
            return incoming
        return self._through(layer, incoming, scope, before)

    def _through(self, layer: ast.Call, incoming: Optional[bool], scope, before: int) -> Optional[bool]:
        kind = self._kind(layer.func)
        keywords = _scan.call_keywords(layer)
        if kind == "Embedding":
            zero = keywords.get("mask_zero")
            if zero is None:
                return False
            return zero.value is True if isinstance(zero, ast.Constant) else None
        if kind == "Masking":
            return True
        if kind in _DROP:
            return False
        if kind == "Bidirectional" and layer.args:
            inner = self._layer(layer.args[0], scope, before)
            if inner is None:
                return None
            layer, kind, keywords = inner, self._kind(inner.func), _scan.call_keywords(inner)
        if kind in _RNNS:
            sequences = keywords.get("return_sequences")
            if sequences is None or isinstance(sequences, ast.Constant) and sequences.value is False:
                return False
            return incoming if isinstance(sequences, ast.Constant) and sequences.value is True else None
        if kind in _KEEP:
            return incoming
        if incoming is False and self.names.keras(layer.func) is not None and "mask" not in keywords:
            return False  # Keras's other layers make no mask of their own (Lambda only with mask=)
        return None  # a layer whose masking is not known here (the file's own, other Keras layers)


def _any(values) -> Optional[bool]:
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None


class JaxMaskedMetrics(BindingCounter, Rule):
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
        Example(
            # Models whose outputs carry no mask: pooled or summarised by an RNN, built
            # without a masking layer, or returned by a function of the file.
            before="""
            from tensorflow import keras
            from tensorflow.keras import layers

            def build():
                inputs = keras.Input((6,), dtype="int32")
                x = layers.Embedding(100, 8, mask_zero=True)(inputs)
                x = layers.Dense(4)(x)
                pooled = layers.GlobalAveragePooling1D()(x)
                numeric = keras.Input((3,))
                merged = layers.concatenate([pooled, numeric])
                model = keras.Model([inputs, numeric], layers.Dense(1)(merged))
                return model

            model = build()
            model.compile("adam", "mse", metrics=["mae"])
            summary = keras.Sequential([layers.Embedding(100, 8, mask_zero=True), layers.LSTM(4), layers.Dense(1)])
            summary.compile("adam", "mse", metrics=["mae"])
            plain = keras.Sequential([layers.Dense(4), layers.Dense(1)])
            plain.compile("adam", "mse", metrics=["mae"])
            masked = keras.Sequential([layers.Masking(), layers.LSTM(4, return_sequences=True), layers.Dense(1)])
            masked.compile("adam", "mse", metrics=["mae"])
            plain = keras.Sequential([layers.Embedding(100, 8, mask_zero=True), layers.Dense(1)])
            plain.compile("adam", "mse", metrics=["mae"])
            """,
            diagnostics=("KM233", "KM233"),
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile") or not _makes_masks(self.ctx):
            return
        receiver = func.value
        if isinstance(receiver, cst.Name) and (self._versions.key(_scan.cst_scope(self.ctx), receiver.value)
                                               in _unmasked_models(self.ctx)):
            return  # this model's outputs carry no mask (its construction shows it)
        metrics = [a for i, a in enumerate(node.args)
                   if (a.keyword is not None and a.keyword.value in ("metrics", "weighted_metrics"))
                   or (a.keyword is None and not a.star and i == _METRICS_POSITION)]
        if metrics and not (isinstance(metrics[0].value, cst.Name) and metrics[0].value.value == "None"):
            self.report(metrics[0], "on the JAX backend, fit() computes these training metrics without the Keras "
                                    "mask this file's layers make (Keras 3's JAX trainer drops it): fit's history "
                                    "differs from Keras 2 there; val_* metrics, evaluate() and the loss do not",
                        "nothing to change in the code; compare training metrics on TensorFlow or PyTorch, or use "
                        "evaluate()/validation metrics on JAX", backends=("jax",))
        weighted = next((a for a in node.args if a.keyword is not None and a.keyword.value == "weighted_metrics"), None)
        if weighted is not None and not (isinstance(weighted.value, cst.Name) and weighted.value.value == "None"):
            self.report(weighted, "on the PyTorch backend, Keras 3.15's loss multiplies each batch's sample weights by "
                                  "its mask weights in place (losses/loss.py apply_mask: `sample_weight *= "
                                  "float_mask`), so these weighted metrics see rescaled weights when fit()/evaluate() "
                                  "get sample or class weights: per-batch averages instead of Keras 2's weighted mean",
                        "nothing to change in the code; compare weighted metrics on JAX or TensorFlow",
                        backends=("torch",))
