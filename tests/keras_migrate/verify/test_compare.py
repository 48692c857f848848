"""Record comparison: tolerance, structure, renamed log keys, first divergence."""

import numpy as np

from keras_migrate.verify._compare import Tolerance, compare_records
from keras_migrate.verify._records import CRASH, EXIT, FIT, NOTE, WEIGHTS, Record

TOL = Tolerance()


def fit(history, label="fit #1 of model #1 (Functional)"):
    return Record(FIT, label, history, "prog.py:3")


def test_identical_within_tolerance():
    a = [fit({"loss": [1.0, 0.5]}), Record(EXIT, "exit", 0)]
    b = [fit({"loss": [1.0 + 1e-4, 0.5]}), Record(NOTE, "neutralised", {"x": 1}), Record(EXIT, "exit", 0)]
    assert compare_records(a, b, TOL) is None


def test_first_difference_names_record_path_and_values():
    a = [fit({"loss": [1.0, 0.5]}), Record(WEIGHTS, "final weights of model #1", [np.zeros(3)])]
    b = [fit({"loss": [1.0, 0.6]}), Record(WEIGHTS, "final weights of model #1", [np.ones(3)])]
    diff = compare_records(a, b, TOL)
    assert diff.index == 0 and diff.path == "['loss'][1]"
    assert diff.keras2 == 0.5 and diff.keras3 == 0.6
    assert "1 of 2 values differ" in diff.message


def test_renamed_log_key_lr_is_learning_rate():
    a = [fit({"loss": [1.0], "lr": [0.1]})]
    b = [fit({"loss": [1.0], "learning_rate": [0.1]})]
    assert compare_records(a, b, TOL) is None


def test_missing_key_and_missing_record():
    a = [fit({"loss": [1.0], "mae": [0.3]})]
    b = [fit({"loss": [1.0]})]
    assert "keys differ" in compare_records(a, b, TOL).message
    a2 = [fit({"loss": [1.0]}), Record(WEIGHTS, "final weights of model #1", [np.zeros(2)])]
    b2 = [fit({"loss": [1.0]})]
    diff = compare_records(a2, b2, TOL)
    assert diff.index == 1 and "Keras 2 recorded more" in diff.message


def test_shape_and_kind_mismatch():
    a = [Record("predict", "predict #1", np.zeros((2, 3)))]
    b = [Record("predict", "predict #1", np.zeros((3, 2)))]
    assert "shape" in compare_records(a, b, TOL).message
    c = [Record("evaluate", "evaluate #1", 1.0)]
    assert "Keras 2 recorded predict #1" in compare_records(a, c, TOL).message


def test_single_output_list_equals_bare_array_and_nan_equal():
    a = [Record("predict", "p", [np.array([1.0, np.nan])])]
    b = [Record("predict", "p", np.array([1.0, np.nan]))]
    assert compare_records(a, b, TOL) is None


def test_crash_records_are_not_compared_as_values():
    a = [fit({"loss": [1.0]}), Record(EXIT, "exit", 0)]
    b = [fit({"loss": [1.0]}), Record(CRASH, "ValueError", {"type": "ValueError"})]
    assert compare_records(a, b, TOL) is None  # the crash is judged from the run's exit, not here


def test_shown_value_is_one_beyond_tolerance():
    # A large value within its relative tolerance has the largest absolute difference;
    # the small one differs beyond tolerance and is the one shown (p06 of an independent batch).
    a = [Record(WEIGHTS, "final weights of model #1", [np.array([1000.0, 5.928e-4])])]
    b = [Record(WEIGHTS, "final weights of model #1", [np.array([1000.5, 5.758e-4])])]
    diff = compare_records(a, b, TOL)
    assert diff.path.endswith("[1]")
    assert diff.keras2 == 5.928e-4 and diff.keras3 == 5.758e-4
    assert "1 of 2 values differ" in diff.message and "max abs difference 0.5" in diff.message
