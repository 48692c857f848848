"""The traversal engine: API-agnostic. A RuleSet (rules, markers, report data) plugs into it."""

from keras_migrate.engine._codegen import module_code, node_code
from keras_migrate.engine._context import RuleContext
from keras_migrate.engine._diagnostics import Diagnostic, Severity
from keras_migrate.engine._imports import is_docstring
from keras_migrate.engine._migrate import MigrationOptions, MigrationResult, migrate_source
from keras_migrate.engine._regions import Region
from keras_migrate.engine._rule import Example, Rule
from keras_migrate.engine._transformer import transform
from keras_migrate.engine._ruleset import Mode, ReportInfo, RuleSet
from keras_migrate.engine._walk import ast_children, ast_walk, iter_nodes, walk

__all__ = [
    "Diagnostic",
    "Example",
    "MigrationOptions",
    "MigrationResult",
    "Mode",
    "Region",
    "ReportInfo",
    "Rule",
    "RuleContext",
    "RuleSet",
    "Severity",
    "ast_children",
    "ast_walk",
    "is_docstring",
    "iter_nodes",
    "migrate_source",
    "module_code",
    "node_code",
    "transform",
    "walk",
]
