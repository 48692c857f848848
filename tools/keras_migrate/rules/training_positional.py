"""KM114 training_positional: `layer(x, True)` -> `layer(x, training=True)`.

Keras 3 rejects non-tensor positional arguments in Layer.__call__ ("Only input tensors
may be passed as positional arguments"). We only touch calls whose callee is known to
take `training` as its second call() parameter: a Keras layer constructed in place,
or a `self.<attr>` the same class assigned from such a constructor (or from a class
of this file whose call() is `call(self, inputs, training...)`).
"""

from __future__ import annotations

import ast
from typing import Dict, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._util import NO_SPACE, as_keyword
from keras_migrate.rules._args import file_uses_keras, paired_args
from keras_migrate.spec._keras3_renames import TRAINING_SECOND_POSITIONAL

__all__ = ["TrainingPositional"]


# Models: call(inputs, training=None, mask=None) in Keras 2 and 3 (Keras 3 rejects a
# positional flag: Sequential as a non-tensor argument, a functional model with "multiple
# values for argument 'training'"). Copies and loaded models are models too.
_MODELS = frozenset({"Sequential", "models.Sequential", "Model", "models.Model"})
_MODEL_COPIES = frozenset({"models.clone_model", "models.load_model", "saving.load_model"})


def _is_training_layer(path: Optional[str]) -> bool:
    if path is None:
        return False
    if path in _MODELS:
        return True
    return path.startswith("layers.") and path.rsplit(".", 1)[-1] in TRAINING_SECOND_POSITIONAL


@per_file
def _class_facts(ctx):
    """{class name: {attr: True}} for self.<attr> bound to a training-taking layer, from
    one ast pass over the file (cached)."""
    facts = {}
    tree = _scan.file_ast(ctx)
    names = _scan.names(ctx)
    if tree is None or names is None:
        return facts
    local_training: Set[str] = set()
    # the file's functions that build and return a model (keras.io's get_generator())
    factories = {f.name for f in tree.body if isinstance(f, ast.FunctionDef) and any(
        isinstance(n, ast.Call) and names.keras(n.func) in _MODELS for n in ast_walk(f)) and any(
        isinstance(n, ast.Return) and n.value is not None for n in ast_walk(f))}
    classes = _scan.nodes(ctx, ast.ClassDef)
    for cls in classes:
        for item in cls.body:
            if isinstance(item, ast.FunctionDef) and item.name == "call":
                params = [a.arg for a in item.args.args]
                if len(params) >= 3 and params[2] == "training":
                    local_training.add(cls.name)
    for cls in classes:
        attrs: Dict[str, bool] = {}
        for node in ast_walk(cls):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
                continue
            callee = node.value.func
            takes_training = _is_training_layer(names.keras(callee)) or names.keras(callee) in _MODEL_COPIES or (
                isinstance(callee, ast.Name) and (callee.id in local_training or callee.id in factories))
            for target in node.targets:
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and target.value.id == "self"):
                    # every assignment of the attribute must be such a layer
                    attrs[target.attr] = attrs.get(target.attr, True) and takes_training
        facts[cls.name] = {attr for attr, ok in attrs.items() if ok}
    return facts


class TrainingPositional(Rule):
    id = "KM114"
    name = "training_positional"
    description = ("Pass `training` by keyword where Keras 3 rejects it positionally, and give a required "
                   "call() `training` parameter the default None Keras 2 implied.")
    TRIGGERS = ("training", "True", "False")
    EXAMPLES = (
        Example(
            before="""
            import keras
            class Block(keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.drop = keras.layers.Dropout(0.5)
                    self.dense = keras.layers.Dense(3)
                def call(self, x, training=None):
                    return self.drop(self.dense(x), training)
            """,
            after="""
            import keras
            class Block(keras.layers.Layer):
                def __init__(self):
                    super().__init__()
                    self.drop = keras.layers.Dropout(0.5)
                    self.dense = keras.layers.Dense(3)
                def call(self, x, training=None):
                    return self.drop(self.dense(x), training=training)
            """,
        ),
        Example(
            before="""
            import keras
            y = keras.layers.BatchNormalization()(x, False)
            """,
            after="""
            import keras
            y = keras.layers.BatchNormalization()(x, training=False)
            """,
        ),
        Example(
            before="""
            import keras
            class Block(keras.layers.Layer):
                def call(self, inputs, training):
                    return inputs
            """,
            after="""
            import keras
            class Block(keras.layers.Layer):
                def call(self, inputs, training=None):
                    return inputs
            """,
        ),
        # Models the file's own functions build, and their copies (keras.io's GAN-ADA).
        Example(
            before="""
            import keras

            def get_generator():
                noise = keras.Input(shape=(4,))
                return keras.Model(noise, keras.layers.Dense(6)(noise))

            class GAN(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.generator = get_generator()
                    self.ema_generator = keras.models.clone_model(self.generator)

                def generate(self, noise, training):
                    if training:
                        return self.generator(noise, training)
                    return self.ema_generator(noise, training)

            images = GAN().generate(noise, False)
            """,
            after="""
            import keras

            def get_generator():
                noise = keras.Input(shape=(4,))
                return keras.Model(noise, keras.layers.Dense(6)(noise))

            class GAN(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.generator = get_generator()
                    self.ema_generator = keras.models.clone_model(self.generator)

                def generate(self, noise, training):
                    if training:
                        return self.generator(noise, training=training)
                    return self.ema_generator(noise, training=training)

            images = GAN().generate(noise, False)
            """,
        ),
        # Unknown callees (an RNN's second argument is initial_state) are left alone.
        Example(before="import keras\ny = self.rnn(x, state)\n"),
    )

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        # `def call(self, x, training)`: Keras 2 always passed `training` (None when
        # unknown); Keras 3 only passes it when it is known, so a required parameter
        # fails symbolic calls ("missing a required argument: 'training'").
        if original.name.value != "call" or len(self.ctx.class_stack) == 0:
            return updated
        if not any(stmt is original for stmt in self.ctx.class_stack[-1].body.body):
            return updated  # a nested function, not the class's own method
        params = list(updated.params.params)
        index = next((i for i, p in enumerate(params) if p.name.value == "training"), None)
        if index is None or params[index].default is not None:
            return updated
        if any(p.default is None for p in params[index + 1:]):
            return updated  # a required parameter follows: cannot add a default
        if not self.ctx.class_stack[-1].bases or not file_uses_keras(self.ctx):
            return updated
        params[index] = params[index].with_changes(
            default=cst.Name("None"),
            equal=NO_SPACE,
        )
        self.fired()
        return updated.with_changes(params=updated.params.with_changes(params=params))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        positional = [i for i, arg in enumerate(original.args) if arg.keyword is None]
        if len(positional) != 2 or any(arg.star for arg in original.args):
            return updated
        if not self._takes_training(original.func):
            return updated
        args = list(updated.args)
        index = dict((id(arg), j) for arg, j in paired_args(original, updated)).get(id(original.args[positional[1]]))
        if index is None:
            return updated  # an earlier rule rewrote the arguments: no sure place
        args[index] = as_keyword(args[index], "training")
        self.fired()
        return updated.with_changes(args=args)

    def _takes_training(self, func: cst.BaseExpression) -> bool:
        if isinstance(func, cst.Call):
            return _is_training_layer(self.ctx.keras_path(func.func))
        if (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
                and func.value.value == "self" and self.ctx.current_class is not None):
            facts = _class_facts(self.ctx)
            return func.attr.value in facts.get(self.ctx.current_class.name.value, ())
        return False
