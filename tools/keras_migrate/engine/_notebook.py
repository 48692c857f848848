"""Jupyter notebooks (.ipynb): the code cells are migrated as one module.

A notebook runs its cells top to bottom in one namespace, so its code cells are joined
into one module (each preceded by a marker line) and migrated together: an import a
rule adds in one cell serves the later ones, and names bound in earlier cells are known
in later ones. The migrated module is split back at the markers, so each rewrite lands
in its own cell and added imports land beside the imports they join.

IPython syntax (`%line` magics, `!shell`, `x = !cmd`, `obj?`, `%%cell` magics) is not
Python: such lines are masked with a `pass` placeholder of the same indentation before
parsing and put back byte for byte afterwards; a cell magic whose body is not Python
(`%%bash`, `%%writefile`, ...) keeps its cell out of the module. So does a cell that is
not valid Python even then (pseudo-code, a typo, a non-breaking space pasted from a
book): Jupyter cannot run it either; it is reported (cell, line, the parser's message)
and left as it is, and the other cells are migrated. Markdown and raw cells, outputs,
metadata and cell ids are never touched.

The notebook is read and validated with nbformat; the file is written from the JSON
tree as parsed (key order kept) with the layout detected from the file itself (indent,
ASCII escapes, final newline), so the diff shows only the changed source lines.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import json
import re
from typing import Dict, List, Optional, Sequence, Tuple

from keras_migrate.engine._diagnostics import Diagnostic, Severity, display_path
from keras_migrate.engine._migrate import PARSE_ERROR, MigrationOptions, MigrationResult, _unchanged, migrate_source
from keras_migrate.engine._ruleset import RuleSet

__all__ = ["NOTEBOOK_SUFFIX", "NotebookOutcome", "is_notebook", "mask_cell", "migrate_notebook", "notebook_code"]

NOTEBOOK_SUFFIX = ".ipynb"
# The file is not a notebook this tool can read (bad JSON, schema, nbformat version).
NOTEBOOK_ERROR = "KM010"
# The migrated module could not be split back into the notebook's cells.
CELL_SPLIT_ERROR = "KM011"

# Cell magics whose body is plain Python that runs in the notebook's namespace: the
# body is migrated, the magic line is masked. Any other cell magic (%%bash, %%writefile,
# %%html, %%javascript, ...) keeps its whole cell out of the module.
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})

# The first cell's marker is a comment (it lands in the module's header, so a docstring
# or `from __future__` import stays first); the others are bare string statements, which
# no rule removes (a comment would go with a statement a rule removes, e.g. an import
# that is no longer used).
_FIRST_CELL_MARKER = "# <nb-cell {}>"
_CELL_MARKER = '"<nb-cell {}>"'
_CELL_MARKER_RE = re.compile(r'^(?:# <nb-cell (\d+)>|"<nb-cell (\d+)>")$')
_MAGIC_MASK = "pass  # <nb-magic {}>"
_MAGIC_MASK_RE = re.compile(r"^([ \t]*)pass  # <nb-magic (\d+)>$")
_RESERVED = ("<nb-cell ", "<nb-magic ")

_CELL_MAGIC_RE = re.compile(r"^%%(\w+)")
# `files = !ls`, `t = %timeit -o f()`, `a, b = %sx cmd`
_ASSIGNED_MAGIC_RE = re.compile(r"^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]")


def is_notebook(path: str) -> bool:
    return path.endswith(NOTEBOOK_SUFFIX)


# -- masking IPython syntax ------------------------------------------------------------------
def _is_ipython_line(stripped: str) -> bool:
    return (stripped.startswith(("%", "!", "?"))
            or bool(_ASSIGNED_MAGIC_RE.match(stripped))
            or (stripped.endswith("?") and not stripped.startswith("#")))


def _syntax_error(text: str) -> Optional[Tuple[int, int, str]]:
    """(line, column, message) of why `text` is not Python, or None if it compiles."""
    try:
        compile(text, "<cell>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return exc.lineno or 1, exc.offset or 1, exc.msg
    except (ValueError, RecursionError, MemoryError) as exc:
        return 1, 1, _first_line(exc)
    return None


def _compiles(text: str) -> bool:
    return _syntax_error(text) is None


def mask_cell(source: str) -> Tuple[Optional[str], List[Tuple[str, str]]]:
    """(Python text for the module, [(placeholder indent, original line)] in order), or
    (None, []) for a cell whose body is not Python (a cell magic such as %%bash).

    A cell that parses as Python is taken as is: a line such as `%d items` inside a
    string must not be mistaken for a magic."""
    first = source.lstrip("\n")
    match = _CELL_MAGIC_RE.match(first)
    if match and match.group(1) not in PYTHON_BODY_CELL_MAGICS:
        return None, []
    if not match and _compiles(source):
        return source, []
    masked: List[str] = []
    originals: List[Tuple[str, str]] = []
    continued = False
    indent = ""
    for line in source.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.lstrip()
        is_cell_magic = match is not None and not originals and stripped.startswith("%%")
        if continued or is_cell_magic or _is_ipython_line(stripped):
            if not continued:  # `!pip install a \` goes on with the next line: same indent
                indent = body[:len(body) - len(stripped)]
            masked.append(indent + _MAGIC_MASK.format(len(originals)) + line[len(body):])
            originals.append((indent, body))
            continued = body.endswith("\\")
        else:
            masked.append(line)
    return "".join(masked), originals


def unmask_cell(text: str, originals: Sequence[Tuple[str, str]]) -> Optional[str]:
    """The cell with its masked lines put back; None if a placeholder went missing or
    moved (the cell must then be left alone)."""
    if not originals:
        return text
    lines = text.splitlines(keepends=True)
    seen = 0
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        match = _MAGIC_MASK_RE.match(body)
        if not match:
            continue
        if seen >= len(originals) or int(match.group(2)) != seen or match.group(1) != originals[seen][0]:
            return None
        lines[i] = originals[seen][1] + line[len(body):]
        seen += 1
    return "".join(lines) if seen == len(originals) else None


def notebook_code(raw: bytes) -> Optional[str]:
    """A notebook's Python code cells (IPython lines masked) as one text, or None if it
    is not a readable notebook: what tools that analyse Python (imports) read of it."""
    try:
        cells = json.loads(raw.decode("utf-8")).get("cells", [])
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None
    parts = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            masked, _ = mask_cell(_source_text(cell))
            if masked is not None:
                parts.append(masked if masked.endswith("\n") else masked + "\n")
    return "".join(parts)


# -- the notebook as JSON ----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Layout:
    indent: Optional[int]
    ensure_ascii: bool
    final_newline: bool
    exact: bool  # re-serialising the unchanged notebook gives back the file byte for byte
    newline: str = "\n"  # "\r\n" for a notebook checked out with Windows line endings


def _dump(data, layout: _Layout) -> str:
    text = json.dumps(data, indent=layout.indent, ensure_ascii=layout.ensure_ascii)
    text += "\n" if layout.final_newline else ""
    # json.dumps escapes the newlines inside strings: every raw one is the layout's.
    return text.replace("\n", layout.newline) if layout.newline != "\n" else text


def _detect_layout(text: str, data) -> _Layout:
    """How the file was written (Jupyter: indent 1, UTF-8 as is, final newline; other
    tools differ), tried against the file itself so unchanged parts stay byte-identical."""
    match = re.search(r"\n( +)\"", text)
    indent = len(match.group(1)) if match else (None if "\n" not in text.strip() else 1)
    final_newline = text.endswith("\n")
    newline = "\r\n" if "\r\n" in text and text.count("\r\n") == text.count("\n") else "\n"
    for ensure_ascii in (False, True):
        layout = _Layout(indent, ensure_ascii, final_newline, True, newline)
        if _dump(data, layout) == text:
            return layout
    return _Layout(indent if indent is not None else 1, False, final_newline, False, newline)


def _source_text(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _set_source(cell, text: str) -> None:
    """In the cell's own representation: Jupyter writes a list of lines, others a string."""
    if isinstance(cell.get("source"), list):
        cell["source"] = re.findall(r"[^\n]*\n|[^\n]+", text)
    else:
        cell["source"] = text


