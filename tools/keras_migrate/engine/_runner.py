"""Migrate many files: discovery, parallelism, per-file isolation of failures."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import difflib
import fnmatch
import os
import re
import signal
import stat
import threading
import time
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

from keras_migrate.engine._diagnostics import Diagnostic, Severity, display_path
from keras_migrate.engine._files import DecodeFailure, FileChanged, Snapshot, decode, read_bytes, write_bytes_atomic
from keras_migrate.engine._migrate import INTERNAL_ERROR, MigrationOptions, MigrationResult, _unchanged, migrate_source
from keras_migrate.engine._notebook import NOTEBOOK_SUFFIX, migrate_notebook
from keras_migrate.engine._ruleset import RuleSet

__all__ = ["FileOutcome", "confine", "discover", "display_path", "migrate_file", "migrate_files", "source_kind",
           "unified_diff"]

DECODE_ERROR = "KM004"
WRITE_ERROR = "KM005"
CHANGED_ERROR = "KM006"
READ_ONLY_ERROR = "KM007"
OUTSIDE_ROOTS = "KM009"
# A path named explicitly that is neither Python source nor a notebook.
NOT_SOURCE = "KM012"
_SKIP_DIRS = {".git", "__pycache__", ".venv", "node_modules", ".tox", ".mypy_cache", ".ipynb_checkpoints"}
# What directory discovery finds: Python sources, type stubs, Jupyter notebooks.
PYTHON_SUFFIXES = (".py", ".pyi")
SOURCE_SUFFIXES = PYTHON_SUFFIXES + (NOTEBOOK_SUFFIX,)
PYTHON, NOTEBOOK = "python", "notebook"
_PYTHON_SHEBANG = re.compile(rb"\A#![^\n]*\bpython[0-9.]*\b")


@dataclasses.dataclass
class FileOutcome:
    path: str  # as given/discovered (relative paths stay relative)
    result: MigrationResult
    diff: str = ""
    written_to: Optional[str] = None
    # Named explicitly but neither Python nor a notebook: reported, not migrated.
    skipped: bool = False

    @property
    def failed(self) -> bool:
        return self.result.failed


def _is_regular_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False  # a dangling link: nothing to migrate


def discover(paths: Sequence[str], include: Sequence[str] = (), exclude: Sequence[str] = (),
             skip_dirs: Sequence[str] = ()) -> List[str]:
    """Python files (.py, .pyi) and notebooks (.ipynb) under the given paths, sorted,
    filtered by glob patterns; a path named explicitly is kept whatever its name
    (migrate_file reports it if it is neither).

    Only regular files are found in directories (a FIFO named x.py would block the read);
    `skip_dirs` (e.g. an output directory inside an input) are not entered."""
    skip_real = {os.path.realpath(d) for d in skip_dirs}
    found: List[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("bazel-")
                                 and os.path.realpath(os.path.join(root, d)) not in skip_real)
                found.extend(os.path.join(root, f) for f in sorted(files)
                             if f.endswith(SOURCE_SUFFIXES) and _is_regular_file(os.path.join(root, f)))
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


def confine(files: Sequence[str], roots: Sequence[str]) -> Tuple[List[str], List[FileOutcome]]:
    """Each real file once, and only inside the given roots.

    A symlink is migrated through to the file it names (the link stays), once even when
    several names lead to it; a link leading outside every root is not followed (a run
    on one tree must not edit another): it is reported instead."""
    real_roots = [os.path.realpath(r) for r in roots]
    kept: List[str] = []
    refused: List[FileOutcome] = []
    seen = set()
    for path in files:
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        if not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in real_roots):
            diag = Diagnostic(OUTSIDE_ROOTS, path, 1, 1, Severity.WARNING,
                              f"symlink to {display_path(real)}, outside the paths given: not migrated",
                              "migrate the file it points to by naming its directory")
            refused.append(FileOutcome(path, MigrationResult(path, "", False, [diag], {}, [], [])))
            continue
        kept.append(path)
    return kept, refused


def source_kind(path: str, raw: bytes) -> Optional[str]:
    """PYTHON, NOTEBOOK, or None for a file that is neither (a script without a .py name
    counts as Python when its #! line names python)."""
    if path.endswith(NOTEBOOK_SUFFIX):
        return NOTEBOOK
    if path.endswith(PYTHON_SUFFIXES) or _PYTHON_SHEBANG.match(raw):
        return PYTHON
    return None


def _skipped(path: str) -> MigrationResult:
    diag = Diagnostic(NOT_SOURCE, path, 1, 1, Severity.WARNING,
                      "not Python source (.py, .pyi, a #! python script) or a notebook (.ipynb): not migrated",
                      "rename it to .py if it is Python, or leave it out of the paths")
    return MigrationResult(path, "", False, [diag], {}, [], [])


def unified_diff(path: str, before: str, after: str) -> str:
    if before == after:
        return ""
    shown = display_path(path).lstrip(os.sep)
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"a/{shown}", tofile=f"b/{shown}",
    ))


