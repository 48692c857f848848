"""Keras 2 style train_step / test_step (stateful, one `data` argument) on every backend.

Keras 3 calls `train_step(data)` on TensorFlow and PyTorch, where a stateful step (tape
replaced by value_and_grad, optimizer.apply_gradients, metric.update_state) runs as
written. On JAX it calls `train_step(state, data)` with the variables' values passed in
and expects the new values back. Models whose class derives from BackendAgnosticSteps
get their own stateful steps adapted for JAX:

- jitted (the default): the step runs inside a keras.StatelessScope mapping every
  variable of the JAX state to its traced value; what the step assigns is read back as
  the new state;
- eagerly, when the model uses optimizers besides `self.optimizer` (a GAN's d_optimizer
  and g_optimizer): Keras 3's JAX state carries only `self.optimizer`'s variables, so
  the others' (moments, iterations) must live in their real variables between steps.
  `jit_compile` then reads False on JAX, and each step writes the state into the real
  variables, runs the step on them, and reads the new state back.

A model with no call() of its own (a GAN wrapping its sub-models) is marked built before
fit()/evaluate() once its sub-layers are (or are the user's own layers without build(),
whose __init__ made their state), as Keras 2 trained it; its compiled metrics are
built by running its own test_step once (Keras 3 would call the model for an output).
A model whose call() takes something other than the batch and whose layers are made
when first called is built as Keras 2 built it, in its first train_step: the step runs
once and every variable is then put back (those it made to their initial values).

A step handing a (changed) batch to Keras' own, `super().train_step((x, y))` (also test_step
and predict_step), works on JAX too: the mixin's steps give Keras 3's stateless step the
variables' current values (the adapted step's scope maps them) and assign what it returns.

The steps get the batch as Keras 2 (and Keras 3 on TensorFlow, through tf.data) gave it:
tuples where Keras 3's JAX and PyTorch trainers give the lists passed to fit() (keras.io
WGAN-graphs tests `isinstance(data[0], tuple)`).
"""

import contextvars
import functools
import inspect
import re

import keras
import numpy as np

from . import gradients
from ._batches import map_batch

__all__ = ["BackendAgnosticSteps"]

# Set while fit() runs: a model Keras 3 cannot build is built by its first train step.
_FITTING = contextvars.ContextVar("keras_migrate_fitting", default=False)

# predict_step too: Keras 3's JAX predict calls predict_step(state, data) and expects
# (outputs, non-trainable values) back; a Keras 2 predict_step(data) of the user's own
# (keras.io GAT: the model's output at the batch's node indices) runs adapted the same way.
_STEPS = ("train_step", "test_step", "predict_step")


def _groups(model, step_name):
    optimizer = model.optimizer
    if step_name == "train_step":
        return [model.trainable_variables, model.non_trainable_variables,
                optimizer.variables if optimizer is not None else [], model.metrics_variables]
    if step_name == "predict_step":
        return [model.trainable_variables, model.non_trainable_variables]
    return [model.trainable_variables, model.non_trainable_variables, model.metrics_variables]


def _returned(step_name, logs, new_state):
    """What Keras' JAX trainer expects back from the step."""
    if step_name == "predict_step":
        return logs, new_state[1]  # (outputs, non-trainable values)
    return logs, new_state


def _traced(state):
    import jax

    return any(isinstance(v, jax.core.Tracer) for group in state for v in group)


def _jax_step(step, step_name):
    @functools.wraps(step)
    def jax_step(self, state, data):
        groups = _groups(self, step_name)
        if _traced(state):
            mapping = [(v, value) for group, values in zip(groups, state) for v, value in zip(group, values)]
            # collect_losses: add_loss inside the step, and layer.losses read after a
            # forward pass, work as in an eager step (Keras' own JAX trainer does the same)
            with keras.StatelessScope(state_mapping=mapping, collect_losses=True) as scope:
                # value_and_grad inside the step substitutes these too.
                scope.keras_migrate_variables = [v for v, _ in mapping]
                logs = step(self, _keras2_batch(data))
            new_state = tuple(
                [_current(scope, v, value) for v, value in zip(group, values)]
                for group, values in zip(groups, state))
            return _returned(step_name, logs, new_state)
        for group, values in zip(groups, state):
            for v, value in zip(group, values):
                v.assign(value)
        logs = step(self, _keras2_batch(data))
        return _returned(step_name, logs, tuple([v.value for v in group] for group in groups))

    return jax_step


def _torch_step(step):
    @functools.wraps(step)
    def torch_step(self, data):
        return step(self, _keras2_batch(data))

    return torch_step


