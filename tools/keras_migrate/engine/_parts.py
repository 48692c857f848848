"""A large file is parsed and migrated in parts: runs of whole top-level statements.

A libcst tree costs about 300 bytes per source byte (a 5 MB file: 1.5 GB before any
rule runs), so a large file is never held as one tree: each part is parsed, migrated,
turned back into text and freed before the next one is parsed. The output is the
one-tree output, byte for byte, because every part is parsed into exactly the nodes the
whole-file parse gives its statements:

- A part after the first is parsed behind a two-statement prefix (`if 1:` with the
  file's indentation, then `pass`, each with the file's newline), so that libcst
  detects the file's default indentation and newline (which generated code uses) and
  the part's first statement owns the comments before it as leading lines, as in the
  whole file. The prefix statements are dropped before any rule sees the part.
- A part boundary lies only where the lines between the two statements are empty or
  comments at column 0: indented comment lines after a block belong to that block in
  libcst's tree, column-0 ones to the next statement.
- A boundary needs a compound statement (def, class, if, ...) on one side, so that a
  rule relating adjacent simple statements of one body (leave_Module sees each part's
  body) always sees whole runs of them.

Between parts the engine calls `forget_nodes()` on the rules and the context: the
part's nodes are freed and their id()s reused, so nothing keyed by id(node) may
outlive the part.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import tokenize
from typing import List, Optional, Sequence

import libcst as cst

__all__ = ["Layout", "PART_THRESHOLD", "PREFIX_LINES", "Part", "layout_of", "parse_code", "parse_part", "split_parts"]

# Files smaller than this are migrated as one tree (parts cost a little per part).
PART_THRESHOLD = 512 * 1024
# Aim for parts of about this many characters (a part is at least one statement).
PART_SIZE = 128 * 1024

_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor,
             ast.While, ast.With, ast.AsyncWith, ast.Try) + tuple(
    getattr(ast, name) for name in ("TryStar", "Match") if hasattr(ast, name))


@dataclasses.dataclass(frozen=True)
class Part:
    text: str
    first_line: int  # 1-based line of the file where the part starts
    prefixed: bool  # parsed behind the prefix (every part but the first)


@dataclasses.dataclass(frozen=True)
class Layout:
    indent: str  # libcst's default_indent of the whole file
    newline: str  # libcst's default_newline of the whole file


def _first_line(stmt: ast.stmt) -> int:
    lines = [stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", ())]
    return min(lines)


def _free_line(line: str) -> bool:
    """A line between statements that libcst gives to the next top-level statement."""
    return line in ("", "\r") or line.startswith("#")


def layout_of(text: str) -> Optional[Layout]:
    """The default indentation and newline libcst detects for `text`: the first INDENT
    token (4 spaces when there is none) and the first line ending."""
    end = text.find("\n")
    newline = "\r\n" if end > 0 and text[end - 1] == "\r" else "\n"
    indent = "    "
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.INDENT:
                indent = token.string
                break
    except (tokenize.TokenError, SyntaxError):
        return None
    return Layout(indent, newline)


def split_parts(text: str, tree: ast.Module, part_size: Optional[int] = None) -> Optional[List[Part]]:
    """The file cut into parts of about `part_size` (default PART_SIZE) characters, or
    None when it cannot be cut (one part, or line endings CPython and this split might
    count differently)."""
    part_size = PART_SIZE if part_size is None else part_size
    if text.count("\r") != text.count("\r\n"):
        return None
    lines = text.split("\n")  # the ast's line numbering
    body: Sequence[ast.stmt] = tree.body
    cuts = [0]  # 0-based line indexes where parts start
    size = 0
    line_chars = None
    for i in range(1, len(body)):
        prev, stmt = body[i - 1], body[i]
        if not (isinstance(prev, _COMPOUND) or isinstance(stmt, _COMPOUND)):
            continue
        end, start = prev.end_lineno, _first_line(stmt)  # 1-based
        if start <= end or not all(_free_line(lines[k]) for k in range(end, start - 1)):
            continue
        if line_chars is None:
            line_chars = _prefix_sums(lines)
        size = line_chars[end] - line_chars[cuts[-1]]
        if size >= part_size:
            cuts.append(end)  # the gap lines go with the next statement
    if len(cuts) == 1:
        return None
    parts = []
    for k, cut in enumerate(cuts):
        stop = cuts[k + 1] if k + 1 < len(cuts) else len(lines)
        chunk = "\n".join(lines[cut:stop])
        if k + 1 < len(cuts):
            chunk += "\n"
        parts.append(Part(chunk, cut + 1, prefixed=k > 0))
    return parts


def _prefix_sums(lines: List[str]) -> List[int]:
    sums = [0]
    for line in lines:
        sums.append(sums[-1] + len(line) + 1)
    return sums


PREFIX_LINES = 3


def _prefix(layout: Layout) -> str:
    return f"if 1:{layout.newline}{layout.indent}pass{layout.newline}pass{layout.newline}"


def parse_part(part: Part, layout: Layout) -> cst.Module:
    """The part's module: the whole file's statements of that part, the file's layout.
    (cst.ParserSyntaxError if libcst refuses it.)"""
    if not part.prefixed:
        module = cst.parse_module(part.text)
        # Without an indented block of its own, the part would get libcst's fallback
        # indentation; generated blocks must use the file's.
        if module.default_indent != layout.indent:
            module = module.with_changes(default_indent=layout.indent)
        return module
    module = cst.parse_module(_prefix(layout) + part.text)
    if module.header or len(module.body) < 2:
        raise AssertionError("part prefix not parsed as expected")
    return module.with_changes(body=module.body[2:])


def parse_code(code: str, prefixed: bool, layout: Layout) -> cst.Module:
    """A migrated part's text parsed back (to add or remove imports)."""
    return parse_part(Part(code, 1, prefixed), layout)
