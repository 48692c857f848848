"""What the driver prints: build progress a user can read, diagnostics on stderr, and
diagnostics of code already migrated counted rather than reprinted."""

import io

from keras_migrate.bazel._driver import Progress, Target, _print_diagnostics


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_progress_lines_are_rate_limited_and_readable():
    out, clock = io.StringIO(), Clock()
    progress = Progress(out, interval=10.0, clock=clock)
    clock.now = 2.0
    progress.feed("[10 / 1,200] Migrating //a:b to Keras 3 (agnostic)\n")  # too soon: nothing
    clock.now = 12.0
    progress.feed("[120 / 1,200] 2 actions running\n")
    progress.feed("INFO: something else\n")
    clock.now = 13.0
    progress.feed("[1,200 / 1,200] done\n")  # the last one always shows
    lines = out.getvalue().splitlines()
    assert lines == ["keras-migrate: 120/1,200 actions (10%), 12 s, 10.0/s, about 108 s left",
                     "keras-migrate: 1,200/1,200 actions (100%), 13 s, 92.3/s"]


def _report(label, changed, diagnostics):
    return {"label": label, "changed": changed, "failed": False,
            "files": [{"path": "p/a.py", "diagnostics": diagnostics}]}


DIAG = {"path": "p/a.py", "line": 3, "column": 4, "severity": "warning", "rule_id": "KM207", "message": "kept on TF",
        "fix": "move it"}


def test_diagnostics_of_migrated_code_are_counted_not_reprinted(capsys):
    targets = [Target("//p:old", "py_library", "p/BUILD", [], [], "py_library"),
               Target("//p:new", "py_library", "p/BUILD", [], [], "py_library")]
    reports = {"//p:old": _report("//p:old", True, [DIAG]), "//p:new": _report("//p:new", False, [DIAG, DIAG])}
    summary, by_rule = _print_diagnostics(targets, reports)
    captured = capsys.readouterr()
    assert captured.out == ""  # stdout is the patch's (--diff)
    assert captured.err.count("[KM207]") == 1 and "manual edit required: move it" in captured.err
    assert summary["diagnostics_not_reprinted"] == 2 and by_rule["KM207"] == 3
    _print_diagnostics(targets, reports, verbose=True)
    assert capsys.readouterr().err.count("[KM207]") == 3


def test_variants_of_one_backend_test_call_are_migrated_once():
    from keras_migrate.bazel._driver import one_per_test_call

    def variant(backend, call="model_test", package="p"):
        return Target(f"//{package}:{call}_{backend}", "py_test", f"{package}/BUILD", [f"keras_backend={backend}"],
                      [f"//{package}:model"], "keras_backend_test", call)

    lib = Target("//p:model", "py_library", "p/BUILD", [], [], "py_library")
    plain = Target("//p:plain_test", "py_test", "p/BUILD", [], [], "py_test", "plain_test")
    targets = [variant("torch"), lib, variant("jax"), variant("tensorflow"), plain, variant("jax", "other"),
               variant("torch", package="q")]
    kept, shared = one_per_test_call(targets)
    assert [t.label for t in kept] == ["//p:model", "//p:model_test_jax", "//p:other_jax", "//p:plain_test",
                                       "//q:model_test_torch"]
    assert shared == {"//p:model_test_tensorflow": "//p:model_test_jax", "//p:model_test_torch": "//p:model_test_jax"}
