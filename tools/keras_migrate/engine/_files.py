"""Reading and writing source files without ever losing data.

The promise kept here: bytes no rule changed are written back exactly (encoding, BOM,
newline convention); a file is only replaced if it is still what was read (an edit made
while the tool ran is never overwritten); a symlink stays a link (the write goes through
to the file it names); a read-only file is never rewritten; a crash leaves either the old
or the new file, never a mix (temp file in the same directory, fsync, rename).
"""

from __future__ import annotations

import dataclasses
import io
import os
import stat
import tempfile
import tokenize
from typing import Optional, Tuple

__all__ = [
    "DecodeFailure", "FileChanged", "NotRegularFile", "ReadOnlyFile", "Snapshot",
    "read_snapshot", "read_source", "write_atomic", "write_bytes_atomic",
]

_BOM = b"\xef\xbb\xbf"


class DecodeFailure(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


class NotRegularFile(OSError):
    """A FIFO, device or socket named like a source: opening it could block forever."""


class ReadOnlyFile(OSError):
    """The file is not writable: the user asked for it to stay as it is."""


class FileChanged(OSError):
    """The file changed on disk after it was read: writing would lose that edit."""


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """A source file as read; `write_atomic(..., expected=snapshot)` only replaces a file
    that is still exactly this."""

    path: str
    real: str  # symlinks resolved: where a write lands
    raw: bytes
    mode: int
    size: int
    mtime_ns: int

    @property
    def read_only(self) -> bool:
        # Root may write anything (os.access says yes); the mode bits still say what the
        # owner wants.
        return not (self.mode & stat.S_IWUSR) or not os.access(self.real, os.W_OK)


def read_bytes(path: str) -> Snapshot:
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(f"not a regular file: {path}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read()
    finally:
        os.close(fd)
    return Snapshot(path, os.path.realpath(path), raw, stat.S_IMODE(st.st_mode), st.st_size, st.st_mtime_ns)


def source_encoding(raw: bytes) -> str:
    """Python's own rule (PEP 263 cookie, BOM); 'utf-8-sig' when a BOM is present, so that
    decoding drops it and encoding puts it back."""
    try:
        encoding, _lines = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding declaration" in str(exc):
            return "utf-8"  # undeclared non-UTF-8 bytes: decode() says where they are
        raise DecodeFailure(str(exc), getattr(exc, "lineno", None) or 1) from exc
    if raw.startswith(_BOM):
        return "utf-8-sig"
    return encoding


def decode(raw: bytes) -> Tuple[str, str]:
    """(text, encoding). Newlines are kept exactly as in the bytes."""
    encoding = source_encoding(raw)
    try:
        return raw.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        start = getattr(exc, "start", 0)
        line = raw.count(b"\n", 0, start) + 1
        column = start - (raw.rfind(b"\n", 0, start) + 1) + 1
        raise DecodeFailure(f"cannot decode as {encoding}: {exc}", line, column) from exc


def read_snapshot(path: str) -> Tuple[Snapshot, str, str]:
    """(snapshot, text, encoding); raises OSError (NotRegularFile too) or DecodeFailure."""
    snapshot = read_bytes(path)
    text, encoding = decode(snapshot.raw)
    return snapshot, text, encoding


def read_source(path: str) -> Tuple[str, bytes, str]:
    """Returns (text, raw bytes, encoding). Newlines are kept exactly as on disk."""
    snapshot, text, encoding = read_snapshot(path)
    return text, snapshot.raw, encoding


def write_atomic(
    path: str,
    text: str,
    encoding: str = "utf-8",
    mode_from: Optional[str] = None,
    expected: Optional[Snapshot] = None,
) -> None:
    """Write via a temp file in the same directory + rename; permissions are kept.

    With `expected`, refuses (ReadOnlyFile, FileChanged) instead of replacing a file
    that is read-only or no longer what was read."""
    write_bytes_atomic(path, text.encode(encoding), mode_from=mode_from, expected=expected)


def write_bytes_atomic(
    path: str, data: bytes, mode_from: Optional[str] = None, expected: Optional[Snapshot] = None,
) -> None:
    real = os.path.realpath(path)  # a symlink keeps pointing at the (updated) file
    if expected is not None and expected.read_only:
        raise ReadOnlyFile(f"read-only: {path}")
    directory = os.path.dirname(real)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".keras_migrate.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # a crash after the rename must not leave an empty file
        os.chmod(tmp, _mode_for(real, mode_from, expected))
        if expected is not None:
            _check_unchanged(expected)
        os.replace(tmp, real)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _mode_for(real: str, mode_from: Optional[str], expected: Optional[Snapshot]) -> int:
    if expected is not None:
        return expected.mode
    reference = mode_from if mode_from is not None else real
    if os.path.exists(reference):
        return stat.S_IMODE(os.stat(reference).st_mode)
    return 0o644


def _check_unchanged(expected: Snapshot) -> None:
    """The last moment before the rename: the file must still hold what was read (size
    and mtime catch most edits cheaply; the bytes catch edits within the clock's grain)."""
    try:
        st = os.stat(expected.real)
        with open(expected.real, "rb") as handle:
            now = handle.read()
    except FileNotFoundError:
        raise FileChanged(f"{expected.path} was removed while it was being migrated") from None
    if st.st_size != expected.size or st.st_mtime_ns != expected.mtime_ns or now != expected.raw:
        raise FileChanged(f"{expected.path} changed while it was being migrated")
