"""Migrate one source text: parse, run the batched rules, schedule imports, re-check."""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import gc
import os
import sys
import threading
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple, Type

import libcst as cst

from keras_migrate.engine._codegen import RenderedModule, module_code
from keras_migrate.engine._context import PendingDiagnostic, RuleContext
from keras_migrate.engine._positions import node_starts
from keras_migrate.engine._diagnostics import Diagnostic, Severity
from keras_migrate.engine._imports import add_imports, early_reads, import_plan, record_imports, remove_unused_imports
from keras_migrate.engine import _parts
from keras_migrate.engine._parts import PREFIX_LINES, Layout, Part, layout_of, parse_code, parse_part, split_parts
from keras_migrate.engine._rule import Rule
from keras_migrate.engine._ruleset import RuleSet
from keras_migrate.engine._transformer import BatchedTransformer
from keras_migrate.engine._walk import ast_walk

__all__ = ["MigrationOptions", "MigrationResult", "migrate_source"]

PARSE_ERROR = "KM001"
INVALID_OUTPUT = "KM002"
INTERNAL_ERROR = "KM003"
# Valid code nested deeper than the migrator can follow.
TOO_DEEP = "KM008"


@dataclasses.dataclass(frozen=True)
class MigrationOptions:
    # One of the rule set's modes (None: its default mode).
    mode: Optional[str] = None
    # Where migrated code imports runtime support from (None: the rule set's module).
    runtime_module: Optional[str] = None
    # Restrict to these rule ids / names (None: all rules of the mode).
    only: Optional[Tuple[str, ...]] = None
    disable: Tuple[str, ...] = ()


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


def _unchanged(path: str, source: str, diagnostics=()) -> MigrationResult:
    return MigrationResult(path, source, False, list(diagnostics), {}, [], [], failed=bool(diagnostics))


def _error(path: str, rule_id: str, line: int, column: int, message: str, fix: Optional[str] = None) -> Diagnostic:
    return Diagnostic(rule_id, path, line, column, Severity.ERROR, message, fix)


def migrate_source(
    source: str,
    path: str = "<string>",
    options: MigrationOptions = MigrationOptions(),
    *,
    rule_set: RuleSet,
) -> MigrationResult:
    """Never raises for bad input or a rule's bug: those become ERROR diagnostics and the
    source comes back unchanged. Characters no rule touched come back exactly.
    (ValueError for options the rule set does not know: a caller's bug.)"""
    rule_set.mode(options)
    if not rule_set.may_apply(source):
        return _unchanged(path, source)
    text, restore = _lossless(source)
    try:
        with _ONE_AT_A_TIME, _fewer_collections():
            result = _deep_when_needed(lambda: _migrate(text, path, options, rule_set))
    except _RuleFailure as failure:
        return _unchanged(path, source, [failure.diagnostic(path)])
    except RecursionError:
        return _unchanged(path, source, [_error(
            path, TOO_DEEP, 1, 1,
            f"nesting too deep to migrate (over Python's recursion limit of {_DEEP_RECURSION_LIMIT} "
            "frames); file left untouched",
            "split the deeply nested expression (a long `a + b + ...` chain, nested literals) or migrate "
            "this file by hand")])
    if result.changed or result.code != text:
        result.code = restore(result.code)
        result.changed = result.code != source
    else:
        result.code = source
    return result


# -- threads ----------------------------------------------------------------------------------
# Migrations in one process run one at a time. CPython 3.11 keeps the AST converter's
# recursion depth per interpreter, not per thread: two threads in ast.parse at once
# (a switch happens when a collection runs a finalizer) fail with "SystemError: AST
# constructor recursion depth mismatch". The GIL left nothing to gain from overlap.
_ONE_AT_A_TIME = threading.Lock()


# -- garbage collection ----------------------------------------------------------------------
# A migration allocates a few hundred thousand nodes that refcounting frees (trees have
# no cycles); with Python's default threshold (700) the cycle collector runs thousands
# of times per file and takes about 8% of the run. Raised for the duration of a
# migration (cycles are still collected), then put back.
_GC_GEN0 = 10000


@contextlib.contextmanager
def _fewer_collections():
    gen0, *older = gc.get_threshold()
    if gen0 == 0 or gen0 >= _GC_GEN0:  # collection off, or set high by the caller
        yield
        return
    gc.set_threshold(_GC_GEN0, *older)
    try:
        yield
    finally:
        gc.set_threshold(gen0, *older)


# -- bytes no rule touched are kept ---------------------------------------------------------
_BOM = "\ufeff"


