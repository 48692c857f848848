"""Fuzzing with generated programs (hypothesmith) and mutated real scripts: no exception
escapes, nothing is reported as a migrator bug, the output parses, a second run
changes nothing, and the same input gives the same output (in this process and in
another one with other hash seeds).

Bounded and derandomized (fixed seeds): CI runs exactly these programs.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from _programs import ROOT, SCRIPTS, mutants
from keras_migrate import migrate_source

# Generated programs rarely mention Keras; a Keras 2 header makes the rules run on them.
HEADER = "import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\n"
BUG_IDS = ("KM002", "KM003")  # migrated output does not parse / a rule raised
MUTANTS = mutants(24)

FUZZ = settings(max_examples=30, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def check_invariants(source: str, path: str = "fuzz.py") -> str:
    result = migrate_source(source, path)
    bugs = [d.format() for d in result.diagnostics if d.rule_id in BUG_IDS]
    assert not bugs, bugs
    if result.failed:
        assert result.code == source and not result.changed  # untouched
        return result.code
    if result.changed:
        compile(result.code.lstrip("\ufeff"), path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    assert migrate_source(result.code, path).code == result.code, "a second run changed the output"
    assert migrate_source(source, path).code == result.code, "the same input gave another output"
    return result.code


@FUZZ
@given(hypothesmith.from_grammar())
def test_programs_from_the_grammar(source):
    check_invariants(HEADER + source)


@FUZZ
@given(hypothesmith.from_node())
def test_programs_from_libcst_nodes(source):
    check_invariants(HEADER + source)


@pytest.mark.skipif(not SCRIPTS, reason="keras-io corpus not found")
@pytest.mark.parametrize("name,source", MUTANTS, ids=[name for name, _ in MUTANTS])
def test_mutated_corpus_scripts(name, source):
    check_invariants(source, name + ".py")


def _digests(items) -> dict:
    return {name: hashlib.sha256(migrate_source(source, name + ".py").code.encode()).hexdigest()
            for name, source in items}


@pytest.mark.skipif(not SCRIPTS, reason="keras-io corpus not found")
def test_outputs_do_not_depend_on_the_process():
    """String hashing (set order) and memory layout (id()) differ between processes."""
    code = ("import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
            "from test_fuzz import MUTANTS, _digests\n"
            "print(json.dumps(_digests(MUTANTS[:12])))\n")
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, PYTHONHASHSEED="4242")
    proc = subprocess.run([sys.executable, "-c", code, here, os.path.join(ROOT, "tools")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.splitlines()[-1]) == _digests(MUTANTS[:12])
