"""KM213 callback_forward: a callback's forward passes record no gradients on PyTorch.

Keras 2 recorded gradients only inside a tf.GradientTape: a callback calling the model or
one of its sub-models (keras.io's GAN monitors drawing samples, focal_modulation's gate
maps) got tensors NumPy and matplotlib take. On PyTorch such a call records a graph and
returns tensors that require grad, and `keras.utils.array_to_img`, `plt.imshow` or
`np.asarray` raise on them. In the methods of a keras.callbacks.Callback subclass,
`self.model(...)` and `self.model.<sub-model>(...)` become
`call_without_gradients(self.model..., ...)` (torch.no_grad() on PyTorch; a plain call
elsewhere). The model's own methods (predict, evaluate, ...) need nothing.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._keras import Part
from keras_migrate.rules._tf_op_emit import bound_names

__all__ = ["CallbackForward"]

_RUNTIME = "call_without_gradients"
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


class CallbackForward(Rule):
    id = "KM213"
    name = "callback_forward"
    description = ("In Callback methods, self.model(...) / self.model.<sub-model>(...) -> call_without_gradients(...): "
                   "on PyTorch the outputs need no detach before NumPy, as in Keras 2.")
    part = Part.AGNOSTIC
    TRIGGERS = ("self.model",)
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
        # Outside callbacks (a train_step's forward pass needs its gradients).
        Example(
            before="""
            import keras

            class GAN(keras.Model):
                def train_step(self, data):
                    return self.model.generator(data)
            """,
        ),
    )

    def _in_callback(self) -> bool:
        cls = self.ctx.current_class
        return cls is not None and bool(self.ctx.function_stack) and any(
            (self.ctx.keras_path(b.value) or "") in _CALLBACK_BASES for b in cls.bases)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        target = _forward_target(original.func)
        if target is None or not self._in_callback() or _RUNTIME in bound_names(self.ctx):
            return updated
        self.ctx.use_runtime(_RUNTIME)
        return updated.with_changes(func=cst.Name(_RUNTIME), args=[cst.Arg(updated.func)] + list(updated.args))
