"""KM227 model_training_flag: fit() runs a subclassed model's layers in training mode, as in Keras 2.

Keras 2's fit() called `model(x, training=True)` whatever call() declared, and every
layer inside ran in training mode (BatchNormalization on batch statistics, its moving
averages updated) unless call() passed another value. Keras 3's trainers pass `training`
only when call() takes it: without the parameter, fit() runs every layer in inference
mode on all three backends (measured on keras.io depth_estimation: first-step loss 0.81
instead of Keras 2's 1.48). The rule adds `training=None` to such a call().

On JAX, even with the parameter, the trainer runs call() through stateless_call(), which
does not hand `training` on to sub-layers the way Layer.__call__ does: a layer called
without `training=` stays in inference mode. In agnostic mode the model class also
derives from keras_migrate_runtime's Keras2Training, which does.

A model with its own train_step / test_step derives from Keras2Training in both modes:
Keras 3 replaces a step's logs by its metrics' results where the names match, and it
always has a "loss" tracker, so `return {"loss": loss}` became 0.0 (keras.io ddpm);
Keras2Training keeps the step's logs while that tracker was never updated, as Keras 2 did.
"""

from __future__ import annotations

import ast
import builtins
from typing import FrozenSet, NamedTuple

import libcst as cst

from keras_migrate.engine import Example, Rule, iter_nodes
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._util import COMMA

__all__ = ["ModelTrainingFlag"]

MIXIN = "Keras2Training"
_MODEL = ("Model", "models.Model")


