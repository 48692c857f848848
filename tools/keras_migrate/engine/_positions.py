"""Line/column of a few nodes, at the cost of one plain code generation.

libcst's PositionProvider records a CodeRange for every node through the metadata
machinery: about ten times a plain codegen on real files. Diagnostics need the start of
a handful of nodes, so we run codegen with a state that counts characters and records
offsets only for the nodes asked about, then map offsets to line/column.
"""

from __future__ import annotations

import bisect
from typing import Dict, Iterable, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

from keras_migrate.engine._codegen import NULL_CONTEXT

__all__ = ["node_starts"]


class _AllFound(Exception):
    """Every node asked about has its final start: the rest of the codegen can change none."""


class _OffsetState(CodegenState):
    __slots__ = ("offset", "wanted", "starts", "open")

    def __init__(self, module: cst.Module, wanted) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.offset = 0
        self.wanted = wanted
        self.starts: Dict[int, int] = {}
        self.open = len(wanted)  # nodes without a syntactic start yet

    # Only offsets are needed: the text is the module's own source (libcst round-trips
    # exactly), so tokens are counted, not kept.
    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.offset += len(token)

    def add_token(self, value: str) -> None:
        self.offset += len(value)

    def pop_trailing_newline(self) -> None:
        pass  # only the end of the file moves

    def before_codegen(self, node: cst.CSTNode) -> None:
        # Whitespace-inclusive start; replaced by the syntactic start when the node
        # records one (it comes later, after leading lines and indentation).
        key = id(node)
        if key in self.wanted and key not in self.starts:
            self.starts[key] = -1 - self.offset

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        key = id(node)
        if key in self.wanted and self.starts.get(key, -1) < 0:
            self.starts[key] = self.offset
            self.open -= 1
            if not self.open:
                raise _AllFound
        return NULL_CONTEXT


def node_starts(module: cst.Module, nodes: Iterable[cst.CSTNode], text: str) -> Dict[int, Tuple[int, int]]:
    """{id(node): (line, column)} with 1-based line and 1-based column; `text` is the
    module's source (module.code)."""
    wanted = {id(n) for n in nodes}
    if not wanted:
        return {}
    state = _OffsetState(module, wanted)
    try:
        module._codegen(state)
    except _AllFound:
        pass
    line_starts = [0]
    pos = text.find("\n")
    while pos != -1:
        line_starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    out = {}
    for key, offset in state.starts.items():
        if offset < 0:
            offset = -1 - offset
            # Skip the node's own leading whitespace/newlines.
            while offset < len(text) and text[offset] in " \t\r\n\f\\":
                offset += 1
        line = bisect.bisect_right(line_starts, offset)
        out[key] = (line, offset - line_starts[line - 1] + 1)
    return out
