"""The Bazel driver's plan/apply stages, without Bazel: BUILD edits decided from the
migrated state, packages written whole or not at all, bytes and links kept."""

import hashlib
import os

import pytest

from keras_migrate.bazel._driver import Target, apply_plan, plan_writes

LABELS = {"aspect": "//rules:aspects.bzl", "macro": "//rules:keras_backend_test.bzl",
          "runtime": "//tools:keras_migrate_runtime"}
BUILD = b'''load("//rules:python.bzl", "py_library", "py_test")

py_library(
    name = "model",
    srcs = ["model.py"],
)

py_test(
    name = "model_test",
    srcs = ["model_test.py"],
    env = {"TF_USE_LEGACY_KERAS": "1"},
    deps = [":model"],
)
'''
KERAS2 = b"from tensorflow import keras\r\nlayer = keras.layers.LeakyReLU(alpha=0.2)\r\n"
KERAS3 = b"import keras\r\nlayer = keras.layers.LeakyReLU(negative_slope=0.2)\r\n"


def _file(path, raw, migrated, imports, outputs):
    out = outputs / path
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(migrated)
    return {"path": path, "changed": raw != migrated, "failed": False, "rules_fired": {}, "diagnostics": [],
            "tensorflow_only": [], "runtime_symbols": [], "imports": imports,
            "sha256": hashlib.sha256(raw).hexdigest()}


def _report(label, *files):
    return {"label": label, "changed": any(f["changed"] for f in files), "failed": False,
            "tensorflow_only": [], "runtime_symbols": [], "files": list(files)}


def _package(ws, outputs, name, model_raw, model_migrated, imports=("keras",), build=BUILD):
    pkg = ws / name
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "BUILD").write_bytes(build)
    (pkg / "model.py").write_bytes(model_raw)
    (pkg / "model_test.py").write_bytes(b"from model import layer\n")
    targets = {
        f"//{name}:model": Target(f"//{name}:model", "py_library", str(pkg / "BUILD"), [], [], "py_library"),
        f"//{name}:model_test": Target(f"//{name}:model_test", "py_test", str(pkg / "BUILD"), [],
                                       [f"//{name}:model"], "py_test"),
    }
    reports = {
        f"//{name}:model": _report(f"//{name}:model", _file(f"{name}/model.py", model_raw, model_migrated,
                                                            list(imports), outputs)),
        f"//{name}:model_test": _report(f"//{name}:model_test", _file(
            f"{name}/model_test.py", b"from model import layer\n", b"from model import layer\n", ["model"], outputs)),
    }
    return targets, reports


def _plan(ws, outputs, targets, reports):
    return plan_writes(str(ws), list(targets.values()), targets, reports, LABELS, lambda t: str(outputs))


@pytest.fixture
def dirs(tmp_path):
    ws, outputs = tmp_path / "ws", tmp_path / "bin"
    ws.mkdir()
    outputs.mkdir()
    return ws, outputs


def test_already_migrated_code_still_gets_its_build_edits(dirs):
    ws, outputs = dirs
    targets, reports = _package(ws, outputs, "pkg", KERAS3, KERAS3, imports=("keras", "keras_migrate_runtime"))
    sources, builds, problems = apply_plan(_plan(ws, outputs, targets, reports))
    assert (sources, builds, problems) == (0, 1, [])
    build = (ws / "pkg" / "BUILD").read_text()
    assert "keras_backend_test(" in build and "TF_USE_LEGACY_KERAS" not in build
    assert '"//tools:keras_migrate_runtime"' in build
    assert not _plan(ws, outputs, targets, reports).diffs  # a rerun: nothing left


def test_sources_written_byte_exact(dirs):
    ws, outputs = dirs
    targets, reports = _package(ws, outputs, "pkg", KERAS2, KERAS3)
    assert apply_plan(_plan(ws, outputs, targets, reports))[:2] == (1, 1)
    assert (ws / "pkg" / "model.py").read_bytes() == KERAS3  # CRLF kept


def test_latin1_build_comment_is_kept(dirs):
    ws, outputs = dirs
    targets, reports = _package(ws, outputs, "pkg", KERAS2, KERAS3, build=BUILD + b"# caf\xe9\n")
    assert apply_plan(_plan(ws, outputs, targets, reports))[2] == []
    assert (ws / "pkg" / "BUILD").read_bytes().endswith(b"# caf\xe9\n")


def test_broken_build_file_keeps_its_package_whole_and_others_go_on(dirs):
    ws, outputs = dirs
    targets, reports = _package(ws, outputs, "bad", KERAS2, KERAS3, build=b'py_library(name = "x"\n')
    more_targets, more_reports = _package(ws, outputs, "good", KERAS2, KERAS3)
    targets.update(more_targets)
    reports.update(more_reports)
    sources, builds, problems = apply_plan(_plan(ws, outputs, targets, reports))
    assert (sources, builds) == (1, 1) and len(problems) == 1 and "bad/BUILD" in problems[0]
    assert (ws / "bad" / "model.py").read_bytes() == KERAS2
    assert (ws / "good" / "model.py").read_bytes() == KERAS3


