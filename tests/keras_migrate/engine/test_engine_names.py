"""Name resolution (engine/_names.py ImportTracker), in the style of libcst's
QualifiedNameProvider tests: what each spelling of an imported name resolves to."""

import libcst as cst
import pytest

from keras_migrate.engine._names import ImportTracker, module_name


def _tracker(source):
    tracker = ImportTracker()
    for stmt in cst.parse_module(source).body:
        for small in getattr(stmt, "body", ()):
            if isinstance(small, cst.Import):
                tracker.record_import(small)
            elif isinstance(small, cst.ImportFrom):
                tracker.record_import_from(small)
            elif isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name):
                tracker.record_alias(small.targets[0].target.value, small.value)
    return tracker


def _resolve(tracker, expression):
    return tracker.qualified_name(cst.parse_expression(expression))


@pytest.mark.parametrize("imports, expression, expected", [
    ("import a", "a.b.c", "a.b.c"),
    ("import a.b.c", "a.b.c.d", "a.b.c.d"),  # `import a.b.c` binds `a`
    ("import a.b as ab", "ab.c", "a.b.c"),
    ("from a import b", "b.c", "a.b.c"),
    ("from a.b import c as d", "d", "a.b.c"),
    ("import a", "x.y", None),  # not imported
    ("from . import a", "a.b", None),  # relative: unknown module
    ("import a\nb = a.x", "b.y", "a.x.y"),  # module-level alias
    ("import a\nb = a.x\nb = f()", "b", None),  # rebound to something unknown
    ("import a\nimport c as a", "a.x", "c.x"),  # the last binding wins
])
def test_qualified_names(imports, expression, expected):
    assert _resolve(_tracker(imports), expression) == expected


def test_calls_and_subscripts_end_a_chain():
    tracker = _tracker("import a")
    assert tracker.qualified_name(cst.parse_expression("a.f().g")) is None
    assert tracker.qualified_name(cst.parse_expression("a.f()").func) == "a.f"


def test_star_imports_are_recorded_for_diagnostics():
    tracker = _tracker("from a.b import *\nfrom . import *")
    assert [module for module, _ in tracker.star_imports] == ["a.b"]


def test_local_name_for():
    tracker = _tracker("import numpy as np\nfrom a import b")
    assert tracker.local_name_for("numpy") == "np"
    assert tracker.local_name_for("a.b") == "b"
    assert tracker.local_name_for("a") is None


def test_answers_are_per_node_even_when_ids_are_reused():
    tracker = _tracker("import a")
    for _ in range(200):  # fresh nodes, often at a freed node's address
        assert _resolve(tracker, "a.x") == "a.x"
        assert _resolve(tracker, "z.x") is None


def test_forget_nodes_empties_the_cache():
    tracker = _tracker("import a")
    node = cst.parse_expression("a.b")
    tracker.qualified_name(node)
    assert tracker._cache
    tracker.forget_nodes()
    assert not tracker._cache and tracker.qualified_name(node) == "a.b"


def test_module_name():
    assert module_name(cst.parse_expression("a.b.c")) == "a.b.c"
    assert module_name(cst.parse_expression("a().b")) is None
