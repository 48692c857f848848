"""A generated monorepo for the rollout end-to-end test and its timings (README "Rolling
out across a monorepo"): N packages of Keras 2 code owned by teams (OWNERS files),
with cross-package and cross-team dependencies, one package-level cycle, a library
without Keras, one kept on TensorFlow, one opted out, and tests in every tenth package.
keras_migrate is an external repository (@keras_migrate), as in a user's workspace.

    python tests/e2e/rollout_monorepo.py DEST [--packages 100]   # writes the workspace
    python tests/e2e/rollout_monorepo.py DEST --run               # and runs the rollout, timed

The rollout (run_rollout, also tests/e2e/test_rollout_monorepo.py): prepare -> plan ->
apply two shards -> `bazel test //...` green (migrated tests on their backends, the
others on Keras 2) -> status shows the progress -> a reintroduced tf.keras import fails
the ratchet -> the remaining shards applied -> status 100%.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from typing import Dict, List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from examples_workspace import ROOT, USER_WORKSPACE  # noqa: E402

TEAMS = 5
ROOT_OWNER = "platform@example.com"
LOAD = 'load("@keras_migrate//rules:python.bzl", "py_library", "py_test")\n\npackage(default_visibility = ["//visibility:public"])\n'

LIB = '''"""Package {pkg}: a small Keras 2 model (generated)."""
import tensorflow as tf
from tensorflow import keras
{imports}
UNITS = {units}{dep_units}


def build_model():
    inputs = keras.Input(shape=(8,))
    x = keras.layers.Dense(UNITS, activation="relu", kernel_initializer="ones")(inputs)
    x = tf.keras.layers.LeakyReLU(alpha=0.2)(x)
    outputs = keras.layers.Dense(1, kernel_initializer="ones")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return model
'''

BASE = '''"""Package {pkg}: a layer other packages build on (generated)."""
from tensorflow import keras

UNITS = 3


def block(units):
    return keras.layers.Dense(units, activation="tanh")
'''

UTIL = '''"""Package {pkg}: no Keras here (generated)."""
import numpy as np


def batch(n):
    return np.zeros((n, 8), "float32")
'''

TF_ONLY = '''"""Package {pkg}: a text layer only TensorFlow can run (generated)."""
import tensorflow as tf
from tensorflow import keras


class Tokens(keras.layers.Layer):
    def call(self, text):
        return tf.strings.split(tf.strings.lower(text))
'''

TEST = '''import unittest

import numpy as np

from {module} import lib


class LibTest(unittest.TestCase):
    def test_predicts(self):
        model = lib.build_model()
        out = model.predict(np.ones((2, 8), "float32"), verbose=0)
        self.assertEqual(out.shape, (2, 1))
        self.assertTrue(np.all(out > 0))


if __name__ == "__main__":
    unittest.main()
'''


def package_path(index: int, packages: int) -> str:
    team = index * TEAMS // packages
    return f"monorepo/team{team}/p{index:03d}"


def _deps(index: int, rng: random.Random) -> List[int]:
    if index < 2:
        return []
    picks = {index - 1}
    if index > 4 and rng.random() < 0.6:
        picks.add(rng.randrange(0, index - 1))
    return sorted(picks)


def _target(kind: str, name: str, srcs: List[str], deps: List[str], extra: str = "") -> str:
    lines = [f"{kind}(", f'    name = "{name}",', f"    srcs = {srcs!r},".replace("'", '"')]
    if deps:
        lines.append("    deps = [" + ", ".join(f'"{d}"' for d in deps) + "],")
    if extra:
        lines.append(extra)
    lines.append(")")
    return "\n".join(lines) + "\n"


def generate(dest: str, packages: int = 100, seed: int = 0) -> Dict[str, object]:
    """Writes the workspace; returns facts the test checks against."""
    rng = random.Random(seed)
    files: Dict[str, str] = {
        "WORKSPACE": USER_WORKSPACE.format(root=ROOT).replace('name = "user_monorepo"', 'name = "monorepo_ws"'),
        "BUILD": "",
        ".bazelignore": ".venv\n",
        "monorepo/OWNERS": f"{ROOT_OWNER}\n",
    }
    with open(os.path.join(ROOT, ".bazelrc")) as handle:
        files[".bazelrc"] = handle.read()
    for team in range(TEAMS):
        files[f"monorepo/team{team}/OWNERS"] = f"# team {team}\nteam{team}@example.com\n"
    tests, cycle = [], (10, 11)
    for index in range(packages):
        path = package_path(index, packages)
        module = path.replace("/", ".")
        deps = _deps(index, rng)
        if index == cycle[1]:
            deps = sorted(set(deps) - {cycle[0]})
        imports = "".join(f"from {package_path(d, packages).replace('/', '.')} import lib as dep_{d}\n"
                          for d in deps)
        dep_units = "".join(f" + dep_{d}.UNITS % 3" for d in deps)
        dep_labels = [f"//{package_path(d, packages)}:lib" for d in deps]
        build = [LOAD]
        if index == cycle[0]:
            # p010:lib -> p011:lib -> p010:base: the two packages depend on each other.
            files[f"{path}/base.py"] = BASE.format(pkg=path)
            build.append(_target("py_library", "base", ["base.py"], []))
            other = package_path(cycle[1], packages)
            imports += f"from {other.replace('/', '.')} import lib as dep_cycle\n"
            dep_labels.append(f"//{other}:lib")
        if index == cycle[1]:
            base = package_path(cycle[0], packages)
            imports += f"from {base.replace('/', '.')} import base\n"
            dep_labels.append(f"//{base}:base")
        files[f"{path}/lib.py"] = LIB.format(pkg=path, imports=imports, units=4 + index % 5, dep_units=dep_units)
        build.append(_target("py_library", "lib", ["lib.py"], dep_labels))
        if index == 1:
            files[f"{path}/util.py"] = UTIL.format(pkg=path)
            build.append(_target("py_library", "util", ["util.py"], []))
        if index == 2:
            files[f"{path}/tokens.py"] = TF_ONLY.format(pkg=path)
            build.append(_target("py_library", "tokens", ["tokens.py"], []))
        if index == 3:
            files[f"{path}/frozen.py"] = BASE.format(pkg=path)
            build.append(_target("py_library", "frozen", ["frozen.py"], [],
                                 '    tags = ["no-keras-migrate"],'))
        if index == 45 and packages > 45:
            files[f"{path}/OWNERS"] = "set noparent\nml-infra@example.com\n"
        if index % 10 == 5:
            files[f"{path}/lib_test.py"] = TEST.format(module=module)
            build.append(_target("py_test", "lib_test", ["lib_test.py"], [":lib"], '    size = "small",'))
            tests.append(f"//{path}:lib_test")
        files[f"{path}/BUILD"] = "\n".join(build)
    for rel, text in files.items():
        full = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as handle:
            handle.write(text)
    venv = os.path.join(dest, ".venv")
    if not os.path.lexists(venv):
        os.symlink(os.path.realpath(os.path.join(ROOT, ".venv")), venv)
    return {"packages": packages, "tests": tests, "tf_only": f"//{package_path(2, packages)}:tokens",
            "opted_out": f"//{package_path(3, packages)}:frozen", "not_keras": f"//{package_path(1, packages)}:util",
            "cycle": [package_path(c, packages) for c in cycle]}


MIGRATE = "@keras_migrate//tools:migrate"
RATCHET = """
load("@keras_migrate//rules:ratchet.bzl", "keras_migrate_test")

