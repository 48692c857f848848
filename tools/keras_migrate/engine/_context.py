"""Per-file state shared by all rules during one traversal."""

from __future__ import annotations

import ast
import collections
import dataclasses
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple, TypeVar

import libcst as cst

from keras_migrate.engine._diagnostics import Severity
from keras_migrate.engine._names import ImportTracker
from keras_migrate.engine._regions import Region

__all__ = ["PendingDiagnostic", "RuleContext", "ImportRequest"]

_Facts = TypeVar("_Facts")


@dataclasses.dataclass(frozen=True)
class ImportRequest:
    module: str
    obj: Optional[str] = None
    asname: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class PendingDiagnostic:
    # Positions are resolved after the traversal, and only when there are diagnostics:
    # PositionProvider costs a full extra code-generation pass.
    rule_id: str
    node: cst.CSTNode
    severity: Severity
    message: str
    fix: Optional[str]
    backends: Tuple[str, ...] = ()


class RuleContext:
    """Shared by the rules of one file. A migrator may subclass it (RuleSet.context) to
    add its own helpers and per-file facts; the engine only uses what is here."""

    def __init__(self, source: str, path: str, options, mode: str = "", runtime_module: Optional[str] = None) -> None:
        self.source = source
        self.path = path
        self.options = options
        # The resolved mode name (options.mode or the rule set's default).
        self.mode = mode
        # Where use_runtime imports from; None when the rule set has no runtime module.
        self.runtime_module = runtime_module
        self.names = ImportTracker()
        # CPython's ast of `source` when the engine has one (it parses the file to judge
        # its syntax): rules' pre-scans share it instead of parsing again.
        self.tree: Optional[ast.Module] = None
        self.diagnostics: List[PendingDiagnostic] = []
        self.rules_fired: Dict[str, int] = collections.Counter()
        self.imports_to_add: List[ImportRequest] = []
        self.imports_to_remove: List[ImportRequest] = []
        self.tensorflow_only: List[Tuple[str, cst.CSTNode, str]] = []
        self.runtime_imports: Set[str] = set()
        # Maintained by the traversal: enclosing classes and functions (original nodes).
        self.class_stack: List[cst.ClassDef] = []
        self.function_stack: List[cst.FunctionDef] = []
        # > 0 inside an import statement (its names are bindings, not uses).
        self.import_depth = 0
        # Per-file facts objects, one per class (see facts()).
        self._facts: Dict[type, object] = {}
        # Open nodes of each Region rules declared, innermost last (see region_nodes()).
        self._regions: Dict[Region, List[cst.CSTNode]] = {}
        # Per-file facts about nodes (keyed by or holding id(node)), one per class (see
        # node_facts()): emptied by forget_nodes() too.
        self._node_facts: Dict[type, object] = {}
        # Compound statements as every rule left them: id(result) -> (result, original).
        # The result is held so that its id is not reused while the entry exists.
        self._left: Dict[int, Tuple[cst.CSTNode, cst.CSTNode]] = {}

    def original_of(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        """The original node of a compound statement (def, class, if, for, while, with,
        try) that the traversal has left, given what all rules made of it: a rule
        finishing a block in its parent's leave_* meets the statement that later rules
        may have replaced again, so its own updated node is no key."""
        entry = self._left.get(id(node))
        return entry[1] if entry is not None and entry[0] is node else None

    # -- name resolution ----------------------------------------------------------
    def qualified_name(self, node: cst.CSTNode) -> Optional[str]:
        return self.names.qualified_name(node)

    # -- per-file facts ---------------------------------------------------------------
    def facts(self, kind: "Callable[[RuleContext], _Facts]") -> _Facts:
        """The file's one instance of `kind` (a class taking this context), created on
        first use and dropped with the file. Rules declare what they share as typed
        fields and cached properties of such a class instead of string-keyed notes."""
        found = self._facts.get(kind)
        if found is None:
            found = self._facts[kind] = kind(self)
        return found  # type: ignore[return-value]

    def node_facts(self, kind: "Callable[[RuleContext], _Facts]") -> _Facts:
        """Like facts(), for facts about nodes (keyed by or holding id(node)): dropped
        between the parts of a large file too, when the part's nodes are freed and their
        ids reused."""
        found = self._node_facts.get(kind)
        if found is None:
            found = self._node_facts[kind] = kind(self)
        return found  # type: ignore[return-value]

    # -- regions (see _regions.py) ----------------------------------------------------
    def region_nodes(self, region: Region) -> Sequence[cst.CSTNode]:
        """The open nodes of `region`, outermost first; empty when the rules running
        declared no use of it."""
        return self._regions.get(region, ())

    def in_region(self, region: Region, excluding: Optional[cst.CSTNode] = None) -> bool:
        """Inside an open node of `region`; with `excluding` (the node being left),
        that node does not count as its own context."""
        nodes = self._regions.get(region)
        if not nodes:
            return False
        return excluding is None or len(nodes) > 1 or nodes[-1] is not excluding

    def _open_region(self, region: Region, node: cst.CSTNode) -> None:  # the traversal's
        self._regions.setdefault(region, []).append(node)

    def _close_region(self, region: Region, node: cst.CSTNode) -> None:  # the traversal's
        nodes = self._regions.get(region)
        if nodes and nodes[-1] is node:
            nodes.pop()

    # -- results ------------------------------------------------------------------
    def report(self, rule_id, node, message, fix=None, severity=Severity.WARNING, backends=()) -> None:
        self.diagnostics.append(PendingDiagnostic(rule_id, node, severity, message, fix, tuple(backends)))

    def fired(self, rule_id: str) -> None:
        self.rules_fired[rule_id] += 1

    def add_import(self, module: str, obj: Optional[str] = None, asname: Optional[str] = None) -> None:
        request = ImportRequest(module, obj, asname)
        if request not in self.imports_to_add:
            self.imports_to_add.append(request)

    def remove_import_if_unused(self, module: str, obj: Optional[str] = None, asname: Optional[str] = None) -> None:
        request = ImportRequest(module, obj, asname)
        if request not in self.imports_to_remove:
            self.imports_to_remove.append(request)

    def require_module(self, module: str) -> str:
        """Local name under which top-level `module` is reachable; imports it if needed.

        The import is requested even when the file binds the name already: the binding
        may come after this use (add_imports adds it only where none precedes the use)."""
        local = self.names.local_name_for(module) or module
        self.add_import(module, asname=None if local == module else local)
        return local

    def use_runtime(self, symbol: str) -> None:
        """Migrated code needs `symbol` from the rule set's runtime-support module."""
        if self.runtime_module is None:
            raise RuntimeError("this rule set has no runtime module")
        self.runtime_imports.add(symbol)
        self.add_import(self.runtime_module, symbol)

    def keep_on_tensorflow(self, rule_id: str, node: cst.CSTNode, reason: str) -> None:
        self.tensorflow_only.append((rule_id, node, reason))

    def forget_nodes(self) -> None:
        """Called between parts of a large file (see _parts.py): the part's nodes are
        freed and their ids reused, so nothing keyed by id(node) may be kept."""
        self.names.forget_nodes()
        self._node_facts.clear()
        self._left.clear()

    def release(self) -> None:
        """The traversal is over: drop what rules kept for it (a large file's notes and
        ast are large; the engine still needs the results)."""
        self.tree = None
        self._facts.clear()
        self._node_facts.clear()
        self._left.clear()
        self.names.forget_nodes()

    # -- enclosing scopes -----------------------------------------------------------
    @property
    def current_class(self) -> Optional[cst.ClassDef]:
        return self.class_stack[-1] if self.class_stack else None

    @property
    def current_function(self) -> Optional[cst.FunctionDef]:
        return self.function_stack[-1] if self.function_stack else None
