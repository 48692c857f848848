"""The rule base class: one small unit with an id, a description and examples.

Rules are written like libcst visitors (`visit_Call`, `leave_Attribute`, ...) but are
not visitors themselves: the engine batches every active rule into ONE traversal
(see _transformer.py) and gives each rule a shared RuleContext.
"""

from __future__ import annotations

import dataclasses
import textwrap
from typing import TYPE_CHECKING, ClassVar, Hashable, Optional, Sequence, Tuple

import libcst as cst

from keras_migrate.engine._diagnostics import Severity

if TYPE_CHECKING:
    from keras_migrate.engine._context import RuleContext
    from keras_migrate.engine._regions import Region

__all__ = ["Example", "Rule"]


@dataclasses.dataclass(frozen=True)
class Example:
    """A before/after pair that doubles as documentation and as a test.

    `diagnostics` lists the rule ids expected, in order; `mode` selects the rule set's
    mode (None: its default); `full` runs every rule of that mode (otherwise only the
    owning rule runs).
    """

    before: str
    after: Optional[str] = None  # None: the source must come out unchanged
    diagnostics: Tuple[str, ...] = ()
    full: bool = False
    mode: Optional[str] = None
    tensorflow_only: bool = False  # the file must be reported as kept on one backend

    def dedented(self) -> Tuple[str, str]:
        before = textwrap.dedent(self.before).lstrip("\n")
        after = before if self.after is None else textwrap.dedent(self.after).lstrip("\n")
        return before, after


class Rule:
    id: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str]
    # Which modes run the rule: a mode skips the parts its RuleSet.Mode lists (None: every mode).
    part: ClassVar[Optional[Hashable]] = None
    # Cheap text filter: the rule is skipped for files containing none of these.
    TRIGGERS: ClassVar[Sequence[str]] = ()
    EXAMPLES: ClassVar[Sequence[Example]] = ()
    # Attributes (sets, dicts, lists) holding state keyed by id(node). A large file is
    # migrated in parts (see _parts.py); after each part its nodes are freed and their
    # ids reused by the next part's, so forget_nodes() empties these containers.
    NODE_KEYED: ClassVar[Tuple[str, ...]] = ()
    # Regions (see _regions.py) the rule asks ctx.in_region / ctx.region_nodes about:
    # the traversal keeps their stacks while the rule runs.
    regions: ClassVar[Tuple["Region", ...]] = ()

    def __init__(self, ctx: "RuleContext") -> None:
        self.ctx = ctx

    def forget_nodes(self) -> None:
        """Called between parts of a large file: drop whatever is keyed by id(node)."""
        for name in self.NODE_KEYED:
            getattr(self, name).clear()

    @classmethod
    def applies_to(cls, source: str) -> bool:
        return not cls.TRIGGERS or any(t in source for t in cls.TRIGGERS)

    # -- helpers for subclasses -------------------------------------------------
    def report(
        self,
        node: cst.CSTNode,
        message: str,
        fix: Optional[str] = None,
        severity: Severity = Severity.WARNING,
        backends: Sequence[str] = (),
    ) -> None:
        """`backends`: where the difference reported shows, when not on every backend."""
        self.ctx.report(self.id, node, message, fix, severity, backends)

    def fired(self) -> None:
        """Record that this rule rewrote something (for reports)."""
        self.ctx.fired(self.id)
