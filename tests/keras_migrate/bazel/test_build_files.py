"""BUILD file edits made by `bazel run //tools:migrate`: before/after pairs."""

import textwrap

from keras_migrate.bazel._build_files import BuildFile

MACRO = "//rules:keras_backend_test.bzl"


def _edit(tmp_path, before, edit):
    path = tmp_path / "BUILD"
    path.write_text(textwrap.dedent(before).lstrip("\n"))
    build = BuildFile(str(path))
    edit(build)
    return build


def test_py_test_becomes_backend_test(tmp_path):
    build = _edit(tmp_path, """
        load("//rules:python.bzl", "py_library", "py_test")

        py_test(
            name = "model_test",
            srcs = ["model_test.py"],
            env = {"TF_USE_LEGACY_KERAS": "1"},
            deps = [":model"],
        )
        """, lambda b: b.to_backend_test("model_test", {}, MACRO))
    assert build.code == textwrap.dedent("""\
        load("//rules:python.bzl", "py_library")
        load("//rules:keras_backend_test.bzl", "keras_backend_test")

        keras_backend_test(
            name = "model_test",
            srcs = ["model_test.py"],
            deps = [":model"],
        )
        """)


def test_unsupported_backends_recorded(tmp_path):
    build = _edit(tmp_path, """
        load("//rules:python.bzl", "py_test")

        py_test(
            name = "t",
            srcs = ["t.py"],
        )
        """, lambda b: b.to_backend_test("t", {"jax": "tf.strings", "torch": "tf.strings"}, MACRO))
    assert 'unsupported_backends = {"jax": "tf.strings", "torch": "tf.strings"},' in build.code
    assert "py_test" not in build.code  # the now unused load symbol is dropped


def test_second_edit_is_a_no_op(tmp_path):
    build = _edit(tmp_path, """
        load("//rules:keras_backend_test.bzl", "keras_backend_test")

        keras_backend_test(
            name = "t",
            srcs = ["t.py"],
        )
        """, lambda b: b.to_backend_test("t", {}, MACRO))
    assert not build.changed


def test_add_dep(tmp_path):
    build = _edit(tmp_path, """
        py_library(
            name = "lib",
            srcs = ["lib.py"],
        )

        py_library(
            name = "other",
            srcs = ["other.py"],
            deps = [":lib"],
        )
        """, lambda b: (b.add_dep("lib", "//tools:rt"), b.add_dep("other", "//tools:rt"), b.add_dep("other", "//tools:rt")))
    assert build.code == textwrap.dedent("""\
        py_library(
            name = "lib",
            srcs = ["lib.py"],
            deps = ["//tools:rt"],
        )

        py_library(
            name = "other",
            srcs = ["other.py"],
            deps = [":lib", "//tools:rt"],
        )
        """)


def test_comments_and_other_targets_kept(tmp_path):
    before = """
        # Header comment.
        load("//rules:python.bzl", "py_library")

        py_library(
            name = "lib",  # the library
            srcs = ["lib.py"],
        )
        """
    build = _edit(tmp_path, before, lambda b: b.to_backend_test("lib", {}, MACRO))
    assert not build.changed  # not a py_test
