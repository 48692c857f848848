"""Runtime MultiHeadAttention: Keras 2's additive masking (fully masked query rows attend
uniformly and pass gradients), on each backend, against tf_keras 2.21's numbers for the
same weights; without a mask, Keras 3's own layer."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402

from keras_migrate_runtime import MultiHeadAttention  # noqa: E402

X = np.random.RandomState(0).normal(size=(2, 4, 3)).astype("float32")
MASK = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], "float32")
PAIR = MASK[:, :, None] * MASK[:, None, :]  # rows 3 (and 2 of the second sample) see no key
# tf_keras 2.21, the same weights: the second sample's outputs (rows 2 and 3 fully
# masked: the uniform average of the values), and sum(|gradient|) of mean squared
# error against ones for each weight.
KERAS2_SECOND = [[1.472225, 0.256103, 0.503105], [1.32418, 0.469719, 0.429158],
                 [1.094254, -0.497793, 0.601946], [1.094254, -0.497793, 0.601946]]
KERAS2_GRAD_SUMS = [1.15273, 0.531587, 1.052422, 0.0, 2.896331, 2.066, 1.193365, 0.99579]


def _model(layer_class):
    x, pair = keras.Input((4, 3)), keras.Input((4, 4))
    layer = layer_class(num_heads=2, key_dim=2)
    model = keras.Model([x, pair], layer(x, x, attention_mask=pair))
    model.set_weights([np.random.RandomState(i).normal(size=w.shape).astype("float32") * 0.5
                       for i, w in enumerate(model.get_weights())])
    return model


def test_fully_masked_rows_as_keras2():
    model = _model(MultiHeadAttention)
    np.testing.assert_allclose(model.predict([X, PAIR], verbose=0)[1], KERAS2_SECOND, rtol=1e-5, atol=1e-6)
    before = model.get_weights()
    model.compile(keras.optimizers.SGD(1.0), "mse")
    model.train_on_batch([X, PAIR], np.ones((2, 4, 3), "float32"))
    sums = [float(np.abs(b - a).sum()) for b, a in zip(before, model.get_weights())]
    np.testing.assert_allclose(sums, KERAS2_GRAD_SUMS, rtol=1e-4, atol=1e-6)


def test_keras3_layer_differs_there():
    # what the runtime class is for: Keras 3's own layer gives those rows no gradient
    model = _model(keras.layers.MultiHeadAttention)
    before = model.get_weights()
    model.compile(keras.optimizers.SGD(1.0), "mse")
    model.train_on_batch([X, PAIR], np.ones((2, 4, 3), "float32"))
    sums = [float(np.abs(b - a).sum()) for b, a in zip(before, model.get_weights())]
    assert not np.allclose(sums, KERAS2_GRAD_SUMS, rtol=1e-3)


def test_without_mask_and_saving(tmp_path):
    x = keras.Input((4, 3))
    model = keras.Model(x, MultiHeadAttention(num_heads=2, key_dim=2, name="attend")(x, x))
    plain = keras.Model(x, keras.layers.MultiHeadAttention(num_heads=2, key_dim=2)(x, x))
    plain.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(X, verbose=0), plain.predict(X, verbose=0), rtol=1e-6)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded.get_layer("attend")) is MultiHeadAttention
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_every_backend(backend):
    run_module_on(backend, __file__)
