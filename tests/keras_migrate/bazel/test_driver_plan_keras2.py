"""The driver's BUILD edits for targets `prepare` marked keras2: migrating them removes the
tag and turns keras2_test into keras_backend_test; a target whose migration failed keeps
its mark."""

from keras_migrate.bazel._driver import Target, apply_plan

from test_driver_plan import KERAS2, KERAS3, _package, _plan, dirs  # noqa: F401 (fixture)

PREPARED = b'''load("//rules:keras2_test.bzl", "keras2_test")
load("//rules:python.bzl", "py_library")

py_library(
    name = "model",
    srcs = ["model.py"],
    tags = ["keras2"],
)

keras2_test(
    name = "model_test",
    srcs = ["model_test.py"],
    deps = [":model"],
)
'''
MIGRATED = b'''load("//rules:python.bzl", "py_library")
load("//rules:keras_backend_test.bzl", "keras_backend_test")

py_library(
    name = "model",
    srcs = ["model.py"],
)

keras_backend_test(
    name = "model_test",
    srcs = ["model_test.py"],
    deps = [":model"],
)
'''


def _prepared(ws, outputs):
    targets, reports = _package(ws, outputs, "pkg", KERAS2, KERAS3, build=PREPARED)
    # As the query sees them: the library's tag is written, the test's is the macro's.
    targets["//pkg:model"].tags = ["keras2"]
    test = targets["//pkg:model_test"]
    targets["//pkg:model_test"] = Target(test.label, "py_test", test.build_file, ["keras2"], test.deps, "keras2_test")
    return targets, reports


def test_migrating_prepared_targets_drops_the_markers(dirs):  # noqa: F811
    ws, outputs = dirs
    targets, reports = _prepared(ws, outputs)
    assert apply_plan(_plan(ws, outputs, targets, reports))[:2] == (1, 1)
    assert (ws / "pkg" / "BUILD").read_bytes() == MIGRATED
    targets["//pkg:model"].tags = []
    targets["//pkg:model_test"] = Target("//pkg:model_test", "py_test", targets["//pkg:model"].build_file, [],
                                         ["//pkg:model"], "keras_backend_test")
    assert not _plan(ws, outputs, targets, reports).diffs  # a rerun: nothing left


def test_failed_target_keeps_its_keras2_tag(dirs):  # noqa: F811
    ws, outputs = dirs
    targets, reports = _prepared(ws, outputs)
    reports["//pkg:model"]["failed"] = True
    apply_plan(_plan(ws, outputs, targets, reports))
    build = (ws / "pkg" / "BUILD").read_text()
    assert 'tags = ["keras2"]' in build
