"""plan without Bazel: units and shards from hand-made driver state, the files written,
and --verify's verdicts with a stub runner."""

import json
import os

from test_rollout_state import KERAS2, KERAS3, LABELS, PLAIN, Repo, _fix  # same folder (rootdir-relative)

from keras_migrate.bazel._driver import DriverOptions, Migration, Selection, plan_writes
from keras_migrate.rollout._owners import Owners
from keras_migrate.rollout._plan import index_json, make_plan, summary_table, units_from, write_plan
from keras_migrate.rollout._state import Rollout, states_from
from keras_migrate.rollout._tests import TestGraph, parse_query_xml
from keras_migrate.rollout._verify import DIVERGENT, NOT_VERIFIED, SAFE, verify_plan


def rollout(repo):
    candidates = [t for t in repo.targets.values() if "no-keras-migrate" not in t.tags]
    skipped = [t for t in repo.targets.values() if "no-keras-migrate" in t.tags]
    plan = plan_writes(str(repo.ws), candidates, repo.targets, repo.reports, LABELS, lambda t: str(repo.out))
    selection = Selection(LABELS, repo.targets, candidates, skipped, [])
    states = states_from(selection, repo.reports, plan)
    return Rollout(DriverOptions(str(repo.ws), ("//...",)), selection, Migration("", repo.reports, []), plan, states)


def monorepo(tmp_path):
    """base (@core) <- util (plain, no Keras) <- vision (@vision); vision's test; text (@core)."""
    repo = Repo(tmp_path)
    repo.add("base", "layers", "py_library", KERAS2, KERAS3, ["keras"], diagnostics=[_fix("base/layers.py", 2)])
    repo.add("util", "helpers", "py_library", PLAIN, PLAIN, ["numpy"], deps=["//base:layers"])
    repo.add("vision", "model", "py_library", KERAS2, KERAS3, ["keras"], deps=["//util:helpers"])
    repo.add("vision", "model_test", "py_test", PLAIN, PLAIN, ["numpy"], deps=["//vision:model"])
    repo.add("text", "rnn", "py_library", KERAS2, KERAS3, ["keras"], tf_only=["tf.py_function in the model"])
    for package, owner in (("base", "@core"), ("vision", "@vision"), ("text", "@core")):
        (repo.ws / package / "OWNERS").write_text(owner + "\n")
    return repo


TESTS_XML = """<?xml version="1.1" encoding="UTF-8" standalone="no"?>
<query version="2">
  <rule class="py_test" location="/ws/vision/BUILD:5:8" name="//vision:model_test">
    <list name="srcs"><label value="//vision:model_test.py"/></list>
    <rule-input name="//vision:model"/><rule-input name="//vision:model_test.py"/>
  </rule>
  <rule class="py_library" location="/ws/vision/BUILD:1:8" name="//vision:model">
    <rule-input name="//util:helpers"/><rule-input name="//vision:model.py"/>
  </rule>
  <rule class="py_library" location="/ws/util/BUILD:1:8" name="//util:helpers">
    <rule-input name="//base:layers"/>
  </rule>
  <rule class="py_library" location="/ws/base/BUILD:1:8" name="//base:layers">
    <rule-input name="//base:layers.py"/>
  </rule>
  <rule class="sh_test" location="/ws/other/BUILD:1:8" name="//other:smoke_test">
    <rule-input name="//base:layers"/>
  </rule>
  <source-file location="/ws/vision/model_test.py:1:1" name="//vision:model_test.py"/>
  <source-file location="/ws/vision/model.py:1:1" name="//vision:model.py"/>
  <source-file location="/ws/base/layers.py:1:1" name="//base:layers.py"/>
</query>
"""


def test_units_depend_through_targets_without_keras(tmp_path):
    r = rollout(monorepo(tmp_path))
    units, touched = units_from(r, Owners(r.options.workspace))
    assert sorted(units) == ["base", "text", "vision"]
    assert units["vision"].deps == {"base"} and units["base"].deps == frozenset()
    assert (units["vision"].owner, units["base"].owner) == ("@vision", "@core")
    assert units["vision"].files == 2  # model.py + BUILD (model_test becomes keras_backend_test)
    assert sorted(touched) == ["//base:layers", "//text:rnn", "//vision:model", "//vision:model_test"]


def test_plan_by_owners_and_its_files(tmp_path):
    r = rollout(monorepo(tmp_path))
    graph = parse_query_xml(TESTS_XML)
    plan = make_plan(r, Owners(r.options.workspace), "owners", 200, graph)
    assert [(sp.shard.id, sp.shard.packages, sp.shard.depends_on) for sp in plan.shards] == [
        ("001-core", ["base", "text"], []), ("002-vision", ["vision"], ["001-core"])]
    core, vision = plan.shards
    assert core.tests == ["//other:smoke_test", "//vision:model_test"]
    assert vision.tests == ["//vision:model_test"]
    assert "+import keras" in core.changes and "base/layers.py" in core.changes and "BUILD" not in core.build
    assert vision.build.startswith("--- a/vision/BUILD") and vision.build in vision.changes
    assert vision.files == ["vision/model.py", "vision/BUILD"]

    out = tmp_path / "plan"
    (out / "notes.txt").parent.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "099-old").mkdir()
    (out / "099-old" / "shard.json").write_text("{}")
    (out / "index.json").write_text(json.dumps({"shards": [{"id": "099-old"}]}))
    write_plan(plan, str(out))
    assert sorted(os.listdir(out)) == ["001-core", "002-vision", "index.json", "notes.txt"]
    index = json.loads((out / "index.json").read_text())
    assert index == index_json(plan)
    assert [s["id"] for s in index["shards"]] == ["001-core", "002-vision"]
    assert index["pending_targets"] == ["//base:layers", "//text:rnn", "//vision:model", "//vision:model_test"]
    shard = json.loads((out / "001-core" / "shard.json").read_text())
    rnn = next(t for t in shard["targets"] if t["label"] == "//text:rnn")
    assert rnn["backends"] == ["tensorflow"] and rnn["tensorflow_only"] == ["tf.py_function in the model"]
    text = (out / "001-core" / "DESCRIPTION.md").read_text()
    assert "base/layers.py:2: [KM123] cannot rewrite" in text and "do it by hand" in text
    assert "TensorFlow only: tf.py_function in the model" in text and "//other:smoke_test" in text
    assert "apply --shard 001-core" in text

    # The same input plans the same shards; by package there is one per package.
    again = make_plan(r, Owners(r.options.workspace), "owners", 200, graph)
    assert index_json(again) == index
    by_package = make_plan(r, Owners(r.options.workspace), "package", 200, graph)
    assert [sp.shard.id for sp in by_package.shards] == ["001-base", "002-text", "003-vision"]
    assert "001-core" in summary_table(plan) and "2 shard(s), 4 pending target(s)" in summary_table(plan)


