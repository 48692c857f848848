"""Adding scheduled imports.

Rules schedule imports through RuleContext.add_import (libcst's AddImportsVisitor
protocol: module, obj, asname); this module applies them. We do not run
AddImportsVisitor itself: its GatherImportsVisitor walks the whole tree with matchers,
which costs about four parses per file, while only top-level statements matter here.
"""

from __future__ import annotations

import ast
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from keras_migrate.engine._names import module_name
from keras_migrate.engine._walk import ast_children, ast_walk, children

__all__ = ["add_imports", "import_plan", "reads_before_import", "remove_unused_imports"]


def is_docstring(stmt: cst.CSTNode) -> bool:
    """A statement line that is only a string literal (a module, class or function docstring)."""
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


def _uses(stmt: cst.CSTNode, names) -> bool:
    """Does a statement read one of `names`?"""
    todo = [stmt]
    while todo:
        node = todo.pop()
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            continue  # imports bind names, they do not read them
        if isinstance(node, cst.Attribute):  # `x.y`: only `x` is read
            todo.append(node.value)
        elif isinstance(node, cst.Name):
            if node.value in names:
                return True
        else:
            todo.extend(children(node))
    return False


def _import_only(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in stmt.body)


def _is_future(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(small, cst.ImportFrom) and small.module is not None and module_name(small.module) == "__future__"
        for small in stmt.body)


def _bound_name(request) -> str:
    return request.asname or request.obj or request.module.split(".", 1)[0]


def import_plan(statements: Iterable[cst.CSTNode], requests) -> Tuple[int, List[cst.SimpleStatementLine]]:
    """(index in the module body where new imports go, the import statements to add there).

    Where: after the file's imports that precede the first statement reading one of the
    requested names (so environment set-up the file does before importing its framework
    stays before it), and in any case before that statement. `statements` is the module
    body, read lazily: only statements up to that first reader are looked at (a file
    migrated in parts is not parsed again beyond it)."""
    names = {_bound_name(req) for req in requests}
    at_floor = True  # among the docstring and __future__ imports new imports must follow
    insert_at = 0
    # Statements with imports before the insertion point, with their index: an import
    # of the name placed after its first use does not count (module-level code before
    # it would raise NameError).
    imports: List[Tuple[int, cst.CSTNode]] = []
    for i, stmt in enumerate(statements):
        if at_floor and ((i == 0 and is_docstring(stmt)) or _is_future(stmt)):
            insert_at = i + 1
            imports.append((i, stmt))
            continue
        at_floor = False
        if _uses(stmt, names):
            break
        if _import_only(stmt):
            insert_at = i + 1
        if any(True for _ in _import_smalls(stmt)):
            imports.append((i, stmt))
    before = [stmt for i, stmt in imports if i < insert_at]
    new_lines: List[cst.SimpleStatementLine] = []
    for req in requests:
        if _present(before, req.module, req.obj, req.asname) or _present(new_lines, req.module, req.obj, req.asname):
            continue
        new_lines.append(_new_statement(req.module, req.obj, req.asname))
    return insert_at, new_lines


def add_imports(module: cst.Module, requests) -> cst.Module:
    at, new_lines = import_plan(module.body, requests)
    if not new_lines:
        return module
    body: List[cst.CSTNode] = list(module.body)
    body[at:at] = new_lines
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


def _binds(stmt: ast.stmt) -> Set[str]:
    """Names a top-level statement binds (roughly: enough to tell an earlier binding)."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {a.asname or a.name.split(".", 1)[0] for a in stmt.names}
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    names = set()
    for node in ast_walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(a.asname or a.name.split(".", 1)[0] for a in node.names)
    return names


def _executed_now(stmt: ast.stmt):
    """Nodes of a top-level statement that run when it runs (not function or lambda bodies)."""
    stack = [stmt]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults)
            continue
        stack.extend(ast_children(node))


def reads_before_import(tree: ast.Module) -> Dict[str, int]:
    """{name: line} where module-level code reads a name that only a later top-level
    import binds: a NameError when the module runs, although it parses."""
    imported_at: Dict[str, int] = {}
    record_imports(tree.body, 0, imported_at)
    found: Dict[str, int] = {}
    early_reads(tree.body, 0, 0, imported_at, set(), found)
    return found


# reads_before_import in two passes over a module given in pieces (a large file's parts):
# record_imports over every piece, then early_reads over every piece, in order.
def record_imports(body: Sequence[ast.stmt], first: int, imported_at: Dict[str, int]) -> None:
    """Where (top-level statement index, `first` for body[0]) each name is first imported."""
    for i, stmt in enumerate(body, first):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for name in _binds(stmt):
                imported_at.setdefault(name, i)


def early_reads(body: Sequence[ast.stmt], first: int, lines_before: int, imported_at: Dict[str, int],
                bound: Set[str], found: Dict[str, int]) -> None:
    """Adds to `found` the names body's module-level code reads before their import
    (`bound`: what earlier statements bound, kept up to the last import; lines are
    shifted by `lines_before`)."""
    last_import = max(imported_at.values(), default=-1)
    for i, stmt in enumerate(body, first):
        if i >= last_import:
            break  # no name is imported after this statement: nothing can be read early
        for node in _executed_now(stmt):
            if (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound
                    and imported_at.get(node.id, -1) > i):
                found.setdefault(node.id, node.lineno + lines_before)
        bound |= _binds(stmt)