def _lossless(source: str):
    """(text libcst round-trips, function mapping migrated text back to the file's own
    conventions). libcst drops a leading BOM and the last newline of a CR-only (old Mac)
    file; such a file is migrated with LF and its CRs put back."""
    bom = source.startswith(_BOM)
    text = source[1:] if bom else source
    cr_only = "\r" in text and "\n" not in text
    if cr_only:
        text = text.replace("\r", "\n")
    # Mixed newlines ending in a lone CR: only that last CR is lost.
    lone_cr_end = text.endswith("\r")

    def restore(code: str) -> str:
        if lone_cr_end and not code.endswith(("\r", "\n")):
            code += "\r"
        if cr_only:
            code = code.replace("\n", "\r")
        return _BOM + code if bom else code

    return text, restore


# -- deep nesting ------------------------------------------------------------------------------
# libcst visits expressions recursively (a 500-term `a + b + ...` is 500 levels, several
# frames each). Valid code that deep is migrated on a thread with a large stack instead
# of failing; only beyond that limit does it become a diagnostic.
_DEEP_RECURSION_LIMIT = 60000
_DEEP_STACK_BYTES = 1 << 30  # address space; only what is used is committed


def _deep_when_needed(fn):
    try:
        return fn()
    except RecursionError:
        pass
    return _on_deep_stack(fn)


