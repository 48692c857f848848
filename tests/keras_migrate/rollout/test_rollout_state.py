"""Target states and mixed dependencies from the driver's reports and plan, without Bazel."""

import hashlib

from keras_migrate.bazel._driver import Selection, Target, plan_writes
from keras_migrate.rollout._state import (
    FAILED, MIGRATED, NOT_KERAS, OPTED_OUT, PENDING, counts, mixed_dependencies, states_from,
)

LABELS = {"aspect": "//rules:aspects.bzl", "macro": "//rules:keras_backend_test.bzl",
          "runtime": "//tools:keras_migrate_runtime"}
KERAS2 = b"from tensorflow import keras\nlayer = keras.layers.Dense(1)\n"
KERAS3 = b"import keras\nlayer = keras.layers.Dense(1)\n"
PLAIN = b"import numpy as np\n"


def _fix(path, line):
    return {"path": path, "line": line, "column": 0, "rule_id": "KM123", "severity": "warning",
            "message": "cannot rewrite", "fix": "do it by hand"}


class Repo:
    def __init__(self, tmp_path):
        self.ws, self.out = tmp_path / "ws", tmp_path / "out"
        self.targets, self.reports, self.builds = {}, {}, {}

    def add(self, package, name, kind, raw, migrated, imports, deps=(), tags=(), diagnostics=(), tf_only=(),
            failed=False, report=True):
        label = f"//{package}:{name}"
        path = f"{package}/{name}.py"
        (self.ws / package).mkdir(parents=True, exist_ok=True)
        (self.ws / path).write_bytes(raw)
        (self.out / package).mkdir(parents=True, exist_ok=True)
        (self.out / path).write_bytes(migrated)
        build = self.builds.setdefault(package, [])
        build.append(f'{kind}(\n    name = "{name}",\n    srcs = ["{name}.py"],\n'
                     + (f'    deps = {list(deps)!r},\n'.replace("'", '"') if deps else "")
                     + (f'    tags = {list(tags)!r},\n'.replace("'", '"') if tags else "") + ")\n")
        (self.ws / package / "BUILD").write_text("\n".join(self.builds[package]))
        self.targets[label] = Target(label, kind, str(self.ws / package / "BUILD"), list(tags), list(deps), kind)
        if report:
            files = [{"path": path, "changed": raw != migrated, "failed": failed, "rules_fired": {},
                      "diagnostics": list(diagnostics), "tensorflow_only": list(tf_only), "runtime_symbols": [],
                      "imports": list(imports), "sha256": hashlib.sha256(raw).hexdigest()}]
            self.reports[label] = {"label": label, "changed": raw != migrated, "failed": failed,
                                   "backends": ["tensorflow"] if tf_only else ["jax", "tensorflow", "torch"],
                                   "tensorflow_only": list(tf_only), "runtime_symbols": [], "files": files}

    def states(self):
        candidates = [t for t in self.targets.values() if "no-keras-migrate" not in t.tags]
        skipped = [t for t in self.targets.values() if "no-keras-migrate" in t.tags]
        plan = plan_writes(str(self.ws), candidates, self.targets, self.reports, LABELS, lambda t: str(self.out))
        return states_from(Selection(LABELS, self.targets, candidates, skipped, []), self.reports, plan)


def test_each_state(tmp_path):
    repo = Repo(tmp_path)
    repo.add("a", "old", "py_library", KERAS2, KERAS3, ["keras"], diagnostics=[_fix("a/old.py", 2)])
    repo.add("a", "new", "py_library", KERAS3, KERAS3, ["keras"])
    repo.add("a", "plain", "py_library", PLAIN, PLAIN, ["numpy"])
    repo.add("a", "skip", "py_library", KERAS2, KERAS2, ["tensorflow"], tags=["no-keras-migrate"], report=False)
    repo.add("a", "broken", "py_library", KERAS2, KERAS2, ["tensorflow"], failed=True)
    repo.add("a", "gone", "py_library", KERAS2, KERAS2, ["tensorflow"], report=False)
    repo.add("b", "tf", "py_library", KERAS3, KERAS3, ["keras"], tf_only=["uses tf.data in the model"])
    states = repo.states()
    assert {label: s.state for label, s in states.items()} == {
        "//a:old": PENDING, "//a:new": MIGRATED, "//a:plain": NOT_KERAS, "//a:skip": OPTED_OUT,
        "//a:broken": FAILED, "//a:gone": FAILED, "//b:tf": MIGRATED}
    assert states["//a:old"].manual_fixes[0].line == 2 and states["//a:old"].changed_files == ("a/old.py",)
    assert states["//b:tf"].backends == ("tensorflow",)
    assert states["//b:tf"].tensorflow_only == ("uses tf.data in the model",)
    c = counts(states.values())
    assert (c["keras_targets"], c["migrated"], c["pending"], c["failed"], c["tensorflow_only"]) == (5, 2, 1, 2, 1)
    assert (c["opted_out"], c["not_keras"], c["manual_fixes"], c["percent"]) == (1, 1, 1, 40.0)


def test_a_test_whose_build_edit_is_left_is_pending(tmp_path):
    repo = Repo(tmp_path)
    repo.add("a", "lib", "py_library", KERAS3, KERAS3, ["keras"])
    repo.add("a", "lib_test", "py_test", PLAIN, PLAIN, ["a"], deps=["//a:lib"])
    states = repo.states()
    assert states["//a:lib"].state == MIGRATED
    assert states["//a:lib_test"].state == PENDING  # still a plain py_test: keras_backend_test to come


def test_mixed_dependencies_look_through_non_keras_targets(tmp_path):
    repo = Repo(tmp_path)
    repo.add("old", "lib", "py_library", KERAS2, KERAS3, ["keras"])
    repo.add("util", "helpers", "py_library", PLAIN, PLAIN, ["numpy"], deps=["//old:lib"])
    repo.add("new", "model", "py_library", KERAS3, KERAS3, ["keras"], deps=["//util:helpers"])
    repo.add("legacy", "app", "py_library", KERAS2, KERAS3, ["keras"], deps=["//new:model"])
    mixed = mixed_dependencies(repo.states())
    assert [(m.severity, m.source, m.target) for m in mixed] == [
        ("warning", "//legacy:app", "//new:model"), ("error", "//new:model", "//old:lib")]
    assert "//old:lib" in mixed[1].fix


def test_no_keras_anywhere_is_100_percent(tmp_path):
    repo = Repo(tmp_path)
    repo.add("a", "plain", "py_library", PLAIN, PLAIN, ["numpy"])
    assert counts(repo.states().values())["percent"] == 100.0


def test_a_target_kept_on_tensorflow_by_a_dependency_carries_its_reason(tmp_path):
    repo = Repo(tmp_path)
    repo.add("a", "tokens", "py_library", KERAS3, KERAS3, ["keras"], tf_only=["string tensors in model code"])
    repo.add("a", "app", "py_library", KERAS3, KERAS3, ["keras"], deps=["//a:tokens"])
    states = repo.states()
    assert states["//a:app"].backends == ("tensorflow",)
    assert states["//a:app"].tensorflow_only == ("string tensors in model code",)
