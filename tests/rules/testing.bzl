"""Shared analysis-test helpers of tests/rules (one copy, loaded by each *_test.bzl)."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")

def _failure_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.expect_failure(env, ctx.attr.expected)
    return analysistest.end(env)

# failure_test(name, target_under_test, expected): analysing the target fails with a
# message containing `expected` (subjects that fail are tagged manual).
failure_test = analysistest.make(
    _failure_test_impl,
    expect_failure = True,
    attrs = {"expected": attr.string(mandatory = True)},
)
