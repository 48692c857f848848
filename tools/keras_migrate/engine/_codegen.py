"""Code generation without libcst's per-node context-manager overhead.

CodegenState.record_syntactic_position is a @contextmanager: every node's codegen builds
a generator and a context-manager object just to yield. Plain code generation records
nothing, so a reusable no-op context manager does the same job several times faster.
The output is libcst's own (the same _codegen methods run); only the bookkeeping differs.
"""

from __future__ import annotations

import libcst as cst
from libcst._nodes.internal import CodegenState

__all__ = ["FastCodegenState", "NULL_CONTEXT", "module_code", "node_code"]


class _NullContext:
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> bool:
        return False


NULL_CONTEXT = _NullContext()


class FastCodegenState(CodegenState):
    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        return NULL_CONTEXT


def module_code(module: cst.Module) -> str:
    """Same as `module.code`."""
    return node_code(module, module)


def node_code(node: cst.CSTNode, module: cst.Module) -> str:
    """Same as `module.code_for_node(node)`."""
    state = FastCodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    node._codegen(state)
    return "".join(state.tokens)
