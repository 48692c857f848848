"""The engine with a toy rule set (no Keras): batched dispatch, rule selection, markers,
per-file isolation of a rule's bug (in one process and across -j workers), file IO."""

import os

import libcst as cst

from keras_migrate.engine import MigrationOptions, Rule, RuleSet, migrate_source
from keras_migrate.engine._runner import migrate_file, migrate_files

from toy_rules import TOY


def _migrate(source, options=MigrationOptions(), rule_set=TOY):
    return migrate_source(source, "t.py", options, rule_set=rule_set)


def test_rewrite_schedules_and_prunes_imports():
    result = _migrate("import oldlib\n\ny = oldlib.f(1)\n")
    assert result.code == "import newlib\n\ny = newlib.f(1)\n"
    assert result.changed and result.rules_fired == {"T100": 1}


def test_import_kept_while_still_used():
    result = _migrate("import oldlib\ny = oldlib.f(1) + oldlib.g(2)\n")
    assert result.code == "import oldlib\nimport newlib\ny = newlib.f(1) + oldlib.g(2)\n"
    assert [d.rule_id for d in result.diagnostics] == ["T102"]
    assert (result.diagnostics[0].line, result.diagnostics[0].column) == (2, 19)


def test_modes_only_and_disable_select_rules():
    source = "import oldlib\noldlib.g()\n"
    assert [d.rule_id for d in _migrate(source).diagnostics] == ["T102"]
    assert _migrate(source, MigrationOptions(mode="basic")).diagnostics == []
    assert _migrate(source, MigrationOptions(disable=("report",))).diagnostics == []
    assert _migrate("import oldlib\noldlib.f\n", MigrationOptions(only=("T102",))).changed is False


def test_file_without_markers_is_not_even_parsed():
    source = "this is not python ((\n"
    result = _migrate(source)
    assert result.code == source and not result.failed and not result.diagnostics


def test_a_rules_exception_leaves_the_file_untouched_and_names_rule_and_line():
    source = "import oldlib\nx = oldlib.f\ny = oldlib.boom()\n"
    result = _migrate(source)
    (diag,) = result.diagnostics
    assert result.failed and result.code == source
    assert diag.rule_id == "KM003" and "T101" in diag.message and "KeyError" in diag.message and diag.line == 3


def test_batched_dispatch_order_and_type_change():
    calls = []

    class First(Rule):
        id, name, description = "T1", "first", "replaces a Name by an Attribute"

        def leave_Name(self, original, updated):
            calls.append(("first", original.value))
            if original.value == "x":
                return cst.Attribute(cst.Name("m"), cst.Name("x"))
            return updated

    class Second(Rule):
        id, name, description = "T2", "second", "sees Names the first one left Names"

        def leave_Name(self, original, updated):
            calls.append(("second", original.value))
            return updated

    rule_set = RuleSet(rules=(First, Second), markers=("",), report=TOY.report)
    result = migrate_source("x\ny\n", "t.py", rule_set=rule_set)
    assert result.code == "m.x\ny\n"
    # For `x` the first rule changed the node's type: the second no longer applies.
    assert calls == [("first", "x"), ("first", "y"), ("second", "y")]


def test_scope_stacks_follow_the_traversal():
    seen = []

    class Scopes(Rule):
        id, name, description = "T3", "scopes", "records enclosing scopes"

        def visit_Return(self, node):
            seen.append((self.ctx.current_class.name.value if self.ctx.current_class else None,
                         self.ctx.current_function.name.value))

    rule_set = RuleSet(rules=(Scopes,), markers=("return",), report=TOY.report)
    migrate_source("def f():\n    return 1\nclass C:\n    def g(self):\n        return 2\n", "t.py",
                   rule_set=rule_set)
    assert seen == [(None, "f"), ("C", "g")]


def test_import_depth_marks_names_inside_import_statements():
    seen = []

    class Names(Rule):
        id, name, description = "T4", "names", "records import depth at each name"

        def visit_Name(self, node):
            seen.append((node.value, self.ctx.import_depth))

    rule_set = RuleSet(rules=(Names,), markers=("oldlib",), report=TOY.report)
    migrate_source("import oldlib\nfrom oldlib import f\ny = f(oldlib)\n", "t.py", rule_set=rule_set)
    assert seen == [("oldlib", 1), ("oldlib", 1), ("f", 1), ("y", 0), ("f", 0), ("oldlib", 0)]


def _files(tmp_path):
    good = tmp_path / "good.py"
    good.write_bytes(b"import oldlib\r\ny = oldlib.f(1)\r\n")
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"import oldlib\nz = oldlib.boom()\n")
    other = tmp_path / "other.py"
    other.write_bytes(b"# -*- coding: latin-1 -*-\nname = '\xe9'\n")
    return [str(good), str(bad), str(other)]


def _check_outcomes(outcomes, paths):
    good, bad, other = outcomes
    assert [o.path for o in outcomes] == paths
    assert good.written_to == paths[0] and not good.result.failed
    assert bad.result.failed and bad.written_to is None and "T101" in bad.result.diagnostics[0].message
    assert not other.result.changed and not other.result.failed
    with open(paths[0], "rb") as handle:
        assert handle.read() == b"import newlib\r\ny = newlib.f(1)\r\n"  # CRLF kept
    with open(paths[1], "rb") as handle:
        assert handle.read() == b"import oldlib\nz = oldlib.boom()\n"


def test_one_files_bug_does_not_stop_the_run(tmp_path):
    paths = _files(tmp_path)
    _check_outcomes(list(migrate_files(paths, MigrationOptions(), TOY)), paths)


def test_workers_isolate_failures_the_same_way(tmp_path):
    paths = _files(tmp_path)
    _check_outcomes(list(migrate_files(paths, MigrationOptions(), TOY, jobs=2)), paths)


def test_output_path_gets_a_copy_and_the_source_stays(tmp_path):
    src = tmp_path / "a.py"
    src.write_bytes(b"import oldlib\nq = oldlib.f\n")
    out = tmp_path / "out" / "a.py"
    os.makedirs(out.parent)
    outcome = migrate_file(str(src), MigrationOptions(), TOY, output_path=str(out), want_diff=True)
    assert out.read_bytes() == b"import newlib\nq = newlib.f\n"
    assert src.read_bytes() == b"import oldlib\nq = oldlib.f\n"
    assert "-q = oldlib.f" in outcome.diff and "+q = newlib.f" in outcome.diff


def test_second_run_changes_nothing(tmp_path):
    src = tmp_path / "a.py"
    src.write_bytes(b"import oldlib\nq = oldlib.f\n")
    migrate_file(str(src), MigrationOptions(), TOY)
    again = migrate_file(str(src), MigrationOptions(), TOY)
    assert not again.result.changed and again.written_to is None
