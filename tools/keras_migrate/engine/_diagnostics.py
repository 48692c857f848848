"""Diagnostics are data: the engine collects them, front ends format them."""

from __future__ import annotations

import dataclasses
import enum
from typing import Optional, Tuple

__all__ = ["Diagnostic", "Severity", "display_path"]


def display_path(path: str) -> str:
    """A path safe to print on one line: control characters (a newline in a file name
    could forge output lines) are escaped as Python would."""
    if path.isprintable():
        return path
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)


class Severity(str, enum.Enum):
    # "error": the file could not be migrated at all (parse/decode/write failure).
    # "warning": code was left as is and needs a manual edit to work after migration.
    # "info": code was rewritten but a human should glance at it.
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    rule_id: str
    path: str
    line: int
    column: int  # 1-based, like compilers print it
    severity: Severity
    message: str
    fix: Optional[str] = None  # the concrete manual edit, when one is needed
    # In a notebook: the cell (counted from 1 over all cells, markdown too); line and
    # column are then within that cell.
    cell: Optional[int] = None
    # The backends where the reported difference shows, when not on every one (a JAX-only
    # gradient, a PyTorch-only metric): verify attributes a backend's difference to it.
    backends: Tuple[str, ...] = ()

    @property
    def location(self) -> str:
        """`file.py:3:5`, or `nb.ipynb:cell 7:3:5` in a notebook."""
        where = display_path(self.path) + (f":cell {self.cell}" if self.cell is not None else "")
        return f"{where}:{self.line}:{self.column}"

    def format(self) -> str:
        text = f"{self.location}: {self.severity.value}: [{self.rule_id}] {self.message}"
        if self.fix:
            text += f"\n    manual edit required: {self.fix}"
        return text

    def to_json(self) -> dict:
        data = dataclasses.asdict(self)
        data["severity"] = self.severity.value
        if self.cell is None:
            del data["cell"]  # .py files: the report stays as it was
        if self.backends:
            data["backends"] = list(self.backends)
        else:
            del data["backends"]
        return data
