"""keras_migrate_runtime.train_on_batch/test_on_batch: Keras 2's reset_metrics."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import test_on_batch, train_on_batch  # noqa: E402


def _model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    return model


X = np.array([[1.0, 0.0], [0.0, 2.0]], "float32")


def test_false_accumulates_and_true_matches_keras3():
    model = _model()
    first = test_on_batch(model, X[:1], np.zeros((1, 1), "float32"), reset_metrics=False)  # loss 1
    second = test_on_batch(model, X[1:], np.zeros((1, 1), "float32"), reset_metrics=False)  # loss 4
    assert first == pytest.approx(1.0) and second == pytest.approx(2.5)  # running mean
    fresh = test_on_batch(model, X[1:], np.zeros((1, 1), "float32"))
    assert fresh == pytest.approx(model.test_on_batch(X[1:], np.zeros((1, 1), "float32"))) == pytest.approx(4.0)


def test_model_method_restored():
    model = _model()
    train_on_batch(model, X, np.zeros((2, 1), "float32"), reset_metrics=False)
    assert "reset_metrics" not in vars(model)
