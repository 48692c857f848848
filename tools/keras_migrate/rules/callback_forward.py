"""KM213 callback_forward: a callback's forward passes record no gradients on PyTorch.

Keras 2 recorded gradients only inside a tf.GradientTape: a callback calling the model or
one of its sub-models (keras.io's GAN monitors drawing samples, focal_modulation's gate
maps) got tensors NumPy and matplotlib take. On PyTorch such a call records a graph and
returns tensors that require grad, and `keras.utils.array_to_img`, `plt.imshow` or
`np.asarray` raise on them. In the methods of a keras.callbacks.Callback subclass,
`self.model(...)` and `self.model.<sub-model>(...)` become
`call_without_gradients(self.model..., ...)` (torch.no_grad() on PyTorch; a plain call
elsewhere). So do module-level calls of models the file builds (`z, _ = model(data)` then
a scatter plot: keras.io's real_nvp), and in a model's methods passed as LambdaCallback
hooks, calls of `self.<sub-model or method>(...)` (keras.io's GAN-ADA plot_images). The
model's own methods (predict, evaluate, ...) need nothing.
"""

from __future__ import annotations

import ast
from typing import FrozenSet, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._scan import all_nodes, cst_assigned_names, file_ast, keras_layer_classes, names as ast_names
from keras_migrate.rules._keras import Part
from keras_migrate.rules._reads import SymbolicNames
from keras_migrate.rules._tf_op_emit import bound_names

__all__ = ["CallbackForward"]

_RUNTIME = "call_without_gradients"
_DATA_MODULES = frozenset({"tensorflow", "numpy"})
_CALLBACK_BASES = frozenset({"callbacks.Callback", "Callback"})
# Model / Layer methods: not forward passes (or already without gradients).
_METHODS = frozenset({
    "predict", "predict_on_batch", "predict_step", "evaluate", "fit", "train_on_batch", "test_on_batch",
    "save", "save_weights", "load_weights", "get_layer", "summary", "compile", "get_weights", "set_weights",
    "get_config", "to_json", "compute_output_shape", "count_params", "reset_metrics", "stop_training",
    "make_predict_function", "export", "build", "add_loss", "add_metric", "call", "compute_loss",
})


