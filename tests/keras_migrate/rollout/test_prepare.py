"""`prepare`: the BUILD edits marking pending Keras targets keras2, without Bazel (the end
to end run is tests/e2e/test_prepare_bazel.py)."""

from keras_migrate.bazel._driver import Selection, Target, apply_plan, plan_writes
from keras_migrate.rollout._prepare import plan_prepare
from keras_migrate.rollout._state import states_from

from test_rollout_state import KERAS2, KERAS3, PLAIN, Repo

LABELS = {"aspect": "//rules:aspects.bzl", "macro": "//rules:keras_backend_test.bzl",
          "keras2_macro": "//rules:keras2_test.bzl", "runtime": "//tools:keras_migrate_runtime"}


def _prepare(repo):
    candidates = [t for t in repo.targets.values() if "no-keras-migrate" not in t.tags]
    skipped = [t for t in repo.targets.values() if "no-keras-migrate" in t.tags]
    selection = Selection(LABELS, repo.targets, candidates, skipped, [])
    plan = plan_writes(str(repo.ws), candidates, repo.targets, repo.reports, LABELS, lambda t: str(repo.out))
    return plan_prepare(str(repo.ws), selection, states_from(selection, repo.reports, plan))


def _reread(repo):
    """The targets as a query would see them after the BUILD edits."""
    for label, target in list(repo.targets.items()):
        text = (repo.ws / target.package / "BUILD").read_text()
        call = text[text.index(f'name = "{target.name}"') - 40:]
        kind = "keras2_test" if f'keras2_test(\n    name = "{target.name}"' in text else target.declared_as
        tags = list(target.tags)
        block = call[:call.index(")\n")]
        if '"keras2"' in block or kind == "keras2_test":
            tags = sorted(set(tags) | {"keras2"})
        repo.targets[label] = Target(label, target.kind, target.build_file, tags, target.deps, kind)


def test_pending_targets_are_marked(tmp_path):
    repo = Repo(tmp_path)
    repo.add("a", "old", "py_library", KERAS2, KERAS3, ["keras"])
    repo.add("a", "old_test", "py_test", PLAIN, PLAIN, ["a"], deps=["//a:old"])
    repo.add("a", "new", "py_library", KERAS3, KERAS3, ["keras"])
    repo.add("a", "plain", "py_library", PLAIN, PLAIN, ["numpy"])
    repo.add("a", "tool", "py_binary", KERAS2, KERAS3, ["keras"], deps=["//a:old"])
    prepared = _prepare(repo)
    assert prepared.tagged == ["//a:old", "//a:tool"]
    assert prepared.keras2_tests == ["//a:old_test"]
    assert apply_plan(prepared.plan)[1:] == (1, [])
    build = (repo.ws / "a" / "BUILD").read_text()
    assert build.startswith('load("//rules:keras2_test.bzl", "keras2_test")\n')
    assert 'py_library(\n    name = "old",\n    srcs = ["old.py"],\n    tags = ["keras2"],\n)' in build
    assert 'keras2_test(\n    name = "old_test",' in build
    assert 'name = "new",\n    srcs = ["new.py"],\n)' in build  # migrated: untouched
    assert 'name = "plain",\n    srcs = ["plain.py"],\n)' in build  # no Keras: untouched
    # Idempotent: the second run (on what a query now sees) changes nothing.
    _reread(repo)
    again = _prepare(repo)
    assert (again.tagged, again.keras2_tests, again.plan.diffs) == ([], [], [])


def test_keras3_test_on_pending_code_is_reported(tmp_path):
    repo = Repo(tmp_path)
    repo.add("a", "old", "py_library", KERAS2, KERAS3, ["keras"])
    repo.add("b", "helper", "py_library", PLAIN, PLAIN, ["numpy"], deps=["//a:old"])
    repo.add("b", "t_jax", "py_test", KERAS3, KERAS3, ["keras"], deps=["//b:helper"])
    repo.add("b", "t_torch", "py_test", KERAS3, KERAS3, ["keras"], deps=["//b:helper"])
    for name in ("t_jax", "t_torch"):
        t = repo.targets[f"//b:{name}"]
        repo.targets[t.label] = Target(t.label, "py_test", t.build_file, [], t.deps, "keras_backend_test")
    prepared = _prepare(repo)
    assert prepared.broken_tests == [  # once per keras_backend_test call, not per variant
        "//b:t is a Keras 3 test (keras_backend_test) but depends on //a:old, still Keras 2 code: once //a:old "
        "is tagged keras2, it fails analysis; migrate //a:old first (bazel run //tools:migrate -- //a:old), or "
        "make //b:t a keras2_test"]


def test_failed_and_macro_targets_are_reported_not_edited(tmp_path):
    repo = Repo(tmp_path)
    repo.add("a", "broken", "py_library", KERAS2, KERAS2, ["tensorflow"], failed=True)
    repo.add("a", "made", "py_library", KERAS2, KERAS3, ["keras"])
    t = repo.targets["//a:made"]
    repo.targets["//a:made"] = Target(t.label, "py_library", t.build_file, [], [], "my_macro")
    prepared = _prepare(repo)
    assert prepared.failed == ["//a:broken"]
    assert prepared.not_editable == [
        '//a:made: declared by my_macro(), not edited: add tags = ["keras2"] to the targets it makes']
    assert not prepared.plan.diffs
