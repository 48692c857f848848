"""Code generation without libcst's per-node context-manager overhead.

CodegenState.record_syntactic_position is a @contextmanager: every node's codegen builds
a generator and a context-manager object just to yield. Plain code generation records
nothing, so a reusable no-op context manager does the same job several times faster.
The output is libcst's own (the same _codegen methods run); only the bookkeeping differs.
"""

from __future__ import annotations

from typing import List

import libcst as cst
from libcst._nodes.internal import CodegenState

__all__ = ["FastCodegenState", "NULL_CONTEXT", "RenderedModule", "module_code", "node_code"]


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
    return "".join(_tokens(node, module))


def _tokens(node: cst.CSTNode, module: cst.Module) -> List[str]:
    state = FastCodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    node._codegen(state)
    return state.tokens


class RenderedModule:
    """`module.code`, with each top-level statement's tokens kept apart: the same module
    with a few top-level statements replaced or dropped (unused imports pruned) renders
    by generating only those. (Module._codegen_impl's steps: header, statements, footer,
    then the trailing newline; a test compares with module.code.)"""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        state = FastCodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
        tokens = state.tokens
        for line in module.header:
            line._codegen(state)
        self._ends = [len(tokens)]  # after the header, then after each statement
        for stmt in module.body:
            stmt._codegen(state)
            self._ends.append(len(tokens))
        for line in module.footer:
            line._codegen(state)
        self._tokens = tokens
        self.code = _joined(module, tokens)

    def of(self, other: cst.Module) -> str:
        """`other.code`, for `other` = this module with some top-level statements replaced."""
        mine = self.module
        if (other.header is not mine.header or other.footer is not mine.footer
                or other.default_indent != mine.default_indent or other.default_newline != mine.default_newline
                or other.has_trailing_newline != mine.has_trailing_newline):
            return module_code(other)
        at = {id(stmt): k for k, stmt in enumerate(mine.body)}
        ends, kept = self._ends, self._tokens
        tokens = kept[:ends[0]]
        for stmt in other.body:
            k = at.get(id(stmt))
            if k is not None:  # (the id is that of a live statement of `mine`: the same node)
                tokens += kept[ends[k]:ends[k + 1]]
            else:  # a top-level statement starts and ends at indentation 0: a fresh state is the same
                tokens += _tokens(stmt, other)
        tokens += kept[ends[-1]:]
        return _joined(other, tokens)


def _joined(module: cst.Module, tokens: List[str]) -> str:
    if module.has_trailing_newline:
        # Nothing in the header, footer, or body: the newline alone.
        return "".join(tokens) if tokens else module.default_newline
    return "".join(tokens[:-1])  # the last token is the last line's newline
