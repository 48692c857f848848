"""Import/alias tracking and fast qualified-name resolution.

libcst's QualifiedNameProvider runs full scope analysis and costs several times a
parse. Library code reaches an API almost exclusively through module-level imports, so
we record what each imported local name is bound to as the traversal meets the import
statements and resolve dotted chains against that table: O(chain length) per lookup,
cached per node. Local shadowing of an imported name is not modelled (documented
limitation); star imports are recorded so rules can diagnose them.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple, Union

import libcst as cst

__all__ = ["ImportTracker", "module_name"]


def module_name(node: Optional[Union[cst.Attribute, cst.Name]]) -> Optional[str]:
    """`a.b.c` for a Name/Attribute chain of plain names, else None."""
    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))



class ImportTracker:
    def __init__(self) -> None:
        # local name -> fully qualified name it is bound to ("tf" -> "tensorflow").
        self.bindings: Dict[str, str] = {}
        # modules imported with `from M import *`, with the statement for diagnostics.
        self.star_imports: List[Tuple[str, cst.ImportFrom]] = []
        # id(node) -> (node, name). The node is kept alive with its entry: rules also ask
        # about nodes built during the traversal, and a freed node's id is reused by the
        # next one allocated, which would then get the dead node's answer (outputs that
        # changed from run to run).
        self._cache: Dict[int, Tuple[cst.CSTNode, Optional[str]]] = {}

    def record_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = module_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.bindings[alias.asname.name.value] = full
            else:
                # `import a.b.c` binds `a` to module `a`.
                top = full.split(".", 1)[0]
                self.bindings[top] = top

    def record_import_from(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        module = module_name(node.module)
        if module is None:
            return
        if isinstance(node.names, cst.ImportStar):
            self.star_imports.append((module, node))
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            local = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.bindings[local] = f"{module}.{alias.name.value}"

    def record_alias(self, local: str, value: cst.BaseExpression) -> None:
        """`Dense = lib.layers.Dense` makes `Dense` an alias too."""
        target = self.qualified_name(value)
        if target is not None:
            self.bindings[local] = target
        else:
            self.bindings.pop(local, None)

    def qualified_name(self, node: cst.CSTNode) -> Optional[str]:
        """Fully qualified name of a Name/Attribute chain rooted at an imported name."""
        key = id(node)
        cached = self._cache.get(key)
        if cached is not None and cached[0] is node:
            return cached[1]
        result: Optional[str] = None
        if isinstance(node, cst.Name):
            result = self.bindings.get(node.value)
        elif isinstance(node, cst.Attribute):
            base = self.qualified_name(node.value)
            if base is not None:
                result = f"{base}.{node.attr.value}"
        self._cache[key] = (node, result)
        return result

    def forget_nodes(self) -> None:
        """Between parts of a large file: the cache holds the part's nodes alive."""
        self._cache.clear()

    def local_name_for(self, qualified: str) -> Optional[str]:
        """A local name already bound to exactly `qualified`, if any."""
        for local, target in self.bindings.items():
            if target == qualified:
                return local
        return None
