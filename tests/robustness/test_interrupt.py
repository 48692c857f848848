"""Interrupting the plain-path CLI at random points (SIGKILL, SIGINT, a killed -j parent):
every file is left original or fully migrated, runtime support is never half there,
`--check` reports what is left and a rerun completes the migration.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from typing import Dict, List

import pytest

from _programs import ROOT, SCRIPTS, SEED

TOOLS = os.path.join(ROOT, "tools")
RUNTIME = "keras_migrate_runtime"
TEMP_PREFIX = ".keras_migrate."

NEEDS_RUNTIME = ("import tensorflow as tf\nfrom tensorflow.keras.layers import LocallyConnected1D\n\n"
                 "layer = LocallyConnected1D(2, 3)\nmodel = tf.keras.Sequential([layer])\n")
CRLF = "from tensorflow import keras\r\nact = keras.layers.LeakyReLU(alpha=0.2)\r\n"

pytestmark = pytest.mark.skipif(len(SCRIPTS) < 8, reason="keras-io corpus not found")


def _cli(*args: str, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=TOOLS)
    return subprocess.Popen([sys.executable, "-m", "keras_migrate", "--no-progress", "-q", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)


def _run(*args: str) -> subprocess.CompletedProcess:
    proc = _cli(*args)
    _, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(args, proc.returncode, "", err)


def _tree(directory: str) -> Dict[str, bytes]:
    out = {}
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                out[os.path.relpath(path, directory)] = handle.read()
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Small real scripts (the smallest of the corpus), one needing runtime support, one
    with CRLF newlines; their fully migrated form; how long a whole run takes."""
    base = tmp_path_factory.mktemp("interrupt")
    original = base / "original"
    original.mkdir()
    for path in sorted(SCRIPTS, key=os.path.getsize)[:8]:
        # Content only: the shared corpus is read-only, and read-only files are never written.
        (original / os.path.basename(path)).write_bytes(open(path, "rb").read())
    (original / "sub").mkdir()
    (original / "sub" / "needs_runtime.py").write_text(NEEDS_RUNTIME)
    (original / "sub" / "crlf.py").write_bytes(CRLF.encode())
    expected = base / "expected"
    shutil.copytree(original, expected)
    start = time.monotonic()
    done = _run(str(expected))
    duration = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    return _tree(str(original)), _tree(str(expected)), duration, base


def _assert_consistent(work: str, original: Dict[str, bytes], expected: Dict[str, bytes], killed: bool) -> bool:
    """Every file original or migrated; runtime files complete; returns whether the run
    had finished everything."""
    now = _tree(work)
    finished = True
    for rel, data in now.items():
        name = os.path.basename(rel)
        if name.startswith(TEMP_PREFIX):
            assert killed, f"temp file {rel} left by a run that could clean up"
            continue
        if rel.startswith(RUNTIME + os.sep) or os.sep + RUNTIME + os.sep in rel:
            assert data == expected[rel], f"runtime file {rel} is not a complete copy"
            continue
        assert data in (original[rel], expected[rel]), f"{rel} is neither original nor fully migrated"
        finished &= data == expected[rel]
    runtime_init = os.path.join("sub", RUNTIME, "__init__.py")
    if now[os.path.join("sub", "needs_runtime.py")] == expected[os.path.join("sub", "needs_runtime.py")]:
        assert runtime_init in now, "a migrated file imports runtime support that is not there"
    finished &= all(rel in now for rel in expected)
    return finished


def _interrupt(proc: subprocess.Popen, delay: float, sig: int) -> None:
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, sig)
    proc.communicate(timeout=120)


CASES = [(signal.SIGKILL, 1)] * 3 + [(signal.SIGINT, 1)] * 2 + [(signal.SIGKILL, 2)]


@pytest.mark.parametrize("trial", range(len(CASES)))
def test_interrupted_run_is_completed_by_a_rerun(inputs, trial):
    original, expected, duration, base = inputs
    sig, jobs = CASES[trial]
    rng = random.Random(SEED + trial)
    work = str(base / f"work{trial}")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base / "original", work)

    proc = _cli("-j", str(jobs), work, start_new_session=True)
    delay = rng.uniform(0.1, duration)
    workers: List[int] = []
    if jobs > 1:
        time.sleep(min(delay, 0.5 * duration))
        workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                                  text=True).stdout.split()]
        delay = max(0.0, delay - 0.5 * duration)
    _interrupt(proc, delay, sig)
    if sig == signal.SIGINT:
        # 130: interrupted (also while starting up); -SIGINT: before Python's handler existed.
        assert proc.returncode in (0, 130, -signal.SIGINT), (proc.returncode, proc.stderr)

    finished = _assert_consistent(work, original, expected, killed=sig == signal.SIGKILL)
    check = _run("--check", work)
    assert check.returncode == (0 if finished else 1), check.stderr
    again = _run(work)
    assert again.returncode == 0, again.stderr
    assert _assert_consistent(work, original, expected, killed=True)
    if trial % 3 == 0:  # one more full run in three: the tree is done
        assert "nothing to do" in _run("--check", work).stderr

    for pid in workers:  # a killed parent's workers must not linger
        for _ in range(50):
            if not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z":
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"worker {pid} outlived its killed parent")