def _keras_step(model, step_name, args):
    keras_step = getattr(super(BackendAgnosticSteps, model), step_name)
    if len(args) != 1 or keras.backend.backend() != "jax":
        return keras_step(*args)  # Keras calling its own step, or a stateful backend
    # A Keras 2 step's `super().train_step(data)` on JAX: Keras 3's step is stateless.
    groups = _groups(model, step_name)
    state = tuple([v.value for v in group] for group in groups)  # the scope's values
    result, new_state = keras_step(state, args[0])
    if step_name == "predict_step":
        new_state = (state[0], new_state)  # Keras returns the non-trainable values only
    for group, values in zip(groups, new_state):
        for variable, value in zip(group, values):
            variable.assign(value)
    return result


def _keras2_batch(data):
    """The batch as Keras 2 gave it to a step: tuples for lists, tensors for NumPy arrays
    (Keras' eager JAX steps get NumPy arrays; keras.io StyleGAN's
    `self.discriminator([real_images, alpha])` mixes the two, which a Keras 3 functional
    model refuses)."""
    return map_batch(_tensor, data, lists_as_tuples=True)


def _tensor(value):
    return keras.ops.convert_to_tensor(value) if isinstance(value, np.ndarray) else value


def _current(scope, variable, default):
    value = scope.get_current_value(variable)
    return default if value is None else value


def _own_methods(cls):
    """Methods defined by the user's classes (not Keras' own, nor this mixin)."""
    names = set()
    for klass in cls.__mro__:
        if klass.__module__.startswith("keras.") or klass is BackendAgnosticSteps or klass is object:
            continue
        names.update(vars(klass))
    return names


def _original(cls, name):
    """The user's own step (not the JAX adapter around it), or None."""
    for klass in cls.__mro__:
        if klass.__module__.startswith("keras.") or klass is BackendAgnosticSteps:
            continue
        step = vars(klass).get(name)
        if step is not None:
            return getattr(step, "__wrapped__", step)
    return None


def _state_complete(layer):
    """Whether all of a layer's variables exist: it is built, or it is an instance of the
    user's own Layer / Model subclass with no build() (its __init__ makes its state, as
    keras.io's GAN-ADA augmenter does) whose sub-layers all have theirs. Keras 2 never
    asked such a layer to be built before training."""
    if layer.built:
        return True
    keras_base = next(k for k in type(layer).__mro__ if k.__module__.startswith("keras."))
    if keras_base not in (keras.layers.Layer, keras.Model) or "build" in _own_methods(type(layer)):
        return False  # a built-in layer (Dense, ...) or a build() of its own: made when first called
    return all(_state_complete(sub) for sub in layer._flatten_layers(include_self=False, recursive=False))


def _never_calls_itself(step):
    """Whether a user's train_step (source available) never calls the model itself."""
    if step is None:
        return False
    try:
        source = inspect.getsource(step)
    except (OSError, TypeError):
        return False
    return re.search(r"\bself\s*\(|self\.__call__|super\(\)\.train_step", source) is None


def _mark_built(layer):
    for sub in layer._flatten_layers(include_self=False, recursive=False):
        if not sub.built:
            _mark_built(sub)
    layer.built = True


def _other_optimizers(model):
    return [value for name, value in vars(model).items()
            if isinstance(value, keras.optimizers.Optimizer) and value is not model.optimizer
            and not name.startswith("_")]


def _first_batch(iterator, data_batch):
    if data_batch is None:
        for _, _, data_or_iterator in iterator:
            data_batch = data_or_iterator[0] if isinstance(data_or_iterator, (list, tuple)) \
                else next(data_or_iterator)
            break
    return data_batch


