"""End to end: the example monorepo, migrated by `bazel run //tools:migrate` in a
throw-away copy of the workspace, then its generated per-backend tests run there.

    python tests/e2e/examples_workspace.py      # prints the timings

The copy holds the working tree's files (what git tracks or would track) with examples/
as committed, so the README's first command having migrated the checkout in place does
not matter. It shares the checkout's .venv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(cmd: List[str], cwd: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-6000:]}")
    return proc


def make_workspace(dest: str) -> None:
    files = _run(["git", "ls-files", "-co", "--exclude-standard", "-z"], ROOT).stdout.split("\0")
    for rel in filter(None, files):
        src = os.path.join(ROOT, rel)
        if rel.startswith("examples/") or not os.path.isfile(src):
            continue
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel))
    # examples/ as committed (Keras 2), whatever state the checkout is in.
    archive = subprocess.run(["git", "archive", "HEAD", "examples"], cwd=ROOT, stdout=subprocess.PIPE, check=True)
    subprocess.run(["tar", "-x", "-C", dest], input=archive.stdout, check=True)
    os.symlink(os.path.realpath(os.path.join(ROOT, ".venv")), os.path.join(dest, ".venv"))


def run(workspace: str) -> Dict[str, object]:
    bazel = os.environ.get("BAZEL", "bazel")
    migrate = [bazel, "run", "//tools:migrate", "--"]
    results: Dict[str, object] = {}

    before = _run(migrate + ["--check", "//examples/..."], workspace, check=False)
    assert before.returncode == 1, f"--check before migrating must exit 1, got {before.returncode}:\n{before.stdout[-3000:]}"

    start = time.monotonic()
    cold = _run(migrate + ["//examples/..."], workspace)
    results["migrate_cold_s"] = round(time.monotonic() - start, 1)
    results["migrate_cold_summary"] = cold.stdout[cold.stdout.find("keras-migrate summary"):].strip()

    start = time.monotonic()
    again = _run(migrate + ["//examples/..."], workspace)
    results["migrate_noop_s"] = round(time.monotonic() - start, 1)
    assert "nothing to do" in again.stdout, again.stdout[-3000:]
    after = _run(migrate + ["--check", "//examples/..."], workspace, check=False)
    assert after.returncode == 0, f"--check after migrating must exit 0:\n{after.stdout[-3000:]}"

    tests = _run([bazel, "query", "tests(//examples/...)"], workspace).stdout.split()
    for base in ("common:layers_test", "vision:classifier_test", "text:sentiment_test",
                 "tabular:ranker_test", "serving:parse_model_test"):
        for backend in ("jax", "tensorflow", "torch"):
            assert f"//examples/{base}_{backend}" in tests, (base, backend, tests)
    results["generated_tests"] = len(tests)

    start = time.monotonic()
    test = _run([bazel, "test", "--test_output=errors", "//examples/..."], workspace, check=False)
    results["bazel_test_s"] = round(time.monotonic() - start, 1)
    results["bazel_test_tail"] = "\n".join(l for l in test.stdout.splitlines() if l.startswith("//examples") or "tests pass" in l or "fail" in l)
    assert test.returncode == 0, test.stdout[-8000:]
    return results


def main() -> int:
    workspace = tempfile.mkdtemp(prefix="keras_migrate_e2e_")
    try:
        make_workspace(workspace)
        results = run(workspace)
        print(json.dumps(results, indent=2))
        return 0
    finally:
        subprocess.run([os.environ.get("BAZEL", "bazel"), "shutdown"], cwd=workspace,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
