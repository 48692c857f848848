"""BUILD edits of the keras2 markers: `prepare` tags pending Keras targets and turns their
py_tests into keras2_tests; migrating removes the tag and turns keras2_test into
keras_backend_test. Before/after pairs."""

import textwrap

from keras_migrate.bazel._build_files import BuildFile

BACKEND_MACRO = "//rules:keras_backend_test.bzl"
KERAS2_MACRO = "//rules:keras2_test.bzl"


def _edit(tmp_path, before, edit):
    path = tmp_path / "BUILD"
    path.write_text(textwrap.dedent(before).lstrip("\n"))
    build = BuildFile(str(path))
    edit(build)
    return build


def _same(build, after):
    assert build.code == textwrap.dedent(after).lstrip("\n")


# -- migrate: keras2 markers go ----------------------------------------------------------------

def test_keras2_test_becomes_backend_test(tmp_path):
    build = _edit(tmp_path, """
        load("//rules:keras2_test.bzl", "keras2_test")
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
        """, lambda b: (b.to_backend_test("model_test", {}, BACKEND_MACRO), b.remove_tag("model", "keras2")))
    _same(build, """
        load("//rules:python.bzl", "py_library")
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
        """)


def test_keras2_test_with_explicit_tag_and_env(tmp_path):
    build = _edit(tmp_path, """
        load("//rules:keras2_test.bzl", "keras2_test")

        keras2_test(
            name = "t",
            srcs = ["t.py"],
            env = {"TF_USE_LEGACY_KERAS": "1", "OTHER": "x"},
            tags = [
                "keras2",
                "large",
            ],
        )
        """, lambda b: b.to_backend_test("t", {"jax": "tf.strings", "torch": "tf.strings"}, BACKEND_MACRO))
    _same(build, """
        load("//rules:keras_backend_test.bzl", "keras_backend_test")

        keras_backend_test(
            name = "t",
            srcs = ["t.py"],
            env = {"OTHER": "x"},
            tags = [
                "large",
            ],
            unsupported_backends = {"jax": "tf.strings", "torch": "tf.strings"},
        )
        """)


def test_keras2_load_symbol_kept_while_used(tmp_path):
    build = _edit(tmp_path, """
        load("//rules:keras2_test.bzl", "keras2_test")

        keras2_test(name = "a", srcs = ["a.py"])

        keras2_test(name = "b", srcs = ["b.py"])
        """, lambda b: b.to_backend_test("a", {}, BACKEND_MACRO))
    _same(build, """
        load("//rules:keras2_test.bzl", "keras2_test")
        load("//rules:keras_backend_test.bzl", "keras_backend_test")

        keras_backend_test(name = "a", srcs = ["a.py"])

        keras2_test(name = "b", srcs = ["b.py"])
        """)


def test_remove_tag_layouts(tmp_path):
    build = _edit(tmp_path, """
        py_library(name = "one", tags = ["keras2"])

        py_library(name = "first", tags = ["keras2", "x"])

        py_library(name = "last", tags = ["x", "keras2"])

        py_library(
            name = "multi",
            tags = [
                "x",
                "keras2",
            ],
            srcs = [],
        )

        py_library(
            name = "trailing",
            srcs = [],
            tags = ["keras2"],
        )

        py_library(name = "sum", tags = COMMON + ["keras2"])

        py_library(name = "other", tags = ["x"])
        """, lambda b: [b.remove_tag(n, "keras2") for n in ("one", "first", "last", "multi", "trailing", "sum", "other")])
    _same(build, """
        py_library(name = "one")

        py_library(name = "first", tags = ["x"])

        py_library(name = "last", tags = ["x"])

        py_library(
            name = "multi",
            tags = [
                "x",
            ],
            srcs = [],
        )

        py_library(
            name = "trailing",
            srcs = [],
        )

        py_library(name = "sum", tags = COMMON)

        py_library(name = "other", tags = ["x"])
        """)


def test_remove_tag_reports_no_change(tmp_path):
    path = tmp_path / "BUILD"
    path.write_text('py_library(name = "a", tags = ["x"])\npy_library(name = "b")\n')
    build = BuildFile(str(path))
    assert not build.remove_tag("a", "keras2")
    assert not build.remove_tag("b", "keras2")
    assert not build.remove_tag("missing", "keras2")
    assert not build.changed


# -- prepare: keras2 markers come ---------------------------------------------------------------

def test_prepare_tags_and_keras2_test(tmp_path):
    build = _edit(tmp_path, """
        # Header comment.
        load("//rules:python.bzl", "py_library", "py_test")

        py_library(
            name = "model",
            srcs = ["model.py"],
        )

        py_library(
            name = "tagged",
            srcs = ["tagged.py"],
            tags = ["team-a"],
        )

        py_test(
            name = "model_test",
            srcs = ["model_test.py"],
            env = {"TF_USE_LEGACY_KERAS": "1"},
            deps = [":model"],
        )
        """, lambda b: (b.add_tag("model", "keras2"), b.add_tag("tagged", "keras2"),
                        b.to_keras2_test("model_test", KERAS2_MACRO)))
    _same(build, """
        # Header comment.
        load("//rules:python.bzl", "py_library")
        load("//rules:keras2_test.bzl", "keras2_test")

        py_library(
            name = "model",
            srcs = ["model.py"],
            tags = ["keras2"],
        )

        py_library(
            name = "tagged",
            srcs = ["tagged.py"],
            tags = ["team-a", "keras2"],
        )

        keras2_test(
            name = "model_test",
            srcs = ["model_test.py"],
            deps = [":model"],
        )
        """)


def test_prepare_then_migrate_round_trip(tmp_path):
    """prepare, then migrate: the same BUILD as migrating the untouched py_test."""
    before = """
        load("//rules:python.bzl", "py_library", "py_test")

        py_library(
            name = "model",
            srcs = ["model.py"],
        )

        py_test(
            name = "model_test",
            srcs = ["model_test.py"],
            deps = [":model"],
        )
        """
    direct = _edit(tmp_path, before, lambda b: b.to_backend_test("model_test", {}, BACKEND_MACRO)).code
    prepared = _edit(tmp_path, before, lambda b: (b.add_tag("model", "keras2"), b.to_keras2_test("model_test", KERAS2_MACRO)))
    (tmp_path / "BUILD").write_text(prepared.code)
    migrated = BuildFile(str(tmp_path / "BUILD"))
    migrated.remove_tag("model", "keras2")
    migrated.to_backend_test("model_test", {}, BACKEND_MACRO)
    assert migrated.code == direct


def test_prepare_is_idempotent(tmp_path):
    build = _edit(tmp_path, """
        load("//rules:keras2_test.bzl", "keras2_test")

        py_library(name = "m", tags = ["keras2"])

        py_library(name = "s", tags = select({"//c": ["keras2"], "//conditions:default": []}) + ["keras2"])

        keras2_test(name = "t", srcs = ["t.py"])
        """, lambda b: [b.add_tag("m", "keras2"), b.add_tag("s", "keras2"), b.to_keras2_test("t", KERAS2_MACRO)])
    assert not build.changed


def test_add_tag_to_non_literal_tags(tmp_path):
    build = _edit(tmp_path, """
        py_library(name = "m", tags = COMMON_TAGS)
        """, lambda b: b.add_tag("m", "keras2"))
    _same(build, """
        py_library(name = "m", tags = COMMON_TAGS + ["keras2"])
        """)
