"""Analysis tests of rules/private/keras_generation.bzl: the keras2 aspect and the check
keras_backend_test makes (subjects in //tests/rules/keras2_subjects)."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts", "unittest")
load(":testing.bzl", _failure_test = "failure_test")
load("//rules/private:keras_generation.bzl", "Keras2DepsInfo", "display_label", "keras2_deps_aspect")

_PKG = "//tests/rules/keras2_subjects"
_SUBJECTS = _PKG + ":"

def _collected_impl(ctx):
    env = unittest.begin(ctx)
    got = {display_label(t.label): sorted(t[Keras2DepsInfo].labels.to_list()) for t in ctx.attr.subjects}
    keras2 = [_SUBJECTS + "keras2_lib"]
    asserts.equals(env, keras2, got[_SUBJECTS + "keras2_lib"], "a tagged target collects itself")
    asserts.equals(env, keras2, got[_SUBJECTS + "through_lib"], "collected through an untagged library")
    asserts.equals(env, [], got[_SUBJECTS + "plain_lib"])
    return unittest.end(env)

_collected_test = unittest.make(
    _collected_impl,
    attrs = {"subjects": attr.label_list(aspects = [keras2_deps_aspect])},
)

def _passes_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.equals(env, [], target[DefaultInfo].files.to_list(), "the check makes no files")
    return analysistest.end(env)

_passes_test = analysistest.make(_passes_impl)

def _analyses_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.true(env, analysistest.target_under_test(env) != None)
    return analysistest.end(env)

_analyses_test = analysistest.make(_analyses_impl)


def _message(test, dep):
    return (
        "%s (Keras 3) depends on %s, tagged keras2 (Keras 2 code not migrated yet): migrate %s first " +
        "(bazel run //tools:migrate -- %s, or apply the plan's shard containing it: " +
        "bazel run //tools:migrate -- apply --shard ID), or keep %s on Keras 2 with keras2_test"
    ) % (test, dep, dep, dep, test)

def _add(tests, test_name, rule, **kwargs):
    rule(name = test_name, **kwargs)
    tests.append(":" + test_name)

def keras_generation_test_suite(name):
    """Declares the tests of the keras2 check.

    Args:
      name: name of the test_suite of all of them.
    """
    keras2_lib = _SUBJECTS + "keras2_lib"
    tests = []
    _add(tests, name + "_collected", _collected_test, subjects = [keras2_lib, _SUBJECTS + "through_lib", _SUBJECTS + "plain_lib"])

    # Keras 3 test of untagged code: analyses, as a variant and as its check.
    _add(tests, name + "_untagged_passes", _passes_test, target_under_test = _SUBJECTS + "k3_on_plain_test_keras_deps_check")
    _add(tests, name + "_untagged_variant_passes", _analyses_test, target_under_test = _SUBJECTS + "k3_on_plain_test_tensorflow")

    # Direct dependency: the check, each variant (through data) and the suite fail.
    direct = _message(_PKG + ":k3_on_keras2_test", keras2_lib)
    for subject in ["k3_on_keras2_test_keras_deps_check", "k3_on_keras2_test_jax", "k3_on_keras2_test_torch", "k3_on_keras2_test"]:
        _add(tests, "%s_%s_fails" % (name, subject), _failure_test, target_under_test = _SUBJECTS + subject, expected = direct)

    # Through a library without Keras.
    _add(
        tests,
        name + "_transitive_fails",
        _failure_test,
        target_under_test = _SUBJECTS + "k3_through_test_tensorflow",
        expected = _message(_PKG + ":k3_through_test", keras2_lib),
    )

    _add(
        tests,
        name + "_tagged_backend_test_fails",
        _failure_test,
        target_under_test = _SUBJECTS + "k3_tagged_keras2_test_jax",
        expected = "tag \"keras2\" marks Keras 2 code: a Keras 2 test is a keras2_test (//rules:keras2_test.bzl)",
    )
    native.test_suite(name = name, tests = tests)