def test_unwritable_package_is_reported_and_the_run_goes_on(dirs):
    ws, outputs = dirs
    targets, reports = _package(ws, outputs, "a", KERAS2, KERAS3)
    more_targets, more_reports = _package(ws, outputs, "b", KERAS2, KERAS3)
    targets.update(more_targets)
    reports.update(more_reports)
    from keras_migrate.engine._files import write_bytes_atomic

    def write(path, data, expected=None):
        if os.sep + "a" + os.sep in path:
            raise PermissionError(13, "Permission denied", path)
        write_bytes_atomic(path, data, expected=expected)

    sources, builds, problems = apply_plan(_plan(ws, outputs, targets, reports), write=write)
    assert (sources, builds) == (1, 1) and "Permission denied" in problems[0]
    # The rerun finishes the package that failed.
    assert apply_plan(_plan(ws, outputs, targets, reports)) == (1, 1, [])


def test_symlinked_package_outside_the_workspace_is_not_written(dirs, tmp_path):
    ws, outputs = dirs
    elsewhere = tmp_path / "elsewhere"
    targets, reports = _package(tmp_path, outputs, "elsewhere", KERAS2, KERAS3)
    (ws / "linked").symlink_to(elsewhere)
    for report in reports.values():
        for f in report["files"]:
            f["path"] = f["path"].replace("elsewhere/", "linked/")
            (outputs / f["path"]).parent.mkdir(parents=True, exist_ok=True)
            (outputs / f["path"]).write_bytes((outputs / f["path"].replace("linked/", "elsewhere/")).read_bytes())
    for target in targets.values():
        target.label = target.label.replace("elsewhere", "linked")
        target.build_file = str(ws / "linked" / "BUILD")
    targets = {t.label: t for t in targets.values()}
    reports = {k.replace("elsewhere", "linked"): v for k, v in reports.items()}
    sources, builds, problems = apply_plan(_plan(ws, outputs, targets, reports))
    assert (sources, builds) == (0, 0) and any("outside the workspace" in p for p in problems)
    assert (elsewhere / "model.py").read_bytes() == KERAS2 and (elsewhere / "BUILD").read_bytes() == BUILD


def test_source_edited_after_the_aspect_ran_is_not_overwritten(dirs):
    ws, outputs = dirs
    targets, reports = _package(ws, outputs, "pkg", KERAS2, KERAS3)
    (ws / "pkg" / "model.py").write_bytes(KERAS2 + b"# edited\r\n")
    sources, builds, problems = apply_plan(_plan(ws, outputs, targets, reports))
    assert sources == 0 and "changed since" in problems[0]
    assert (ws / "pkg" / "model.py").read_bytes().endswith(b"# edited\r\n")


def test_errors_of_excluded_packages_are_ignored(tmp_path):
    from keras_migrate.bazel._driver import _relevant_errors

    errors = [f"ERROR: {tmp_path}/ml/legacy/BUILD:2:1: syntax error at 'newline': expected ,",
              "ERROR: package contains errors: ml/legacy",
              f"ERROR: {tmp_path}/ml/core/BUILD:1:1: syntax error"]
    patterns = ["//ml/...", "-//ml/legacy/..."]
    assert _relevant_errors(errors, patterns, str(tmp_path)) == errors[2:]


def test_symlinked_source_is_written_through_once_and_stays_a_link(dirs):
    ws, outputs = dirs
    targets, reports = _package(ws, outputs, "pkg", KERAS2, KERAS3)
    shared = ws / "shared"
    shared.mkdir()
    (shared / "model.py").write_bytes(KERAS2)
    (ws / "pkg" / "model.py").unlink()
    (ws / "pkg" / "model.py").symlink_to(shared / "model.py")
    sources, builds, problems = apply_plan(_plan(ws, outputs, targets, reports))
    assert (sources, problems) == (1, [])
    assert (ws / "pkg" / "model.py").is_symlink() and (shared / "model.py").read_bytes() == KERAS3


def test_needed_build_edit_that_cannot_be_made_is_reported_not_nothing_to_do(dirs):
    ws, outputs = dirs
    # Code already migrated (nothing to write) whose BUILD file does not parse.
    targets, reports = _package(ws, outputs, "pkg", KERAS3, KERAS3, build=BUILD + b"py_test(\n")
    plan = _plan(ws, outputs, targets, reports)
    sources, builds, problems = apply_plan(plan)
    assert (sources, builds) == (0, 0) and len(problems) == 1 and "pkg/BUILD" in problems[0]
