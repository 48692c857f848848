"""`bazel test` of keras_migrate_test (rules/ratchet.bzl) on targets that regressed."""

import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BAZEL = os.environ.get("BAZEL", "bazel")
PKG = "//tests/rules/ratchet_subjects"

pytestmark = pytest.mark.skipif(shutil.which(BAZEL) is None, reason="bazel not installed")


def _test(*targets):
    proc = subprocess.run([BAZEL, "test", "--test_output=all", *targets], cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc.returncode, proc.stdout


def test_guards_pass_on_migrated_targets():
    code, out = _test(f"{PKG}:holds", f"{PKG}:tf_only_on_tensorflow", f"{PKG}:allowlisted")
    assert code == 0, out


def test_reintroduced_tf_keras_fails_the_ratchet():
    code, out = _test(f"{PKG}:regressed_fails")
    assert code == 3, out  # tests ran and failed
    assert ("FAIL //tests/rules/ratchet_subjects:regressed: tests/rules/ratchet_subjects/regressed.py: "
            "has Keras 2 code again") in out


def test_a_lost_backend_fails_the_ratchet():
    code, out = _test(f"{PKG}:lost_backend_fails")
    assert code == 3, out
    assert "FAIL //tests/rules/ratchet_subjects:tf_only: no longer runs on jax, torch" in out
