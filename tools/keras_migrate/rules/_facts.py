"""Per-file facts the rules share, as typed fields and cached properties.

Rules used to leave each other string-keyed notes (`ctx.notes["km120"]`), with keys
spelled in several places. Now:
- FileFacts (one per file: `ctx.facts(FileFacts)`) declares what several rules share:
  the file's ast and its one walk, import bindings, Keras subclasses, and the few
  signals one rule gives another (as declared fields).
- `@per_file` memoises a rule's own whole-file analysis `f(ctx)`: computed on first
  use, once per file, keyed by the function object itself.
Both live in the engine's ctx.facts store, emptied when the file is done.
"""

from __future__ import annotations

import ast
import functools
from typing import TYPE_CHECKING, Callable, Dict, FrozenSet, List, Optional, Set, Tuple, TypeVar

from keras_migrate.engine import ast_walk

if TYPE_CHECKING:
    from keras_migrate.rules._scan import AstNames, Scope

__all__ = ["FileFacts", "NodeFacts", "per_file"]

_T = TypeVar("_T")

_LAYER_ROOTS = ("Model", "models.Model", "Sequential", "models.Sequential")


class FileFacts:
    """What the rules know about one file, computed lazily, at most once."""

    def __init__(self, ctx) -> None:
        self._ctx = ctx
        self._subclasses: Dict[Tuple[str, str], FrozenSet[str]] = {}
        self._of_type: Dict[Tuple[type, ...], List[ast.AST]] = {}
        # Signals between rules (set by one, read by another):
        # rnn_constants (KM173) handles `constants=` of generic RNNs at run time, so
        # call_signatures need not report them.
        self.rnn_constants_runtime = False
        # An import of a Keras name was seen (set once true: imports only accumulate).
        self.uses_keras = False
        # Some rule already asked for `import tensorflow` to go when unused.
        self.tf_import_removal_requested = False

    # -- the file's ast ------------------------------------------------------------
    @functools.cached_property
    def ast(self) -> Optional[ast.Module]:
        """The file's ast, parsed once (the engine's when it has one; None if ast
        rejects the source)."""
        if self._ctx.tree is not None:
            return self._ctx.tree
        try:
            return ast.parse(self._ctx.source)
        except (SyntaxError, ValueError):
            return None

    @functools.cached_property
    def _walk(self) -> "Tuple[List[Tuple[Scope, ast.AST]], List[Tuple[Tuple[str, ...], ast.AST]]]":
        from keras_migrate.rules._scan import walk_scoped

        return walk_scoped(self.ast)

    @functools.cached_property
    def _walked(self) -> List[ast.AST]:
        return ast_walk(self.ast) if self.ast is not None else []

    @property
    def all_nodes(self) -> List[ast.AST]:
        """Every node of the ast, in ast.walk order (one walk per file, shared)."""
        return self._walked

    def nodes(self, *types: type) -> List[ast.AST]:
        """The ast's nodes of these types, in ast.walk order (one walk per file: rules
        used to walk the whole tree each for their own kinds of node)."""
        found = self._of_type.get(types)
        if found is None:
            found = self._of_type[types] = [node for node in self._walked if isinstance(node, types)]
        return found

    @property
    def scoped_nodes(self) -> "List[Tuple[Scope, ast.AST]]":
        """Every node (no contexts/operators) in source order with its enclosing
        function names."""
        return self._walk[0]

    @property
    def def_nodes(self) -> List[Tuple[Tuple[str, ...], ast.AST]]:
        """The same nodes with the names of ALL enclosing classes and functions."""
        return self._walk[1]

    @functools.cached_property
    def names(self) -> "Optional[AstNames]":
        """Import bindings over the ast (None without an ast)."""
        from keras_migrate.rules._scan import AstNames

        return None if self.ast is None else AstNames(self.ast, self.scoped_nodes)

    # -- Keras classes of the file ---------------------------------------------------
    @functools.cached_property
    def keras_layer_classes(self) -> FrozenSet[str]:
        """Names of the file's Keras layer/model classes (bases resolved through imports,
        transitively through the file's own classes)."""
        return self._subclasses_where(lambda path, _name: path.startswith("layers.") or path in _LAYER_ROOTS)


    def keras_subclasses(self, prefix: str, name_suffix: str = "") -> FrozenSet[str]:
        """Names of the file's classes deriving from a Keras class under `prefix`
        ("metrics.", "callbacks."), directly, through the file's own classes, or (with
        `name_suffix`) from any base whose name ends with it (library subclasses)."""
        key = (prefix, name_suffix)
        found = self._subclasses.get(key)
        if found is None:
            found = self._subclasses[key] = self._subclasses_where(
                lambda path, name: path.startswith(prefix) or bool(name_suffix and name.endswith(name_suffix)))
        return found

    def _subclasses_where(self, matches: Callable[[str, str], bool]) -> FrozenSet[str]:
        """The file's classes with a base for which matches(keras path or "", base name)
        holds, or a base among them (a fixpoint over the file's class definitions)."""
        classes = set()
        if self.ast is not None:
            resolver = self.names
            defs = [n for _, n in self.scoped_nodes if isinstance(n, ast.ClassDef)]
            changed = True
            while changed:
                changed = False
                for node in defs:
                    if node.name in classes:
                        continue
                    for base in _alternatives(node.bases):
                        base_name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                        if base_name in classes or matches(resolver.keras(base) or "", base_name):
                            classes.add(node.name)
                            changed = True
                            break
        return frozenset(classes)


def _alternatives(bases):
    """The bases, a conditional one as both of its branches (`class Attention(object if debug
    else Layer)`: a Layer whenever it is used as one)."""
    for base in bases:
        while isinstance(base, ast.IfExp):
            yield base.body
            base = base.orelse
        yield base


class NodeFacts:
    """What rules tell each other about nodes of the file, by id() of ORIGINAL nodes
    (`ctx.node_facts(NodeFacts)`: dropped between the parts of a large file, whose
    nodes' ids are reused)."""

    def __init__(self, ctx) -> None:
        # Set by autograph (which runs first) while visiting call(): if/while/for
        # statements whose condition depends on tensors through call()'s data flow.
        # None: autograph recorded none (then other rules judge every statement).
        self.tensor_statements: Optional[Set[int]] = None
        # Statements control_flow converted to keras.ops (autograph then needs no
        # @tf.function for them).
        self.converted: Set[int] = set()
        # ClassDefs whose call() keeps @tf.function (autograph), for tf_function.
        self.autograph_classes: Set[int] = set()
        # Caches of per-class tests (_agnostic): Keras class, keras.utils.Sequence class.
        self.keras_classes: Dict[int, bool] = {}
        self.data_classes: Dict[int, bool] = {}

    def add_tensor_statement(self, node) -> None:
        if self.tensor_statements is None:
            self.tensor_statements = set()
        self.tensor_statements.add(id(node))


def per_file(compute: "Callable[..., _T]") -> "Callable[..., _T]":
    """Decorator: `compute(ctx)` runs at most once per file; later calls return its
    result (the memo is keyed by this function, kept in ctx.facts)."""

    class _Memo:
        __slots__ = ("value",)

        def __init__(self, ctx) -> None:
            self.value = compute(ctx)

    _Memo.__qualname__ = f"per_file({compute.__qualname__})"

    @functools.wraps(compute)
    def memoised(ctx) -> _T:
        return ctx.facts(_Memo).value

    return memoised