class BackendAgnosticSteps:
    """Mixin (listed before keras.Model): the subclass's Keras 2 style steps run on JAX."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        backend = keras.backend.backend()
        if backend not in ("jax", "torch"):
            return  # TensorFlow: tf.data gives the batch as Keras 2 did
        for name in _STEPS:
            step = cls.__dict__.get(name)
            if step is None or getattr(step, "keras_migrate_stateful", False):
                continue
            adapted = _jax_step(step, name) if backend == "jax" else _torch_step(step)
            adapted.keras_migrate_stateful = True
            setattr(cls, name, adapted)

    # What `super().train_step(data)` in the user's step reaches (and Keras itself, for a
    # step the class does not define): Keras 3's step, called as its backend expects.
    def train_step(self, *args):
        return _keras_step(self, "train_step", args)

    def test_step(self, *args):
        return _keras_step(self, "test_step", args)

    def predict_step(self, *args):
        return _keras_step(self, "predict_step", args)

    def _keras2_built_without_call(self):
        """Keras 2 trained a model that has no call() (a GAN wrapping its sub-models) as is;
        Keras 3 first tries to build it by calling it, which fails on JAX and PyTorch. With
        no call() of its own and every sub-layer's variables made, it is built. So is one
        whose own train_step never calls it (keras.io StyleGAN: call() takes a dict):
        TensorFlow's trainer builds a model when its step calls it, and saving (a
        ModelCheckpoint) refuses a model never built."""
        own = _own_methods(type(self))
        if self.built or "build" in own:
            return
        if "call" in own and not _never_calls_itself(_original(type(self), "train_step")):
            return
        if all(_state_complete(layer) for layer in self._flatten_layers(include_self=False, recursive=False)):
            _mark_built(self)

    def fit(self, *args, **kwargs):
        self._keras2_built_without_call()
        token = _FITTING.set(True)
        try:
            return super().fit(*args, **kwargs)
        finally:
            _FITTING.reset(token)

    def evaluate(self, *args, **kwargs):
        self._keras2_built_without_call()
        return super().evaluate(*args, **kwargs)

    def _symbolic_build(self, iterator=None, data_batch=None):
        """Keras 3 builds the compiled metrics before the first step by calling the model
        on symbolic inputs; a model without call() (keras.io's Distiller) has no output
        to build them from. Keras 2 built them at their first update: its own test_step
        runs once on the first batch (eagerly, no training) and the metrics are reset."""
        metrics = getattr(self, "_compile_metrics", None)
        step = _original(type(self), "test_step")
        if self.built and metrics is not None and not metrics.built and step is not None \
                and "call" not in _own_methods(type(self)):
            data_batch = _first_batch(iterator, data_batch)
            self._keras2_first_step_build(step, data_batch)
        built = self.built  # (a failed symbolic call may leave it marked built)
        try:
            return super()._symbolic_build(iterator=iterator, data_batch=data_batch)
        except Exception:
            # Keras 3 calls the model on the batch's inputs; a model whose own steps call it
            # on something else (keras.io's GAT: graph tensors it holds, the batch being node
            # indices) cannot be built that way. Keras 2 built it in its first step: the
            # same, with the test step, then Keras 3's build finds it built.
            if built or "train_step" not in _own_methods(type(self)):
                raise
            if _FITTING.get() and "call" not in _own_methods(type(self)) and not all(
                    _state_complete(layer) for layer in self._flatten_layers(include_self=False, recursive=False)):
                # fit() of a model with no call(): Keras 2 made its layers in its first train
                # step, in the order that step first calls them (a contrastive model's
                # projection head before the probe its test step uses).
                self._keras2_first_train_step_build(_first_batch(iterator, data_batch))
                return super()._symbolic_build(iterator=iterator, data_batch=data_batch)
            if step is None:
                # No test step of its own to run: a model whose call() takes what its own
                # train_step never passes it (keras.io StyleGAN: a dict) but whose
                # sub-layers all have their state was trained by Keras 2 as is; one whose
                # layers are made when first called (keras.io molecule_generation: call()
                # takes two of the batch's three arrays) was built by its first step.
                if all(_state_complete(layer) for layer in self._flatten_layers(include_self=False,
                                                                                recursive=False)):
                    _mark_built(self)
                else:
                    data_batch = _first_batch(iterator, data_batch)
                    self._keras2_first_train_step_build(data_batch)
            else:
                data_batch = _first_batch(iterator, data_batch)
                self._keras2_first_step_build(step, data_batch)
            return super()._symbolic_build(iterator=iterator, data_batch=data_batch)

    def _keras2_first_train_step_build(self, data_batch):
        """What exists after Keras 2's first train step, and nothing else changed: the
        model's own train step runs once on the first batch, then every variable it
        touched is put back (those it made to the values they were made with: the
        layers' initial weights, an unused optimizer's zero slots and step count)."""
        step = _original(type(self), "train_step")
        existing = {id(v): v for v in self._all_state_variables()}  # (shared ones once)
        before = [(v, np.array(keras.ops.convert_to_numpy(v.value))) for v in existing.values()]
        with gradients.created_variables() as created, gradients.building():
            step(self, _keras2_batch(data_batch))
        for variable, value in before + [(v, value) for v, value in created if id(v) not in existing]:
            variable.assign(value)
        if not self.built and all(layer.built for layer in self._flatten_layers(include_self=False)):
            self.built = True

    def _all_state_variables(self):
        optimizers = [o for o in [self.optimizer, *_other_optimizers(self)] if o is not None]
        found = list(self.variables) + list(self.metrics_variables)
        for optimizer in optimizers:
            found.extend(optimizer.variables)
        return found

    def _keras2_first_step_build(self, step, data_batch):
        """The model's own test step once on the first batch (no training), its metrics
        reset: what exists after Keras 2's first step, and nothing else changed."""
        step(self, data_batch)
        for metric in self.metrics:
            metric.reset_state()
        if not self.built and all(layer.built for layer in self._flatten_layers(include_self=False)):
            self.built = True

    @property
    def jit_compile(self):
        value = keras.Model.jit_compile.fget(self)
        if value and keras.backend.backend() == "jax" and _other_optimizers(self):
            return False  # their state lives outside Keras' JAX state: eager steps keep it
        return value

    @jit_compile.setter
    def jit_compile(self, value):
        keras.Model.jit_compile.fset(self, value)
