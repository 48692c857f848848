"""Large files are migrated in parts (engine/_parts.py) with the same result as one
tree: on mutated corpus scripts cut at every allowed place (the most reuse of freed
nodes' ids), and on a generated file above the threshold, whose migration must also stay
within a memory bound proportional to its size."""

from __future__ import annotations

import json
import os
import sys

import pytest

from _programs import ROOT, SCRIPTS, mutants
from keras_migrate import migrate_source
from keras_migrate.engine import _parts

MUTANTS = mutants(24)


def _summary(result):
    return (result.code, result.failed, [d.format() for d in result.diagnostics], result.rules_fired,
            result.tensorflow_only, result.runtime_symbols)


@pytest.mark.skipif(not SCRIPTS, reason="keras-io corpus not found")
def test_mutated_scripts_migrate_the_same_in_parts(monkeypatch):
    whole = [_summary(migrate_source(source, name + ".py")) for name, source in MUTANTS]
    monkeypatch.setattr(_parts, "PART_THRESHOLD", 0)
    monkeypatch.setattr(_parts, "PART_SIZE", 1)
    for (name, source), expected in zip(MUTANTS, whole):
        assert _summary(migrate_source(source, name + ".py")) == expected, name


@pytest.mark.skipif(not SCRIPTS, reason="keras-io corpus not found")
def test_a_large_file_stays_within_memory(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "tools", "benchmarks"))
    try:
        import big_file
    finally:
        sys.path.pop(0)
    path = tmp_path / "big.py"
    path.write_text(big_file.generate(1.0), encoding="utf-8")
    row = big_file.measure(str(path), tools=os.path.join(ROOT, "tools"))
    assert row["changed"] and not row["failed"]
    # One tree of the whole file alone took ~290 MB per MB (430 MB per MB migrated).
    grown_mb = (row["peak_rss_kb"] - row["rss_before_kb"]) / 1024
    assert grown_mb < 200, json.dumps(row)
