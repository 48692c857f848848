"""keras_migrate_runtime.keras2_compile: fit / train_on_batch run with the trainable
flags of the model's last compile(), as Keras 2 did; nothing else changes."""

import gc
import weakref

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import keras2_compile  # noqa: E402

X = np.linspace(-1, 1, 48).reshape(8, 6).astype("float32")
Y = np.ones((8, 1), "float32")


def _gan(compile_fn):
    d = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3), keras.layers.Dense(1, activation="sigmoid")])
    compile_fn(d, loss="binary_crossentropy", optimizer=keras.optimizers.SGD(0.1))
    d.trainable = False
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6)])
    gan = keras.Sequential([g, d])
    compile_fn(gan, loss="binary_crossentropy", optimizer=keras.optimizers.SGD(0.1))
    return d, g, gan


def _changed(before, after):
    return [not np.array_equal(a, b) for a, b in zip(before, after)]


def test_a_frozen_discriminator_still_trains_by_itself_and_not_through_the_gan():
    d, g, gan = _gan(keras2_compile)
    for _ in range(2):
        before = d.get_weights()
        d.train_on_batch(X, Y)
        assert all(_changed(before, d.get_weights()))
        assert d.trainable is False and not d.trainable_weights  # the current flags are back
        before_d, before_g = d.get_weights(), g.get_weights()
        gan.train_on_batch(X[:, :4], Y)
        assert not any(_changed(before_d, d.get_weights())) and all(_changed(before_g, g.get_weights()))
    before = d.get_weights()
    d.fit(X, Y, epochs=1, verbose=0)
    assert all(_changed(before, d.get_weights()))


def test_plain_compile_is_keras3s_rule():
    d, _, _ = _gan(lambda model, **kw: model.compile(**kw))
    before = d.get_weights()
    d.train_on_batch(X, Y)
    assert not any(_changed(before, d.get_weights()))  # what the runtime exists for


def test_a_recompile_takes_the_new_flags_and_sublayer_flags_are_kept():
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3), keras.layers.Dense(1)])
    keras2_compile(model, loss="mse", optimizer="sgd")
    model.layers[0].trainable = False
    before = model.get_weights()
    model.train_on_batch(X, Y)
    assert all(_changed(before, model.get_weights()))  # compiled with layer 0 trainable
    assert model.layers[0].trainable is False and model.layers[1].trainable is True
    keras2_compile(model, loss="mse", optimizer="sgd")
    before = model.get_weights()
    model.train_on_batch(X, Y)
    assert _changed(before, model.get_weights()) == [False, False, True, True]


def test_evaluate_and_predict_and_other_models_are_untouched():
    d, _, _ = _gan(keras2_compile)
    assert "evaluate" not in vars(d) and "predict" not in vars(d)
    other = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1)])
    other.compile(loss="mse", optimizer="sgd")
    assert "fit" not in vars(other) and "train_on_batch" not in vars(other)


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)


def test_the_model_is_not_kept_alive():
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1)])
    keras2_compile(model, loss="mse", optimizer="sgd")
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None
