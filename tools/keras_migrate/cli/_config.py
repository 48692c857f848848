"""`[tool.keras-migrate]` in pyproject.toml: a project's defaults for the CLI.

    [tool.keras-migrate]
    mode = "agnostic"              # or "tensorflow"
    include = ["src/*", "notebooks/*"]   # globs, relative to the pyproject.toml's directory
    exclude = ["src/legacy/*"]
    disable = ["KM112"]            # rule ids or names
    backends = ["jax", "torch"]    # files kept on TensorFlow are reported (KM013)
    jobs = 0                       # 0: one worker per CPU
    runtime = "copy"               # or "none"

The file is the nearest pyproject.toml at or above the paths given (their common
directory), or --config FILE. A flag given on the command line replaces the setting of
the same name (lists too: --exclude X replaces `exclude`).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import sys
from typing import Any, Dict, List, Optional, Sequence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9/3.10 (pyproject.toml's dependency)
    import tomli as tomllib

__all__ = ["Config", "ConfigError", "find_pyproject", "load_config"]

SECTION = "keras-migrate"
# key -> (type of the value, allowed values or None)
_KEYS: Dict[str, Any] = {
    "mode": (str, ("agnostic", "tensorflow")),
    "include": (list, None),
    "exclude": (list, None),
    "disable": (list, None),
    "backends": (list, ("jax", "tensorflow", "torch")),
    "jobs": (int, None),
    "runtime": (str, ("copy", "none")),
}


class ConfigError(ValueError):
    """A pyproject.toml that cannot be read, or a setting that is not one."""


@dataclasses.dataclass(frozen=True)
class Config:
    path: Optional[str] = None  # the pyproject.toml read (None: none found)
    values: Dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def root(self) -> Optional[str]:
        return os.path.dirname(os.path.abspath(self.path)) if self.path else None

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def keeps(self, path: str) -> bool:
        """The config's include/exclude globs, matched against the path relative to the
        pyproject.toml's directory (a file outside it is matched by its own path)."""
        include, exclude = self.values.get("include") or [], self.values.get("exclude") or []
        if not include and not exclude:
            return True
        rel = os.path.relpath(os.path.abspath(path), self.root)
        rel = path if rel.startswith("..") else rel
        rel = rel.replace(os.sep, "/")
        if include and not any(fnmatch.fnmatch(rel, g) for g in include):
            return False
        return not any(fnmatch.fnmatch(rel, g) for g in exclude)


def find_pyproject(paths: Sequence[str]) -> Optional[str]:
    """The nearest pyproject.toml at or above the paths' common directory that has a
    [tool.keras-migrate] table, stopping at a repository root (.git)."""
    if not paths:
        return None
    absolute = [os.path.abspath(p) for p in paths]
    start = os.path.commonpath(absolute)
    if not os.path.isdir(start):
        start = os.path.dirname(start)
    directory = start
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and SECTION in _tool_table(candidate):
            return candidate
        if os.path.exists(os.path.join(directory, ".git")):
            return None
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _tool_table(path: str) -> Dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    tool = data.get("tool")
    return tool if isinstance(tool, dict) else {}


def load_config(paths: Sequence[str], explicit: Optional[str] = None) -> Config:
    path = explicit or find_pyproject(paths)
    if path is None:
        return Config()
    if explicit and not os.path.isfile(explicit):
        raise ConfigError(f"--config {explicit}: no such file")
    table = _tool_table(path).get(SECTION, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
    return Config(path, _validated(path, table))


def _validated(path: str, table: Dict[str, Any]) -> Dict[str, Any]:
    values = {}
    for key, value in table.items():
        name = key.replace("-", "_")
        if name not in _KEYS:
            raise ConfigError(f"{path}: [tool.{SECTION}] has no setting {key!r} "
                              f"(known: {', '.join(sorted(_KEYS))})")
        kind, allowed = _KEYS[name]
        if kind is list:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: [tool.{SECTION}] {key} must be a list of strings")
            bad: List[str] = [v for v in value if allowed is not None and v not in allowed]
        else:
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ConfigError(f"{path}: [tool.{SECTION}] {key} must be a {kind.__name__}")
            bad = [value] if allowed is not None and value not in allowed else []
        if bad:
            raise ConfigError(f"{path}: [tool.{SECTION}] {key}: {bad[0]!r} is not one of {', '.join(allowed)}")
        values[name] = value
    return values