class ModelTrainingFlag(Rule):
    id = "KM227"
    name = "model_training_flag"
    description = ("A subclassed model's call() takes `training` (Keras 3's fit() passes it only then), and the "
                   "class derives from keras_migrate_runtime's Keras2Training (agnostic mode: JAX hands it on to "
                   "sub-layers; a custom step's logs are not replaced by Keras 3's unused loss tracker).")
    TRIGGERS = ("Model",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf

            class Net(tf.keras.Model):
                def __init__(self):
                    super().__init__()
                    self.bn = tf.keras.layers.BatchNormalization()

                def call(self, x):
                    return self.bn(x)
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import Keras2Training

            class Net(Keras2Training, tf.keras.Model):
                def __init__(self):
                    super().__init__()
                    self.bn = tf.keras.layers.BatchNormalization()

                def call(self, x, training=None):
                    return self.bn(x)
            """,
        ),
        Example(
            before="""
            import keras

            class Net(keras.Model):
                def call(self, x):
                    return self.bn(x)
            """,
            after="""
            import keras

            class Net(keras.Model):
                def call(self, x, training=None):
                    return self.bn(x)
            """,
            mode="tensorflow",
        ),
        Example(
            before="""
            import keras

            class Net(keras.Model):
                def call(self, inputs, training=None):
                    x = self.bn(inputs, training=training)
                    return self.dense(x, training=training)

            class Block(keras.layers.Layer):
                def call(self, x):
                    return self.bn(x)
            """,
        ),
        Example(
            before="""
            import keras

            class Base(keras.Model):
                pass

            class Net(Base):
                def call(self, *inputs):
                    return self.bn(inputs[0])
            """,
            after="""
            import keras
            from keras_migrate_runtime import Keras2Training

            class Base(Keras2Training, keras.Model):
                pass

            class Net(Base):
                def call(self, *inputs, training=None):
                    return self.bn(inputs[0])
            """,
        ),
    )

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        name = original.name.value
        if name not in _model_classes(self.ctx):
            return updated
        body = list(updated.body.body)
        for index, stmt in enumerate(body):
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "call":
                if self._input_signature(stmt) is not None:
                    if _with_training_param(stmt) is not stmt:
                        self._report_signature(original)
                    continue
                with_flag = _with_training_param(stmt)
                if with_flag is not stmt:
                    body[index] = with_flag
                    self.fired()
        updated = updated.with_changes(body=updated.body.with_changes(body=body))
        needs = _mixin_for(self.ctx)
        if name not in needs.direct:
            return updated  # the mixin goes on the class deriving from keras.Model (a second one breaks the MRO)
        steps = name in needs.steps or _has_steps(updated)
        if (steps or (self.ctx.mode == "agnostic" and name in needs.context)) \
                and not any(isinstance(b.value, cst.Name) and b.value.value == MIXIN for b in updated.bases):
            self.fired()
            self.ctx.use_runtime(MIXIN)
            updated = updated.with_changes(bases=[cst.Arg(cst.Name(MIXIN), comma=COMMA), *updated.bases])
        return updated


    def _report_signature(self, cls: cst.ClassDef) -> None:
        for fn in cls.body.body:
            signature = isinstance(fn, cst.FunctionDef) and fn.name.value == "call" and self._input_signature(fn)
            if signature:
                self.report(signature, "call() has a tf.function input_signature, so it cannot take `training`: "
                                       "Keras 3's fit() then runs its layers in inference mode (BatchNormalization "
                                       "on moving statistics, no Dropout), Keras 2's in training mode",
                            "drop input_signature from call()'s @tf.function (export serving signatures with "
                            "model.export(path)) and add a `training=None` parameter")
                return

    def _input_signature(self, fn: cst.FunctionDef):
        """The `input_signature=` argument of fn's @tf.function decorator, if any: the
        traced function accepts exactly those arguments, a new parameter breaks it."""
        for decorator in fn.decorators:
            call = decorator.decorator
            if isinstance(call, cst.Call) and self.ctx.qualified_name(call.func) == "tensorflow.function":
                for arg in call.args:
                    if arg.keyword is not None and arg.keyword.value == "input_signature":
                        return arg
        return None


def _has_steps(cls: cst.ClassDef) -> bool:
    """The class still defines a train_step / test_step once the run's other rules are done
    (a default test_step they removed, or a step turned into compute_loss, does not count)."""
    return any(isinstance(s, cst.FunctionDef) and s.name.value in ("train_step", "test_step")
               for s in cls.body.body)


def _with_training_param(fn: cst.FunctionDef) -> cst.FunctionDef:
    """call() with `training=None` added, or `fn` itself where it has the parameter, takes
    **kwargs (Keras 2 passed `training` there; the body may read it) or uses the name."""
    params = fn.params
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    star = params.star_arg
    if "training" in names or isinstance(params.star_kwarg, cst.Param) \
            or (isinstance(star, cst.Param) and star.name.value == "training") \
            or any(isinstance(node, cst.Name) and node.value == "training" for node in iter_nodes(fn.body)):
        return fn
    flag = cst.Param(cst.Name("training"), default=cst.Name("None"), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
    if isinstance(star, (cst.Param, cst.ParamStar)):
        return fn.with_changes(params=params.with_changes(kwonly_params=[*_commaed(params.kwonly_params), flag]))
    return fn.with_changes(params=params.with_changes(params=[*_commaed(params.params), flag]))


def _commaed(params):
    """The parameters, the last one with a comma (the new parameter follows it)."""
    params = list(params)
    if params and not isinstance(params[-1].comma, cst.Comma):
        params[-1] = params[-1].with_changes(comma=COMMA)
    return params


@per_file
def _model_classes(ctx) -> FrozenSet[str]:
    """The file's Model subclasses, directly or through its own classes."""
    return frozenset().union(*(_scan.keras_subclasses(ctx, prefix) for prefix in _MODEL))


class _Needs(NamedTuple):
    direct: FrozenSet[str]  # derive from keras.Model itself, not from another class of the file
    context: FrozenSet[str]  # call() calls something without `training=`
    steps: FrozenSet[str]  # a subclass in the file has a train_step / test_step


@per_file
def _mixin_for(ctx) -> _Needs:
    """Classes deriving from keras.Model directly that need Keras2Training, for their own
    call() / steps or those of a class of the file deriving from them."""
    tree = _scan.file_ast(ctx)
    if tree is None:
        return _Needs(frozenset(), frozenset(), frozenset())
    models = _model_classes(ctx)
    classes = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name in models}
    direct = {name for name, node in classes.items()
              if not any(isinstance(b, ast.Name) and b.id in classes for b in node.bases)}

    def roots(name, seen=()):
        if name in direct:
            return {name}
        bases = [b.id for b in classes[name].bases if isinstance(b, ast.Name) and b.id in classes and b.id not in seen]
        return set().union(*(roots(b, seen + (name,)) for b in bases)) if bases else set()

    context, steps = set(), set()
    for name, node in classes.items():
        methods = {s.name: s for s in node.body if isinstance(s, ast.FunctionDef)}
        if "call" in methods and _calls_without_training(methods["call"]):
            context |= roots(name)
        if ("train_step" in methods or "test_step" in methods) and name not in direct:
            steps |= roots(name)  # (a direct class's own steps are judged as the run leaves them)
    return _Needs(frozenset(direct), frozenset(context), frozenset(steps))


def _calls_without_training(fn: ast.FunctionDef) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and not any(k.arg == "training" or k.arg is None for k in node.keywords) \
                and not any(isinstance(a, ast.Name) and a.id == "training" for a in node.args):
            root = node.func
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if isinstance(root, ast.Name) and root.id == "self" or isinstance(node.func, ast.Name) \
                    and not hasattr(builtins, node.func.id) and _is_local(fn, node.func.id):
                return True
    return False


def _is_local(fn: ast.FunctionDef, name: str) -> bool:
    """`name` is bound inside fn (a loop variable over layers, a local layer)."""
    for node in ast.walk(fn):
        if isinstance(node, (ast.For, ast.comprehension)) and any(
                isinstance(t, ast.Name) and t.id == name for t in ast.walk(node.target)):
            return True
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for target in node.targets for t in ast.walk(target)):
            return True
    return False
