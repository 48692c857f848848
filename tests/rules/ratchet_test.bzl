"""Analysis tests of //rules:ratchet.bzl (keras_migrate_test)."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load(":testing.bzl", _failure_test = "failure_test")

_SUBJECTS = "//tests/rules/ratchet_subjects:"

def _runs_checker_on_reports_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    runfiles = [f.basename for f in target[DefaultInfo].default_runfiles.files.to_list()]
    asserts.true(env, "migrated.keras_migrate_agnostic.json" in runfiles, "the guarded target's report is a runfile")
    asserts.true(env, "allowlist.txt" not in runfiles, "no allowlist given")
    return analysistest.end(env)

_runs_checker_on_reports_test = analysistest.make(_runs_checker_on_reports_impl)

def _allowlist_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    runfiles = [f.basename for f in target[DefaultInfo].default_runfiles.files.to_list()]
    asserts.true(env, "allowlist.txt" in runfiles)
    asserts.true(env, "regressed.keras_migrate_agnostic.json" in runfiles)
    return analysistest.end(env)

_allowlist_test = analysistest.make(_allowlist_impl)


def ratchet_test_suite(name):
    _runs_checker_on_reports_test(name = name + "_reports", target_under_test = _SUBJECTS + "holds")
    _allowlist_test(name = name + "_allowlist", target_under_test = _SUBJECTS + "allowlisted")
    _failure_test(
        name = name + "_not_python",
        target_under_test = _SUBJECTS + "guards_a_filegroup",
        expected = "//tests/rules/ratchet_subjects:not_python is not migrated by keras_migrate",
    )
    _failure_test(
        name = name + "_unknown_backend",
        target_under_test = _SUBJECTS + "unknown_backend",
        expected = "keras_migrate_test: unknown backend \"mxnet\"",
    )
    native.test_suite(
        name = name,
        tests = [name + "_reports", name + "_allowlist", name + "_not_python", name + "_unknown_backend"],
    )
