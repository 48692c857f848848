"""Adding scheduled imports.

Rules schedule imports through RuleContext.add_import (libcst's AddImportsVisitor
protocol: module, obj, asname); this module applies them. We do not run
AddImportsVisitor itself: its GatherImportsVisitor walks the whole tree with matchers,
which costs about four parses per file, while only top-level statements matter here.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

import libcst as cst

from keras_migrate.engine._names import module_name

__all__ = ["add_imports"]


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _import_smalls(stmt: cst.CSTNode):
    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                yield small


def _alias_local(alias: cst.ImportAlias) -> Optional[str]:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def _present(body: Sequence[cst.CSTNode], module: str, obj: Optional[str], asname: Optional[str]) -> bool:
    for stmt in body:
        for small in _import_smalls(stmt):
            if obj is None and isinstance(small, cst.Import):
                for alias in small.names:
                    if module_name(alias.name) == module and _alias_local(alias) == asname:
                        return True
            elif obj is not None and isinstance(small, cst.ImportFrom) and not small.relative:
                if small.module is None or module_name(small.module) != module:
                    continue
                if isinstance(small.names, cst.ImportStar):
                    return True
                for alias in small.names:
                    if isinstance(alias.name, cst.Name) and alias.name.value == obj and _alias_local(alias) == asname:
                        return True
    return False


def _new_statement(module: str, obj: Optional[str], asname: Optional[str]) -> cst.SimpleStatementLine:
    as_node = cst.AsName(name=cst.Name(asname)) if asname else None
    if obj is None:
        small = cst.Import(names=[cst.ImportAlias(name=cst.parse_expression(module), asname=as_node)])
    else:
        small = cst.ImportFrom(module=cst.parse_expression(module),
                               names=[cst.ImportAlias(name=cst.Name(obj), asname=as_node)])
    return cst.SimpleStatementLine(body=[small])


def add_imports(module: cst.Module, requests) -> cst.Module:
    body: List[cst.CSTNode] = list(module.body)
    # Insert after the leading block of docstring, __future__ imports and other imports.
    insert_at = 0
    for i, stmt in enumerate(body):
        if i == 0 and _is_docstring(stmt):
            insert_at = 1
            continue
        if any(True for _ in _import_smalls(stmt)):
            insert_at = i + 1
            continue
        break
    new_lines = []
    for req in requests:
        if _present(body, req.module, req.obj, req.asname) or _present(new_lines, req.module, req.obj, req.asname):
            continue
        new_lines.append(_new_statement(req.module, req.obj, req.asname))
    if not new_lines:
        return module
    body[insert_at:insert_at] = new_lines
    return module.with_changes(body=body)


def remove_unused_imports(module: cst.Module, requests, used_names) -> cst.Module:
    """Drop top-level imports a rule asked to remove when their local name is unused.

    `used_names` are the names the migrated code still reads (from CPython's ast of the
    output). Doing this ourselves instead of with RemoveImportsVisitor avoids its scope
    analysis (a metadata deep copy plus several tree walks per file).
    """
    wanted = {(r.module, r.obj, r.asname) for r in requests}
    body = []
    changed = False
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            body.append(stmt)
            continue
        smalls = []
        for small in stmt.body:
            kept = _prune(small, wanted, used_names)
            if kept is not small:
                changed = True
            if kept is not None:
                smalls.append(kept)
        if not smalls:
            changed = True
            continue
        body.append(stmt.with_changes(body=smalls) if len(smalls) != len(stmt.body) or changed else stmt)
    return module.with_changes(body=body) if changed else module


def _prune(small, wanted, used_names):
    if isinstance(small, cst.Import):
        names = [a for a in small.names if not _removable_import(a, wanted, used_names)]
    elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None \
            and not isinstance(small.names, cst.ImportStar):
        module = module_name(small.module)
        names = [a for a in small.names if not (
            isinstance(a.name, cst.Name)
            and (module, a.name.value, _alias_local(a)) in wanted
            and (_alias_local(a) or a.name.value) not in used_names)]
    else:
        return small
    if len(names) == len(small.names):
        return small
    if not names:
        return None
    names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return small.with_changes(names=names)


def _removable_import(alias: cst.ImportAlias, wanted, used_names) -> bool:
    full = module_name(alias.name)
    local = _alias_local(alias)
    if (full, None, local) not in wanted:
        return False
    bound = local or (full or "").split(".", 1)[0]
    return bound not in used_names