def _language(data) -> str:
    metadata = data.get("metadata") or {}
    for value in ((metadata.get("kernelspec") or {}).get("language"),
                  (metadata.get("language_info") or {}).get("name")):
        if isinstance(value, str) and value:
            return value.lower()
    return "python"


# -- the module made of the code cells ---------------------------------------------------------
@dataclasses.dataclass
class _Cell:
    index: int  # position among all of the notebook's cells, from 0
    source: str
    masked: str
    magics: List[Tuple[str, str]]
    marker_line: int = 0  # line of its marker in the module (1-based)


def _module_of(cells: Sequence[_Cell]) -> str:
    parts = []
    line = 1
    for cell in cells:
        cell.marker_line = line
        body = cell.masked if not cell.masked or cell.masked.endswith("\n") else cell.masked + "\n"
        marker = _FIRST_CELL_MARKER if not parts else _CELL_MARKER
        parts.append(marker.format(cell.index) + "\n" + body)
        line += 1 + body.count("\n")
    return "".join(parts)


def _split_module(code: str, cells: Sequence[_Cell]) -> Optional[Dict[int, str]]:
    """{cell index: migrated masked text}; None unless the markers are all there, in order."""
    pieces: Dict[int, List[str]] = {}
    order: List[int] = []
    current: Optional[List[str]] = None
    for line in code.splitlines(keepends=True):
        match = _CELL_MARKER_RE.match(line.rstrip("\r\n"))
        if match:
            order.append(int(match.group(1) or match.group(2)))
            current = pieces.setdefault(order[-1], [])
        elif current is None:
            return None  # code before the first cell
        else:
            current.append(line)
    if order != [cell.index for cell in cells]:
        return None
    out = {}
    for cell in cells:
        text = "".join(pieces[cell.index])
        if not cell.masked.endswith("\n") and text.endswith("\n"):
            text = text[:-1]
        out[cell.index] = text
    return out


