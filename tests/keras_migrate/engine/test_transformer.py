"""BatchedTransformer.transform must give what libcst's own traversal (module.visit of
a CSTTransformer with the same visit_*/leave_* methods) gives, while rebuilding only the
nodes above a change: every kind of change a leave_* may make (replace, remove from a
sequence, from an optional or a sentinel field, flatten into a body), on every syntax
libcst knows and on real files."""

import glob
import os

import libcst as cst
import pytest

from keras_migrate.engine import ReportInfo, Rule, RuleSet
from keras_migrate.engine import migrate_source as engine_migrate
from keras_migrate.engine._context import RuleContext
from keras_migrate.engine._migrate import MigrationOptions
from keras_migrate.engine._transformer import BatchedTransformer, transform

from tests.keras_migrate.engine.test_walk import FILES, SNIPPET


class _Edits:
    """The same edits, written once, run by both traversals."""

    def leave_Name(self, original, updated):
        return updated.with_changes(value="renamed") if original.value in ("a", "x", "i") else updated

    def leave_Arg(self, original, updated):
        # Removal from a sequence (Call.args).
        if isinstance(original.value, cst.Name) and original.value.value == "kw":
            return cst.RemovalSentinel.REMOVE
        return updated

    def leave_Return(self, original, updated):
        return updated.with_changes(value=None) if updated.value is None else updated

    def leave_Else(self, original, updated):
        return cst.RemovalSentinel.REMOVE  # an optional field (If/For/While/Try.orelse)

    def leave_Decorator(self, original, updated):
        return cst.RemovalSentinel.REMOVE  # a sequence of a compound statement

    def leave_Pass(self, original, updated):
        # Several statements in place of one (a body sequence).
        return cst.FlattenSentinel([updated, cst.Expr(cst.Name("marker"))])

    def leave_Global(self, original, updated):
        return cst.RemovalSentinel.REMOVE  # out of a SimpleStatementLine's body

    def leave_SimpleStatementLine(self, original, updated):
        if not updated.body:
            return cst.RemovalSentinel.REMOVE
        if len(updated.body) == 1 and isinstance(updated.body[0], cst.Expr) \
                and isinstance(updated.body[0].value, cst.Name) and updated.body[0].value.value == "drop":
            return cst.FlattenSentinel([])
        return updated



class _CommaEdits(_Edits):
    def leave_Comma(self, original, updated):
        # A trivia type asked about (trivia is then entered too); removal from a
        # sentinel field (Arg.comma, Element.comma, ...).
        return cst.RemovalSentinel.REMOVE


class _Reference(_Edits, cst.CSTTransformer):
    pass


class _CommaReference(_CommaEdits, cst.CSTTransformer):
    pass


class _AsRule(_Edits, Rule):
    id = "T950"
    name = "edits"
    description = "the edits above, as a rule"


class _CommaRule(_CommaEdits, Rule):
    id = "T951"
    name = "edits and commas"
    description = "the edits above and comma removals, as a rule"


def _transformed(source: str, rule_type) -> str:
    ctx = RuleContext(source, "x.py", MigrationOptions())
    return BatchedTransformer(ctx, [rule_type(ctx)]).transform(cst.parse_module(source)).code


SOURCES = [SNIPPET + "drop\n", "def f(kw=1):\n    global g\n    return g(kw, a, kw=kw)\n"] + [
    open(path, encoding="utf-8").read() for path in FILES]


@pytest.mark.parametrize("index", range(len(SOURCES)))
@pytest.mark.parametrize("rule_type,reference", [(_AsRule, _Reference), (_CommaRule, _CommaReference)])
def test_same_code_as_libcsts_traversal(index, rule_type, reference):
    source = SOURCES[index]
    try:
        expected = cst.parse_module(source).visit(reference()).code
    except Exception:  # a comma libcst does not let go (ParamStar.comma): refused likewise
        with pytest.raises(TypeError, match="cannot be removed"):
            _transformed(source, rule_type)
    else:
        assert _transformed(source, rule_type) == expected


