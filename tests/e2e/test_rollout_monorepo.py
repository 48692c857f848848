"""Issue 14's end-to-end rollout on a generated 100-package monorepo (several minutes):
prepare, plan, two shards applied, `bazel test //...` green half migrated, status,
the ratchet, the remaining shards, status 100%."""

import os
import shutil
import subprocess

import pytest

import rollout_monorepo  # tests/e2e is on sys.path (rootdir-relative import)

BAZEL = os.environ.get("BAZEL", "bazel")
pytestmark = pytest.mark.skipif(shutil.which(BAZEL) is None, reason="bazel not installed")


def test_rollout_of_a_100_package_monorepo(tmp_path):
    workspace = str(tmp_path / "monorepo")
    os.makedirs(workspace)
    facts = rollout_monorepo.generate(workspace, packages=100)
    try:
        results = rollout_monorepo.run_rollout(workspace, facts)
    finally:
        subprocess.run([BAZEL, "shutdown"], cwd=workspace, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(results)
