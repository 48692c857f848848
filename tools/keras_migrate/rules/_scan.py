"""Whole-file pre-analysis for rules that need to know the future (later uses of a name).

The libcst traversal meets `path = "ckpt"` before `model.save(path)`, and a class before
the `model.compile()` that must change because of it. Rules that need such facts run a
pre-analysis over Python's `ast` (parsed once per file, in C: a few percent of the libcst
parse) and key their findings by things the CST pass can recompute cheaply: names,
enclosing function names, normalised expression text.
"""

from __future__ import annotations

import ast
from typing import Dict, Iterator, List, Optional, Tuple, Union

import libcst as cst

from keras_migrate.engine import node_code, ast_children, ast_walk
from keras_migrate.rules._facts import FileFacts, per_file
from keras_migrate.rules._util import keyword_arg_value
from keras_migrate.spec import keras_path

__all__ = [
    "AstNames",
    "all_nodes",
    "iter_in_defs",
    "keras_layer_classes",
    "keras_metric_classes",
    "keras_subclasses",
    "MODEL_FACTORIES",
    "model_names",
    "def_nodes",
    "scoped_nodes",
    "Scope",
    "cst_scope",
    "expr_key",
    "file_ast",
    "iter_scoped",
    "names",
    "names_only_bound_to",
    "nodes",
    "string_value",
]

# Enclosing function names, outermost first (classes are not scopes for our purposes:
# `self.x` is handled separately); () is module level.
Scope = Tuple[str, ...]

_EMPTY = cst.Module([])


def file_ast(ctx) -> Optional[ast.Module]:
    """The file's ast, parsed once and shared by every rule (None if ast rejects it)."""
    return ctx.facts(FileFacts).ast


def all_nodes(ctx) -> List[ast.AST]:
    """Every node of the file's ast, in ast.walk order (one shared walk; [] without an ast)."""
    return ctx.facts(FileFacts).all_nodes


def nodes(ctx, *types: type) -> List[ast.AST]:
    """The file's ast nodes of these types, in ast.walk order (from one shared walk)."""
    return ctx.facts(FileFacts).nodes(*types)


class AstNames:
    """Import bindings over the ast, mirroring engine._names.ImportTracker."""

    def __init__(self, tree: ast.Module, nodes=None) -> None:
        self.bindings: Dict[str, str] = {}
        for node in (ast_walk(tree) if nodes is None else (n for _, n in nodes)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.bindings[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".", 1)[0]
                        self.bindings[top] = top
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        self.bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for stmt in tree.body:  # `keras = tf.keras`
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, (ast.Name, ast.Attribute))):
                target = self.qualified(stmt.value)
                if target is not None:
                    self.bindings[stmt.targets[0].id] = target

    def qualified(self, node: ast.AST) -> Optional[str]:
        if isinstance(node, ast.Name):
            return self.bindings.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    def keras(self, node: ast.AST) -> Optional[str]:
        qualified = self.qualified(node)
        return None if qualified is None else keras_path(qualified)


def names(ctx) -> Optional[AstNames]:
    return ctx.facts(FileFacts).names


def iter_scoped(tree: ast.AST, scope: Scope = ()) -> Iterator[Tuple[Scope, ast.AST]]:
    """Every node in source order with its enclosing function scope."""
    for child in ast_children(tree):
        yield scope, child
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from iter_scoped(child, scope + (child.name,))
        else:
            yield from iter_scoped(child, scope)


# Children never worth visiting: Load/Store contexts and operator singletons.
_SKIP = (ast.expr_context, ast.operator, ast.cmpop, ast.boolop, ast.unaryop)
_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)


def scoped_nodes(ctx) -> List[Tuple[Scope, ast.AST]]:
    """iter_scoped over the file's ast (without contexts/operators), computed once per
    file and shared: an explicit-stack walk, several times faster than generators."""
    return ctx.facts(FileFacts).scoped_nodes


def def_nodes(ctx) -> List[Tuple[Tuple[str, ...], ast.AST]]:
    """Like iter_in_defs (names of all enclosing classes and functions), from the same
    single walk as scoped_nodes."""
    return ctx.facts(FileFacts).def_nodes


def walk_scoped(tree: Optional[ast.Module]):
    """(scoped_nodes, def_nodes) of `tree` in one explicit-stack walk."""
    scoped: List[Tuple[Scope, ast.AST]] = []
    in_defs: List[Tuple[Tuple[str, ...], ast.AST]] = []
    if tree is not None:
        add_scoped, add_def = scoped.append, in_defs.append
        stack = [((), (), tree)]
        pop, push = stack.pop, stack.append
        AST, skip, funcs, defs = ast.AST, _SKIP, _FUNCS, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        while stack:
            scope, enclosing, node = pop()
            inner_scope = scope + (node.name,) if isinstance(node, funcs) else scope
            inner_defs = enclosing + (node.name,) if isinstance(node, defs) else enclosing
            children = []
            for field in node._fields:
                value = getattr(node, field, None)
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, AST) and not isinstance(item, skip):
                            children.append(item)
                elif isinstance(value, AST) and not isinstance(value, skip):
                    children.append(value)
            for child in reversed(children):
                push((inner_scope, inner_defs, child))
            if node is not tree:
                add_scoped((scope, node))
                add_def((enclosing, node))
    return scoped, in_defs


