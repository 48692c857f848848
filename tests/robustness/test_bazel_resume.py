"""Bazel mode, interrupted: a plain-path run on two files first, then a Bazel-mode run
killed (SIGKILL) after its second write. Every file is original or fully migrated;
`--check` reports what is left; a rerun completes it, BUILD edits included (tests of
already-migrated code become per-backend tests, runtime deps are added).

One throw-away workspace, one Bazel server (about two minutes on two cores).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from typing import Dict

import pytest

from _programs import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import examples_workspace  # noqa: E402

BAZEL = os.environ.get("BAZEL", "bazel")
pytestmark = pytest.mark.skipif(shutil.which(BAZEL) is None, reason="bazel not installed")

# The driver run directly (what `bazel run //tools:migrate` runs), its writes counted:
# the process kills itself just before write number KILL_AT.
KILLED_RUN = """
import os, signal, sys
from keras_migrate.bazel import _driver
from keras_migrate.cli import main
real, count = _driver.write_bytes_atomic, [0]
def write(*args, **kwargs):
    count[0] += 1
    if count[0] == int(os.environ["KILL_AT"]):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
_driver.write_bytes_atomic = write
sys.exit(main(sys.argv[1:]))
"""


def _migrate(workspace: str, *args: str, kill_at: int = 0) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.path.join(workspace, "tools"), BUILD_WORKSPACE_DIRECTORY=workspace,
               KILL_AT=str(kill_at))
    env.pop("BUILD_WORKING_DIRECTORY", None)
    return subprocess.run([sys.executable, "-c", KILLED_RUN, *args], cwd=workspace, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)


def _examples(workspace: str) -> Dict[str, bytes]:
    out = {}
    for root, _dirs, files in os.walk(os.path.join(workspace, "examples")):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                out[os.path.relpath(os.path.join(root, name), workspace)] = handle.read()
    return out


def test_interrupted_bazel_migration_is_completed_by_a_rerun(tmp_path):
    workspace = str(tmp_path / "ws")
    os.mkdir(workspace)
    examples_workspace.make_workspace(workspace)
    try:
        original = _examples(workspace)
        plain = _migrate(workspace, "--runtime", "none", "examples/vision/classifier.py", "examples/common/layers.py")
        assert plain.returncode == 0, plain.stdout[-3000:]
        after_plain = _examples(workspace)

        killed = _migrate(workspace, "//examples/...", kill_at=3)
        assert killed.returncode == -signal.SIGKILL, killed.stdout[-3000:]
        after_kill = _examples(workspace)

        check = _migrate(workspace, "--check", "//examples/...")
        assert check.returncode == 1, check.stdout[-3000:]
        rerun = _migrate(workspace, "//examples/...")
        assert rerun.returncode == 0, rerun.stdout[-3000:]
        final = _examples(workspace)
        for rel, data in after_kill.items():
            assert data in (original[rel], after_plain[rel], final[rel]), f"{rel} is half-migrated"

        done = _migrate(workspace, "--check", "//examples/...")
        assert done.returncode == 0 and "nothing to do" in done.stdout, done.stdout[-3000:]
        vision = final[os.path.join("examples", "vision", "BUILD")].decode()
        assert "keras_backend_test(" in vision and "TF_USE_LEGACY_KERAS" not in vision
        assert b"//tools:keras_migrate_runtime" in final[os.path.join("examples", "tabular", "BUILD")]
    finally:
        subprocess.run([BAZEL, "shutdown"], cwd=workspace, capture_output=True)