def _cell_position(cells: Sequence[_Cell], line: int) -> Tuple[int, int]:
    """(cell index, line within the cell) of a module line."""
    owner = cells[0]
    for cell in cells:
        if cell.marker_line <= line:
            owner = cell
    return owner.index, max(1, line - owner.marker_line)


# -- migrating a notebook ----------------------------------------------------------------------
@dataclasses.dataclass
class NotebookOutcome:
    result: MigrationResult
    data: Optional[bytes] = None  # the new file, when something changed
    diff: str = ""


def _fail(path: str, rule_id: str, message: str, fix: Optional[str] = None,
          cell: Optional[int] = None, line: int = 1) -> NotebookOutcome:
    diag = Diagnostic(rule_id, path, line, 1, Severity.ERROR, message, fix, cell=cell)
    return NotebookOutcome(_unchanged(path, "", [diag]))


def _parse(raw: bytes, path: str):
    """(JSON tree, text) or a failed NotebookOutcome."""
    try:
        import nbformat
    except ImportError:
        return None, _fail(path, NOTEBOOK_ERROR, "notebooks need the nbformat package, which is not installed; "
                                                 "notebook left untouched", "pip install nbformat")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, _fail(path, NOTEBOOK_ERROR, f"not a notebook: not UTF-8 ({exc.reason}); left untouched")
    try:
        major, _minor = nbformat.reader.get_version(nbformat.reader.parse_json(text))
        if major != 4:
            return None, _fail(path, NOTEBOOK_ERROR, f"nbformat {major} notebooks are not supported; left untouched",
                               "convert it first: jupyter nbconvert --to notebook --nbformat 4 --inplace "
                               + display_path(path))
        node = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as exc:  # nbformat raises NotJSONError, ValueError, KeyError... per version
        return None, _fail(path, NOTEBOOK_ERROR, f"not a valid notebook: {_first_line(exc)}; left untouched",
                           "open and save it in Jupyter, or fix the JSON by hand")
    try:
        nbformat.validate(node)
    except nbformat.ValidationError as exc:
        return None, _fail(path, NOTEBOOK_ERROR, f"not a valid nbformat 4 notebook: {_first_line(exc)}; "
                                                 "left untouched", "open and save it in Jupyter")
    # nbformat joined the sources and may drop transient keys: the tree written back is
    # the file's own JSON, in its own key order.
    return json.loads(text), text


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _located(diag: Diagnostic, cells: Sequence[_Cell]) -> Diagnostic:
    index, line = _cell_position(cells, diag.line)
    return dataclasses.replace(diag, line=line, cell=index + 1)


def cell_diff(path: str, number: int, before: str, after: str) -> str:
    shown = f"{display_path(path).lstrip('/')}:cell {number}"
    lines = difflib.unified_diff(_lines(before), _lines(after), fromfile=f"a/{shown}", tofile=f"b/{shown}")
    return "".join(lines)


