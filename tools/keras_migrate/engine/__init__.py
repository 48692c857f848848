"""The traversal engine: API-agnostic. Rules and spec tables plug into it."""

from keras_migrate.engine._context import RuleContext
from keras_migrate.engine._diagnostics import Diagnostic, Severity
from keras_migrate.engine._migrate import MigrationOptions, MigrationResult, migrate_source, select_rules
from keras_migrate.engine._rule import Example, Part, Rule

__all__ = [
    "Diagnostic",
    "Example",
    "MigrationOptions",
    "MigrationResult",
    "Part",
    "Rule",
    "RuleContext",
    "Severity",
    "migrate_source",
    "select_rules",
]
