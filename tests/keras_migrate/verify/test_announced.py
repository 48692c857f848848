"""A backend-specific warning is a typed signal (Diagnostic.backends): verify attributes a
backend's difference to it ("announced"), the JSON report carries it, and a warning for
another backend does not count (batch 25: torch's KM233 difference was put down to a
rounding flip)."""

import textwrap

from keras_migrate import MigrationOptions, migrate_source
from keras_migrate.engine import Diagnostic, Severity
from keras_migrate.verify._run import _announced

_PER_OUTPUT_LOSSES = textwrap.dedent("""\
    from tensorflow import keras
    model.compile("adam", loss={"price": "mse", "category": "sparse_categorical_crossentropy"})
    """)


def test_a_backend_specific_warning_names_its_backend():
    result = migrate_source(_PER_OUTPUT_LOSSES, "m.py", MigrationOptions(mode="agnostic"))
    [warning] = [d for d in result.diagnostics if d.rule_id == "KM255"]
    assert warning.backends == ("tensorflow",)
    assert warning.to_json()["backends"] == ["tensorflow"]


def test_a_warning_for_every_backend_keeps_the_json_it_had():
    plain = Diagnostic("KM200", "m.py", 1, 1, Severity.WARNING, "tf.foo left as is")
    assert "backends" not in plain.to_json() and plain.backends == ()


class _Result:
    def __init__(self, diagnostics):
        self.diagnostics = diagnostics


def test_verify_counts_only_the_warnings_about_that_backend(tmp_path):
    path = str(tmp_path / "p.py")
    results = {path: _Result([
        Diagnostic("KM233", path, 50, 1, Severity.WARNING, "on the PyTorch backend ...", backends=("torch",)),
        Diagnostic("KM233", path, 50, 1, Severity.WARNING, "on the JAX backend ...", backends=("jax",)),
        Diagnostic("KM200", path, 7, 1, Severity.WARNING, "tf.foo left as is"),
    ])}
    assert _announced(results, [path], str(tmp_path), "torch") == [{"rule_id": "KM233", "path": "p.py", "line": 50}]
    assert _announced(results, [path], str(tmp_path), "tensorflow") == []
