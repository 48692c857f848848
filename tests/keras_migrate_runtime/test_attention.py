"""keras_migrate_runtime.Attention / AdditiveAttention: Keras 2's causal= constructor
argument (every call masked causally), with Keras 3's layer name, weights and config."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import AdditiveAttention, Attention  # noqa: E402

Q = np.random.RandomState(0).normal(size=(2, 5, 3)).astype("float32")
V = np.random.RandomState(1).normal(size=(2, 5, 3)).astype("float32")


@pytest.mark.parametrize("ours, theirs", [(Attention, keras.layers.Attention),
                                          (AdditiveAttention, keras.layers.AdditiveAttention)])
def test_causal_layer_masks_every_call(ours, theirs):
    causal = ours(causal=True, name="att")
    plain = theirs(name="plain")
    causal.build([Q.shape, V.shape])
    plain.build([Q.shape, V.shape])
    plain.set_weights(causal.get_weights())
    np.testing.assert_allclose(keras.ops.convert_to_numpy(causal([Q, V])),
                               keras.ops.convert_to_numpy(plain([Q, V], use_causal_mask=True)), atol=1e-6)
    # not causal: the Keras 3 layer as it is; a call may still ask for the mask
    open_layer = ours(causal=False)
    open_layer.build([Q.shape, V.shape])
    open_layer.set_weights(causal.get_weights())
    np.testing.assert_allclose(keras.ops.convert_to_numpy(open_layer([Q, V])),
                               keras.ops.convert_to_numpy(plain([Q, V])), atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(open_layer([Q, V], use_causal_mask=True)),
                               keras.ops.convert_to_numpy(causal([Q, V])), atol=1e-6)
    assert type(causal).__name__ == theirs.__name__ and causal.name == "att"


def test_config_and_saving_keep_causal(tmp_path):
    inputs = keras.Input((5, 3))
    outputs = Attention(causal=True, use_scale=True)([inputs, inputs])
    model = keras.Model(inputs, outputs)
    layer = model.layers[-1]
    assert layer.get_config()["causal"] is True
    assert Attention.from_config(layer.get_config()).causal is True
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(Q)), keras.ops.convert_to_numpy(model(Q)), atol=1e-6)
    assert loaded.layers[-1].causal is True


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_backend(backend):
    run_module_on(backend, __file__)
