"""KM224 layer_size_args: a TensorFlow scalar as a layer's size.

Keras 2 took a scalar tensor where a layer wants a size: keras.io's MolGAN writes
`layers.Dense(tf.math.reduce_prod(adjacency_shape))` (Keras 2's Dense applied int();
Embedding, LSTM, MultiHeadAttention and UpSampling1D used the tensor in shapes). Keras 3
requires a Python int there and raises ("expected a positive integer") on every backend,
also for the keras.ops result the op migrates to. Where such an argument computes with a
TensorFlow op, directly or through a name every assignment of which does, the migrated
expression is wrapped in int(): the value Keras 2 used. Checked per layer against
tf_keras and Keras 3 (other size arguments, such as Conv filters, take either).
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, Optional, Tuple

import libcst as cst
import libcst.matchers as m

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._args import paired_args
from keras_migrate.spec._keras_roots import is_tensorflow_name, keras_path

__all__ = ["LayerSizeArgs"]

# keras path -> (parameter, position) pairs Keras 2 accepted as scalar tensors and Keras 3
# rejects unless they are Python ints.
SIZE_ARGUMENTS: Dict[str, Tuple[Tuple[str, int], ...]] = {
    "layers.Dense": (("units", 0),),
    "layers.Embedding": (("input_dim", 0), ("output_dim", 1)),
    "layers.LSTM": (("units", 0),),
    "layers.MultiHeadAttention": (("num_heads", 0), ("key_dim", 1)),
    "layers.UpSampling1D": (("size", 0),),
}


def _is_tf_op(qualified: Optional[str]) -> bool:
    # tf.keras.* helpers (int_shape, ...) return Python values already
    return bool(qualified) and is_tensorflow_name(qualified) and keras_path(qualified) is None


class LayerSizeArgs(Rule):
    id = "KM224"
    name = "layer_size_args"
    description = ("A layer size computed with a TensorFlow op (Dense(tf.reduce_prod(shape))): Keras 3 "
                   "wants a Python int, so the migrated expression is wrapped in int(), as Keras 2 used it.")
    TRIGGERS = ("Dense", "Embedding", "LSTM", "MultiHeadAttention", "UpSampling1D")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            def generator(adjacency_shape, feature_shape):
                x = keras.Input((64,))
                adjacency = keras.layers.Dense(tf.math.reduce_prod(adjacency_shape))(x)
                features = keras.layers.Dense(units=tf.reduce_prod(feature_shape) * 2)(x)
                return keras.Model(x, [adjacency, features])
            """,
            after="""
            import tensorflow as tf
            from tensorflow import keras

            def generator(adjacency_shape, feature_shape):
                x = keras.Input((64,))
                adjacency = keras.layers.Dense(int(tf.math.reduce_prod(adjacency_shape)))(x)
                features = keras.layers.Dense(units=int(tf.reduce_prod(feature_shape) * 2))(x)
                return keras.Model(x, [adjacency, features])
            """,
        ),
        # Through a name; both sizes of an Embedding; a MultiHeadAttention's key_dim.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow.keras import layers

            def block(vocab, width):
                size = tf.reduce_prod(width)
                embed = layers.Embedding(tf.size(vocab), size)
                attention = layers.MultiHeadAttention(num_heads=4, key_dim=size // 4)
                return embed, attention
            """,
            after="""
            import tensorflow as tf
            from tensorflow.keras import layers

            def block(vocab, width):
                size = tf.reduce_prod(width)
                embed = layers.Embedding(int(tf.size(vocab)), int(size))
                attention = layers.MultiHeadAttention(num_heads=4, key_dim=int(size // 4))
                return embed, attention
            """,
        ),
        # Python sizes, tf.keras helpers that return ints, a name also bound otherwise,
        # and arguments already int() stay.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            def head(x, units, depth):
                width = tf.keras.backend.int_shape(x)[-1]
                y = keras.layers.Dense(units)(x)
                y = keras.layers.Dense(width)(y)
                if depth:
                    depth = tf.reduce_prod(depth)
                else:
                    depth = 8
                y = keras.layers.Dense(depth)(y)
                return keras.layers.Dense(int(tf.reduce_prod([2, 3])))(y)
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._tf_names = _names_from_tf_ops(ctx)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        spec = SIZE_ARGUMENTS.get(self.ctx.keras_path(original.func) or "")
        if spec is None:
            return updated
        args = list(updated.args)
        changed = False
        counterparts = {id(arg): j for arg, j in paired_args(original, updated)}
        for name, position in spec:
            found = _argument_index(original, name, position)
            index = None if found is None else counterparts.get(id(original.args[found]))
            if index is None or not self._computed_by_tf(original.args[found].value):
                continue
            value = args[index].value
            if m.matches(value, m.Call(func=m.Name("int"))):
                continue
            args[index] = args[index].with_changes(value=cst.Call(cst.Name("int"), [cst.Arg(value)]))
            changed = True
        if not changed:
            return updated
        self.fired()
        return updated.with_changes(args=args)

    def _computed_by_tf(self, value: cst.BaseExpression) -> bool:
        if m.matches(value, m.Call(func=m.Name("int"))):
            return False
        if any(_is_tf_op(self.ctx.qualified_name(call.func)) for call in m.findall(value, m.Call())):
            return True
        scope = _scan.cst_scope(self.ctx)
        return any((scope, name.value) in self._tf_names for name in m.findall(value, m.Name()))


def _argument_index(call: cst.Call, name: str, position: int) -> Optional[int]:
    for index, arg in enumerate(call.args):
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return index
        elif arg.star:
            return None  # *args: positions unknown
        elif index == position:
            return index
    return None


def _names_from_tf_ops(ctx) -> FrozenSet[Tuple[Tuple[str, ...], str]]:
    """(function scope, name) of names every assignment of which in that scope calls a
    TensorFlow op (`size = tf.reduce_prod(shape)`)."""
    names = _scan.names(ctx)
    if names is None:
        return frozenset()
    verdict: Dict[Tuple[Tuple[str, ...], str], bool] = {}
    for scope, node in _scan.scoped_nodes(ctx):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            by_tf = node.value is not None and _calls_tf(names, node.value)
            for target in targets:
                for name in _scan.assigned_names(target):
                    key = (scope, name)
                    verdict[key] = verdict.get(key, True) and by_tf and isinstance(target, ast.Name)
        elif isinstance(node, (ast.For, ast.With, ast.comprehension, ast.NamedExpr)):
            for target in _targets(node):
                for name in _scan.assigned_names(target):
                    verdict[(scope, name)] = False
    return frozenset(key for key, ok in verdict.items() if ok)


def _targets(node: ast.AST):
    if isinstance(node, (ast.For, ast.comprehension, ast.NamedExpr)):
        return [node.target]
    return [item.optional_vars for item in node.items if item.optional_vars is not None]


def _calls_tf(names: "_scan.AstNames", value: ast.AST) -> bool:
    return any(isinstance(node, ast.Call) and _is_tf_op(names.qualified(node.func)) for node in ast.walk(value))