def iter_in_defs(tree: ast.AST, stack: Tuple[str, ...] = ()) -> Iterator[Tuple[Tuple[str, ...], ast.AST]]:
    """Every node with the names of ALL enclosing classes and functions (innermost last)."""
    for child in ast_children(tree):
        yield stack, child
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from iter_in_defs(child, stack + (child.name,))
        else:
            yield from iter_in_defs(child, stack)


def cst_scope(ctx) -> Scope:
    return tuple(f.name.value for f in ctx.function_stack)


def expr_key(node) -> Optional[str]:
    """Normalised source text of an expression (cst or ast node): quotes and spacing
    do not matter, so a CST path expression can be matched with an ast one."""
    try:
        if isinstance(node, cst.CSTNode):
            return ast.unparse(ast.parse(node_code(node, _EMPTY).strip(), mode="eval"))
        return ast.unparse(node)
    except (SyntaxError, ValueError):
        return None


def names_only_bound_to(ctx, wanted) -> frozenset:
    """Names every binding of which in the file is an assignment `name = value` with
    `wanted(value)` true (a parameter, loop target, `with ... as` or other assignment of
    the name rules it out)."""
    tree = file_ast(ctx)
    if tree is None:
        return frozenset()
    found, others, assigned = set(), set(), set()
    for node in nodes(ctx, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name):
                assigned.add(id(target))
                (found if wanted(node.value) else others).add(target.id)
    for node in nodes(ctx, ast.Name, ast.arg):
        if isinstance(node, ast.arg):
            others.add(node.arg)
        elif not isinstance(node.ctx, ast.Load) and id(node) not in assigned:
            others.add(node.id)
    return frozenset(found - others)


