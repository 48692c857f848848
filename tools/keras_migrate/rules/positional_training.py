"""KM222 positional_training: `model(x, training)` -> `model(x, training=training)`.

Keras 2 passed a layer's positional arguments to its call(), so a functional model, a
Sequential or a layer taking `training` could get the flag second:
`self.generator(latent_samples, training)` (keras.io's GAN-ADA). Keras 3's
Layer.__call__ rejects positional arguments that are not tensors, and a Functional model
raises "got multiple values for argument 'training'". The flag becomes a keyword
argument where the callee is known to be a Keras layer or model (made by a Keras
constructor, clone_model / load_model, the file's own Keras class, or the file's
function that builds a model) and the argument is the flag (`training`, True, False).
"""

from __future__ import annotations

import ast
from typing import FrozenSet, Optional

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._facts import FileFacts, per_file
from keras_migrate.rules._scan import file_ast, names as ast_names

__all__ = ["PositionalTraining"]

_MODEL_MAKERS = ("Model", "models.Model", "Sequential", "models.Sequential", "models.clone_model",
                 "models.load_model", "saving.load_model")


def _keras_maker(call: ast.Call, names, facts, factories) -> bool:
    path = names.keras(call.func) or ""
    if path.startswith("layers.") or path.startswith("applications.") or path in _MODEL_MAKERS:
        return True
    return isinstance(call.func, ast.Name) and (call.func.id in facts.keras_layer_classes or call.func.id in factories)


@per_file
def _keras_objects(ctx) -> FrozenSet[str]:
    """`self.<attr>` (as "self.<attr>") and module-level names the file assigns Keras
    layers and models."""
    tree, names = file_ast(ctx), ast_names(ctx)
    if tree is None or names is None:
        return frozenset()
    facts = ctx.facts(FileFacts)
    # module-level functions that build a model (keras.io's get_generator())
    factories = {f.name for f in tree.body if isinstance(f, ast.FunctionDef) and any(
        isinstance(n, ast.Call) and (names.keras(n.func) or "") in _MODEL_MAKERS for n in ast.walk(f))}
    found = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call)):
            continue
        if not _keras_maker(node.value, names, facts, factories):
            continue
        target = node.targets[0]
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            found.add(f"self.{target.attr}")
        elif isinstance(target, ast.Name) and any(node is s for s in tree.body):
            found.add(target.id)
    return frozenset(found)


def _flag(arg: cst.Arg) -> bool:
    value = arg.value
    return isinstance(value, cst.Name) and value.value in ("training", "True", "False")


def _callee(func: cst.BaseExpression) -> Optional[str]:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self":
        return f"self.{func.attr.value}"
    return None


class PositionalTraining(Rule):
    id = "KM222"
    name = "positional_training"
    description = ("model(x, training) -> model(x, training=training) for Keras layers and models: Keras 3 rejects "
                   "the flag as a positional argument.")
    TRIGGERS = ("training", "True", "False")
    EXAMPLES = (
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
                    self.augmenter = keras.Sequential([keras.layers.RandomFlip()])

                def generate(self, noise, training):
                    if training:
                        return self.augmenter(self.generator(noise, training), True)
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
                    self.augmenter = keras.Sequential([keras.layers.RandomFlip()])

                def generate(self, noise, training):
                    if training:
                        return self.augmenter(self.generator(noise, training=training), training=True)
                    return self.ema_generator(noise, training=training)

            images = GAN().generate(noise, False)
            """,
            diagnostics=("KM222", "KM222", "KM222"),
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        args = updated.args
        if len(args) != 2 or any(a.keyword is not None or a.star for a in args) or not _flag(args[1]):
            return updated
        callee = _callee(original.func)
        if callee is None or callee not in _keras_objects(self.ctx):
            return updated
        self.report(original, f"{callee}(x, {args[1].value.value}): Keras 3 takes the training flag as a keyword "
                              "argument only", severity=Severity.INFO)
        flag = args[1].with_changes(keyword=cst.Name("training"),
                                    equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                          whitespace_after=cst.SimpleWhitespace("")))
        return updated.with_changes(args=[args[0], flag])
