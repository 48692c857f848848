"""Static model of the file paths a program builds, for rules that pair a save with its loads.

A path expression becomes a *shape*: a tuple of literal text and `Hole`s (what cannot be
known statically: a parameter, a loop variable, a call). Variables assigned once are
followed to their value, so `path = os.path.join("ckpt", "best")` used later has the shape
`("ckpt/best",)` wherever it is read. os.path.join, pathlib's `/`, f-strings, `+`,
`str.format` and `str()`/`Path()` wrappers are understood, so different spellings of the
same path get the same shape. Two shapes *may name the same file* when they are equal, or
when their holes (and a ModelCheckpoint template's `{epoch}` fields) can be filled so that
they are.

The *carrier* of a path is where its trailing file name is written: the call site itself
(a literal, an f-string, an opaque name that gets `+ ".keras"`), or the assignment of the
variable that holds the whole path (rewriting it there renames every use consistently).
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import re
import string
from typing import Dict, Iterable, List, Optional, Set, Tuple, Union

from keras_migrate.engine import ast_children
from keras_migrate.rules import _scan
from keras_migrate.spec._guide_part1 import DIRECTORY_FUNCTIONS, EXISTING_DIRECTORIES, PATH_JOINS

__all__ = ["Hole", "PathModel", "SITE", "Shape", "VarKey", "dir_shape", "may_match", "tail_text", "template"]


@dataclasses.dataclass(frozen=True)
class Hole:
    """A part of a path not known statically."""

    key: str
    field: bool = False  # a ModelCheckpoint `{epoch}` field: never spans a "/"


Shape = Tuple[Union[str, Hole], ...]
VarKey = Tuple[_scan.Scope, str]  # (scope of the assignment statement, variable name)
SITE = "site"  # the carrier is the call site's own expression
_MAX_DEPTH = 6


@dataclasses.dataclass
class _Binding:
    value: Optional[ast.AST]  # None: bound by something other than a plain assignment
    where: _scan.Scope  # scope of the statement that binds it


def _normalized(parts: Iterable[Union[str, Hole]]) -> Shape:
    out: List[Union[str, Hole]] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + part
                continue
        out.append(part)
    for i, part in enumerate(out):
        if isinstance(part, str):
            while "//" in part:
                part = part.replace("//", "/")
            if i == 0:
                while part.startswith("./"):
                    part = part[2:]
            out[i] = part
    if out and isinstance(out[-1], str) and out[-1].endswith("/") and len(out[-1]) > 1:
        out[-1] = out[-1].rstrip("/")
    return tuple(p for p in out if p != "")


# A printf-style conversion ("%05.2f", "%s", "%%"), as a captured separator.
_PERCENT = re.compile(r"(%%|%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa])")


def tail_text(shape: Shape) -> Optional[str]:
    """The literal text the path ends with (None when it ends with a hole)."""
    if not shape or isinstance(shape[-1], Hole):
        return None
    return shape[-1]


def template(shape: Shape) -> Shape:
    """A ModelCheckpoint filepath: its `{epoch:02d}`-style fields become holes."""
    out: List[Union[str, Hole]] = []
    for part in shape:
        if not isinstance(part, str) or "{" not in part:
            out.append(part)
            continue
        try:
            pieces = list(string.Formatter().parse(part))
        except ValueError:
            out.append(part)
            continue
        for text, field, _, _ in pieces:
            out.append(text)
            if field is not None:
                out.append(Hole("{" + field + "}", field=True))
    return _normalized(out)


def dir_shape(shape: Shape) -> Optional[Shape]:
    """The shape of the directory a path is in; () when it has none; None when unknown
    (no "/" in the literal text, but a hole that may hold one)."""
    for i in range(len(shape) - 1, -1, -1):
        part = shape[i]
        if isinstance(part, str) and "/" in part:
            head = part[: part.rindex("/")]
            if not head and i == 0:
                return ("/",)
            return _normalized(list(shape[:i]) + [head])
    if any(isinstance(p, Hole) for p in shape):
        return None
    return ()


def _has_word(shape: Shape) -> bool:
    return any(isinstance(p, str) and any(c.isalnum() for c in p) for p in shape)


def may_match(a: Shape, b: Shape) -> bool:
    """Whether the two paths can name the same file.

    Equal shapes do. Otherwise holes are wildcards (a template field never matches a
    "/"), but only between shapes that both contain literal words or share a hole: a
    bare unknown path (a parameter) pairs with nothing but itself.
    """
    if a == b:
        return True
    holes_a = {p for p in a if isinstance(p, Hole)}
    holes_b = {p for p in b if isinstance(p, Hole)}
    if not (holes_a or holes_b) or not ((_has_word(a) and _has_word(b)) or holes_a & holes_b):
        return False
    return _intersect(_atoms(a), _atoms(b))


def _atoms(shape: Shape) -> Tuple[Union[str, Hole], ...]:
    out: List[Union[str, Hole]] = []
    for part in shape:
        out.extend(part if isinstance(part, str) else [part])
    return tuple(out)


def _intersect(a, b) -> bool:
    @functools.lru_cache(maxsize=None)
    def ok(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and isinstance(a[i], Hole) and ok(i + 1, j):
            return True
        if j < len(b) and isinstance(b[j], Hole) and ok(i, j + 1):
            return True
        if i < len(a) and j < len(b):
            x, y = a[i], b[j]
            if isinstance(x, Hole) and not isinstance(y, Hole):
                return (y != "/" or not x.field) and ok(i, j + 1)
            if isinstance(y, Hole) and not isinstance(x, Hole):
                return (x != "/" or not y.field) and ok(i + 1, j)
            if isinstance(x, Hole) and isinstance(y, Hole):
                return ok(i + 1, j + 1)
            return x == y and ok(i + 1, j + 1)
        return False

    return ok(0, 0)


class PathModel:
    """Bindings of the file's names, and the shapes and carriers of path expressions."""

    def __init__(self, nodes, names: _scan.AstNames) -> None:
        self.names = names
        self._bindings: Dict[VarKey, List[_Binding]] = {}
        globals_in: Dict[_scan.Scope, Set[str]] = {}
        for scope, node in nodes:
            if isinstance(node, ast.Global):
                globals_in.setdefault(scope, set()).update(node.names)
        self._globals_in = globals_in
        self._functions: Dict[VarKey, ast.AST] = {}  # (defining scope, name) -> FunctionDef
        self._frames: List[Tuple[_scan.Scope, Dict[str, List[Union[str, Hole]]]]] = []
        for scope, node in nodes:
            self._record(scope, node)
        self.existing_dirs: Set[Shape] = {("/",), ()}
        self.directory_vars: Set[VarKey] = set()
        for scope, node in nodes:
            self._note_directories(scope, node)

    # -- bindings -----------------------------------------------------------------
    def _bind(self, scope: _scan.Scope, name: str, value: Optional[ast.AST]) -> None:
        owner = () if name in self._globals_in.get(scope, ()) else scope
        self._bindings.setdefault((owner, name), []).append(_Binding(value, scope))

    def _record(self, scope: _scan.Scope, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self._bind(scope, target.id, node.value)
                else:
                    for name in _scan.assigned_names(target):
                        self._bind(scope, name, None)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
            value = node.value if isinstance(node, ast.AnnAssign) else None
            self._bind(scope, node.target.id, value)
        elif isinstance(node, ast.NamedExpr):
            self._bind(scope, node.target.id, node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            for name in _scan.assigned_names(node.target):
                self._bind(scope, name, None)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            for name in _scan.assigned_names(node.optional_vars):
                self._bind(scope, name, node.context_expr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._bind(scope, node.name, None)
            self._functions[(scope, node.name)] = node
            args = node.args
            for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if arg is not None:  # parameters belong to the function's own scope
                    self._bindings.setdefault((scope + (node.name,), arg.arg), []).append(
                        _Binding(None, scope + (node.name,)))
        elif isinstance(node, ast.ClassDef):
            self._bind(scope, node.name, None)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                self._bind(scope, (alias.asname or alias.name).split(".")[0], None)

    def lookup(self, name: str, scope: _scan.Scope) -> Optional[Tuple[VarKey, List[_Binding]]]:
        for depth in range(len(scope), -1, -1):
            key = (scope[:depth], name)
            if key in self._bindings:
                return key, self._bindings[key]
        return None

    def single_value(self, name: str, scope: _scan.Scope) -> Optional[Tuple[VarKey, ast.AST]]:
        """(assignment key, value) of a name bound exactly once, by a plain assignment."""
        found = self.lookup(name, scope)
        if found is None or len(found[1]) != 1 or found[1][0].value is None:
            return None
        binding = found[1][0]
        return (binding.where, name), binding.value

    # -- directories --------------------------------------------------------------
    def _note_directories(self, scope: _scan.Scope, node: ast.AST) -> None:
        if isinstance(node, ast.Call):
            qualified = self.names.qualified(node.func)
            if qualified in EXISTING_DIRECTORIES:
                return
            if qualified in DIRECTORY_FUNCTIONS and node.args:
                arg = node.args[0]
                if qualified in ("os.makedirs", "os.mkdir", "tensorflow.io.gfile.makedirs",
                                 "tensorflow.io.gfile.mkdir"):
                    self._exists(self.shape(arg, scope))
                if isinstance(arg, ast.Name):
                    found = self.single_value(arg.id, scope)
                    if found is not None:
                        self.directory_vars.add(found[0])
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "mkdir" and qualified is None:
                self._exists(self.shape(node.func.value, scope))
            for arg in self._prefix_names(node):  # os.path.join(var, "x"): var is a directory
                found = self.single_value(arg.id, scope)
                if found is not None:
                    self.directory_vars.add(found[0])
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.left, ast.Name):
            found = self.single_value(node.left.id, scope)
            if found is not None:
                self.directory_vars.add(found[0])
        elif isinstance(node, (ast.Assign, ast.withitem)):
            value = node.value if isinstance(node, ast.Assign) else node.context_expr
            if isinstance(value, ast.Call) and self.names.qualified(value.func) in EXISTING_DIRECTORIES:
                targets = node.targets if isinstance(node, ast.Assign) else [node.optional_vars]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self._exists(self.shape(target, scope))

    def _exists(self, shape: Optional[Shape]) -> None:
        """A directory that exists, and so do its parents."""
        while shape and shape not in self.existing_dirs:
            self.existing_dirs.add(shape)
            shape = dir_shape(shape)

    def _prefix_names(self, call: ast.Call) -> List[ast.Name]:
        if self.names.qualified(call.func) in ("os.path.join", "posixpath.join") and len(call.args) > 1:
            return [a for a in call.args[:-1] if isinstance(a, ast.Name)]
        return []

    # -- shapes ---------------------------------------------------------------------
    def shape(self, expr: ast.AST, scope: _scan.Scope) -> Shape:
        return _normalized(self._parts(expr, scope, 0))

    def _hole(self, expr: ast.AST, scope: _scan.Scope) -> List[Union[str, Hole]]:
        if isinstance(expr, ast.Name):
            found = self.lookup(expr.id, scope)
            where = found[0][0] if found is not None else ()
            return [Hole(f"{'.'.join(where)}:{expr.id}")]
        return [Hole(_scan.expr_key(expr) or repr(id(expr)))]

    def _parts(self, expr: ast.AST, scope: _scan.Scope, depth: int) -> List[Union[str, Hole]]:
        if depth > _MAX_DEPTH:
            return self._hole(expr, scope)
        value = _scan.string_value(expr)
        if value is not None:
            return [value]
        if isinstance(expr, ast.JoinedStr):
            parts: List[Union[str, Hole]] = []
            for piece in expr.values:
                if isinstance(piece, ast.Constant):
                    parts.append(str(piece.value))
                elif isinstance(piece, ast.FormattedValue) and piece.conversion == -1 and piece.format_spec is None:
                    parts.extend(self._parts(piece.value, scope, depth + 1))
                else:
                    parts.extend(self._hole(piece, scope))
            return parts
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod) and isinstance(value := _scan.string_value(
                expr.left), str):  # "run_%d.h5" % n: the text around each conversion is known
            parts = []
            for k, piece in enumerate(_PERCENT.split(value)):
                if k % 2:
                    parts.extend(["%"] if piece == "%%" else self._hole(expr, scope))
                elif piece:
                    parts.append(piece)
            return parts
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Div)):
            middle = ["/"] if isinstance(expr.op, ast.Div) else []
            return self._parts(expr.left, scope, depth + 1) + middle + self._parts(expr.right, scope, depth + 1)
        if isinstance(expr, ast.Name):
            if self._frames and self._frames[-1][0] == scope and expr.id in self._frames[-1][1]:
                return list(self._frames[-1][1][expr.id])  # a parameter: the caller's argument
            found = self.single_value(expr.id, scope)
            if found is not None and self._is_path_like(found[1], found[0][0]):
                return self._parts(found[1], found[0][0], depth + 1)
            return self._hole(expr, scope)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):  # PATHS["best"]
            found = self.single_value(expr.value.id, scope)
            key = _scan.string_value(expr.slice)
            if found is not None and isinstance(found[1], ast.Dict) and key is not None:
                for k, v in zip(found[1].keys, found[1].values):
                    if k is not None and _scan.string_value(k) == key:
                        return self._parts(v, found[0][0], depth + 1)
        if isinstance(expr, ast.Call):
            joined = self._joined(expr, scope, depth)
            if joined is not None:
                return joined
            returned = self._returned(expr, scope, depth)
            if returned is not None:
                return returned
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
                return self._formatted(expr, scope, depth)
        return self._hole(expr, scope)

    def _is_path_like(self, value: ast.AST, scope: _scan.Scope) -> bool:
        """A variable's value worth following: text, a path built from parts, or what one
        of the file's functions returns (not the result of another call)."""
        if _is_path_like(value, self.names):
            return True
        return isinstance(value, ast.Call) and self.local_function(value, scope) is not None

    def local_function(self, call: ast.Call, scope: _scan.Scope):
        """(function scope, returned expression, {parameter: argument}) of a call to one
        of the file's functions that returns a single expression."""
        if not isinstance(call.func, ast.Name) or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        found = self.lookup(call.func.id, scope)
        if found is None or len(found[1]) != 1 or found[0] not in self._functions:
            return None
        function = self._functions[found[0]]
        returns = [n for n in _own_nodes(function) if isinstance(n, ast.Return)]
        if len(returns) != 1 or returns[0].value is None:
            return None
        params = [a.arg for a in function.args.posonlyargs + function.args.args]
        bound = dict(zip(params, call.args))
        bound.update((k.arg, k.value) for k in call.keywords if k.arg in params)
        return found[0][0] + (function.name,), returns[0].value, bound

    def _returned(self, call: ast.Call, scope, depth) -> Optional[List[Union[str, Hole]]]:
        """`export_path("large")`: the shape of what the function returns for these arguments."""
        function = self.local_function(call, scope)
        if function is None:
            return None
        inner_scope, value, bound = function
        frame = {name: self._parts(arg, scope, depth + 1) for name, arg in bound.items()}
        self._frames.append((inner_scope, frame))
        try:
            return self._parts(value, inner_scope, depth + 1)
        finally:
            self._frames.pop()

    def _joined(self, call: ast.Call, scope, depth) -> Optional[List[Union[str, Hole]]]:
        func = call.func
        if call.keywords or any(isinstance(a, ast.Starred) for a in call.args) or not call.args:
            return None
        if _is_path_call(call, self.names):
            args = call.args
        elif isinstance(func, ast.Attribute) and func.attr == "joinpath":
            args = [func.value] + list(call.args)
        else:
            return None
        parts: List[Union[str, Hole]] = []
        for i, arg in enumerate(args):
            if i:
                parts.append("/")
            parts.extend(self._parts(arg, scope, depth + 1))
        return parts

    def _formatted(self, call: ast.Call, scope, depth) -> List[Union[str, Hole]]:
        """`"ckpt/ep{epoch:02d}".format(epoch=2)`: constant arguments are applied."""
        base = self._parts(call.func.value, scope, depth + 1)
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return self._hole(call, scope)
        positional = list(call.args)
        keywords = {k.arg: k.value for k in call.keywords}
        counter = 0
        out: List[Union[str, Hole]] = []
        for part in base:
            if not isinstance(part, str):
                out.append(part)
                continue
            try:
                pieces = list(string.Formatter().parse(part))
            except ValueError:
                return self._hole(call, scope)
            for text, field, spec, conversion in pieces:
                out.append(text)
                if field is None:
                    continue
                if field == "":
                    field, counter = str(counter), counter + 1
                name = field.split(".")[0].split("[")[0]
                arg = positional[int(name)] if name.isdigit() and int(name) < len(positional) else keywords.get(name)
                if arg is None:
                    return self._hole(call, scope)
                if isinstance(arg, ast.Constant) and field == name:
                    try:
                        out.append(("{0" + ("!" + conversion if conversion else "") + ":" + spec + "}")
                                   .format(arg.value))
                        continue
                    except (ValueError, TypeError):
                        pass
                out.extend(self._parts(arg, scope, depth + 1) if not spec and not conversion and field == name
                           else self._hole(arg, scope))
        return out

    # -- carriers -------------------------------------------------------------------
    def carrier(self, expr: ast.AST, scope: _scan.Scope, depth: int = 0,
                params: Tuple[str, ...] = ()) -> Union[None, str, VarKey]:
        """Where the file name at the end of `expr` is written: SITE, a variable's
        assignment (VarKey), or None when no suffix can be added to it. Inside a function
        (`params` given) a parameter carries it as ("param", name)."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Name) and expr.id in params:
            return ("param", expr.id)
        if isinstance(expr, ast.Call):
            function = self.local_function(expr, scope)
            if function is not None:  # only its last argument can be given the suffix
                inner_scope, value, bound = function
                names = tuple(bound)
                inner = self.carrier(value, inner_scope, depth + 1, names)
                if expr.args and not expr.keywords and inner == ("param", names[len(expr.args) - 1]):
                    return self.carrier(expr.args[-1], scope, depth + 1)
                return None
        if _scan.string_value(expr) is not None or isinstance(expr, ast.JoinedStr):
            return SITE
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod) and _scan.string_value(expr.left) is not None:
            return SITE  # "run_%d.h5" % n: the format string carries the name
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Div)):
            return self.carrier(expr.right, scope, depth + 1, params)
        if isinstance(expr, ast.Name):
            found = self.single_value(expr.id, scope)
            if found is None or not self._is_path_like(found[1], found[0][0]):
                return SITE  # an opaque name: `name + ".keras"` where it is used
            inner = self.carrier(found[1], found[0][0], depth + 1, params)
            return found[0] if inner == SITE else inner
        if isinstance(expr, (ast.Attribute, ast.Subscript)):  # `self.path`, `paths["best"]`
            return SITE
        if isinstance(expr, ast.Call):
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
                return self.carrier(expr.func.value, scope, depth + 1, params)
            if expr.args and not expr.keywords and not isinstance(expr.args[-1], ast.Starred) and (
                    _is_path_call(expr, self.names)
                    or (isinstance(expr.func, ast.Attribute) and expr.func.attr == "joinpath")):
                return self.carrier(expr.args[-1], scope, depth + 1, params)
        return None


def _own_nodes(function: ast.AST) -> Iterable[ast.AST]:
    """The nodes of a function's body, not those of functions or classes nested in it."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast_children(node))


def _is_path_call(call: ast.Call, names: _scan.AstNames) -> bool:
    if isinstance(call.func, ast.Name) and call.func.id == "str" and len(call.args) == 1:
        return True
    return names.qualified(call.func) in PATH_JOINS


def _is_path_like(value: ast.AST, names: _scan.AstNames) -> bool:
    """A value worth following: text or a path built from parts (not a call's result)."""
    if isinstance(value, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Name)):
        return not isinstance(value, ast.Constant) or isinstance(value.value, str)
    if isinstance(value, ast.Call):
        return _is_path_call(value, names) or (
            isinstance(value.func, ast.Attribute) and value.func.attr in ("format", "joinpath"))
    return False