def test_only_the_nodes_above_a_change_are_rebuilt():
    seen = {}

    class Look(Rule):
        id = "T952"
        name = "look"
        description = "records identities"

        def leave_Name(self, original, updated):
            if original.value == "b":
                return updated.with_changes(value="c")
            return updated

        def leave_Call(self, original, updated):
            seen[cst.Module([]).code_for_node(original)] = updated is original
            return updated

        def leave_SimpleStatementLine(self, original, updated):
            seen[cst.Module([]).code_for_node(original).strip()] = updated is original
            return updated

    source = "f(a)\ng(b)\n"
    ctx = RuleContext(source, "x.py", MigrationOptions())
    module = cst.parse_module(source)
    new = BatchedTransformer(ctx, [Look(ctx)]).transform(module)
    assert new.code == "f(a)\ng(c)\n"
    assert seen == {"f(a)": True, "g(b)": False}
    assert new.body[0] is module.body[0] and new.body[1] is not module.body[1]
    # Nothing changed: the same module object (no code generation needed).
    ctx = RuleContext("f(a)\n", "x.py", MigrationOptions())
    module = cst.parse_module("f(a)\n")
    assert BatchedTransformer(ctx, [Look(ctx)]).transform(module) is module


def test_a_visit_returning_false_keeps_the_children_out():
    seen = []

    class Keep(Rule):
        id = "T953"
        name = "keep"
        description = "skips call arguments"

        def visit_Call(self, node):
            return False

        def leave_Name(self, original, updated):
            seen.append(original.value)
            return updated

    rule_set = RuleSet(rules=(Keep,), markers=("f",), report=ReportInfo(tool="toy"))
    assert engine_migrate("x = f(a)\n", rule_set=rule_set).code == "x = f(a)\n"
    assert seen == ["x"]


def test_removing_a_required_child_is_refused_with_the_field_named():
    class Bad(Rule):
        id = "T954"
        name = "bad"
        description = "removes a call's function"

        def leave_Name(self, original, updated):
            return cst.RemovalSentinel.REMOVE if original.value == "f" else updated

    ctx = RuleContext("f(a)\n", "x.py", MigrationOptions())
    with pytest.raises(TypeError, match=r"Call\.func"):
        BatchedTransformer(ctx, [Bad(ctx)]).transform(cst.parse_module("f(a)\n"))


# -- transform(node, transformer): the same traversal for a rule's own CSTTransformer ---------------
@pytest.mark.parametrize("index", range(len(SOURCES)))
@pytest.mark.parametrize("reference", [_Reference, _CommaReference])
def test_transform_gives_what_node_visit_gives(index, reference):
    source = SOURCES[index]
    try:
        expected = cst.parse_module(source).visit(reference()).code
    except Exception:
        with pytest.raises(TypeError, match="cannot be removed"):
            transform(cst.parse_module(source), reference())
    else:
        assert transform(cst.parse_module(source), reference()).code == expected


def test_transform_rebuilds_only_above_a_change_and_visits_like_libcst():
    order = []

    class T(cst.CSTTransformer):
        def visit_Call(self, node):
            order.append("visit " + cst.Module([]).code_for_node(node))
            return not (isinstance(node.func, cst.Name) and node.func.value == "skip")

        def leave_Name(self, original, updated):
            order.append("leave " + original.value)
            return updated.with_changes(value="c") if original.value == "b" else updated

        def helper_not_a_hook(self):
            return None

    module = cst.parse_module("f(a)\ng(b)\nskip(b)\n")
    new = transform(module, T())
    assert new.code == "f(a)\ng(c)\nskip(b)\n"
    assert new.body[0] is module.body[0] and new.body[2] is module.body[2]
    expected_order = list(order)
    order.clear()
    module.visit(T())
    assert order == expected_order
    untouched = cst.parse_module("f(a)\n")
    assert transform(untouched, T()) is untouched


def test_transform_refuses_what_it_does_not_replicate():
    class OnVisit(cst.CSTTransformer):
        def on_visit(self, node):
            return True

    class AttributeHook(cst.CSTTransformer):
        def visit_Call_func(self, node):
            return None

    with pytest.raises(TypeError, match="on_visit"):
        transform(cst.parse_module("f(a)\n"), OnVisit())
    with pytest.raises(TypeError, match="attribute hooks"):
        transform(cst.parse_module("f(a)\n"), AttributeHook())
