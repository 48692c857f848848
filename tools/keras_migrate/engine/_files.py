"""Reading and writing source files without ever losing data."""

from __future__ import annotations

import os
import re
import tempfile
from typing import Optional, Tuple

__all__ = ["read_source", "write_atomic", "DecodeFailure"]

_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class DecodeFailure(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def _declared_encoding(data: bytes) -> str:
    for line in data.split(b"\n", 2)[:2]:
        match = _CODING.match(line)
        if match:
            return match.group(1).decode("ascii")
    return "utf-8"


def read_source(path: str) -> Tuple[str, bytes, str]:
    """Returns (text, raw bytes, encoding). Newlines are kept exactly as on disk."""
    with open(path, "rb") as handle:
        data = handle.read()
    encoding = _declared_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        start = getattr(exc, "start", 0)
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise DecodeFailure(f"cannot decode as {encoding}: {exc}", line, column) from exc
    return text, data, encoding


def write_atomic(path: str, text: str, encoding: str = "utf-8", mode_from: Optional[str] = None) -> None:
    """Write via a temp file in the same directory + rename; permissions are kept."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    reference = mode_from if mode_from is not None else path
    fd, tmp = tempfile.mkstemp(prefix=".keras_migrate.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode(encoding))
        if os.path.exists(reference):
            os.chmod(tmp, os.stat(reference).st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
