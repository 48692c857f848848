"""Analysis tests of //rules:python.bzl: the re-exported rules are Bazel's Python rules."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules:python.bzl", "PyInfo", "py_binary", "py_library", "py_test")

def _py_library_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.true(env, PyInfo in target, "py_library must provide PyInfo")
    sources = [f.basename for f in target[PyInfo].transitive_sources.to_list()]
    asserts.equals(env, ["python_subject_lib.py"], sources)
    return analysistest.end(env)

_py_library_test = analysistest.make(_py_library_test_impl)

def _py_executable_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.true(env, PyInfo in target, "must provide PyInfo")
    asserts.true(env, target[DefaultInfo].files_to_run.executable != None, "must be executable")
    return analysistest.end(env)

_py_executable_test = analysistest.make(_py_executable_test_impl)

def python_test_suite(name):
    """Declares the subjects and tests of //rules:python.bzl.

    Args:
      name: name of the test_suite of all of them.
    """
    py_library(name = "python_subject_lib", srcs = ["python_subject_lib.py"], tags = ["manual"])
    py_binary(
        name = "python_subject_bin",
        srcs = ["python_subject_lib.py"],
        main = "python_subject_lib.py",
        tags = ["manual"],
    )
    py_test(
        name = "python_subject_test",
        srcs = ["python_subject_lib.py"],
        main = "python_subject_lib.py",
        tags = ["manual"],
    )

    _py_library_test(name = "py_library_test", target_under_test = ":python_subject_lib")
    _py_executable_test(name = "py_binary_test", target_under_test = ":python_subject_bin")
    _py_executable_test(name = "py_test_test", target_under_test = ":python_subject_test")

    native.test_suite(
        name = name,
        tests = [":py_library_test", ":py_binary_test", ":py_test_test"],
    )
