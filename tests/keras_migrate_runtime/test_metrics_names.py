"""keras_migrate_runtime.keras2_metrics_names: Keras 2's metrics_names (the lists below
are tf_keras 2.21's for the same models), one per value evaluate() returns."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from _backends import BACKENDS, run_module_on  # noqa: E402
from keras_migrate_runtime import keras2_metrics_names  # noqa: E402

X = np.linspace(-1, 1, 120).reshape(20, 6).astype("float32")
Y = (X.sum(axis=1) > 0).astype("int32")


def _single():
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=1, name="top1")])
    return model


def test_none_before_training_then_one_name_per_value():
    model = _single()
    assert keras2_metrics_names(model) == []
    model.fit(X, Y, epochs=1, verbose=0)
    names = keras2_metrics_names(model)
    assert names == ["loss", "accuracy", "top1"]
    scores = model.evaluate(X, Y, verbose=0)
    assert dict(zip(names, scores)) == pytest.approx(model.evaluate(X, Y, verbose=0, return_dict=True))


def test_multi_output_order_is_keras2s():
    inp = keras.Input((6,))
    h = keras.layers.Dense(4, activation="relu")(inp)
    model = keras.Model(inp, [keras.layers.Dense(1, name="reg")(h),
                              keras.layers.Dense(2, activation="softmax", name="cls")(h)])
    model.compile(optimizer="sgd", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                  metrics={"reg": ["mae"], "cls": ["accuracy"]}, weighted_metrics={"cls": ["accuracy"]})
    model.fit(X, [X[:, :1], Y], epochs=1, verbose=0)
    assert keras2_metrics_names(model) == ["loss", "reg_loss", "cls_loss", "reg_mae", "cls_accuracy",
                                           "cls_weighted_accuracy"]
    logs = model.evaluate(X, [X[:, :1], Y], verbose=0, return_dict=True)
    assert set(logs) == set(keras2_metrics_names(model))


def test_a_models_own_metrics_property_is_kept():
    class Tracked(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.total = keras.metrics.Mean(name="total")

        def call(self, x):
            return self.dense(x)

        @property
        def metrics(self):
            return [self.total]

    model = Tracked()
    model.compile(optimizer="sgd", loss="mse")
    assert keras2_metrics_names(model) == model.metrics_names == ["total"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_each_backend(backend):
    run_module_on(backend, __file__)