def string_value(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def called_name(call: ast.AST) -> str:
    """The last name of a call's function (`Dense` of `keras.layers.Dense(...)`), or ""."""
    func = call.func if isinstance(call, ast.Call) else None
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def call_keywords(call: ast.Call) -> Dict[str, ast.AST]:
    return {kw.arg: kw.value for kw in call.keywords if kw.arg}


def assigned_names(target: ast.AST) -> List[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        out: List[str] = []
        for elt in target.elts:
            out.extend(assigned_names(elt))
        return out
    if isinstance(target, ast.Starred):
        return assigned_names(target.value)
    return []


def cst_assigned_names(target: cst.BaseExpression) -> List[str]:
    """assigned_names for a cst assignment target."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        out: List[str] = []
        for element in target.elements:
            out.extend(cst_assigned_names(element.value))
        return out
    if isinstance(target, cst.StarredElement):
        return cst_assigned_names(target.value)
    return []


class BindingVersions:
    """Which assignment of a name is current, counted the same way over the ast (a rule's
    pre-pass, in source order) and over the cst (during the traversal): the n-th `name = ...`
    in a function scope. Notebook-style files rebind `model` to one model after another;
    what a rule decided for one binding must not apply to the next. Keys are
    (scope, name, n)."""

    def __init__(self) -> None:
        self._count: Dict[Tuple[Scope, str], int] = {}

    def key(self, scope: Scope, name: str) -> Tuple[Scope, str, int]:
        return scope, name, self._count.get((scope, name), 0)

    def _bind(self, scope: Scope, names: List[str]) -> None:
        for name in names:
            self._count[(scope, name)] = self._count.get((scope, name), 0) + 1

    def count_ast(self, scope: Scope, node: ast.AST) -> None:
        """Call for every node of scoped_nodes(), in order."""
        if isinstance(node, ast.Assign):
            self._bind(scope, [n for t in node.targets for n in assigned_names(t)])
        elif isinstance(node, (ast.For, ast.AsyncFor)):  # `for model in candidates:`
            self._bind(scope, assigned_names(node.target))
        elif isinstance(node, (ast.With, ast.AsyncWith)):  # `with ... as model:`
            self._bind(scope, [n for item in node.items if item.optional_vars is not None
                               for n in assigned_names(item.optional_vars)])

    def count_cst(self, scope: Scope, node: Union[cst.Assign, cst.For, cst.With]) -> None:
        """Call from the rule's visit_Assign, visit_For and visit_With (before the children
        are visited, as in the ast walk)."""
        if isinstance(node, cst.Assign):
            self._bind(scope, [n for t in node.targets for n in cst_assigned_names(t.target)])
        elif isinstance(node, cst.For):
            self._bind(scope, cst_assigned_names(node.target))
        elif isinstance(node, cst.With):
            self._bind(scope, [n for item in node.items if item.asname is not None
                               for n in cst_assigned_names(item.asname.name)])


def keras_layer_classes(ctx) -> frozenset:
    """Names of the file's classes that are Keras layers/models (bases resolved through
    imports, transitively through the file's own classes)."""
    return ctx.facts(FileFacts).keras_layer_classes


def keras_metric_classes(ctx) -> frozenset:
    """Names of the file's Metric subclasses (bases resolved through imports,
    transitively through the file's own classes)."""
    return keras_subclasses(ctx, "metrics.")


def keras_subclasses(ctx, prefix: str, name_suffix: str = "") -> frozenset:
    """See FileFacts.keras_subclasses."""
    return ctx.facts(FileFacts).keras_subclasses(prefix, name_suffix)


DTYPE_ALIASES = {"half": "float16", "double": "float64"}
TF_DTYPE_MODULES = ("tensorflow.dtypes.", "tensorflow.")


def dtype_of_path(qualified: Optional[str], modules: Tuple[str, ...] = TF_DTYPE_MODULES + ("numpy.",)
                  ) -> Optional[str]:
    """The dtype a module attribute names, aliases made canonical ("float16" for
    tensorflow.half, "string" for tensorflow.dtypes.string); None for other paths."""
    for prefix in modules:
        if qualified and qualified.startswith(prefix) and "." not in qualified[len(prefix):]:
            name = qualified[len(prefix):]
            return DTYPE_ALIASES.get(name, name)
    return None


def _dtype_name(value: Optional[str], qualified: Optional[str]) -> Optional[str]:
    """The dtype a literal names: "string" for `"string"`, `tf.string`, `tf.dtypes.string`
    (`value` is the literal's string, `qualified` the name's import path)."""
    if value is not None:
        return DTYPE_ALIASES.get(value, value)
    return dtype_of_path(qualified)


def dtype_name(names: Optional[AstNames], node: ast.AST) -> Optional[str]:
    """_dtype_name of an ast expression."""
    return _dtype_name(string_value(node), names.qualified(node) if names is not None else None)


def cst_dtype_name(ctx, node: cst.BaseExpression) -> Optional[str]:
    """_dtype_name of a cst expression."""
    value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
    return _dtype_name(value if isinstance(value, str) else None, ctx.qualified_name(node))


def call_dtype(ctx, call: cst.Call) -> Optional[str]:
    """The dtype a layer call gives its layer when a literal says it: its `dtype=`, else
    its class's (layer_class_dtypes)."""
    value = keyword_arg_value(call, "dtype")
    if value is not None:
        return cst_dtype_name(ctx, value)
    return layer_class_dtypes(ctx).get(call.func.value) if isinstance(call.func, cst.Name) else None


@per_file
def layer_class_dtypes(ctx) -> Dict[str, str]:
    """{class: dtype} for the file's layer classes whose __init__ passes a literal dtype to
    `super().__init__` (or a parameter whose default is one): handson-ml2's
    `super().__init__(dtype=tf.string, **kwargs)` lookup layer."""
    tree_names = names(ctx)
    layers = keras_layer_classes(ctx)
    found: Dict[str, str] = {}
    for cls in nodes(ctx, ast.ClassDef):
        if cls.name not in layers:
            continue
        for init in cls.body:
            if not isinstance(init, ast.FunctionDef) or init.name != "__init__":
                continue
            params = init.args.args[len(init.args.args) - len(init.args.defaults):]
            defaults = {a.arg: d for a, d in zip(params, init.args.defaults)}
            defaults.update({a.arg: d for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults) if d is not None})
            for node in ast.walk(init):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr == "__init__" and called_name(node.func.value) == "super":
                    value = call_keywords(node).get("dtype")
                    if isinstance(value, ast.Name):
                        value = defaults.get(value.id)
                    name = None if value is None else dtype_name(tree_names, value)
                    if name is not None:
                        found[cls.name] = name
    return found


@per_file
def built_explicitly(ctx) -> frozenset:
    """Receivers of the file's `<receiver>.build(...)` calls, as expr_key writes them
    (`model`, `self.encoder`): models built by hand, not at their first call."""
    return frozenset(expr_key(node.func.value) or "" for node in nodes(ctx, ast.Call)
                     if isinstance(node.func, ast.Attribute) and node.func.attr == "build")


# Keras paths whose call returns a model.
MODEL_FACTORIES = frozenset({"Model", "models.Model", "Sequential", "models.Sequential", "models.load_model",
                             "saving.load_model", "models.clone_model"})


@per_file
def model_names(ctx) -> frozenset:
    """Names every binding of which in the file is a Keras model: built, loaded, cloned, a
    keras.applications model, or an instance of the file's own Model subclass."""
    tree_names = names(ctx)
    if tree_names is None:
        return frozenset()
    local = keras_subclasses(ctx, "Model") | keras_subclasses(ctx, "models.")

    def is_model(value: ast.AST) -> bool:
        if not isinstance(value, ast.Call):
            return False
        if isinstance(value.func, ast.Name) and value.func.id in local:
            return True
        path = tree_names.keras(value.func)
        return path is not None and (path in MODEL_FACTORIES or path.startswith("applications."))

    return names_only_bound_to(ctx, is_model)
