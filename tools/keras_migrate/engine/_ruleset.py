"""What a migrator plugs into the engine: its rules and the data around them.

The engine walks trees, schedules imports, keeps bytes and writes files; everything
that names an API (which rules, which files can need them, what the reports call the
tool, which module migrated code imports its helpers from, the context rules share)
arrives in one RuleSet value built by the caller. The engine imports no rule.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, FrozenSet, Hashable, List, Optional, Sequence, Tuple, Type

from keras_migrate.engine._rule import Rule

if TYPE_CHECKING:
    from keras_migrate.engine._context import RuleContext
    from keras_migrate.engine._migrate import MigrationOptions

__all__ = ["Mode", "ReportInfo", "RuleSet"]


@dataclasses.dataclass(frozen=True)
class Mode:
    """A named selection of rules: rules whose `part` is in `skips` do not run."""

    name: str
    skips: FrozenSet[Hashable] = frozenset()


@dataclasses.dataclass(frozen=True)
class ReportInfo:
    """What JSON and SARIF reports say about the tool and where migrated files run."""

    tool: str
    # Backends a migrated file runs on; `restricted_backends` when a rule kept it on one
    # backend (MigrationResult.tensorflow_only lists why).
    backends: Tuple[str, ...] = ()
    restricted_backends: Tuple[str, ...] = ()


def _context_class() -> "Type[RuleContext]":
    from keras_migrate.engine._context import RuleContext

    return RuleContext


@dataclasses.dataclass(frozen=True)
class RuleSet:
    # In the order they run on each node.
    rules: Tuple[Type[Rule], ...]
    # A file containing none of these cannot need a rule: it is returned byte-identical
    # without being decoded or parsed (most files of a monorepo).
    markers: Tuple[str, ...]
    report: ReportInfo
    # The first mode is the default (MigrationOptions.mode None).
    modes: Tuple[Mode, ...] = (Mode("default"),)
    # Where ctx.use_runtime imports from unless MigrationOptions.runtime_module says otherwise.
    runtime_module: Optional[str] = None
    # The per-file context class rules get as `self.ctx` (a RuleContext subclass can add
    # the migrator's own helpers and facts).
    context: Optional[type] = None

    def __post_init__(self) -> None:
        if not self.modes:
            raise ValueError("a RuleSet needs at least one mode")
        object.__setattr__(self, "rules", tuple(self.rules))

    # -- selection ------------------------------------------------------------------------
    def mode(self, options: "MigrationOptions") -> Mode:
        if options.mode is None:
            return self.modes[0]
        for mode in self.modes:
            if mode.name == options.mode:
                return mode
        known = ", ".join(repr(m.name) for m in self.modes)
        raise ValueError(f"mode must be one of {known}, got {options.mode!r}")

    def select(self, options: "MigrationOptions") -> List[Type[Rule]]:
        """The rules `options` asks for, in running order."""
        skips = self.mode(options).skips
        chosen = []
        for rule in self.rules:
            if rule.part is not None and rule.part in skips:
                continue
            if options.only is not None and rule.id not in options.only and rule.name not in options.only:
                continue
            if rule.id in options.disable or rule.name in options.disable:
                continue
            chosen.append(rule)
        return chosen

    def restricted_to(self, rules: Optional[Sequence[Type[Rule]]]) -> "RuleSet":
        """The same set running only `rules` (None: unchanged); tests run one rule."""
        return self if rules is None else dataclasses.replace(self, rules=tuple(rules))

    # -- files ------------------------------------------------------------------------------
    def may_apply(self, source: str) -> bool:
        return any(marker in source for marker in self.markers)

    def may_apply_to_bytes(self, raw: bytes) -> bool:
        # Markers are ASCII: found in the bytes of any ASCII-compatible encoding.
        return any(marker.encode("ascii") in raw for marker in self.markers)

    def context_class(self) -> "Type[RuleContext]":
        return self.context or _context_class()