def _on_deep_stack(fn):
    box = {}

    def target() -> None:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, _DEEP_RECURSION_LIMIT))
        try:
            box["result"] = fn()
        except BaseException as exc:  # handed to the calling thread as is
            box["error"] = exc
        finally:
            sys.setrecursionlimit(old)

    try:
        previous = threading.stack_size(_DEEP_STACK_BYTES)
        try:
            thread = threading.Thread(target=target, name="keras_migrate-deep", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    except (RuntimeError, ValueError) as exc:  # no room for such a stack here (ulimit -v, ...)
        raise RecursionError(f"no deeper stack available: {exc}") from None
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


# -- a rule's exception -------------------------------------------------------------------------
class _RuleFailure(Exception):
    """An exception escaped a rule: the file is left untouched and the run goes on."""

    def __init__(self, rule_id: str, line: int, column: int, exc: BaseException, where: str) -> None:
        super().__init__(rule_id)
        self.rule_id, self.line, self.column, self.exc, self.where = rule_id, line, column, exc, where

    def diagnostic(self, path: str) -> Diagnostic:
        return _error(
            path, INTERNAL_ERROR, self.line, self.column,
            f"internal error in rule {self.rule_id}: {type(self.exc).__name__}: {self.exc} (at {self.where}); "
            "file left untouched",
            f"report this as a keras_migrate bug; meanwhile `--disable {self.rule_id}` skips the rule")


def _failure_from(exc: BaseException, module: cst.Module, source: str, first_line: int = 1) -> _RuleFailure:
    """Which rule raised, and at which node: read off the traceback (free when nothing
    fails, unlike a try/except around every dispatch)."""
    rule_id, node, where = "engine", None, "?"
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        owner = frame.f_locals.get("self")
        if isinstance(owner, BatchedTransformer):
            node = frame.f_locals.get("original_node") or frame.f_locals.get("node") or node
        elif isinstance(owner, Rule) and rule_id == "engine":
            rule_id = owner.id  # the outermost rule frame: the rule the engine called
        where = f"{os.path.basename(frame.f_code.co_filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    line, column = 1, 1
    if node is not None:
        line, column = node_starts(module, [node], source).get(id(node), (1, 1))
        line += first_line - 1
    return _RuleFailure(rule_id, line, column, exc, where)


# -- syntax errors ------------------------------------------------------------------------------
def _compile_error(source: str, path: str) -> Tuple[Optional[Tuple[int, int, str]], Optional[ast.Module]]:
    """((line, column, message) of CPython's own complaint about `source`, if any; its ast)."""
    try:
        return None, compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return (exc.lineno or 1, exc.offset or 1, exc.msg), None
    except ValueError as exc:  # null bytes (3.11)
        at = source.find("\0")
        line = source.count("\n", 0, max(at, 0)) + 1
        return (line, max(at, 0) - (source.rfind("\n", 0, max(at, 0)) + 1) + 1, str(exc)), None
    except (RecursionError, MemoryError):
        return (1, 1, "too deeply nested for Python's compiler (Python cannot import this file either)"), None


def _syntax_error(path: str, found: Tuple[int, int, str]) -> Diagnostic:
    line, column, message = found
    return _error(path, PARSE_ERROR, line, column, f"cannot parse: {message}",
                  "fix the syntax error (the file was left untouched)")


def _libcst_refused(path: str, exc: cst.ParserSyntaxError, lines_before: int = 0) -> Diagnostic:
    return _error(path, PARSE_ERROR, exc.raw_line + lines_before, exc.raw_column + 1,
                  f"Python accepts this file but libcst cannot parse it: {exc.message}",
                  "report this as a keras_migrate limitation (the file was left untouched)")


# CPython's own limits (tokenizer, parser, compiler): hitting one is no rule's bug.
_PYTHON_LIMITS = ("too many nested parentheses", "too many levels of indentation", "too deeply nested",
                  "too complex", "maximum recursion depth")


def _invalid_output(path: str, exc: SyntaxError) -> Diagnostic:
    if any(limit in (exc.msg or "") for limit in _PYTHON_LIMITS):
        return _error(path, INVALID_OUTPUT, exc.lineno or 1, 1,
                      f"the migrated code would exceed a limit of Python's compiler ({exc.msg} at line "
                      f"{exc.lineno}); file left untouched",
                      "reduce the nesting there (e.g. name an inner expression) and rerun")
    return _error(path, INVALID_OUTPUT, exc.lineno or 1, 1,
                  f"migrated code does not parse ({exc.msg} at line {exc.lineno}); file left untouched",
                  "report this as a keras_migrate bug")


def _new_context(source: str, path: str, options: MigrationOptions, rule_set: RuleSet) -> RuleContext:
    return rule_set.context_class()(
        source, path, options, mode=rule_set.mode(options).name,
        runtime_module=options.runtime_module or rule_set.runtime_module)


def _migrate(source: str, path: str, options: MigrationOptions, rule_set: RuleSet) -> MigrationResult:
    # CPython judges first (about 8% of a libcst parse): its positions are right where
    # libcst's are off (by lines for parser errors, always 1:1 for tokenizer errors), and
    # libcst's native parser must never see what Python refuses (3000 nested brackets
    # crash it; a 5000-link chain takes minutes).
    found, tree = _compile_error(source, path)
    if found is not None:
        return _unchanged(path, source, [_syntax_error(path, found)])
    parts = split_parts(source, tree) if len(source) >= _parts.PART_THRESHOLD else None
    layout = layout_of(source) if parts is not None else None
    ctx = _new_context(source, path, options, rule_set)
    ctx.tree, tree = tree, None  # the rules' only reference: released with the context
    if layout is not None:
        return _migrate_parts(source, path, ctx, rule_set.select(options), parts, layout)
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return _unchanged(path, source, [_libcst_refused(path, exc)])

    active = [rule(ctx) for rule in rule_set.select(options) if rule.applies_to(source)]
    if not active:
        return _unchanged(path, source)
    try:
        new_module = BatchedTransformer(ctx, active).transform(module)
    except RecursionError:
        raise  # valid but deep code: retried on a deeper stack
    except Exception as exc:
        raise _failure_from(exc, module, source) from exc
    ctx.release()
    if ctx.imports_to_add:
        new_module = add_imports(new_module, ctx.imports_to_add)
    rendered = RenderedModule(new_module) if new_module is not module else None
    code = rendered.code if rendered is not None else source
    diagnostics = _resolve_positions(module, ctx)
    del module

    def prune(imports: List[List[ast.stmt]], used: Set[str]) -> str:
        pruned = remove_unused_imports(new_module, ctx.imports_to_remove, used)
        if pruned is new_module:
            return code
        return rendered.of(pruned) if rendered is not None else module_code(pruned)

    return _finish(source, path, [code], ctx, diagnostics, _reasons(ctx.tensorflow_only), prune, [source])


def _finish(source: str, path: str, pieces: Sequence[str], ctx: RuleContext, diagnostics: List[Diagnostic],
            tf_only: List[str], prune: Callable[[List[List[ast.stmt]], Set[str]], str],
            source_pieces: Sequence[str]) -> MigrationResult:
    """Judge the migrated code (`pieces`: consecutive runs of whole top-level statements;
    the original likewise in `source_pieces`), drop the imports rules asked to remove,
    and sum up."""
    code = "".join(pieces) if len(pieces) != 1 else pieces[0]
    if code == source:
        code = source
    else:
        # A rule bug must never corrupt a file. CPython's own parser is the judge (and
        # ~5x faster than a libcst re-parse); its tree also tells which names are used.
        judged = _judge(pieces, path, want_used=bool(ctx.imports_to_remove))
        if isinstance(judged, SyntaxError):
            return _unchanged(path, source, [_invalid_output(path, judged)])
        early = judged.early
        if early:
            # Only what the migration introduced: the original may rely on it knowingly.
            known = _judge(source_pieces, path, want_used=False)
            early = {name: line for name, line in early.items() if name not in known.early}
        if early:
            name, line = sorted(early.items(), key=lambda item: item[1])[0]
            return _unchanged(path, source, [
                _error(path, INVALID_OUTPUT, line, 1,
                       f"migrated code would read `{name}` on line {line} before importing it; file left untouched",
                       "report this as a keras_migrate bug; meanwhile migrate this file by hand")
            ])
        if ctx.imports_to_remove:
            code = prune(judged.imports, judged.used)
    return MigrationResult(
        path=path,
        code=code,
        changed=code != source,
        diagnostics=sorted(diagnostics, key=lambda d: (d.line, d.column, d.rule_id)),
        rules_fired=dict(ctx.rules_fired),
        tensorflow_only=tf_only,
        runtime_symbols=sorted(ctx.runtime_imports),
    )


@dataclasses.dataclass
class _Judged:
    early: Dict[str, int]  # names read before their import (reads_before_import)
    used: Set[str]  # every name read or bound (when asked for)
    imports: List[List[ast.stmt]]  # each piece's top-level import statements


def _judge(pieces: Sequence[str], path: str, want_used: bool):
    """CPython's view of a module given in pieces of whole top-level statements: a
    SyntaxError (its line in the whole module), or _Judged. One piece's tree is kept for
    the second pass; several pieces (a large file) are parsed twice instead of holding
    the whole file's tree."""
    used: Set[str] = set()
    imports: List[List[ast.stmt]] = []
    imported_at: Dict[str, int] = {}
    kept: List[ast.Module] = []
    index = lines = 0
    for piece in pieces:
        try:
            tree = compile(piece, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as exc:
            exc.lineno = (exc.lineno or 1) + lines
            return exc
        except (ValueError, MemoryError) as exc:
            return SyntaxError(str(exc) or "too complex")
        if want_used:
            used.update(n.id for n in ast_walk(tree) if isinstance(n, ast.Name))
        imports.append([stmt for stmt in tree.body if isinstance(stmt, (ast.Import, ast.ImportFrom))])
        record_imports(tree.body, index, imported_at)
        index += len(tree.body)
        lines += piece.count("\n")
        if len(pieces) == 1:
            kept.append(tree)
        del tree
    found: Dict[str, int] = {}
    bound: Set[str] = set()
    index = lines = 0
    last_import = max(imported_at.values(), default=-1)
    for k, piece in enumerate(pieces):
        if index >= last_import:
            break  # early_reads looks no further than the last import (a large file's tail is not parsed again)
        tree = kept[0] if kept else compile(piece, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        early_reads(tree.body, index, lines, imported_at, bound, found)
        index += len(tree.body)
        lines += piece.count("\n")
        del tree
    return _Judged(found, used, imports)


def _reasons(tensorflow_only, into: Optional[List[str]] = None) -> List[str]:
    """The distinct reasons, first seen first."""
    out = [] if into is None else into
    for _rule_id, _node, reason in tensorflow_only:
        if reason not in out:
            out.append(reason)
    return out


# -- a large file, in parts (see _parts.py) ------------------------------------------------------
def _migrate_parts(source: str, path: str, ctx: RuleContext, rules: Sequence[Type[Rule]],
                   parts: List[Part], layout: Layout) -> MigrationResult:
    """The same result as one tree, holding one part's tree at a time."""
    active = [rule(ctx) for rule in rules if rule.applies_to(source)]
    if not active:
        return _unchanged(path, source)
    transformer = BatchedTransformer(ctx, active)
    codes: List[str] = []
    diagnostics: List[Diagnostic] = []
    tf_only: List[str] = []
    for part in parts:
        try:
            module = parse_part(part, layout)
        except cst.ParserSyntaxError as exc:
            lines_before = part.first_line - 1 - (PREFIX_LINES if part.prefixed else 0)
            return _unchanged(path, source, [_libcst_refused(path, exc, lines_before)])
        try:
            new_module = transformer.transform(module)
        except RecursionError:
            raise
        except Exception as exc:
            raise _failure_from(exc, module, part.text, part.first_line) from exc
        codes.append(module_code(new_module) if new_module is not module else part.text)
        # Positions now, while the part's tree exists; then nothing may keep its nodes.
        diagnostics += _resolve_positions(module, ctx, part.text, part.first_line)
        _reasons(ctx.tensorflow_only, tf_only)
        ctx.diagnostics.clear()
        ctx.tensorflow_only.clear()
        del module, new_module
        for rule in active:
            rule.forget_nodes()
        ctx.forget_nodes()
    ctx.release()
    if ctx.imports_to_add:
        try:
            codes = _add_imports_in_parts(codes, parts, layout, ctx.imports_to_add)
        except cst.ParserSyntaxError:
            # A rule wrote invalid code (one tree would have been refused by the judge
            # below): CPython says where.
            judged = _judge(codes, path, want_used=False)
            if not isinstance(judged, SyntaxError):
                judged = SyntaxError("libcst cannot parse the migrated code")
            return _unchanged(path, source, [_invalid_output(path, judged)])

    def prune(imports: List[List[ast.stmt]], used: Set[str]) -> str:
        return "".join(_prune_parts(codes, parts, layout, imports, ctx.imports_to_remove, used))

    return _finish(source, path, codes, ctx, diagnostics, tf_only, prune, [part.text for part in parts])


def _migrated_statements(codes: List[str], parts: List[Part], layout: Layout, spans: List[Tuple[int, int]]):
    """The migrated module's top-level statements, parsed back part by part as they are
    read (import_plan usually stops in the first part); `spans` gets each parsed part's
    (first statement index, statement count)."""
    index = 0
    for code, part in zip(codes, parts):
        body = parse_code(code, part.prefixed, layout).body
        spans.append((index, len(body)))
        index += len(body)
        yield from body


def _add_imports_in_parts(codes: List[str], parts: List[Part], layout: Layout, requests) -> List[str]:
    spans: List[Tuple[int, int]] = []
    at, new_lines = import_plan(_migrated_statements(codes, parts, layout, spans), requests)
    if not new_lines:
        return codes
    # The part the index falls in (at the end of the file: the last part read).
    k = next((k for k, (first, count) in enumerate(spans) if first <= at < first + count), len(spans) - 1)
    module = parse_code(codes[k], parts[k].prefixed, layout)
    body = list(module.body)
    local = at - spans[k][0]
    body[local:local] = new_lines
    codes = list(codes)
    codes[k] = module_code(module.with_changes(body=body))
    return codes


def _may_prune(stmt: ast.stmt, wanted, used: Set[str]) -> bool:
    """Could remove_unused_imports drop a name of this top-level statement? (a cheap
    filter on CPython's tree: only such parts are parsed again)"""
    if isinstance(stmt, ast.Import):
        return any((a.name, None, a.asname) in wanted and (a.asname or a.name.split(".", 1)[0]) not in used
                   for a in stmt.names)
    if isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module is not None:
        return any((stmt.module, a.name, a.asname) in wanted and (a.asname or a.name) not in used
                   for a in stmt.names)
    return False


def _prune_parts(codes: List[str], parts: List[Part], layout: Layout, imports: List[List[ast.stmt]], requests,
                 used: Set[str]) -> List[str]:
    """remove_unused_imports, applied to the parts whose top-level `imports` (CPython's
    view of each migrated part) have something to remove."""
    wanted = {(r.module, r.obj, r.asname) for r in requests}
    out = list(codes)
    for k, (code, part) in enumerate(zip(codes, parts)):
        if any(_may_prune(stmt, wanted, used) for stmt in imports[k]):
            try:
                module = parse_code(code, part.prefixed, layout)
            except cst.ParserSyntaxError:  # valid Python libcst refuses: an unused import stays
                continue
            pruned = remove_unused_imports(module, requests, used)
            if pruned is not module:
                out[k] = module_code(pruned)
    return out


def _resolve_positions(module: cst.Module, ctx: RuleContext, text: Optional[str] = None,
                       first_line: int = 1) -> List[Diagnostic]:
    """Diagnostics of the traversal of `module`, whose text is `text` (default: the
    file's) and starts at line `first_line` of the file."""
    pending = list(ctx.diagnostics) + [
        PendingDiagnostic(rule_id, node, Severity.INFO, f"kept on TensorFlow: {reason}", None)
        for rule_id, node, reason in ctx.tensorflow_only
    ]
    if not pending:
        return []
    starts = node_starts(module, [item.node for item in pending], ctx.source if text is None else text)
    out = []
    for item in pending:
        line, col = starts.get(id(item.node), (1, 1))
        if id(item.node) in starts:
            line += first_line - 1
        out.append(Diagnostic(item.rule_id, ctx.path, line, col, item.severity, item.message, item.fix,
                              backends=item.backends))
    return out
