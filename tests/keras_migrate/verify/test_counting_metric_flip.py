"""verify: an accuracy that moves by a flipped prediction or two while every loss, weight
and prediction matches is UNSTABLE (a decision-boundary tie), never a silent pass; a
metric difference with anything else differing, or a large one, stands."""

import numpy as np

from keras_migrate.verify._compare import Tolerance, compare_records, counting_metric_flip
from keras_migrate.verify._records import EXIT, EVALUATE, FIT, WEIGHTS, Record

TOL = Tolerance()


def run(history, weights, evaluation=None):
    records = [Record(FIT, "fit #1 of model #1 (Functional)", history, "p.py:3"),
               Record(WEIGHTS, "final weights of model #1", [np.asarray(weights)], "p.py:9")]
    if evaluation is not None:
        records.append(Record(EVALUATE, "evaluate #1 of model #1", evaluation, "p.py:10"))
    return records + [Record(EXIT, "exit", 0)]


def flip(reference, actual):
    difference = compare_records(reference, actual, TOL)
    assert difference is not None
    return counting_metric_flip(reference, actual, TOL, difference)


def test_one_flipped_prediction_with_everything_else_equal_is_a_flip():
    reference = run({"loss": [0.7, 0.6], "accuracy": [0.5, 0.75]}, [0.1, 0.2])
    actual = run({"loss": [0.7, 0.6], "accuracy": [0.5, 0.7777778]}, [0.1, 0.2])
    reason = flip(reference, actual)
    assert reason and "'accuracy'" in reason
    for key in ("val_accuracy", "binary_accuracy", "sparse_categorical_accuracy", "acc", "val_acc"):
        ref = run({"loss": [0.7], key: [0.5]}, [0.1])
        assert flip(ref, run({"loss": [0.7], key: [0.53125]}, [0.1])), key


def test_a_loss_or_weight_difference_alongside_keeps_it_a_difference():
    reference = run({"loss": [0.7, 0.6], "accuracy": [0.5, 0.75]}, [0.1, 0.2])
    assert flip(reference, run({"loss": [0.7, 0.61], "accuracy": [0.5, 0.78]}, [0.1, 0.2])) is None
    assert flip(reference, run({"loss": [0.7, 0.6], "accuracy": [0.5, 0.78]}, [0.1, 0.25])) is None
    with_eval = run({"loss": [0.7], "accuracy": [0.5]}, [0.1], {"loss": 0.4, "accuracy": 0.5})
    assert flip(with_eval, run({"loss": [0.7], "accuracy": [0.52]}, [0.1], {"loss": 0.45, "accuracy": 0.5})) is None


def test_a_large_metric_difference_or_another_metric_stands():
    reference = run({"loss": [0.7], "accuracy": [0.5]}, [0.1])
    assert flip(reference, run({"loss": [0.7], "accuracy": [0.6]}, [0.1])) is None  # a real change
    reference = run({"loss": [0.7], "mae": [0.5]}, [0.1])
    assert flip(reference, run({"loss": [0.7], "mae": [0.51]}, [0.1])) is None  # not a count