keras_migrate_test(
    name = "keras3_ratchet",
    targets = [":lib"],
)
"""


def _bazel(workspace: str, *args: str, expect: int = 0) -> str:
    proc = subprocess.run([os.environ.get("BAZEL", "bazel"), *args], cwd=workspace, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != expect:
        raise AssertionError(f"bazel {' '.join(args)} exited {proc.returncode} (expected {expect}):\n"
                             f"{proc.stdout[-8000:]}")
    return proc.stdout


def _migrate(workspace: str, *args: str, expect: int = 0) -> str:
    return _bazel(workspace, "run", MIGRATE, "--", *args, expect=expect)


def _status(workspace: str) -> dict:
    out = _migrate(workspace, "status", "--format", "json", "//...")
    return json.loads(out[out.index("{"):out.rindex("}") + 1])


def _timed(results: Dict[str, object], key: str, fn, *args, **kwargs):
    start = time.monotonic()
    value = fn(*args, **kwargs)
    results[key] = round(time.monotonic() - start, 1)
    return value


def run_rollout(workspace: str, facts: Dict[str, object]) -> Dict[str, object]:
    results: Dict[str, object] = {}
    # Before anything: pending Keras targets get the keras2 marker, their tests keras2_test.
    _timed(results, "prepare_s", _migrate, workspace, "prepare", "//...")
    first_test = str(facts["tests"][0])
    package = first_test[2:].split(":")[0]
    with open(os.path.join(workspace, package, "BUILD")) as handle:
        assert "keras2_test(" in handle.read()
    _migrate(workspace, "prepare", "--check", "//...")  # a second prepare has nothing to do

    _timed(results, "plan_s", _migrate, workspace, "plan", "--out", "rollout_plan", "//...")
    with open(os.path.join(workspace, "rollout_plan", "index.json")) as handle:
        index = json.load(handle)
    shards = [s["id"] for s in index["shards"]]
    results["shards"] = len(shards)
    assert len(shards) >= 4, shards
    planned = {p for s in index["shards"] for p in s["packages"]}
    assert set(facts["cycle"]) <= planned
    cycle_shards = {s["id"] for s in index["shards"] for p in s["packages"] if p in facts["cycle"]}
    assert len(cycle_shards) == 1, cycle_shards  # a dependency cycle is never split

    for shard in shards[:2]:
        _timed(results, f"apply_{shard}_s", _migrate, workspace, "apply", "--shard", shard, "--out", "rollout_plan")
    status = _timed(results, "status_s", _status, workspace)
    results["percent_after_two_shards"] = status["totals"]["percent"]
    assert 0 < status["totals"]["percent"] < 100, status["totals"]
    assert not [m for m in status["mixed"] if m["severity"] == "error"], status["mixed"]

    # Half migrated, green: migrated tests on every backend, the others under Keras 2.
    test_out = _timed(results, "bazel_test_half_s", _bazel, workspace, "test", "//...")
    results["tests_half"] = [l for l in test_out.splitlines() if "PASSED" in l or "tests pass" in l][-1:]

    # The ratchet guards a migrated package; a reintroduced tf.keras import fails it.
    migrated = next(t for t in facts["tests"]
                    if any(t[2:].split(":")[0] in s["packages"] for s in index["shards"][:2]))
    migrated_pkg = migrated[2:].split(":")[0]
    with open(os.path.join(workspace, migrated_pkg, "BUILD"), "a") as handle:
        handle.write(RATCHET)
    _bazel(workspace, "test", f"//{migrated_pkg}:keras3_ratchet")
    lib = os.path.join(workspace, migrated_pkg, "lib.py")
    with open(lib) as handle:
        good = handle.read()
    with open(lib, "w") as handle:
        handle.write(good + "\nfrom tensorflow import keras as legacy_keras\n")
    failed = _bazel(workspace, "test", "--test_output=errors", f"//{migrated_pkg}:keras3_ratchet", expect=3)
    assert "has Keras 2 code again" in failed, failed[-3000:]
    with open(lib, "w") as handle:
        handle.write(good)

    for shard in shards[2:]:
        _migrate(workspace, "apply", "--shard", shard, "--out", "rollout_plan")
    status = _timed(results, "status_final_s", _status, workspace)
    results["final_totals"] = status["totals"]
    assert status["totals"]["percent"] == 100.0 and status["totals"]["pending"] == 0, status["totals"]
    _migrate(workspace, "--check", "//...")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest")
    parser.add_argument("--packages", type=int, default=100)
    parser.add_argument("--run", action="store_true", help="run the rollout and print its timings")
    args = parser.parse_args()
    os.makedirs(args.dest, exist_ok=True)
    facts = generate(args.dest, args.packages)
    if args.run:
        facts.update(run_rollout(args.dest, facts))
    print(json.dumps(facts, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
