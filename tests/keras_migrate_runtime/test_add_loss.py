"""keras_migrate_runtime.AddLoss: every loss of a forward pass is counted, on every trace.

Keras 3.15 remembers a layer's add_loss tensors by id() and, when the layer is called
again, drops each loss of the new pass whose id it remembers. A JAX trace's tensors are
freed after the trace, so another layer's loss in the next trace could reuse an address
and be dropped (the parity program callable_add_loss lost a penalty in evaluate() on
its second batch size, depending on the heap). AddLoss holds what it remembers."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import AddLoss, add_symbolic_loss  # noqa: E402

X = np.linspace(-1, 1, 60).reshape(20, 3).astype("float32")
Y = X[:, :2] * 2.0


def _model():
    inputs = keras.Input((3,))
    hidden_layer = keras.layers.Dense(4, activation="tanh", name="hidden")
    hidden = hidden_layer(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2, name="head")(hidden))
    model = add_symbolic_loss(model, lambda: 0.5 * keras.ops.sum(keras.ops.square(model.get_layer("head").kernel)))
    model = add_symbolic_loss(model, lambda: 0.1 * keras.ops.sum(keras.ops.abs(hidden_layer.kernel)))
    model = add_symbolic_loss(model, lambda h: keras.ops.mean(keras.ops.square(h)), hidden)
    return model


def _remembered_ids_are_held(model, *, in_scope):
    layers = [layer for layer in model.layers if isinstance(layer, AddLoss)]
    assert len(layers) == 3
    for layer in layers:
        # ids are remembered for losses added in a stateless scope (JAX's fit/evaluate).
        assert bool(layer._loss_ids) == in_scope, layer.name
        assert layer._loss_ids <= {id(x) for x in getattr(layer, "_held_losses", ())}, layer.name


def test_remembered_losses_stay_alive_between_passes():
    model = _model()
    for batch in (X, X[:7], X[:3]):
        _, _, losses = model.stateless_call([v.value for v in model.trainable_variables], [], batch,
                                            return_losses=True)
        assert len(losses) == 3
        del losses
        _remembered_ids_are_held(model, in_scope=True)


def test_evaluate_over_two_batch_sizes_counts_every_penalty():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    # 20 samples in batches of 8: two shapes, two traces on JAX.
    got = model.evaluate(X, Y, batch_size=8, verbose=0)
    _remembered_ids_are_held(model, in_scope=keras.backend.backend() == "jax")
    outputs = keras.Model(model.inputs, [model.get_layer("hidden").output, model.outputs[0]]).predict(X, verbose=0)
    hidden, prediction = (keras.ops.convert_to_numpy(o) for o in outputs)
    head = keras.ops.convert_to_numpy(model.get_layer("head").kernel)
    kernel = keras.ops.convert_to_numpy(model.get_layer("hidden").kernel)
    fixed = 0.5 * np.sum(head**2) + 0.1 * np.sum(np.abs(kernel))
    per_batch = [np.mean((prediction[s] - Y[s]) ** 2) + np.mean(hidden[s] ** 2) + fixed
                 for s in (slice(0, 8), slice(8, 16), slice(16, 20))]
    np.testing.assert_allclose(got, np.average(per_batch, weights=[8, 8, 4]), rtol=1e-5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_backend(backend):
    run_module_on(backend, __file__)
