"""End to end: the example monorepo, migrated by `bazel run //tools:migrate` in a
throw-away copy of the workspace, then its generated per-backend tests run there.

    python tests/e2e/examples_workspace.py              # prints the timings
    python tests/e2e/examples_workspace.py --external   # as a user's workspace would

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


def make_user_workspace(dest: str) -> None:
    """A workspace of a user's own, with keras_migrate as an external repository, set up
    as README "Pointing it at your own monorepo" says (plus this machine's offline
    stand-ins for Bazel 4). Its BUILD files load keras_migrate's rules by @keras_migrate."""
    archive = subprocess.run(["git", "archive", "HEAD", "examples"], cwd=ROOT, stdout=subprocess.PIPE, check=True)
    subprocess.run(["tar", "-x", "-C", dest], input=archive.stdout, check=True)
    for directory, _dirs, files in os.walk(os.path.join(dest, "examples")):
        if "BUILD" in files:
            path = os.path.join(directory, "BUILD")
            with open(path) as handle:
                text = handle.read()
            with open(path, "w") as handle:
                handle.write(text.replace('load("//rules:', 'load("@keras_migrate//rules:'))
    with open(os.path.join(dest, "WORKSPACE"), "w") as handle:
        handle.write(USER_WORKSPACE.format(root=ROOT))
    shutil.copy2(os.path.join(ROOT, ".bazelrc"), os.path.join(dest, ".bazelrc"))
    open(os.path.join(dest, "BUILD"), "w").close()
    os.symlink(os.path.realpath(os.path.join(ROOT, ".venv")), os.path.join(dest, ".venv"))


USER_WORKSPACE = """workspace(name = "user_monorepo")

local_repository(name = "keras_migrate", path = "{root}")

# This machine is offline: Bazel 4's own dependencies point at local copies.
local_repository(name = "rules_cc", path = "{root}/third_party/rules_cc")
local_repository(name = "rules_python", path = "{root}/third_party/rules_python")
local_repository(name = "remote_coverage_tools", path = "{root}/third_party/remote_coverage_tools")
local_repository(name = "platforms", path = "/usr/share/bazel/tools/platforms")
local_repository(name = "bazel_skylib", path = "/usr/share/bazel/tools/skylib")
local_repository(name = "rules_java", path = "/usr/share/bazel/rules/java")

load("@keras_migrate//third_party/python:python_toolchain.bzl", "keras_migrate_python")

keras_migrate_python(name = "keras_migrate_python")

register_toolchains("@keras_migrate_python//:toolchain")

load("@keras_migrate//third_party/remote:remote_config.bzl", "keras_migrate_remote_config")

keras_migrate_remote_config(name = "keras_migrate_remote")
"""


def run(workspace: str, migrate_target: str = "//tools:migrate", test_filters: str = "") -> Dict[str, object]:
    bazel = os.environ.get("BAZEL", "bazel")
    migrate = [bazel, "run", migrate_target, "--"]
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
    filters = [f"--test_tag_filters={test_filters}"] if test_filters else []
    test = _run([bazel, "test", "--test_output=errors", *filters, "//examples/..."], workspace, check=False)
    results["bazel_test_s"] = round(time.monotonic() - start, 1)
    results["bazel_test_tail"] = "\n".join(l for l in test.stdout.splitlines() if l.startswith("//examples") or "tests pass" in l or "fail" in l)
    assert test.returncode == 0, test.stdout[-8000:]
    return results


PLAIN_SCRIPT = """import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import LocallyConnected1D

inputs = tf.keras.Input((6, 2))
model = tf.keras.Model(inputs, tf.keras.layers.Flatten()(LocallyConnected1D(3, 2)(inputs)))
print("OUT", model(np.ones((1, 6, 2), "float32")).shape)
"""


def run_plain_paths(workspace: str) -> Dict[str, object]:
    """README: `bazel run //tools:migrate -- path/to/dir` on code that needs runtime support
    (a removed layer): the runtime package lands beside it and the script runs."""
    bazel = os.environ.get("BAZEL", "bazel")
    scripts = os.path.join(workspace, "scratch", "plain")
    os.makedirs(scripts)
    with open(os.path.join(scripts, "lc.py"), "w") as handle:
        handle.write(PLAIN_SCRIPT)
    subdir = os.path.join(workspace, "scratch")
    first = _run([bazel, "run", "//tools:migrate", "--", "plain"], subdir)
    assert os.path.isfile(os.path.join(scripts, "keras_migrate_runtime", "__init__.py")), first.stdout[-3000:]
    again = _run([bazel, "run", "//tools:migrate", "--", "--check", "plain"], subdir, check=False)
    assert again.returncode == 0, again.stdout[-3000:]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TF_USE_LEGACY_KERAS")}
    env.update(KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([os.path.join(workspace, ".venv", "bin", "python"), "-E", "lc.py"], cwd=scripts, env=env,
                          text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.returncode == 0 and "OUT (1, 15)" in proc.stdout, proc.stdout[-3000:]
    return {"plain_path_runtime": "copied, script runs on jax"}


def main() -> int:
    external = "--external" in sys.argv
    workspace = tempfile.mkdtemp(prefix="keras_migrate_e2e_")
    try:
        if external:
            make_user_workspace(workspace)
            results = run(workspace, "@keras_migrate//tools:migrate", "tensorflow,-gpu")
        else:
            make_workspace(workspace)
            results = run(workspace)
            results.update(run_plain_paths(workspace))
        print(json.dumps(results, indent=2))
        return 0
    finally:
        subprocess.run([os.environ.get("BAZEL", "bazel"), "shutdown"], cwd=workspace,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(workspace, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