def _forward_target(func: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """`self.model` or `self.model.<attr>` (not a method), else None."""
    def is_self_model(node) -> bool:
        return (isinstance(node, cst.Attribute) and node.attr.value == "model"
                and isinstance(node.value, cst.Name) and node.value.value == "self")

    if is_self_model(func):
        return func
    if isinstance(func, cst.Attribute) and is_self_model(func.value) and func.attr.value not in _METHODS \
            and not func.attr.value.startswith("_"):
        return func
    return None


_MODEL_PATHS = frozenset({"Model", "models.Model", "Sequential", "models.Sequential"})


@per_file
def _module_models(ctx) -> FrozenSet[str]:
    """Module-level names bound only to models: keras.Model(...) / Sequential(...) or an
    instance of a Keras model class of the file."""
    tree, names = file_ast(ctx), ast_names(ctx)
    if tree is None or names is None:
        return frozenset()
    local_classes = keras_layer_classes(ctx)
    models, others = set(), set()
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if not isinstance(target, ast.Name):
                continue
            value = node.value
            is_model = isinstance(value, ast.Call) and (
                (names.keras(value.func) or "") in _MODEL_PATHS
                or isinstance(value.func, ast.Name) and value.func.id in local_classes)
            (models if is_model else others).add(target.id)
    return frozenset(models - others)


_LAMBDA_CALLBACK = frozenset({"callbacks.LambdaCallback", "LambdaCallback"})


@per_file
def _hook_methods(ctx) -> FrozenSet[str]:
    """Names of methods passed as LambdaCallback hooks (`on_epoch_end=model.plot_images`,
    keras.io's GAN-ADA): callback code, as a Callback subclass's methods are."""
    tree, names = file_ast(ctx), ast_names(ctx)
    if tree is None or names is None or "LambdaCallback" not in ctx.source:
        return frozenset()
    return frozenset(k.value.attr for node in all_nodes(ctx) if isinstance(node, ast.Call)
                     and (names.keras(node.func) or "") in _LAMBDA_CALLBACK
                     for k in node.keywords if isinstance(k.value, ast.Attribute))


def _own_forward(func: cst.BaseExpression) -> bool:
    """`self.<sub-model or method>` (not a Keras Model method): a forward pass, maybe."""
    return (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self"
            and func.attr.value not in _METHODS and not func.attr.value.startswith("_"))


class CallbackForward(SymbolicNames, Rule):
    id = "KM213"
    name = "callback_forward"
    description = ("In Callback methods, self.model(...) / self.model.<sub-model>(...) -> call_without_gradients(...): "
                   "on PyTorch the outputs need no detach before NumPy, as in Keras 2.")
    part = Part.AGNOSTIC
    TRIGGERS = ("self.model", "Model", "Sequential")
    EXAMPLES = (
        Example(
            before="""
            import keras

            class GANMonitor(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    images = self.model.generator(self.latents)
                    _ = self.model(self.samples, training=False)
                    keras.utils.array_to_img(images[0]).save(f"g{epoch}.png")
                    self.model.save_weights("w.weights.h5")
                    return self.model.predict(self.samples)
            """,
            after="""
            import keras
            from keras_migrate_runtime import call_without_gradients

            class GANMonitor(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    images = call_without_gradients(self.model.generator, self.latents)
                    _ = call_without_gradients(self.model, self.samples, training=False)
                    keras.utils.array_to_img(images[0]).save(f"g{epoch}.png")
                    self.model.save_weights("w.weights.h5")
                    return self.model.predict(self.samples)
            """,
        ),
        # A model called at module level, its outputs plotted.
        Example(
            before="""
            import keras
            import matplotlib.pyplot as plt

            class Flow(keras.Model):
                def call(self, x):
                    return x, x

            model = Flow()
            z, _ = model(data)
            plt.scatter(z[:, 0], z[:, 1])

            def latent(points):
                return model(points)

            with tf.GradientTape() as tape:
                loss = model(data)[0]
            ds = ds.map(lambda x: model(x))
            """,
            after="""
            import keras
            import matplotlib.pyplot as plt
            from keras_migrate_runtime import call_without_gradients

            class Flow(keras.Model):
                def call(self, x):
                    return x, x

            model = Flow()
            z, _ = call_without_gradients(model, data)
            plt.scatter(z[:, 0], z[:, 1])

            def latent(points):
                return model(points)

            with tf.GradientTape() as tape:
                loss = model(data)[0]
            ds = ds.map(lambda x: model(x))
            """,
        ),
        # A layer made and called on eagerly computed data while a functional model is
        # built: a constant of the model in Keras 2 (no gradient flows into it); on
        # PyTorch the recorded graph was freed by the first training step ("backward
        # through the graph a second time"). Calls on symbolic tensors record nothing:
        # left as they are (KM248 keeps their training=).
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            tokens = keras.Input(shape=(6,), dtype="int32")
            emb = keras.layers.Embedding(20, 8)(tokens)
            pos = tf.range(start=0, limit=6, delta=1)
            emb = emb + keras.layers.Embedding(6, 8)(pos)
            emb = emb + keras.layers.Dense(8)(tf.ones((1, 8)))
            base = keras.Sequential([keras.layers.Dense(8, input_shape=(8,))])
            features = base(emb, training=False)
            model = keras.Model(tokens, keras.layers.Dense(1)(features))
            probe = keras.layers.Dense(2)(keras.Input((8,)))
            """,
            after="""
            import keras
            from keras_migrate_runtime import call_without_gradients
            from keras_migrate_runtime import keras2_call

            tokens = keras.Input(shape=(6,), dtype="int32")
            emb = keras.layers.Embedding(20, 8)(tokens)
            pos = keras.ops.arange(start=0, stop=6, step=1)
            emb = emb + call_without_gradients(keras.layers.Embedding(6, 8), pos)
            emb = emb + call_without_gradients(keras.layers.Dense(8), keras.ops.ones((1, 8)))
            base = keras.Sequential([keras.layers.Dense(8, input_shape=(8,))])
            features = keras2_call(base, emb, training=False)
            model = keras.Model(tokens, keras.layers.Dense(1)(features))
            probe = keras.layers.Dense(2)(keras.Input((8,)))
            """,
            full=True,
            mode="agnostic",
        ),
        # Outside callbacks (a train_step's forward pass needs its gradients).
        Example(
            before="""
            import keras

            class GAN(keras.Model):
                def train_step(self, data):
                    return self.model.generator(data)
            """,
        ),
        # A model's method passed as a LambdaCallback hook is callback code (GAN-ADA's
        # plot_images draws samples through its own generate()).
        Example(
            before="""
            import keras

            class GAN(keras.Model):
                def generate(self, n, training):
                    return self.generator(keras.random.normal((n, 4)), training=training)

                def plot_images(self, epoch=None, logs=None):
                    images = self.generate(9, training=False)
                    show(images, self.summary())

            model = GAN()
            model.fit(data, callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=model.plot_images)])
            """,
            after="""
            import keras
            from keras_migrate_runtime import call_without_gradients

            class GAN(keras.Model):
                def generate(self, n, training):
                    return self.generator(keras.random.normal((n, 4)), training=training)

                def plot_images(self, epoch=None, logs=None):
                    images = call_without_gradients(self.generate, 9, training=False)
                    show(images, self.summary())

            model = GAN()
            model.fit(data, callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=model.plot_images)])
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._with_depth = 0  # with-blocks (a tape needs its gradients) and lambdas open
        # Module-level names bound to data computed eagerly (tf.*, NumPy).
        self._concrete: Set[str] = set()

    def visit_With(self, node: cst.With) -> None:
        super().visit_With(node)
        self._with_depth += 1

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        if self._module_level():
            concrete = self._is_concrete(original.value)
            for target in original.targets:
                for name in cst_assigned_names(target.target):
                    (self._concrete.add if concrete else self._concrete.discard)(name)
        return super().leave_Assign(original, updated)

    def _module_level(self) -> bool:
        return not self.ctx.function_stack and not self.ctx.class_stack and not self._with_depth

    def _is_concrete(self, node: cst.BaseExpression) -> bool:
        """Data, not a symbolic tensor: a name bound to it, or a TensorFlow / NumPy call
        on no symbolic tensor."""
        if isinstance(node, cst.Name):
            return node.value in self._concrete
        if not isinstance(node, cst.Call):
            return False
        qualified = self.ctx.names.qualified_name(node.func) or ""
        # (tf.keras.Input(...) and other Keras calls are no data)
        return (qualified.split(".")[0] in _DATA_MODULES and self.ctx.keras_path(node.func) is None
                and not self.is_symbolic(node))

    def leave_With(self, original: cst.With, updated: cst.With):
        self._with_depth -= 1
        return updated

    # A lambda is code run later, elsewhere (a tf.data map, a Lambda layer): not module level.
    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._with_depth += 1

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda):
        self._with_depth -= 1
        return updated

    def _in_callback(self) -> bool:
        cls = self.ctx.current_class
        return cls is not None and bool(self.ctx.function_stack) and any(
            (self.ctx.keras_path(b.value) or "") in _CALLBACK_BASES for b in cls.bases)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        target = _forward_target(original.func)
        first = next((a.value for a in original.args if a.keyword is None and not a.star), None)
        # A call on a symbolic tensor builds a model and records nothing (KM248 keeps its
        # training=); a layer made and called on data at once is computed eagerly, as
        # Keras 2 did (a constant of the model: `x + Embedding(n, d)(tf.range(n))`).
        module_model = self._module_level() and not (first is not None and self.is_symbolic(first)) and (
            isinstance(original.func, cst.Name) and original.func.value in _module_models(self.ctx)
            or isinstance(original.func, cst.Call) and first is not None and self._is_concrete(first)
            and (self.ctx.keras_path(original.func.func) or "").startswith("layers."))
        hook = bool(self.ctx.function_stack) and self.ctx.current_class is not None \
            and self.ctx.function_stack[0].name.value in _hook_methods(self.ctx) and _own_forward(original.func)
        if not ((target is not None and self._in_callback()) or module_model or hook) \
                or _RUNTIME in bound_names(self.ctx):
            return updated
        self.ctx.use_runtime(_RUNTIME)
        return updated.with_changes(func=cst.Name(_RUNTIME), args=[cst.Arg(updated.func)] + list(updated.args))
