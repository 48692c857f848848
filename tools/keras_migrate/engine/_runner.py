"""Migrate many files: discovery, parallelism, per-file isolation of failures."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import difflib
import fnmatch
import os
from typing import Callable, Iterable, Iterator, List, Optional, Sequence

from keras_migrate.engine._diagnostics import Diagnostic, Severity
from keras_migrate.engine._files import DecodeFailure, read_source, write_atomic
from keras_migrate.engine._migrate import MigrationOptions, MigrationResult, _unchanged, migrate_source

__all__ = ["FileOutcome", "discover", "migrate_file", "migrate_files", "unified_diff"]

DECODE_ERROR = "KM004"
WRITE_ERROR = "KM005"
_SKIP_DIRS = {".git", "__pycache__", ".venv", "node_modules", ".tox", ".mypy_cache"}


@dataclasses.dataclass
class FileOutcome:
    path: str  # as given/discovered (relative paths stay relative)
    result: MigrationResult
    diff: str = ""
    written_to: Optional[str] = None

    @property
    def failed(self) -> bool:
        return self.result.failed


def discover(paths: Sequence[str], include: Sequence[str] = (), exclude: Sequence[str] = ()) -> List[str]:
    """Python files under the given paths, sorted, filtered by glob patterns."""
    found: List[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("bazel-"))
                found.extend(os.path.join(root, f) for f in sorted(files) if f.endswith(".py"))
        else:
            found.append(path)

    def keep(p: str) -> bool:
        norm = p.replace(os.sep, "/")
        if include and not any(fnmatch.fnmatch(norm, g) for g in include):
            return False
        return not any(fnmatch.fnmatch(norm, g) for g in exclude)

    seen = set()
    out = []
    for p in found:
        if keep(p) and p not in seen:
            seen.add(p)
            out.append(p)
    return out


def unified_diff(path: str, before: str, after: str) -> str:
    if before == after:
        return ""
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{path.lstrip(os.sep)}", tofile=f"b/{path.lstrip(os.sep)}",
    ))


def migrate_file(
    path: str,
    options: MigrationOptions,
    write: bool = True,
    output_path: Optional[str] = None,
    want_diff: bool = False,
    before_write: Optional[Callable[[str, str], None]] = None,
) -> FileOutcome:
    """Migrate one file. Never raises for bad input: failures become diagnostics.

    `before_write(target, code)` runs before the migrated text is written (callers put
    what the new code needs in place first); if it raises OSError the file is not written.
    """
    try:
        source, _raw, encoding = read_source(path)
    except DecodeFailure as exc:
        diag = Diagnostic(DECODE_ERROR, path, exc.line, exc.column, Severity.ERROR, str(exc),
                          "save the file as UTF-8 or declare its encoding (# -*- coding: ... -*-)")
        return FileOutcome(path, _unchanged(path, "", [diag]))
    except OSError as exc:
        diag = Diagnostic(DECODE_ERROR, path, 1, 1, Severity.ERROR, f"cannot read: {exc.strerror}")
        return FileOutcome(path, _unchanged(path, "", [diag]))
    result = migrate_source(source, path, options)
    outcome = FileOutcome(path, result)
    if want_diff:
        outcome.diff = unified_diff(path, source, result.code)
    target = output_path if output_path is not None else path
    if write and (result.changed or (output_path is not None and not result.failed)):
        try:
            if before_write is not None:
                before_write(target, result.code)
            write_atomic(target, result.code, encoding, mode_from=path)
            outcome.written_to = target
        except OSError as exc:
            result.diagnostics.append(Diagnostic(WRITE_ERROR, path, 1, 1, Severity.ERROR,
                                                 f"cannot write {target}: {exc.strerror}; file left untouched"))
            result.failed = True
    return outcome


def _worker(args):
    path, options, write, output_path, want_diff, before_write = args
    return migrate_file(path, options, write, output_path, want_diff, before_write)


def migrate_files(
    paths: Sequence[str],
    options: MigrationOptions,
    write: bool = True,
    output_for: Optional[Callable[[str], Optional[str]]] = None,
    want_diff: bool = False,
    jobs: int = 1,
    progress: Optional[Callable[[int, int], None]] = None,
    before_write: Optional[Callable[[str, str], None]] = None,
) -> Iterator[FileOutcome]:
    """Yields outcomes in input order. `before_write` must be picklable when jobs > 1."""
    work = [(p, options, write, output_for(p) if output_for else None, want_diff, before_write) for p in paths]
    total = len(work)
    if jobs <= 1 or total < 2:
        for i, item in enumerate(work, 1):
            outcome = _worker(item)
            if progress:
                progress(i, total)
            yield outcome
        return
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        for i, outcome in enumerate(pool.map(_worker, work, chunksize=4), 1):
            if progress:
                progress(i, total)
            yield outcome