def _failure(path: str, rule_id: str, message: str, fix: Optional[str] = None,
             line: int = 1, column: int = 1) -> MigrationResult:
    return _unchanged(path, "", [Diagnostic(rule_id, path, line, column, Severity.ERROR, message, fix)])


def migrate_file(
    path: str,
    options: MigrationOptions,
    rule_set: RuleSet,
    write: bool = True,
    output_path: Optional[str] = None,
    want_diff: bool = False,
    before_write: Optional[Callable[[str, str], None]] = None,
) -> FileOutcome:
    """Migrate one file. Never raises for bad input or a bug: failures become diagnostics
    naming the file (KeyboardInterrupt and SystemExit still stop the run).

    `before_write(target, code)` runs before the migrated text is written (callers put
    what the new code needs in place first); if it raises OSError the file is not written.
    """
    try:
        return _migrate_file(path, options, rule_set, write, output_path, want_diff, before_write)
    except Exception as exc:  # per-file isolation: one file's bug must not stop the run
        return FileOutcome(path, _failure(
            path, INTERNAL_ERROR, f"internal error: {type(exc).__name__}: {exc}; file left untouched",
            "report this as a keras_migrate bug"))


def _migrate_file(path, options, rule_set, write, output_path, want_diff, before_write) -> FileOutcome:
    try:
        snapshot = read_bytes(path)
    except OSError as exc:
        return FileOutcome(path, _failure(path, DECODE_ERROR, f"cannot read: {exc.strerror or exc}"))
    kind = source_kind(path, snapshot.raw)
    if kind is None:
        return FileOutcome(path, _skipped(path), skipped=True)
    if not rule_set.may_apply_to_bytes(snapshot.raw):
        # No rule can apply: byte-identical whatever its encoding (no decoding at all).
        outcome = FileOutcome(path, _unchanged(path, ""))
        if write and output_path is not None:
            _write(outcome, output_path, snapshot.raw, snapshot, in_place=False, before_write=None)
        return outcome
    if kind == NOTEBOOK:
        notebook = migrate_notebook(snapshot.raw, path, options, rule_set, want_diff=want_diff)
        outcome = FileOutcome(path, notebook.result, diff=notebook.diff)
        data = notebook.data
    else:
        try:
            source, encoding = decode(snapshot.raw)
        except DecodeFailure as exc:
            return FileOutcome(path, _failure(
                path, DECODE_ERROR, str(exc),
                "save the file as UTF-8 or declare its encoding (# -*- coding: ... -*-)", exc.line, exc.column))
        result = migrate_source(source, path, options, rule_set=rule_set)
        outcome = FileOutcome(path, result)
        if want_diff:
            outcome.diff = unified_diff(path, source, result.code)
        data = _encode(outcome, result.code, encoding) if result.changed and not result.failed else None
    if not write or outcome.result.failed:
        return outcome
    if output_path is not None:
        data = snapshot.raw if not outcome.result.changed else data
        if data is not None:
            _write(outcome, output_path, data, snapshot, in_place=False, before_write=before_write)
    elif outcome.result.changed and data is not None:
        _write(outcome, path, data, snapshot, in_place=True, before_write=before_write)
    return outcome


