"""`with tf.GradientTape() as tape: ...; tape.gradient(loss, variables)` on every backend.

A GradientTape records a forward pass and differentiates it afterwards; JAX can only
differentiate a function, and PyTorch differentiates through its own graph. The
migrator therefore turns the tape's block into a function and calls

    outputs, grads = value_and_grad(forward, variables, state=model.variables)

which runs `forward()` ONCE and returns what it returned together with the gradients of
its loss (its result, or the first element of a tuple) with respect to `variables`:

- TensorFlow: a tf.GradientTape around the call (Keras 2's own mechanism);
- PyTorch: torch.autograd.grad on the loss;
- JAX: jax.value_and_grad over the function with the variables' values substituted
  (keras.StatelessScope); assignments the forward pass makes (BatchNorm statistics,
  seed generators, metrics) are applied afterwards, like the eager backends do, whether
  or not `state` (or an enclosing BackendAgnosticSteps step) names those variables.

`value_and_grads(forward, [(index, variables), ...])` differentiates several outputs of
one forward pass (two tapes over one block, as GANs write it).

`value_and_input_grad(forward, inputs)` is `tape.watch(x)` + `tape.gradient(y, x)`: the
gradient with respect to tensors (a WGAN-GP gradient penalty), which may itself be
differentiated by an enclosing step (second order: torch keeps the graph, JAX nests).

On PyTorch, NumPy arrays meet tensors in the forward pass as they met TensorFlow tensors
in Keras 2 (`model(x) - y` with NumPy labels): torch refuses an ndarray operand, and
NumPy cannot read a tensor that requires grad, so for the forward pass torch.Tensor
answers NumPy's operators itself (the array becomes a tensor of the tensor's float type,
as TensorFlow converted it).
"""

import contextlib
import contextvars
import sys

import keras
import numpy as np

from .torch_numpy import numpy_operands

__all__ = ["minimize", "value_and_grad", "value_and_grads", "value_and_input_grad"]


def _output(out, index):
    if isinstance(out, (tuple, list)):
        return out[index]
    if index:
        raise ValueError("the forward function returned one value, but several losses were asked for")
    return out


def value_and_grad(forward, variables, state=None):
    out, (grads,) = value_and_grads(forward, [(0, variables)], state=state)
    return out, grads


def minimize(optimizer, loss, var_list):
    """Keras 2's `optimizer.minimize(loss, var_list)` (Keras 3's optimizers have no
    minimize): the gradients of `loss()` with respect to `var_list` (variables, or a
    function returning them, read after the loss as Keras 2 did), applied with
    `optimizer.apply_gradients`. Returns None, as Keras 2's optimizers did."""
    if not callable(loss):
        # Keras 2 also took a tensor computed under a tape (tape=): no tape off TensorFlow.
        raise TypeError("minimize: `loss` must be a function of no arguments returning the loss")
    _, grads = value_and_grad(loss, var_list)
    variables = var_list() if callable(var_list) else var_list
    optimizer.apply_gradients(zip(keras.tree.flatten(grads), keras.tree.flatten(_sources(variables))))


