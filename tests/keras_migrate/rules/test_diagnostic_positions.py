"""Diagnostics name the line of the code they are about. A rule that reports a node the
traversal rebuilt (an updated node, not the original) gets no position: the engine can
only say 1:1. Every diagnostic on the corpus and the parity programs, in both modes,
must sit on a line of code, and never at 1:1 of a file whose first line is a comment or
a docstring."""

import glob
import os

import pytest

from keras_migrate import MigrationOptions, migrate_source

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CORPUS = os.environ.get("KERAS_MIGRATE_CORPUS", os.path.join(os.path.dirname(ROOT), "shared", "corpus", "keras_io_keras2"))
FILES = sorted(glob.glob(os.path.join(CORPUS, "*.py"))) + sorted(glob.glob(os.path.join(ROOT, "tests", "parity", "programs", "*.py")))


@pytest.mark.parametrize("mode", ["agnostic", "tensorflow"])
def test_diagnostics_sit_on_code(mode):
    misplaced = []
    for path in FILES:
        source = open(path, encoding="utf-8").read()
        lines = source.splitlines()
        for d in migrate_source(source, path, MigrationOptions(mode=mode)).diagnostics:
            text = lines[d.line - 1].strip() if d.line <= len(lines) else ""
            if not text or text.startswith("#") or (d.line, d.column) == (1, 1) and text.startswith(('"""', "'''")):
                misplaced.append(f"{os.path.basename(path)}:{d.line}:{d.column} [{d.rule_id}] {d.message[:60]}")
    assert not misplaced, "\n".join(misplaced)
