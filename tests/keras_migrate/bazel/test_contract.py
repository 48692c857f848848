"""The Starlark and Python copies of what the aspect and the driver agree on are equal
(Starlark cannot import Python, nor Python Starlark: each side keeps one copy)."""

import ast
import os
import re

from keras_migrate.bazel import _action, _contract, _driver

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
ASPECT = os.path.join(ROOT, "rules", "private", "migrate_aspect.bzl")
BACKEND_TEST = os.path.join(ROOT, "rules", "private", "keras_backend_test.bzl")
GENERATION = os.path.join(ROOT, "rules", "private", "keras_generation.bzl")


def _starlark_constants(path):
    """Top-level `NAME = literal` assignments of a .bzl file (Starlark literals are Python's)."""
    out = {}
    for match in re.finditer(r"^([A-Z][A-Z0-9_]*) = (.+)$", open(path, encoding="utf-8").read(), re.MULTILINE):
        try:
            out[match.group(1)] = ast.literal_eval(match.group(2))
        except (ValueError, SyntaxError):
            pass
    return out


def test_aspect_constants_match():
    starlark = _starlark_constants(ASPECT)
    assert starlark["OPT_OUT_TAG"] == _contract.OPT_OUT_TAG
    assert tuple(starlark["VISITED_KINDS"]) == _contract.VISITED_KINDS
    assert starlark["OUTPUT_FORMAT"] == _contract.OUTPUT_FORMAT
    groups = (starlark["OUTPUT_GROUP_PATCH"], starlark["OUTPUT_GROUP_REPORT"], starlark["OUTPUT_GROUP_SOURCES"])
    assert groups == _contract.OUTPUT_GROUPS


def test_backend_list_matches():
    assert tuple(_starlark_constants(BACKEND_TEST)["KERAS_BACKENDS"]) == _contract.KERAS_BACKENDS


def test_keras2_marker_matches():
    starlark = _starlark_constants(GENERATION)
    assert starlark["KERAS2_TAG"] == _contract.KERAS2_TAG
    assert starlark["LEGACY_KERAS_ENV"] == _contract.LEGACY_KERAS_ENV


def test_python_side_has_one_copy():
    from keras_migrate.bazel import _build_files

    assert _build_files.LEGACY_KERAS_ENV is _contract.LEGACY_KERAS_ENV

    assert _driver.OPT_OUT_TAG is _contract.OPT_OUT_TAG
    assert _driver.PY_KINDS is _contract.VISITED_KINDS
    assert _action.ALL_BACKENDS is _contract.KERAS_BACKENDS


def _empty_report_in_aspect():
    """The report the aspect writes itself for a target without sources."""
    text = open(ASPECT, encoding="utf-8").read()
    body = re.search(r"json\.encode\((\{.*?\})\)\)", text, re.DOTALL).group(1)
    body = body.replace("str(ctx.label)", '"LABEL"').replace("ctx.attr._mode", '"MODE"')
    body = body.replace("KERAS_BACKENDS", repr(list(_contract.KERAS_BACKENDS)))
    return ast.literal_eval(body.replace("False", "False").replace("True", "True"))


def test_report_without_sources_is_the_pythons_report():
    assert _empty_report_in_aspect() == _contract.target_report("LABEL", "MODE", [], [], [])


def test_output_name():
    assert _contract.output_name("lib", "agnostic", "json") == "lib.keras_migrate_agnostic.json"


def test_starlark_spells_the_backend_list_once():
    import glob

    spelled = []
    for path in sorted(glob.glob(os.path.join(ROOT, "rules", "**", "*.bzl"), recursive=True)):
        tree = ast.parse(open(path, encoding="utf-8").read())  # this Starlark is Python syntax
        for node in ast.walk(tree):  # list literals in code (docstrings are strings)
            if isinstance(node, ast.List) and [getattr(e, "value", None) for e in node.elts] == list(
                    _contract.KERAS_BACKENDS):
                spelled.append(f"{os.path.relpath(path, ROOT)}:{node.lineno}")
    assert spelled == ["rules/private/keras_backend_test.bzl:7"]


def test_ratchet_defaults_to_every_backend():
    from keras_migrate.bazel import _ratchet

    assert "jax,tensorflow,torch" == ",".join(_contract.KERAS_BACKENDS)
    assert _ratchet.KERAS_BACKENDS is _contract.KERAS_BACKENDS
