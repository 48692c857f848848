"""Migrate one source text: parse, run the batched rules, schedule imports, re-check."""

from __future__ import annotations

import ast
import dataclasses
from typing import Dict, List, Optional, Sequence, Tuple, Type

import libcst as cst

from keras_migrate.engine._codegen import module_code
from keras_migrate.engine._context import PendingDiagnostic, RuleContext
from keras_migrate.engine._positions import node_starts
from keras_migrate.engine._diagnostics import Diagnostic, Severity
from keras_migrate.engine._imports import add_imports, reads_before_import, remove_unused_imports
from keras_migrate.engine._rule import Part, Rule
from keras_migrate.engine._transformer import BatchedTransformer

__all__ = ["MigrationOptions", "MigrationResult", "migrate_source", "select_rules", "KERAS_MARKERS"]

# A file mentioning none of these cannot use Keras: it is returned byte-identical
# without even being parsed (most files of a monorepo).
KERAS_MARKERS = ("keras", "tensorflow_addons", "tfa.")

PARSE_ERROR = "KM001"
INVALID_OUTPUT = "KM002"


@dataclasses.dataclass(frozen=True)
class MigrationOptions:
    # "agnostic": parts 1 and 2 of the guide (default); "tensorflow": part 1 only.
    mode: str = "agnostic"
    runtime_module: str = "keras_migrate_runtime"
    # Restrict to these rule ids / names (None: all rules of the mode).
    only: Optional[Tuple[str, ...]] = None
    disable: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in ("agnostic", "tensorflow"):
            raise ValueError(f"mode must be 'agnostic' or 'tensorflow', got {self.mode!r}")


@dataclasses.dataclass
class MigrationResult:
    path: str
    code: str
    changed: bool
    diagnostics: List[Diagnostic]
    rules_fired: Dict[str, int]
    tensorflow_only: List[str]  # reasons, empty = backend-agnostic
    runtime_symbols: List[str]
    failed: bool = False

    @property
    def runtime_imports(self) -> bool:
        return bool(self.runtime_symbols)


def select_rules(options: MigrationOptions, rules: Optional[Sequence[Type[Rule]]] = None) -> List[Type[Rule]]:
    if rules is None:
        from keras_migrate.rules import ALL_RULES

        rules = ALL_RULES
    chosen = []
    for rule in rules:
        if options.mode == "tensorflow" and rule.part is Part.AGNOSTIC:
            continue
        if options.only is not None and rule.id not in options.only and rule.name not in options.only:
            continue
        if rule.id in options.disable or rule.name in options.disable:
            continue
        chosen.append(rule)
    return chosen


def _unchanged(path: str, source: str, diagnostics=()) -> MigrationResult:
    return MigrationResult(path, source, False, list(diagnostics), {}, [], [], failed=bool(diagnostics))


def _error(path: str, rule_id: str, line: int, column: int, message: str, fix: Optional[str] = None) -> Diagnostic:
    return Diagnostic(rule_id, path, line, column, Severity.ERROR, message, fix)


def migrate_source(
    source: str,
    path: str = "<string>",
    options: MigrationOptions = MigrationOptions(),
    rules: Optional[Sequence[Type[Rule]]] = None,
) -> MigrationResult:
    if not any(marker in source for marker in KERAS_MARKERS):
        return _unchanged(path, source)
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return _unchanged(path, source, [
            _error(path, PARSE_ERROR, exc.raw_line, exc.raw_column + 1, f"cannot parse: {exc.message}",
                   "fix the syntax error (the file was left untouched)")
        ])

    ctx = RuleContext(source, path, options)
    active = [rule(ctx) for rule in select_rules(options, rules) if rule.applies_to(source)]
    if not active:
        return _unchanged(path, source)
    new_module = module.visit(BatchedTransformer(ctx, active))
    if ctx.imports_to_add:
        new_module = add_imports(new_module, ctx.imports_to_add)
    code = module_code(new_module) if new_module is not module else source
    diagnostics = _resolve_positions(module, ctx)
    if code != source:
        # A rule bug must never corrupt a file. CPython's own parser is the judge (and
        # ~5x faster than a libcst re-parse); its tree also tells which names are used.
        try:
            tree = compile(code, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as exc:
            return _unchanged(path, source, [
                _error(path, INVALID_OUTPUT, 1, 1,
                       f"migrated code does not parse ({exc.msg} at line {exc.lineno}); file left untouched",
                       "report this as a keras_migrate bug")
            ])
        early = reads_before_import(tree)
        if early:
            # Only what the migration introduced: the original may rely on it knowingly.
            known = reads_before_import(ast.parse(source))
            early = {name: line for name, line in early.items() if name not in known}
        if early:
            name, line = sorted(early.items(), key=lambda item: item[1])[0]
            return _unchanged(path, source, [
                _error(path, INVALID_OUTPUT, line, 1,
                       f"migrated code would read `{name}` on line {line} before importing it; file left untouched",
                       "report this as a keras_migrate bug; meanwhile migrate this file by hand")
            ])
        if ctx.imports_to_remove:
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            pruned = remove_unused_imports(new_module, ctx.imports_to_remove, used)
            if pruned is not new_module:
                code = module_code(pruned)
    tf_only = []
    for rule_id, node, reason in ctx.tensorflow_only:
        if reason not in tf_only:
            tf_only.append(reason)
    return MigrationResult(
        path=path,
        code=code,
        changed=code != source,
        diagnostics=sorted(diagnostics, key=lambda d: (d.line, d.column, d.rule_id)),
        rules_fired=dict(ctx.rules_fired),
        tensorflow_only=tf_only,
        runtime_symbols=sorted(ctx.runtime_imports),
    )


def _resolve_positions(module: cst.Module, ctx: RuleContext) -> List[Diagnostic]:
    pending = list(ctx.diagnostics) + [
        PendingDiagnostic(rule_id, node, Severity.INFO, f"kept on TensorFlow: {reason}", None)
        for rule_id, node, reason in ctx.tensorflow_only
    ]
    if not pending:
        return []
    starts = node_starts(module, [item.node for item in pending], ctx.source)
    out = []
    for item in pending:
        line, col = starts.get(id(item.node), (1, 1))
        out.append(Diagnostic(item.rule_id, ctx.path, line, col, item.severity, item.message, item.fix))
    return out
