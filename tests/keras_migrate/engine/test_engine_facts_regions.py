"""ctx.facts (typed per-file facts shared by rules) and Regions (one stack of open nodes
kept by the traversal for every rule that declares it), with a toy rule set."""

import libcst as cst

from keras_migrate.engine import MigrationOptions, Mode, Region, ReportInfo, Rule, RuleContext, RuleSet, migrate_source


def _run(rules, source):
    rule_set = RuleSet(rules=tuple(rules), markers=("oldlib",), report=ReportInfo(tool="toy"),
                       modes=(Mode("full"),))
    return migrate_source(source, "t.py", MigrationOptions(), rule_set=rule_set)


class _Counted:
    """A facts class: created once per file, whatever the number of rules asking."""

    made = []

    def __init__(self, ctx: RuleContext) -> None:
        _Counted.made.append(ctx.path)
        self.calls = 0


def test_facts_one_instance_per_file_shared_by_rules():
    _Counted.made.clear()
    seen = []

    class A(Rule):
        id, name, description = "T1", "a", "counts calls"

        def visit_Call(self, node):
            self.ctx.facts(_Counted).calls += 1

    class B(Rule):
        id, name, description = "T2", "b", "reads the count"

        def leave_Module(self, original, updated):
            seen.append(self.ctx.facts(_Counted).calls)
            return updated

    _run([A, B], "import oldlib\noldlib.f(oldlib.g())\n")
    _run([A, B], "import oldlib\noldlib.f()\n")
    assert _Counted.made == ["t.py", "t.py"]  # one per file, none shared across files
    assert seen == [2, 1]


def test_facts_dropped_on_release():
    ctx = RuleContext("x = 1\n", "t.py", MigrationOptions())
    first = ctx.facts(_Counted)
    assert ctx.facts(_Counted) is first
    ctx.release()
    assert ctx.facts(_Counted) is not first


def _is_wrap_call(ctx, node):
    return ctx.qualified_name(node.func) == "oldlib.wrap"


WRAPS = Region("wrap calls", cst.Call, _is_wrap_call)


def test_region_open_during_children_and_own_leave():
    log = []

    class Probe(Rule):
        id, name, description = "T3", "probe", "logs region state"
        regions = (WRAPS,)

        def visit_Call(self, node):
            log.append(("visit", cst.Module([]).code_for_node(node.func), len(self.ctx.region_nodes(WRAPS))))

        def leave_Call(self, original, updated):
            log.append(("leave", cst.Module([]).code_for_node(original.func),
                        self.ctx.in_region(WRAPS), self.ctx.in_region(WRAPS, excluding=original)))
            return updated

    _run([Probe], "import oldlib\noldlib.f(oldlib.wrap(oldlib.g()))\n")
    assert log == [
        ("visit", "oldlib.f", 0),
        ("visit", "oldlib.wrap", 1),  # opened before any rule's visit_
        ("visit", "oldlib.g", 1),
        ("leave", "oldlib.g", True, True),
        ("leave", "oldlib.wrap", True, False),  # still open in its own leave_
        ("leave", "oldlib.f", False, False),
    ]


def test_region_kept_once_for_several_rules_and_not_without_a_declaring_rule():
    counts = []

    def opens(ctx, node):
        counts.append(1)
        return _is_wrap_call(ctx, node)

    region = Region("counted", cst.Call, opens)

    class One(Rule):
        id, name, description = "T4", "one", "declares"
        regions = (region,)

    class Two(Rule):
        id, name, description = "T5", "two", "declares too"
        regions = (region,)

    _run([One, Two], "import oldlib\noldlib.wrap(oldlib.g())\n")
    assert len(counts) == 2  # once per call, not once per rule

    counts.clear()

    class Other(Rule):
        id, name, description = "T6", "other", "declares nothing"

        def leave_Call(self, original, updated):
            assert self.ctx.region_nodes(region) == ()
            return updated

    _run([Other], "import oldlib\noldlib.wrap(oldlib.g())\n")
    assert counts == []


def test_region_closed_when_an_earlier_rule_replaces_the_node():
    class Replace(Rule):
        id, name, description = "T7", "replace", "turns wrap(...) into a name"
        regions = (WRAPS,)

        def leave_Call(self, original, updated):
            return cst.Name("x") if _is_wrap_call(self.ctx, original) else updated

    class After(Rule):
        id, name, description = "T8", "after", "checks the stack is closed"
        regions = (WRAPS,)

        def leave_Module(self, original, updated):
            assert self.ctx.region_nodes(WRAPS) == []
            return updated

    result = _run([Replace, After], "import oldlib\ny = oldlib.wrap(1)\n")
    assert result.code == "import oldlib\ny = x\n"


def test_node_facts_dropped_between_parts_but_facts_kept():
    ctx = RuleContext("x = 1\n", "t.py", MigrationOptions())
    facts, node_facts = ctx.facts(_Counted), ctx.node_facts(_Counted)
    assert facts is not node_facts  # separate stores
    ctx.forget_nodes()
    assert ctx.facts(_Counted) is facts and ctx.node_facts(_Counted) is not node_facts
