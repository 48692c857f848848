"""Import scheduling (engine/_imports.py), table-driven like libcst's AddImportsVisitor and
RemoveImportsVisitor tests: requests are (module, obj, asname)."""

import textwrap

import libcst as cst
import pytest

from keras_migrate.engine._context import ImportRequest
from keras_migrate.engine._imports import add_imports, import_plan, remove_unused_imports


def _add(source, *requests):
    module = cst.parse_module(textwrap.dedent(source).lstrip("\n"))
    return add_imports(module, [ImportRequest(*r) for r in requests]).code


def _dedent(text):
    return textwrap.dedent(text).lstrip("\n")


@pytest.mark.parametrize("before, requests, after", [
    # Nothing there yet: at the top.
    ("x = 1\n", [("a",)], "import a\nx = 1\n"),
    # Present already (same module, object and alias): nothing added.
    ("import a\nx = a.f\n", [("a",)], "import a\nx = a.f\n"),
    ("from a import b\nx = b\n", [("a", "b")], "from a import b\nx = b\n"),
    # A different alias is a different import.
    ("import a as z\nx = z\n", [("a",)], "import a as z\nimport a\nx = z\n"),
    ("from a import b\n", [("a", "b", "c")], "from a import b\nfrom a import b as c\n"),
    # A star import of the module provides any object.
    ("from a import *\nx = 1\n", [("a", "b")], "from a import *\nx = 1\n"),
    # Dotted modules.
    ("x = 1\n", [("a.b",), ("a.b", "c")], "import a.b\nfrom a.b import c\nx = 1\n"),
    # Requests keep their order; duplicates are added once.
    ("x = 1\n", [("b",), ("a",), ("b",)], "import b\nimport a\nx = 1\n"),
])
def test_add_imports(before, requests, after):
    assert _add(before, *requests) == after


def test_docstring_and_future_imports_stay_first():
    before = '"""Doc."""\nfrom __future__ import annotations\nx = 1\n'
    assert _add(before, ("a",)) == '"""Doc."""\nfrom __future__ import annotations\nimport a\nx = 1\n'


def test_new_import_follows_the_files_imports_that_precede_the_first_use():
    before = _dedent("""
        import os
        os.environ["FLAG"] = "1"
        import sys
        y = a.f()
        import late
    """)
    after = _dedent("""
        import os
        os.environ["FLAG"] = "1"
        import sys
        import a
        y = a.f()
        import late
    """)
    assert _add(before, ("a",)) == after


def test_import_after_the_first_use_does_not_count():
    before = "y = a.f()\nimport a\n"
    assert _add(before, ("a",)) == "import a\ny = a.f()\nimport a\n"


def test_import_plan_reads_the_body_only_up_to_the_first_use():
    module = cst.parse_module("import os\nx = 1\ny = a.f()\nz = 2\nw = 3\n")
    read = []

    def body():
        for stmt in module.body:
            read.append(stmt)
            yield stmt

    at, new = import_plan(body(), [ImportRequest("a")])
    assert at == 1 and len(new) == 1 and len(read) == 3


def _remove(source, used, *requests):
    module = cst.parse_module(_dedent(source))
    return remove_unused_imports(module, [ImportRequest(*r) for r in requests], set(used)).code


@pytest.mark.parametrize("before, used, requests, after", [
    ("import a\nimport b\n", {"b"}, [("a",)], "import b\n"),
    # Still used: kept.
    ("import a\n", {"a"}, [("a",)], "import a\n"),
    # Only what was asked for.
    ("import a\nimport b\n", set(), [("a",)], "import b\n"),
    # One name of a from-import; the trailing comma is fixed.
    ("from a import b, c\n", {"c"}, [("a", "b")], "from a import c\n"),
    ("from a import b, c\n", {"b"}, [("a", "c")], "from a import b\n"),
    # Aliases: the local name decides.
    ("import a as z\n", set(), [("a", None, "z")], "\n"),  # (libcst keeps an emptied file's newline)
    ("import a as z\n", {"z"}, [("a", None, "z")], "import a as z\n"),
    # `import a.b` binds `a`.
    ("import a.b\n", {"a"}, [("a.b",)], "import a.b\n"),
    ("import a.b\n", set(), [("a.b",)], "\n"),
    # Relative and star imports are never touched.
    ("from . import a\nfrom b import *\n", set(), [("a",), ("b", "c")], "from . import a\nfrom b import *\n"),
    # Imports inside functions are not module imports.
    ("def f():\n    import a\n", set(), [("a",)], "def f():\n    import a\n"),
])
def test_remove_unused_imports(before, used, requests, after):
    assert _remove(before, used, *requests) == after


def test_nothing_removed_returns_the_same_module():
    module = cst.parse_module("import a\n")
    assert remove_unused_imports(module, [ImportRequest("a")], {"a"}) is module