def _encode(outcome: FileOutcome, code: str, encoding: str) -> Optional[bytes]:
    try:
        return code.encode(encoding)
    except UnicodeEncodeError as exc:
        _refuse(outcome, WRITE_ERROR, f"migrated code cannot be saved as {encoding} ({exc.reason}); "
                                      "file left untouched")
        return None


def _refuse(outcome: FileOutcome, rule_id: str, message: str, fix: Optional[str] = None) -> None:
    outcome.result.diagnostics.append(Diagnostic(rule_id, outcome.path, 1, 1, Severity.ERROR, message, fix))
    outcome.result.failed = True


def _write(outcome: FileOutcome, target: str, data: bytes, snapshot: Snapshot, in_place: bool,
           before_write: Optional[Callable[[str, str], None]]) -> None:
    if in_place and snapshot.read_only:
        _refuse(outcome, READ_ONLY_ERROR, "read-only file: not written (it needs migrating)",
                "make it writable (chmod u+w) and rerun, or leave it unmigrated deliberately")
        return
    try:
        if before_write is not None:
            before_write(target, outcome.result.code)
        if in_place:
            write_bytes_atomic(target, data, expected=snapshot)
        else:
            write_bytes_atomic(target, data, mode_from=snapshot.real)
        outcome.written_to = target
    except FileChanged:
        _refuse(outcome, CHANGED_ERROR, "changed on disk while it was being migrated: left as it is now",
                "rerun keras-migrate on it")
    except OSError as exc:
        _refuse(outcome, WRITE_ERROR, f"cannot write {display_path(target)}: {exc.strerror or exc}; "
                                      "file left untouched")


def _worker(args):
    path, options, rule_set, write, output_path, want_diff, before_write = args
    return migrate_file(path, options, rule_set, write, output_path, want_diff, before_write)


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides (it cancels what
    # has not started; a file being written is finished, never cut).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The direct parent: the run itself (fork, spawn) or its forkserver (Python 3.14's
    # default on Linux), which ends with the run.
    _exit_with_parent(os.getppid())


def _exit_with_parent(parent: int) -> None:
    """Workers whose parent was killed (SIGKILL: no cleanup ran) must not linger."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: Linux kills us with the parent
    except (ImportError, OSError, AttributeError):
        pass  # not Linux, or no ctypes: the watch below still notices

    def watch() -> None:  # elsewhere: notice being re-parented
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="keras_migrate-parent-watch", daemon=True).start()
    if os.getppid() != parent:
        os._exit(1)


def migrate_files(
    paths: Sequence[str],
    options: MigrationOptions,
    rule_set: RuleSet,
    write: bool = True,
    output_for: Optional[Callable[[str], Optional[str]]] = None,
    want_diff: bool = False,
    jobs: int = 1,
    progress: Optional[Callable[[int, int], None]] = None,
    before_write: Optional[Callable[[str, str], None]] = None,
) -> Iterator[FileOutcome]:
    """Yields outcomes in input order. `before_write` and the rule set must be picklable
    when jobs > 1 (module-level classes and functions are)."""
    work = [(p, options, rule_set, write, output_for(p) if output_for else None, want_diff, before_write)
            for p in paths]
    total = len(work)
    if jobs <= 1 or total < 2:
        for i, item in enumerate(work, 1):
            outcome = _worker(item)
            if progress:
                progress(i, total)
            yield outcome
        return
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
    try:
        for i, outcome in enumerate(pool.map(_worker, work, chunksize=4), 1):
            if progress:
                progress(i, total)
            yield outcome
    except BaseException:
        # Interrupted (or the consumer stopped): files not started stay as they are.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
