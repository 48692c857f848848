"""The tf.* -> keras.ops tables, checked numerically against TensorFlow on the JAX,
TensorFlow and PyTorch backends, values and gradients (at ordinary inputs, and at kinks
hit exactly) (CI runs this; each check takes one to two minutes).

The checkers live beside the table unit tests (tests/keras_migrate/spec/check_*.py)
and can be run alone, e.g. `python tests/keras_migrate/spec/check_tf_ops_semantics.py -k one_hot -v`.
They run outside the unit suite because they start one process per backend.
"""

import os
import subprocess
import sys

import pytest

pytest.importorskip("tensorflow")
pytest.importorskip("jax")
pytest.importorskip("torch")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC_TESTS = os.path.join(ROOT, "tests", "keras_migrate", "spec")


@pytest.mark.parametrize("checker", ["check_tf_ops_semantics.py", "check_tf_value_semantics.py"])
def test_table_matches_tensorflow_on_every_backend(checker):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (os.path.join(ROOT, "tools"),
                                                                   os.environ.get("PYTHONPATH")) if p))
    proc = subprocess.run([sys.executable, os.path.join(SPEC_TESTS, checker)], env=env, cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    report = "\n".join(line for line in proc.stdout.decode(errors="replace").splitlines()
                       if line.startswith(("MISMATCH", "NOT MIGRATED", "BAD SAMPLE", " ", "\t")) or "samples" in line)
    assert proc.returncode == 0, report[-6000:]
