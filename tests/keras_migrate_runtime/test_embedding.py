"""Runtime Embedding: trained with a dense gradient on every backend, as Keras 2's
optimizers applied an Embedding's gradient (every row's Adam moments decay, every row
with a non-zero moment moves); forward pass, config, mask and saving are Keras 3's."""

import os
import tempfile

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402

from keras_migrate_runtime import Embedding  # noqa: E402

IDS = np.array([[1, 1, 2, 0], [3, 1, 0, 0], [2, 2, 2, 5], [9, 0, 0, 0]], "int32")  # rows 4, 6-8 unused
TARGET = np.linspace(-1.0, 1.0, 4, dtype="float32")[:, None]


class _OneHotTable(keras.layers.Layer):
    """An embedding computed as one_hot(ids) @ table: a dense gradient on every backend."""

    def build(self, input_shape):
        self.table = self.add_weight(shape=(10, 3), initializer="zeros")

    def call(self, ids):
        return keras.ops.matmul(keras.ops.one_hot(ids, 10), self.table)


def _trained(layer, optimizer):
    model = keras.Sequential([keras.Input((4,), dtype="int32"), layer, keras.layers.GlobalAveragePooling1D(),
                              keras.layers.Dense(1)])
    model.set_weights([np.sin(np.arange(w.size) * 0.7 + k).reshape(w.shape).astype("float32")
                       for k, w in enumerate(model.get_weights())])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(IDS, TARGET, batch_size=2, epochs=3, shuffle=False, verbose=0)
    return keras.ops.convert_to_numpy(model.weights[0])


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "adagrad"])
def test_rows_train_as_a_dense_gradient_does(optimizer):
    reference = _trained(_OneHotTable(), keras.optimizers.get(optimizer))
    table = _trained(Embedding(10, 3), keras.optimizers.get(optimizer))
    np.testing.assert_allclose(table, reference, rtol=1e-5, atol=1e-6)
    if keras.backend.backend() == "tensorflow" and optimizer == "adam":
        # The test has teeth: Keras 3's own layer trains the unused rows differently there.
        plain = _trained(keras.layers.Embedding(10, 3), keras.optimizers.get(optimizer))
        assert not np.allclose(plain, reference, rtol=1e-5, atol=1e-6)


def test_config_mask_and_saving():
    layer = Embedding(10, 3, mask_zero=True, name="tokens")
    assert layer.get_config() == keras.layers.Embedding(
        10, 3, mask_zero=True, name="tokens").get_config()
    inputs = keras.Input((4,), dtype="int32")
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling1D()(layer(inputs)))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.compute_mask(IDS)), IDS != 0)
    path = os.path.join(tempfile.mkdtemp(), "model.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert type(restored.get_layer("tokens")) is Embedding
    np.testing.assert_allclose(restored.predict(IDS, verbose=0), model.predict(IDS, verbose=0))


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_backend(backend):
    run_module_on(backend, __file__)
