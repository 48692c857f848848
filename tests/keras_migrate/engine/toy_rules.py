"""A toy rule set for engine tests: the engine knows no Keras, so its tests use none.

`oldlib.f(...)` becomes `newlib.f(...)` (importing newlib), `oldlib.boom()` makes a
rule raise, and `oldlib` is dropped from the imports once unused."""

import libcst as cst

from keras_migrate.engine import Mode, ReportInfo, Rule, RuleSet, Severity


class Rename(Rule):
    id = "T100"
    name = "rename"
    description = "oldlib.f -> newlib.f"
    TRIGGERS = ("oldlib",)

    def leave_Attribute(self, original, updated):
        if self.ctx.qualified_name(original) != "oldlib.f":
            return updated
        self.fired()
        local = self.ctx.require_module("newlib")
        self.ctx.remove_import_if_unused("oldlib")
        return updated.with_changes(value=cst.Name(local))


class Boom(Rule):
    id = "T101"
    name = "boom"
    description = "raises on oldlib.boom() (a stand-in for a rule's bug)"
    TRIGGERS = ("boom",)

    def leave_Call(self, original, updated):
        if self.ctx.qualified_name(original.func) == "oldlib.boom":
            raise KeyError("boom")
        return updated


class Report(Rule):
    id = "T102"
    name = "report"
    description = "reports oldlib.g calls; optional part"
    part = "extra"

    def visit_Call(self, node):
        if self.ctx.qualified_name(node.func) == "oldlib.g":
            self.report(node, "oldlib.g has no newlib twin", "call newlib.h", Severity.WARNING)


TOY = RuleSet(rules=(Rename, Boom, Report), markers=("oldlib",),
              report=ReportInfo(tool="toy", backends=("a", "b")),
              modes=(Mode("full"), Mode("basic", skips=frozenset({"extra"}))))