def value_and_grads(forward, targets, state=None):
    """`variables` may also be a function returning them (`lambda: self.trainable_weights`):
    Keras 2's tape read its sources after the block, when a model first called there has
    its weights. TensorFlow and PyTorch read them after the forward pass too; JAX, which
    differentiates a function of their values, must read them before."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        out, structures, grads = _tensorflow(forward, targets)
    elif backend == "torch":
        out, structures, grads = _torch(forward, targets)
    elif backend == "jax":
        lazy = any(callable(variables) for _, variables in targets)
        if _BUILDING.get() and lazy:
            forward()  # the layers first called in the block make their weights (undone after)
        elif lazy and _unbuilt(targets):
            # A model first called in the block (a Sequential without an input shape):
            # one forward pass makes its weights, which get back their initial values.
            with created_variables() as created:
                forward()
            for variable, value in created:
                variable.assign(value)
        structures, flat = _resolve(targets)
        out, grads = _jax(forward, flat, state)
    else:
        raise NotImplementedError(f"value_and_grads has no {backend} implementation")
    return out, [keras.tree.pack_sequence_as(structure, g) for structure, g in zip(structures, grads)]


@contextlib.contextmanager
def _true_while(flag):
    token = flag.set(True)
    try:
        yield
    finally:
        flag.reset(token)


# Set while a forward pass whose result is differentiated runs (PyTorch): gradients
# computed inside it must stay differentiable.
_RECORDING = contextvars.ContextVar("keras_migrate_recording", default=False)


def _recording():
    return _true_while(_RECORDING)


# Set while BackendAgnosticSteps runs a model's first train step to build it, as Keras 2
# did inside its tape: every variable is put back afterwards, so on JAX the forward pass
# may run once eagerly to make the weights the sources name.
_BUILDING = contextvars.ContextVar("keras_migrate_building", default=False)


def building():
    return _true_while(_BUILDING)


def _unbuilt(targets):
    """Do some of the weight lists read now come out empty?"""
    for _, variables in targets:
        found = _sources(variables() if callable(variables) else variables)
        if isinstance(found, (list, tuple, dict)) and not keras.tree.flatten(found):
            return True
    return False


@contextlib.contextmanager
def created_variables():
    """[(variable, its initial value)] of every Keras variable created inside."""
    from keras.src.backend.common import variables

    created = []
    original = variables.Variable.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if getattr(self, "_value", None) is not None:
            created.append((self, np.array(keras.ops.convert_to_numpy(self.value))))

    variables.Variable.__init__ = init
    try:
        yield created
    finally:
        variables.Variable.__init__ = original


def _resolve(targets):
    """(the variables' structures, [(index, flat variables)]): what tape.gradient got."""
    structures = [_sources(variables() if callable(variables) else variables) for _, variables in targets]
    flat = [(index, keras.tree.flatten(variables)) for (index, _), variables in zip(targets, structures)]
    if any(not variables for _, variables in flat):
        # A list taken before a model's first call would silently train nothing.
        raise ValueError("value_and_grad: no variables to differentiate; build the model "
                         "(model.build(input_shape) or call it once) before the training step")
    return structures, flat


def _sources(variables):
    """tape.gradient(loss, sources) took one variable or any nest of them (a list of
    per-layer lists, a tuple, a dict) and returned the gradients in that structure; other
    iterables (dict views, generators) are read once, as a list. One variable is no
    list: iterating it would read its rows (without end on JAX, whose indexing clamps)."""
    if isinstance(variables, (list, tuple, dict)) or _is_tensor_like(variables):
        return variables
    return list(variables)


def _is_tensor_like(value):
    return isinstance(value, keras.Variable) or (hasattr(value, "shape") and hasattr(value, "dtype"))


def _tensorflow(forward, targets):
    import tensorflow as tf

    with tf.GradientTape(persistent=len(targets) > 1) as tape:
        out = forward()
    structures, flat = _resolve(targets)
    grads = [tape.gradient(_output(out, i), [_tensor(v) for v in variables]) for i, variables in flat]
    return out, structures, grads


def _torch(forward, targets):
    import torch

    with numpy_operands(torch), _recording():
        out = forward()
    structures, flat = _resolve(targets)
    grads = []
    for n, (i, variables) in enumerate(flat):
        loss = _output(out, i)
        # A loss that is not a scalar (per-sample values): tape.gradient took its sum.
        seed = torch.ones_like(loss) if getattr(loss, "dim", lambda: 0)() else None
        grads.append(list(torch.autograd.grad(
            loss, [_tensor(v) for v in variables], grad_outputs=seed, retain_graph=n < len(flat) - 1,
            allow_unused=True)))
    return out, structures, grads


def _tensor(variable):
    return variable.value if isinstance(variable, keras.Variable) else variable


class _RecordingScope(keras.StatelessScope):
    """A StatelessScope that also remembers which variables the forward pass assigned and
    which layer added each loss (add_loss)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, collect_losses=True, **kwargs)
        self.assigned = []
        self.loss_owners = []

    def add_update(self, update):
        variable = update[0]
        if all(variable is not v for v in self.assigned):
            self.assigned.append(variable)
        super().add_update(update)

    def add_loss(self, loss):
        # Layer.add_loss(self, loss) calls this, then registers id(loss) as its own: the
        # caller's frame names the layer, to hand it the loss's value after differentiation.
        caller = sys._getframe(1).f_locals.get("self")
        self.loss_owners.append(caller if isinstance(caller, keras.layers.Layer) else None)
        super().add_loss(loss)


def _restore_losses(outer, owners, values):
    """Losses the forward pass added (add_loss), as an eager pass leaves them: read by
    `layer.losses` after the tape's block (keras.io's VQ-VAE logs sum(vqvae.losses))."""
    for owner, value in zip(owners, values):
        if owner is None:
            continue
        if outer is not None and outer.collect_losses:
            outer.add_loss(value)
            owner._loss_ids.add(id(value))
        elif outer is None:
            owner._losses.append(value)


def _jax(forward, targets, state):
    import jax
    from keras.src.backend.common.stateless_scope import get_stateless_scope

    outer = get_stateless_scope()
    differentiated = []
    for _, variables in targets:
        differentiated.extend(v for v in variables if all(v is not d for d in differentiated))
    every = list(differentiated)
    extra = state if state is not None else getattr(outer, "keras_migrate_variables", ())
    every.extend(v for v in extra if all(v is not e for e in every))

    def current(v):
        value = outer.get_current_value(v) if outer is not None else None
        return v.value if value is None else value

    fixed = [current(v) for v in every]
    positions = {id(v): i for i, v in enumerate(every)}

    updated = []  # the non-differentiated variables the forward pass assigned
    owners = []  # the layers that added the forward pass's losses

    def pure(values):
        mapping = [(v, values[positions[id(v)]] if positions[id(v)] < len(values) else fixed[positions[id(v)]])
                   for v in every]
        with _RecordingScope(state_mapping=mapping) as scope:
            out = forward()
        updated[:] = [v for v in scope.assigned if all(v is not d for d in differentiated)]
        updates = [scope.get_current_value(v) for v in updated]
        owners[:] = scope.loss_owners
        losses = tuple(_output(out, i) for i, _ in targets)
        return losses, (out, updates, list(scope.losses))

    start = fixed[:len(differentiated)]
    losses, pullback, (out, updates, added_losses) = jax.vjp(pure, start, has_aux=True)
    _restore_losses(outer, owners, added_losses)
    grads_by_target = []
    for n, (_, variables) in enumerate(targets):
        seed = tuple(jax.numpy.ones_like(loss) if k == n else jax.numpy.zeros_like(loss)
                     for k, loss in enumerate(losses))
        (grads,) = pullback(seed)
        grads_by_target.append([grads[positions[id(v)]] for v in variables])
    # What the forward pass assigned (moving statistics, seeds, metrics), as an eager
    # backend would have left it.
    for v, value in zip(updated, updates):
        if value is not None:
            v.assign(value)
    return out, grads_by_target


def value_and_input_grad(forward, inputs):
    """forward(*tensors) and the gradient of its loss (its result, or the first element of
    a tuple; summed when not a scalar, as tape.gradient does) with respect to each tensor
    of `inputs` (one tensor, or a list/tuple of them: the gradients come the same way)."""
    single = not isinstance(inputs, (list, tuple))
    flat = [inputs] if single else list(inputs)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        flat = [tf.convert_to_tensor(x) for x in flat]
        with tf.GradientTape() as tape:
            for x in flat:
                tape.watch(x)
            out = forward(*flat)
        grads = tape.gradient(_output(out, 0), flat)
    elif backend == "torch":
        import torch

        flat = [keras.ops.convert_to_tensor(x) for x in flat]
        flat = [x if x.requires_grad else x.detach().requires_grad_(True) for x in flat]
        # Inside another differentiated forward pass (a gradient penalty in a training
        # step, as under an outer GradientTape) the gradients stay differentiable; else
        # they are plain values, as TensorFlow's are (an adversarial example plotted or
        # turned into NumPy next).
        nested = _RECORDING.get() and torch.is_grad_enabled()
        with _recording():
            out = forward(*flat)
        loss = _output(out, 0)
        grads = list(torch.autograd.grad(loss, flat, grad_outputs=torch.ones_like(loss),
                                         create_graph=nested, allow_unused=True))
        if not nested:
            out = keras.tree.map_structure(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, out)
    elif backend == "jax":
        import jax

        flat = [keras.ops.convert_to_tensor(x) for x in flat]

        def pure(*xs):
            value = forward(*xs)
            return _output(value, 0), value

        loss, pullback, out = jax.vjp(pure, *flat, has_aux=True)
        grads = list(pullback(jax.numpy.ones_like(loss)))
    else:
        raise NotImplementedError(f"value_and_input_grad has no {backend} implementation")
    if single:
        return out, grads[0]
    return out, type(inputs)(grads) if isinstance(inputs, tuple) else grads
