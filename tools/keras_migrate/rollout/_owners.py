"""Who owns a package: CODEOWNERS and OWNERS-style files, the nearest wins.

- OWNERS files (Chromium / Gerrit style) in any directory: one owner per line, `#`
  comments, `set noparent`, `per-file` lines ignored (ownership here is per package).
  The OWNERS file nearest to the package (its own directory, then each parent) decides;
  without `set noparent` the parents' owners are added after it (farther ones last).
- CODEOWNERS (GitHub / GitLab) at the root, .github/ or docs/: gitignore-style patterns,
  the last matching line wins. A package matches a line when the pattern names the
  package directory, a parent of it, or the BUILD file.
An OWNERS file nearer than the root is nearer than CODEOWNERS; when a package has no
OWNERS file up to the root, CODEOWNERS decides.
"""

from __future__ import annotations

import os
import re
from typing import Dict, List, Optional, Tuple

__all__ = ["Owners", "NO_OWNER"]

NO_OWNER = "(no owner)"
CODEOWNERS_PLACES = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS")
OWNERS_FILE = "OWNERS"


class OwnersError(ValueError):
    pass


def _read(path: str) -> Optional[List[str]]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return None


def _parse_owners(lines: List[str]) -> Tuple[List[str], bool]:
    owners, noparent = [], False
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith(("per-file", "include ", "file:")):
            continue
        if line.replace(" ", "") == "setnoparent":
            noparent = True
            continue
        if line not in owners:
            owners.append(line)
    return owners, noparent


def _codeowners_regex(pattern: str) -> "re.Pattern[str]":
    """A gitignore-style pattern as a regex over `path/` (directories end with "/")."""
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    out = ""
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif body.startswith("**", i):
            out += ".*"
            i += 2
        elif body[i] == "*":
            out += "[^/]*"
            i += 1
        elif body[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(body[i])
            i += 1
    prefix = "^" if anchored else "^(?:.*/)?"
    # A pattern matches the path itself or anything under it (a directory pattern).
    return re.compile(prefix + out + "(?:/.*)?$")


class Owners:
    """owners_of(package) -> tuple of owners (empty: nobody)."""

    def __init__(self, workspace: str) -> None:
        self.workspace = workspace
        self._codeowners: List[Tuple["re.Pattern[str]", Tuple[str, ...]]] = []
        for place in CODEOWNERS_PLACES:
            lines = _read(os.path.join(workspace, place))
            if lines is None:
                continue
            for raw in lines:
                line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("\\#") else raw.strip()
                if not line:
                    continue
                pattern, *owners = line.split()
                self._codeowners.append((_codeowners_regex(pattern), tuple(owners)))
            break  # GitHub reads the first one found
        self._owners_files: Dict[str, Optional[Tuple[List[str], bool]]] = {}
        self._cache: Dict[str, Tuple[str, ...]] = {}

    def _owners_file(self, directory: str) -> Optional[Tuple[List[str], bool]]:
        if directory not in self._owners_files:
            lines = _read(os.path.join(self.workspace, directory, OWNERS_FILE))
            self._owners_files[directory] = None if lines is None else _parse_owners(lines)
        return self._owners_files[directory]

    def _from_codeowners(self, package: str) -> Tuple[str, ...]:
        found: Tuple[str, ...] = ()
        candidates = [package + "/BUILD", package + "/BUILD.bazel", package] if package else ["BUILD", ""]
        for regex, owners in self._codeowners:  # last match wins
            if any(regex.match(c) for c in candidates if c):
                found = owners
        return found

    def owners_of(self, package: str) -> Tuple[str, ...]:
        package = package.strip("/")
        if package in self._cache:
            return self._cache[package]
        owners: List[str] = []
        directory, found_file = package, False
        while True:
            entry = self._owners_file(directory)
            if entry is not None:
                names, noparent = entry
                if not found_file and directory == "" and self._codeowners:
                    break  # no OWNERS file below the root: CODEOWNERS is nearer than the root's OWNERS
                found_file = True
                owners.extend(n for n in names if n not in owners)
                if noparent:
                    break
            if not directory:
                break
            directory = os.path.dirname(directory)
        if not found_file:
            owners = list(self._from_codeowners(package))
        result = tuple(owners)
        self._cache[package] = result
        return result

    def primary(self, package: str) -> str:
        """The owner shards and the dashboard group a package by: the first of the nearest."""
        owners = self.owners_of(package)
        return owners[0] if owners else NO_OWNER

