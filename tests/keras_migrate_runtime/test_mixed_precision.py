"""Runtime set_global_policy: a LossScaleOptimizer step skipped for overflowing gradients
still advances the inner optimizer's step counter (tf_keras 2.21: a float16 model whose
first three scaled steps overflow reports iterations 4 after 4 batches, the scale
32768 -> 4096), on each backend; the first real Adam step then uses bias correction t=4."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402

from keras_migrate_runtime import set_global_policy  # noqa: E402


def test_skipped_steps_count_as_in_keras2():
    set_global_policy("mixed_float16")
    try:
        rng = np.random.RandomState(12)
        x, y = rng.normal(size=(32, 6)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")
        inputs = keras.Input((6,))
        hidden = keras.layers.Dense(16, activation="relu", kernel_initializer="ones")(inputs)
        model = keras.Model(inputs, keras.layers.Dense(1, dtype="float32", kernel_initializer="ones")(hidden))
        model.compile(keras.optimizers.Adam(0.01), "mse")
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 8
        assert float(keras.ops.convert_to_numpy(model.optimizer.dynamic_scale)) == 1024.0
        # tf_keras 2.21: [656.6723022460938, 630.61376953125] (Keras 3 alone: 615.215 at epoch 2)
        np.testing.assert_allclose(history.history["loss"], [656.6723, 630.6138], rtol=1e-5)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert keras.mixed_precision.global_policy().name == "float32"


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_every_backend(backend):
    run_module_on(backend, __file__)
