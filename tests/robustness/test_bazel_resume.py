"""Bazel mode, interrupted: a plain-path run on two files first, then a Bazel-mode run
killed (SIGKILL) after its second write. Every file is original or fully migrated;
`--check` reports what is left; a rerun completes it, BUILD edits included (tests of
already-migrated code become per-backend tests, runtime deps are added).

The workspace also holds what used to abort or corrupt a run: a BUILD file with a syntax
error (excluded with -//pkg/...), a BUILD file with a Latin-1 comment, a Latin-1 source
without an encoding declaration, a CRLF source, and a package directory that is a
symlink to outside the workspace.

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


LINKED_BUILD = """load("//rules:python.bzl", "py_library")

py_library(
    name = "linked",
    srcs = ["linked.py"],
)
"""
PATTERNS = ("//examples/...", "-//examples/broken/...", "-//examples/linked/...")


def _add_hazards(workspace: str, outside: str) -> None:
    ex = os.path.join(workspace, "examples")
    os.makedirs(os.path.join(ex, "broken"))
    with open(os.path.join(ex, "broken", "BUILD"), "w") as handle:
        handle.write('py_library(name = "b", srcs = ["b.py"]\n')  # unclosed call
    with open(os.path.join(ex, "vision", "BUILD"), "ab") as handle:
        handle.write(b"# r\xe9seau de neurones (Latin-1)\n")
    with open(os.path.join(ex, "text", "latin.py"), "wb") as handle:
        handle.write(b"LABEL = 'caf\xe9'\n")
    build = os.path.join(ex, "text", "BUILD")
    with open(build) as handle:
        text = handle.read()
    with open(build, "w") as handle:
        handle.write(text.replace('srcs = ["sentiment.py"]', 'srcs = ["sentiment.py", "latin.py"]', 1))
    test = os.path.join(ex, "common", "layers_test.py")
    with open(test, "rb") as handle:
        data = handle.read()
    with open(test, "wb") as handle:
        handle.write(data.replace(b"\n", b"\r\n"))
    os.makedirs(outside)
    with open(os.path.join(outside, "BUILD"), "w") as handle:
        handle.write(LINKED_BUILD)
    with open(os.path.join(outside, "linked.py"), "w") as handle:
        handle.write("import tensorflow as tf\nlayer = tf.keras.layers.Dense(2)\n")
    os.symlink(outside, os.path.join(ex, "linked"))


def test_interrupted_bazel_migration_is_completed_by_a_rerun(tmp_path):
    workspace, outside = str(tmp_path / "ws"), str(tmp_path / "outside")
    os.mkdir(workspace)
    examples_workspace.make_workspace(workspace)
    _add_hazards(workspace, outside)
    try:
        original = _examples(workspace)
        plain = _migrate(workspace, "--runtime", "none", "examples/vision/classifier.py", "examples/common/layers.py")
        assert plain.returncode == 0, plain.stdout[-3000:]
        after_plain = _examples(workspace)

        killed = _migrate(workspace, *PATTERNS, kill_at=3)
        assert killed.returncode == -signal.SIGKILL, killed.stdout[-3000:]
        after_kill = _examples(workspace)

        check = _migrate(workspace, "--check", *PATTERNS)
        assert check.returncode == 1, check.stdout[-3000:]
        rerun = _migrate(workspace, *PATTERNS)
        assert rerun.returncode == 0, rerun.stdout[-3000:]
        final = _examples(workspace)
        for rel, data in after_kill.items():
            assert data in (original[rel], after_plain[rel], final[rel]), f"{rel} is half-migrated"

        done = _migrate(workspace, "--check", *PATTERNS)
        assert done.returncode == 0 and "nothing to do" in done.stdout, done.stdout[-3000:]
        vision = final[os.path.join("examples", "vision", "BUILD")]
        assert b"keras_backend_test(" in vision and b"TF_USE_LEGACY_KERAS" not in vision
        assert vision.endswith(b"# r\xe9seau de neurones (Latin-1)\n")
        assert b"//tools:keras_migrate_runtime" in final[os.path.join("examples", "tabular", "BUILD")]
        assert final[os.path.join("examples", "text", "latin.py")] == b"LABEL = 'caf\xe9'\n"
        test = final[os.path.join("examples", "common", "layers_test.py")]
        assert test != original[os.path.join("examples", "common", "layers_test.py")]
        assert b"\r\n" in test and b"\n" not in test.replace(b"\r\n", b"")

        linked = _migrate(workspace, "//examples/linked/...")
        assert linked.returncode == 2 and "outside the workspace" in linked.stdout, linked.stdout[-3000:]
        with open(os.path.join(outside, "linked.py")) as handle:
            assert handle.read().startswith("import tensorflow as tf\nlayer = tf.keras")
    finally:
        subprocess.run([BAZEL, "shutdown"], cwd=workspace, capture_output=True)
