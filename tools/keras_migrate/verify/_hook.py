"""Keras 3 runs import the migrated copy of every module under the program's root.

The parent migrates the root into a mirror directory once; this finder makes the child
load `mirror/<rel>.py` wherever the program imports `root/<rel>.py`, so the program runs
where it stands (its data files, relative paths and __file__ unchanged) but executes the
migrated code. Tracebacks name the migrated file, whose lines are what ran.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from typing import Optional

__all__ = ["MirrorFinder", "install", "migrated_path"]


def migrated_path(root: str, mirror: str, path: str) -> Optional[str]:
    path = os.path.abspath(path)
    rel = os.path.relpath(path, root)
    if rel.startswith(".."):
        return None
    candidate = os.path.join(mirror, rel)
    return candidate if os.path.isfile(candidate) else None


class _MigratedLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, original: str, migrated: str) -> None:
        super().__init__(fullname, original)
        self.migrated = migrated

    def get_data(self, path):
        if os.path.abspath(path) == os.path.abspath(self.path):
            path = self.migrated
        with open(path, "rb") as handle:
            return handle.read()

    def source_to_code(self, data, path, *, _optimize=-1):
        return compile(data, self.migrated, "exec", dont_inherit=True, optimize=_optimize)

    def path_stats(self, path):  # no bytecode cache for migrated code
        raise OSError("no cache")

    def set_data(self, path, data, *, _mode=0o666):
        return None


class MirrorFinder(importlib.abc.MetaPathFinder):
    def __init__(self, root: str, mirror: str) -> None:
        self.root = os.path.abspath(root)
        self.mirror = os.path.abspath(mirror)
        self.loaded = []  # original paths of migrated modules the program imported

    def find_spec(self, fullname, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        migrated = migrated_path(self.root, self.mirror, spec.origin)
        if migrated is None:
            return None
        self.loaded.append(spec.origin)
        loader = _MigratedLoader(fullname, spec.origin, migrated)
        return importlib.util.spec_from_file_location(
            fullname, spec.origin, loader=loader,
            submodule_search_locations=spec.submodule_search_locations,
        )


def install(root: str, mirror: str) -> MirrorFinder:
    finder = MirrorFinder(root, mirror)
    sys.meta_path.insert(0, finder)
    return finder
