"""Runtime LegacyNadam: Keras 2's legacy Nadam (momentum schedule 0.96 ** (0.004 * step))
on Keras 3, on each backend, against numbers tf_keras 2.21's
`optimizers.legacy.Nadam.apply_gradients` produced for the same gradients."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402

from keras_migrate_runtime import LegacyNadam  # noqa: E402

GRADS = [[0.5, -1.0, 2.0], [0.1, 0.3, -0.2], [-0.4, 0.0, 1.5]]
# tf_keras 2.21: Variable([1.0, -2.0, 0.5]) after three apply_gradients of GRADS.
CASES = [
    (dict(learning_rate=0.1), [0.9311545491218567, -1.9141463041305542, 0.32626834511756897]),
    (dict(learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-3, schedule_decay=0.5),
     [0.9621556997299194, -1.9532896280288696, 0.4052252769470215]),
]


@pytest.mark.parametrize("kwargs, keras2", CASES)
def test_updates_as_keras2_legacy_nadam(kwargs, keras2):
    variable = keras.Variable(np.array([1.0, -2.0, 0.5], "float32"))
    optimizer = LegacyNadam(**kwargs)
    for grad in GRADS:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(np.array(grad, "float32")), variable)])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(variable), keras2, rtol=2e-5)  # float32 sums in another order


def test_differs_from_keras3_nadam_and_round_trips(tmp_path):
    x = np.random.RandomState(0).rand(16, 3).astype("float32")
    weights = {}
    for optimizer in (LegacyNadam(0.05), keras.optimizers.Nadam(0.05)):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, kernel_initializer="ones")])
        model.compile(optimizer, "mse")
        model.fit(x, x[:, :1], batch_size=4, epochs=2, verbose=0, shuffle=False)
        weights[type(optimizer).__name__] = model.get_weights()[0]
    assert not np.allclose(weights["LegacyNadam"], weights["Nadam"], rtol=1e-4)
    path = str(tmp_path / "m.keras")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(LegacyNadam(0.01, schedule_decay=0.01), "mse")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded.optimizer) is LegacyNadam and loaded.optimizer.schedule_decay == 0.01


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_every_backend(backend):
    run_module_on(backend, __file__)