def _lines(text: str) -> List[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def migrate_notebook(raw: bytes, path: str, options: MigrationOptions, rule_set: RuleSet,
                     want_diff: bool = False) -> NotebookOutcome:
    """Never raises for a bad notebook: it becomes an ERROR diagnostic naming the file
    (and the cell, where one is at fault), and the file is left alone."""
    data, text = _parse(raw, path)
    if data is None:
        return text
    language = _language(data)
    if language != "python":
        diag = Diagnostic(NOTEBOOK_ERROR, path, 1, 1, Severity.INFO,
                          f"a {language} notebook: its code cells are not Python and were not migrated")
        return NotebookOutcome(MigrationResult(path, "", False, [diag], {}, [], []))
    if any(marker in text for marker in _RESERVED):
        return _fail(path, CELL_SPLIT_ERROR, "the notebook contains the text `<nb-cell ` or `<nb-magic `, which "
                                             "the migrator uses to mark cells; left untouched",
                     "migrate this notebook by hand, or export it (jupyter nbconvert --to script)")
    cells: List[_Cell] = []
    kept_out: List[Diagnostic] = []  # cells that are not Python
    for index, cell in enumerate(data.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = _source_text(cell)
        masked, magics = mask_cell(source)
        error = None if masked is None else _syntax_error(masked)
        if error is not None:
            line, column, message = error
            kept_out.append(Diagnostic(
                PARSE_ERROR, path, line, column, Severity.WARNING,
                f"this cell is not valid Python ({message}): left as it is, the other cells were migrated",
                "fix the cell (Jupyter cannot run it either) and run the migrator again", cell=index + 1))
        elif masked is not None:
            cells.append(_Cell(index, source, masked, magics))
    if not cells:
        return NotebookOutcome(dataclasses.replace(_unchanged(path, ""), diagnostics=kept_out))
    module = _module_of(cells)
    result = migrate_source(module, path, options, rule_set=rule_set)
    result.diagnostics = kept_out + [_located(d, cells) for d in result.diagnostics]
    if result.failed or not result.changed:
        result.code, result.changed = "", False
        return NotebookOutcome(result)
    return _rebuild(data, text, path, cells, result, want_diff)


def _rebuild(data, text: str, path: str, cells: Sequence[_Cell], result: MigrationResult,
             want_diff: bool) -> NotebookOutcome:
    split = _split_module(result.code, cells)
    if split is None:
        return _fail(path, CELL_SPLIT_ERROR, "internal error: the migrated code could not be split back into "
                                             "the notebook's cells; notebook left untouched",
                     "report this as a keras_migrate bug; meanwhile migrate this notebook by hand")
    diffs = []
    code_cells = []
    for cell in cells:
        migrated = split[cell.index]
        # Each cell must parse on its own, as Jupyter runs it.
        if migrated != cell.masked and not _compiles(migrated):
            return _fail(path, CELL_SPLIT_ERROR, "internal error: a migrated cell does not parse on its own; "
                                                 "notebook left untouched",
                         "report this as a keras_migrate bug", cell=cell.index + 1)
        new_source = unmask_cell(migrated, cell.magics)
        if new_source is None:
            return _fail(path, CELL_SPLIT_ERROR, "internal error: an IPython line (magic or shell command) could "
                                                 "not be put back; notebook left untouched",
                         "report this as a keras_migrate bug", cell=cell.index + 1)
        if new_source != cell.source and not cell.source.startswith("\n"):
            # A removed first import leaves its blank line at the top of the cell.
            new_source = new_source.lstrip("\n")
        code_cells.append(new_source)
        if new_source != cell.source:
            _set_source(data["cells"][cell.index], new_source)
            if want_diff:
                diffs.append(cell_diff(path, cell.index + 1, cell.source, new_source))
    layout = _detect_layout(text, json.loads(text))
    if not layout.exact:
        result.diagnostics.append(Diagnostic(
            NOTEBOOK_ERROR, path, 1, 1, Severity.INFO,
            f"the notebook's JSON layout is not the one Jupyter writes: it was re-written with indent "
            f"{layout.indent}, so lines outside the migrated cells may change too"))
    result.code = "\n".join(code_cells)
    return NotebookOutcome(result, _dump(data, layout).encode("utf-8"), "".join(diffs))
