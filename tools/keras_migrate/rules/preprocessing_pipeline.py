"""KM212 preprocessing_pipeline: a Sequential of preprocessing layers run in tf.data -> keras.layers.Pipeline.

keras.io programs build their augmentation as `keras.Sequential([Rescaling(...),
Resizing(...), RandomFlip(...)])` and call it in `Dataset.map`. Keras 2 ran it there as
TensorFlow. Keras 3's preprocessing layers each switch to TensorFlow inside a tf.data
pipeline, but a Sequential is a model of the backend: on JAX and PyTorch it fails in the
pipeline ("NotImplementedError" / a symbolic tf.Tensor handed to the backend).
keras.layers.Pipeline is Keras 3's sequence of preprocessing layers for exactly this: it
runs its layers in order, as TensorFlow in tf.data and with the backend elsewhere, with
`training` passed through as the Sequential did.

Rewritten only when the Sequential is given as a list of preprocessing layers, every use
of its name is a call, and one call runs in a tf.data pipeline (a function handed to a
Dataset method or a lambda there); a Sequential also fitted, summarised or extended
stays a model.
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_children, ast_walk
from keras_migrate.rules._agnostic import FUNCTION_TAKING, data_context
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._keras import Part
from keras_migrate.rules._scan import all_nodes, call_keywords, called_name, file_ast
from keras_migrate.rules._util import dotted

__all__ = ["PreprocessingPipeline"]

# Keras 3 DataLayers (they switch to TensorFlow inside tf.data), by their Keras 2 names.
_DATA_LAYERS = frozenset({
    "Rescaling", "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomRotation", "RandomZoom",
    "RandomTranslation", "RandomContrast", "RandomBrightness", "Normalization", "Discretization",
    "CategoryEncoding",
})


def _layer_list(call: ast.Call):
    return call.args[0] if call.args else call_keywords(call).get("layers")


@per_file
def _pipelines(ctx) -> FrozenSet[str]:
    """Names bound once to a Sequential of DataLayers, only ever called, once in tf.data."""
    if "Sequential" not in ctx.source:
        return frozenset()
    tree = file_ast(ctx)
    if tree is None:
        return frozenset()
    candidates: Set[str] = set()
    bindings: Dict[str, int] = {}
    for node in all_nodes(ctx):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast_walk(target):
                    if isinstance(sub, ast.Name):
                        bindings[sub.id] = bindings.get(sub.id, 0) + 1
            value = node.value
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and isinstance(value, ast.Call) and called_name(value) == "Sequential"):
                layers = _layer_list(value)
                if isinstance(layers, (ast.List, ast.Tuple)) and layers.elts and all(
                        isinstance(e, ast.Call) and called_name(e) in _DATA_LAYERS for e in layers.elts):
                    candidates.add(node.targets[0].id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
            names = [a.asname or a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) \
                else [node.name]
            for name in names:
                bindings[name] = bindings.get(name, 0) + 1
    candidates = {n for n in candidates if bindings.get(n) == 1}
    if not candidates:
        return frozenset()
    functions = data_context(ctx).functions
    not_only_called: Set[str] = set()
    in_data: Set[str] = set()
    # Walk with the enclosing function and whether a Dataset method's lambda is open.
    stack = [(tree, None, False)]
    while stack:
        node, function, in_lambda = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in candidates:
                if in_lambda or function in functions:
                    in_data.add(node.func.id)
                for child in ast_children(node):
                    if child is not node.func:
                        stack.append((child, function, in_lambda))
                continue
            if called_name(node) in FUNCTION_TAKING:
                for child in ast_children(node):
                    stack.append((child, function, in_lambda or isinstance(child, ast.Lambda)))
                continue
        elif isinstance(node, ast.Name) and node.id in candidates and isinstance(node.ctx, ast.Load):
            not_only_called.add(node.id)  # passed, fitted, summarised, extended: a model
        for child in ast_children(node):
            stack.append((child, function, in_lambda))
    return frozenset(in_data - not_only_called)


class PreprocessingPipeline(Rule):
    id = "KM212"
    name = "preprocessing_pipeline"
    description = ("A Sequential of preprocessing layers called in a tf.data pipeline -> keras.layers.Pipeline "
                   "(a Sequential fails there on JAX and PyTorch).")
    part = Part.AGNOSTIC
    TRIGGERS = ("Sequential",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras
            from keras import layers

            augmentation = keras.Sequential(
                [
                    layers.Rescaling(1 / 255.0),
                    layers.Resizing(40, 40),
                    layers.RandomFlip("horizontal"),
                ],
                name="augmentation",
            )

            def train_map_fn(image, label):
                return augmentation(image), label

            ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(train_map_fn)
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras import layers

            augmentation = keras.layers.Pipeline(
                [
                    layers.Rescaling(1 / 255.0),
                    layers.Resizing(40, 40),
                    layers.RandomFlip("horizontal"),
                ],
                name="augmentation",
            )

            def train_map_fn(image, label):
                return augmentation(image), label

            ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(train_map_fn)
            """,
        ),
        # A lambda in the pipeline, training passed explicitly.
        Example(
            before="""
            import keras

            resize = keras.Sequential([keras.layers.Resizing(32, 32), keras.layers.Rescaling(1.0 / 255)])
            ds = ds.map(lambda x, y: (resize(x, training=True), y))
            """,
            after="""
            import keras

            resize = keras.layers.Pipeline([keras.layers.Resizing(32, 32), keras.layers.Rescaling(1.0 / 255)])
            ds = ds.map(lambda x, y: (resize(x, training=True), y))
            """,
        ),
        # Used in the model too, or with a trainable layer: a model, left as is.
        Example(
            before="""
            import keras

            augment = keras.Sequential([keras.layers.RandomFlip()])
            ds = ds.map(lambda x, y: (augment(x), y))
            model = keras.Sequential([augment, keras.layers.Dense(1)])
            """,
        ),
        Example(
            before="""
            import keras

            head = keras.Sequential([keras.layers.Rescaling(0.5), keras.layers.Dense(1)])
            ds = ds.map(lambda x, y: (head(x), y))
            """,
        ),
        # Called only in the model: Keras 3 runs a Sequential there on every backend.
        Example(
            before="""
            import keras

            augment = keras.Sequential([keras.layers.RandomFlip(), keras.layers.RandomZoom(0.1)])
            inputs = keras.Input((32, 32, 3))
            outputs = keras.layers.Dense(1)(augment(inputs))
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._sequentials: Set[int] = set()  # Sequential calls to rewrite

    NODE_KEYED = ("_sequentials",)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) and isinstance(
                node.value, cst.Call) and node.targets[0].target.value in _pipelines(self.ctx):
            self._sequentials.add(id(node.value))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if id(original) not in self._sequentials:
            return updated
        if (self.ctx.keras_path(original.func) or "") not in ("Sequential", "models.Sequential"):
            return updated
        return updated.with_changes(func=dotted(f"{self.ctx.require_keras()}.layers.Pipeline"))
