"""Runtime support beside migrated files on plain paths (`--runtime copy`, the default).

The guide's advice for removed layers is to copy their implementation into your code
base: migrated files that import keras_migrate_runtime get the package copied into their
directory. It is copied BEFORE the migrated file is written, so an interrupted run never
leaves a file importing a module that is not there; a rerun, or `--check`, finds a
migrated file whose runtime support is missing or stale.
"""

from __future__ import annotations

import filecmp
import importlib.util
import os
import re
from typing import List

from keras_migrate.engine._files import read_source, write_atomic

__all__ = ["RUNTIME_PACKAGE", "ensure_runtime", "imports_runtime", "missing_runtime", "packaging_files",
           "runtime_source_dir"]

RUNTIME_PACKAGE = "keras_migrate_runtime"
_IMPORT = re.compile(rf"^[ \t]*(?:from|import)[ \t]+{RUNTIME_PACKAGE}\b", re.M)
# Files that make a directory an installable project, and what names this tool there.
_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
_REQUIRES_TOOL = re.compile(r"keras[-_]migrate", re.I)


def imports_runtime(code: str) -> bool:
    return bool(_IMPORT.search(code))


def runtime_source_dir() -> str:
    # find_spec, not import: importing the package would import keras (and a backend).
    spec = importlib.util.find_spec(RUNTIME_PACKAGE)
    if spec is None or not spec.origin:
        raise FileNotFoundError(f"{RUNTIME_PACKAGE} is not installed beside keras_migrate")
    return os.path.dirname(spec.origin)


def _sources() -> List[str]:
    return sorted(n for n in os.listdir(runtime_source_dir()) if n.endswith(".py"))


def missing_runtime(directory: str) -> List[str]:
    """Runtime files absent from (or different in) directory/keras_migrate_runtime."""
    source = runtime_source_dir()
    target = os.path.join(directory, RUNTIME_PACKAGE)
    if os.path.abspath(target) == os.path.abspath(source):
        return []
    return [n for n in _sources()
            if not os.path.isfile(os.path.join(target, n))
            or not filecmp.cmp(os.path.join(source, n), os.path.join(target, n), shallow=False)]


def ensure_runtime(directory: str) -> List[str]:
    """Copies what is missing; returns the files written. __init__.py goes last, so a
    copy cut short is not an importable package."""
    missing = missing_runtime(directory)
    source = runtime_source_dir()
    target = os.path.join(directory, RUNTIME_PACKAGE)
    for name in sorted(missing, key=lambda n: n == "__init__.py"):
        text, _raw, encoding = read_source(os.path.join(source, name))
        write_atomic(os.path.join(target, name), text, encoding)
    return missing


def before_write(target: str, code: str) -> None:
    """Engine hook (migrate_file): runtime support lands before the file that needs it."""
    if imports_runtime(code):
        ensure_runtime(os.path.dirname(os.path.abspath(target)))


def packaging_files(directories) -> List[str]:
    """The project files (pyproject.toml, setup.py, setup.cfg) nearest above each directory
    of migrated files that import the runtime, when none of them names keras-migrate: the
    copy beside the files serves scripts run in place, but a package installed from that
    project (keras-tcn's `packages=['tcn']`) imports keras_migrate_runtime from the
    environment."""
    found = set()
    for directory in directories:
        current = os.path.abspath(directory)
        while True:
            present = [os.path.join(current, n) for n in _PROJECT_FILES if os.path.isfile(os.path.join(current, n))]
            if present:
                if not any(_REQUIRES_TOOL.search(read_source(path)[0]) for path in present):
                    found.add(present[0])
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
    return sorted(found)
