"""verify's text report: a file the migrator left unmigrated is named with its error, before
any verdict (batch 25: a rule's internal error showed only in the JSON, the text said three
crashes)."""

from keras_migrate.verify._cli import render_text


def _report(migration):
    return {
        "program": "p04.py",
        "keras2": {"status": "ok", "records": 12, "seconds": 3.0},
        "backends": {"jax": {"verdict": "crashed", "records": 0, "seconds": 2.0,
                             "crash": {"type": "TypeError", "message": "symbolic tf.Tensor"}}},
        "identical": False,
        "migration": migration,
    }


def test_a_failed_file_is_named_with_its_error():
    text = render_text(_report({
        "files": 2, "changed": 1, "failed": ["p04.py"], "tensorflow_only": [],
        "diagnostics": [
            {"path": "p04.py", "line": 1, "column": 1, "rule_id": "KM003", "severity": "error",
             "message": "internal error in rule KM130: IndexError", "fix": None},
            {"path": "lib.py", "line": 3, "column": 1, "rule_id": "KM200", "severity": "warning",
             "message": "tf.foo left as is", "fix": "x"},
        ],
    }))
    lines = text.splitlines()
    assert "  migration: 2 files, 1 changed, 1 warnings, 0 TensorFlow-only reasons" in lines
    assert "    warning lib.py:3: [KM200] tf.foo left as is" in lines
    failed = lines.index("    FAILED, left unmigrated: p04.py")
    assert lines[failed + 1] == "      p04.py:1: [KM003] internal error in rule KM130: IndexError"
    assert failed < next(k for k, line in enumerate(lines) if line.startswith("  jax:"))


def test_a_clean_migration_is_one_line():
    text = render_text(_report({"files": 1, "changed": 1, "failed": [], "tensorflow_only": ["p.py: strings"],
                                "diagnostics": []}))
    assert "  migration: 1 files, 1 changed, 0 warnings, 1 TensorFlow-only reasons" in text.splitlines()
    assert "FAILED" not in text