def test_a_target_writing_in_two_packages_keeps_them_in_one_shard(tmp_path):
    repo = Repo(tmp_path)
    repo.add("a", "lib", "py_library", KERAS2, KERAS3, ["keras"])
    repo.add("b", "other", "py_library", KERAS2, KERAS3, ["keras"])
    # //a:uses also lists b/other.py (a shared source in another package).
    repo.reports["//a:lib"]["files"].append(dict(repo.reports["//b:other"]["files"][0]))
    r = rollout(repo)
    plan = make_plan(r, Owners(r.options.workspace), "package", 200, None)
    assert [sp.shard.packages for sp in plan.shards] == [["a", "b"]]


def test_verify_verdicts_with_a_stub_runner(tmp_path):
    r = rollout(monorepo(tmp_path))
    graph = parse_query_xml(TESTS_XML)
    plan = make_plan(r, Owners(r.options.workspace), "package", 200, graph)
    calls = []

    def identical(test, main, workspace, g, timeout, mode):
        calls.append((test, main, timeout))
        return {"keras2": {"status": "ok"},
                "backends": {"jax": {"verdict": "identical"}, "tensorflow": {"verdict": "identical"},
                             "torch": {"verdict": "unsupported"}}}

    verify_plan(plan, graph, str(tmp_path), timeout=7, runner=identical)
    verdicts = {sp.shard.id: sp.verify["verdict"] for sp in plan.shards}
    assert verdicts == {"001-base": SAFE, "002-text": NOT_VERIFIED, "003-vision": SAFE}
    assert calls == [("//vision:model_test", "vision/model_test.py", 7)]  # once for both shards, sh_test skipped
    assert plan.shards[1].verify["why"] == "no test depends on this shard"
    assert "verify" in summary_table(plan) and index_json(plan)["shards"][0]["verify"]["verdict"] == SAFE

    def differs(test, main, workspace, g, timeout, mode):
        return {"keras2": {"status": "ok"},
                "backends": {"jax": {"verdict": "differs", "difference": {"message": "loss 0.5 vs 0.7"}},
                             "tensorflow": {"verdict": "identical"}}}

    verify_plan(plan, graph, str(tmp_path), runner=differs)
    base = plan.shards[0].verify
    assert base["verdict"] == DIVERGENT and "//vision:model_test" in base["why"] and "jax" in base["why"]
    assert base["tests"][0]["backend"] == "jax"

    def no_reference(test, main, workspace, g, timeout, mode):
        return {"keras2": {"status": "timeout"}, "backends": {}}

    verify_plan(plan, graph, str(tmp_path), runner=no_reference)
    assert plan.shards[0].verify["verdict"] == NOT_VERIFIED and "timeout" in plan.shards[0].verify["why"]


def test_query_graph():
    graph = parse_query_xml(TESTS_XML)
    assert graph.main == {"//vision:model_test": "//vision:model_test.py"}
    assert graph.affected(["//vision:model"]) == ["//vision:model_test"]
    assert graph.closure_sources("//vision:model_test") == ["base/layers.py", "vision/model.py",
                                                            "vision/model_test.py"]
    assert parse_query_xml("").affected(["//x:y"]) == []
    assert isinstance(graph, TestGraph)


def test_apply_refuses_an_unknown_shard_and_a_missing_plan(tmp_path, capsys, monkeypatch):
    from keras_migrate.rollout._plan import main_apply

    r = rollout(monorepo(tmp_path))
    plan = make_plan(r, Owners(r.options.workspace), "owners", 200, None)
    out = tmp_path / "plan"
    write_plan(plan, str(out))
    monkeypatch.setenv("BUILD_WORKSPACE_DIRECTORY", str(tmp_path / "ws"))
    ran = []
    assert main_apply(["--shard", "042-nobody", "--out", str(out)], run_driver=ran.append) == 2
    assert "no shard '042-nobody' in the plan (shards: 001-core, 002-vision)" in capsys.readouterr().err
    assert main_apply(["--shard", "001-core", "--out", str(tmp_path / "none")], run_driver=ran.append) == 2
    assert "cannot read the plan" in capsys.readouterr().err
    assert main_apply(["--shard", "001-core"], run_driver=ran.append) == 2
    assert "give --out DIR" in capsys.readouterr().err
    assert ran == []
