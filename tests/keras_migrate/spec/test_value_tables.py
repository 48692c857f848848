"""The activation-string and metric-key tables against the installed Keras 3."""

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from keras_migrate.spec._activations import ACTIVATION_STRINGS  # noqa: E402
from keras_migrate.spec._log_keys import METRIC_CLASS_KEYS  # noqa: E402


@pytest.mark.parametrize("entry", list(METRIC_CLASS_KEYS.values()), ids=lambda e: e.cls)
def test_pinned_metric_strings_resolve_to_the_same_class(entry):
    keras = pytest.importorskip("keras")
    cls = getattr(keras.metrics, entry.cls)
    # Keras 3 logs a class-name string under the string itself (what the table fixes).
    assert isinstance(keras.metrics.get(entry.cls), cls)
    if entry.keras3_string is not None:
        assert isinstance(keras.metrics.get(entry.keras3_string), cls)
    assert cls(name=entry.key).name == entry.key


def test_rejected_activation_strings_are_still_rejected():
    keras = pytest.importorskip("keras")
    for name, entry in ACTIVATION_STRINGS.items():
        if name == "hard_sigmoid":
            continue  # accepted, with other numbers
        with pytest.raises(ValueError):
            keras.activations.get(name)
        if entry.keras3 is not None:
            assert callable(keras.activations.get(entry.keras3))


def test_runtime_activations_exist():
    pytest.importorskip("keras")
    import keras_migrate_runtime

    for entry in ACTIVATION_STRINGS.values():
        if entry.runtime is not None:
            assert callable(getattr(keras_migrate_runtime, entry.runtime))
