"""keras_migrate_runtime.Keras2Metric / keras2_broadcast_metrics / keras2_copy_metric."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import Keras2Metric, keras2_broadcast_metrics, keras2_copy_metric  # noqa: E402

PROBS = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], "float32")
IDS = np.array([2, 0], "float32")


def test_rank1_labels_broadcast_like_keras2():
    metric = Keras2Metric("mae")
    metric.update_state(IDS, PROBS)
    # Keras 2: labels (2, 1) against (2, 3): mean(|2 - p|) and mean(|0 - p|), averaged.
    expected = np.mean([np.mean(np.abs(2 - PROBS[0])), np.mean(np.abs(0 - PROBS[1]))])
    assert float(metric.result()) == pytest.approx(expected)
    assert metric.name == "mae"


def test_same_rank_is_the_wrapped_metric():
    wrapped, plain = Keras2Metric(keras.metrics.MeanSquaredError(name="m")), keras.metrics.MeanSquaredError()
    labels = np.eye(3, dtype="float32")[[2, 0]]
    for metric in (wrapped, plain):
        metric.update_state(labels, PROBS)
    assert float(wrapped.result()) == pytest.approx(float(plain.result()))
    assert wrapped.name == "m"
    wrapped.reset_state()
    assert float(wrapped.result()) == 0.0


def test_config_round_trip():
    metric = Keras2Metric("mae")
    clone = Keras2Metric.from_config(metric.get_config())
    clone.update_state(IDS, PROBS)
    metric.update_state(IDS, PROBS)
    assert float(clone.result()) == pytest.approx(float(metric.result()))


def test_broadcast_copies_instances_per_output():
    auc = keras.metrics.MeanSquaredError(name="msq")
    per_output = keras2_broadcast_metrics([auc, "mae", len], 2)
    assert len(per_output) == 2 and all(len(group) == 3 for group in per_output)
    assert per_output[0][0] is not auc and per_output[1][0] is not per_output[0][0]
    assert per_output[0][0].name == "msq" and per_output[0][1:] == ["mae", len]
    assert keras2_broadcast_metrics("mae", 3) == [["mae"], ["mae"], ["mae"]]


def test_structures_pass_through():
    nested = [["mae"], ["mse"]]
    assert keras2_broadcast_metrics(nested, 2) is nested
    by_name = {"a": "mae"}
    assert keras2_broadcast_metrics(by_name, 2) is by_name
    flat = ["mae"]
    assert keras2_broadcast_metrics(flat, 1) is flat
    assert keras2_copy_metric("mae") == "mae"


def _abs_error(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_true - y_pred))


def _hit_rate(y_true, y_pred):
    return keras.ops.mean(keras.ops.cast(keras.ops.equal(y_true, keras.ops.round(y_pred)), "float32"))


SIGMOID = np.array([[0.9], [0.2], [0.6], [0.4]], "float32")
BINARY = np.array([1, 0, 0, 1], "float32")


def test_function_gets_keras2_shapes():
    # Keras 2: labels (4,) -> (4, 1) beside (4, 1) outputs; Keras 3's wrapper alone
    # broadcasts them to (4, 4).
    metric = Keras2Metric(_abs_error)
    metric.update_state(BINARY, SIGMOID)
    assert float(metric.result()) == pytest.approx(np.mean(np.abs(BINARY - SIGMOID[:, 0])))
    assert metric.name == "_abs_error"
    plain = keras.metrics.MeanMetricWrapper(_abs_error)
    plain.update_state(BINARY, SIGMOID)
    assert float(plain.result()) != pytest.approx(float(metric.result()))


def test_function_rank1_output_squeezes_labels():
    metric = Keras2Metric(_abs_error)
    metric.update_state(BINARY[:, None], SIGMOID[:, 0])  # (4, 1) labels beside a (4,) output
    assert float(metric.result()) == pytest.approx(np.mean(np.abs(BINARY - SIGMOID[:, 0])))


def test_function_integer_labels_cast_to_float():
    metric = Keras2Metric(_hit_rate)
    metric.update_state(BINARY.astype("int32"), SIGMOID)
    assert float(metric.result()) == pytest.approx(0.5)


def test_function_of_one_number_per_batch_with_sample_weights():
    # tf_keras Reduce: the batch's number counts with the batch's total weight.
    metric = Keras2Metric(_hit_rate)
    metric.update_state(BINARY, SIGMOID, sample_weight=np.array([1, 1, 1, 1], "float32"))
    metric.update_state(BINARY, np.ones_like(SIGMOID), sample_weight=np.array([3, 3, 3, 3], "float32"))
    assert float(metric.result()) == pytest.approx((0.5 * 4 + 0.5 * 12) / 16)


def test_function_config_round_trip():
    metric = Keras2Metric(_abs_error)
    with keras.saving.custom_object_scope({"_abs_error": _abs_error}):  # as load_model(custom_objects=...)
        clone = Keras2Metric.from_config(metric.get_config())
    assert clone.function_shapes and not Keras2Metric("mae").function_shapes
    clone.update_state(BINARY, SIGMOID)
    assert float(clone.result()) == pytest.approx(np.mean(np.abs(BINARY - SIGMOID[:, 0])))
