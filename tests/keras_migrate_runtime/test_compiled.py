"""keras_migrate_runtime.keras2_compiled_loss & co: Keras 2's compile containers on Keras 3."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import (  # noqa: E402
    keras2_compiled_loss,
    keras2_metrics_results,
    keras2_update_compiled_metrics,
)

X = np.array([[1.0, 0.0], [0.0, 2.0]], "float32")
Y = np.array([[1.0], [0.0]], "float32")


def _floats(results):
    return {name: float(value) for name, value in results.items()}


def _model(**compile_kwargs):
    inputs = keras.Input((2,))
    outputs = keras.layers.Dense(1, kernel_initializer="ones", kernel_regularizer=keras.regularizers.l2(0.5))(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", **compile_kwargs)
    return model


def test_regularization_losses_only_when_passed():
    model = _model(loss="mse")
    y_pred = model(X)  # [1, 2]: mse 2.0; l2 penalty 0.5 * 2 = 1.0
    assert float(keras2_compiled_loss(model, Y, y_pred)) == pytest.approx(2.0)
    total = keras2_compiled_loss(model, Y, y_pred, regularization_losses=model.losses)
    assert float(total) == pytest.approx(3.0)
    # The "loss" metric saw both calls, weighted by the batch size.
    assert _floats(keras2_metrics_results(model)) == {"loss": pytest.approx(2.5)}


def test_no_tracker_update_inside_compute_loss():
    model = _model(loss="mse")
    keras2_compiled_loss(model, Y, model(X), update_loss_tracker=False)
    assert float(model.metrics[0].result()) == 0.0


def test_results_list_what_keras2_listed():
    model = _model(loss="mse", metrics=["mae"])
    # Nothing ran yet: Keras 2 listed no metric (Keras 3's compile_metrics would raise).
    assert keras2_metrics_results(model) == {}
    keras2_update_compiled_metrics(model, Y, model(X))
    assert _floats(keras2_metrics_results(model)) == {"mae": pytest.approx(1.0)}
    assert float(model.metrics[0].result()) == 0.0  # the loss tracker was left alone


def test_no_compiled_loss_is_zero():
    model = _model()
    assert float(keras2_compiled_loss(model, Y, model(X))) == 0.0
