"""verify's noise floor: Keras 2 against itself with float sums reordered decides whether a
Keras 3 difference can be told from rounding noise (UNSTABLE) or stands (DIFFERS)."""

import math

import numpy as np

from keras_migrate.verify._compare import Tolerance, compare_records, deviation, record_deviation
from keras_migrate.verify._records import EXIT, FIT, WEIGHTS, Record
from keras_migrate.verify._run import DIFFERS, UNSTABLE, RunOutcome, Verdict, _noise_floor

TOL = Tolerance()


def run(losses, weights, name="keras2"):
    records = [Record(FIT, "fit #1 of model #1 (Functional)", {"loss": losses}, "p.py:3"),
               Record(WEIGHTS, "final weights of model #1", [np.asarray(weights)], "p.py:9"),
               Record(EXIT, "exit", 0)]
    return RunOutcome(name, 0, 1.0, records, "", [])


def judged(reference, backend_run):
    return {"jax": Verdict("jax", DIFFERS, difference=compare_records(reference.records, backend_run.records, TOL))}


def test_deviation_is_the_largest_absolute_difference():
    assert deviation({"loss": [1.0, 2.0]}, {"loss": [1.0, 2.5]}) == 0.5
    assert deviation([np.zeros((2, 2))], [np.full((2, 2), 0.25)]) == 0.25
    assert deviation({"loss": [1.0]}, {"acc": [1.0]}) == math.inf
    assert deviation([np.zeros(2)], [np.zeros(3)]) == math.inf
    assert deviation(float("nan"), float("nan")) == 0.0
    assert record_deviation(run([1.0], [0.0]).records, run([1.0], [0.0]).records, 5) == math.inf


def test_a_difference_within_keras2s_own_variation_is_unstable():
    reference = run([1.0, 0.50], [0.1, 0.2])
    again = run([1.0, 0.52], [0.1, 0.2])  # Keras 2 moves by 0.02 at record 0
    keras3 = run([1.0, 0.55], [0.1, 0.2])  # Keras 3 by 0.05: within 10x
    verdicts = judged(reference, keras3)
    summary = _noise_floor(reference, again, {"jax": keras3}, verdicts, TOL)
    assert summary["first_difference"]["record"] == 0
    assert verdicts["jax"].verdict == UNSTABLE
    assert "Keras 2 differs from itself" in verdicts["jax"].reasons[0]


def test_a_difference_far_beyond_the_noise_or_before_it_stands():
    reference = run([1.0, 0.50], [0.1, 0.2])
    again = run([1.0, 0.5001], [0.1, 0.2])
    keras3 = run([1.0, 0.9], [0.1, 0.2])  # 0.4 against Keras 2's 1e-4
    verdicts = judged(reference, keras3)
    _noise_floor(reference, again, {"jax": keras3}, verdicts, TOL)
    assert verdicts["jax"].verdict == DIFFERS
    # Keras 2 reproduces its history and differs only in the weights: a history
    # difference comes first, so it stands whatever the later noise.
    again = run([1.0, 0.50], [0.1, 0.3])
    verdicts = judged(reference, run([1.0, 0.6], [0.1, 0.3]))
    _noise_floor(reference, again, {"jax": run([1.0, 0.6], [0.1, 0.3])}, verdicts, TOL)
    assert verdicts["jax"].verdict == DIFFERS


def test_keras2_reproducing_itself_leaves_every_difference():
    reference = run([1.0, 0.5], [0.1])
    keras3 = run([1.0, 0.5000001], [0.1 + 1e-3])
    verdicts = judged(reference, keras3)
    summary = _noise_floor(reference, run([1.0, 0.5], [0.1]), {"jax": keras3}, verdicts, TOL)
    assert summary["first_difference"] is None and verdicts["jax"].verdict == DIFFERS


def test_the_second_noise_run_nudges_initial_weights_by_a_fixed_tiny_fraction():
    from keras_migrate.verify import _determinism
    from keras_migrate.verify._run import _NOISE_RUNS

    values = _determinism.initializer_values("uniform", {"minval": -1.0, "maxval": 1.0}, (50, 4), 0)
    nudged = _determinism.perturbed(values, (50, 4), 0, 2.0 ** -21)
    assert np.array_equal(nudged, _determinism.perturbed(values, (50, 4), 0, 2.0 ** -21))  # same in every run
    relative = np.abs(nudged - values) / np.abs(values)
    assert 0 < relative.max() <= 2.0 ** -21 and not np.array_equal(nudged, values)
    assert [name for name, _how, _perturb in _NOISE_RUNS] == ["reordered", "perturbed"]


def test_a_difference_within_the_nudged_runs_variation_says_so():
    reference = run([1.0, 0.50], [0.1, 0.2])
    keras3 = run([1.0, 0.50], [0.1, 0.2009])
    verdicts = judged(reference, keras3)
    _noise_floor(reference, run([1.0, 0.50], [0.1, 0.2010]), {"jax": keras3}, verdicts, TOL,
                 "from initial weights nudged by at most 2**-21 of themselves")
    assert verdicts["jax"].verdict == UNSTABLE
    assert "nudged" in verdicts["jax"].reasons[0]


def test_keras2_evaluate_lists_compare_by_position_or_by_name():
    from keras_migrate.verify._records import EVALUATE, NamedList, named_evaluate_list

    def evaluate(value):
        return [Record(EVALUATE, "evaluate #1 of model #1 (Functional)", value, "p.py:5")]

    keras2 = evaluate(named_evaluate_list([2.78, 1.29, 0.66, 2.69, 0.55],
                                          ["loss", "reg_loss", "cls_loss", "reg_mse", "cls_acc"]))
    assert isinstance(keras2[0].value, NamedList)
    # Migrated code that asked for return_dict=True (KM145): compared by name.
    by_name = {"cls_acc": 0.55, "cls_loss": 0.66, "loss": 2.78, "reg_loss": 1.29, "reg_mse": 2.69}
    assert compare_records(keras2, evaluate(by_name), TOL) is None
    assert record_deviation(keras2, evaluate(by_name), 0) == 0.0
    # A list: by position (Keras 3's own order would differ).
    assert compare_records(keras2, evaluate([2.78, 1.29, 0.66, 2.69, 0.55]), TOL) is None
    assert compare_records(keras2, evaluate([2.78, 1.29, 0.66, 0.55, 2.69]), TOL) is not None
    assert compare_records(keras2, evaluate(dict(by_name, cls_acc=0.9)), TOL) is not None
    # Keras 2 against itself (the noise-floor runs).
    assert compare_records(keras2, keras2, TOL) is None and record_deviation(keras2, keras2, 0) == 0.0
    # A scalar evaluate() (no metrics) is left as it is.
    assert named_evaluate_list(0.5, ["loss"]) == 0.5
