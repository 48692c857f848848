"""`plan` + `apply --shard` on the bundled examples, end to end: applying every shard in
order leaves the workspace byte-identical to migrating everything at once (two
throw-away copies of the workspace; a few minutes)."""

import json
import os
import shutil
import subprocess

import pytest

import examples_workspace  # tests/e2e is on sys.path (rootdir-relative import)

BAZEL = os.environ.get("BAZEL", "bazel")
pytestmark = pytest.mark.skipif(shutil.which(BAZEL) is None, reason="bazel not installed")


def _migrate(workspace, *args, check=True):
    proc = subprocess.run([BAZEL, "run", "//tools:migrate", "--", *args], cwd=workspace, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}:\n{proc.stdout[-6000:]}")
    return proc


def _tree(root):
    """path -> bytes of every file of the workspace (Bazel's output links and caches aside)."""
    out = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".venv", ".pytest_cache") and not d.startswith("bazel-")]
        for name in files:
            if name.startswith("bazel-") or name == ".venv":
                continue
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                out[os.path.relpath(path, root)] = handle.read()
    return out


@pytest.fixture
def workspaces(tmp_path):
    made = []

    def make(name):
        ws = tmp_path / name
        ws.mkdir()
        examples_workspace.make_workspace(str(ws))
        made.append(ws)
        return str(ws)

    yield make
    for ws in made:
        subprocess.run([BAZEL, "shutdown"], cwd=ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_every_shard_in_order_equals_migrating_everything(workspaces, tmp_path):
    sharded, whole = workspaces("sharded"), workspaces("whole")
    out = str(tmp_path / "plan")

    summary = _migrate(sharded, "plan", "--shard-by", "package", "--max-files", "3", "--out", out, "//examples/...")
    with open(os.path.join(out, "index.json")) as handle:
        index = json.load(handle)
    ids = [s["id"] for s in index["shards"]]
    assert ids == ["001-examples-common", "002-examples-serving", "003-examples-tabular", "004-examples-text",
                   "005-examples-vision"], summary.stdout[-3000:]
    vision = index["shards"][-1]
    assert vision["depends_on"] == ["001-examples-common"]
    assert "//examples/vision:classifier_test" in index["shards"][0]["tests"]  # a test elsewhere that uses it
    for sid in ids:
        assert sorted(os.listdir(os.path.join(out, sid))) == ["DESCRIPTION.md", "build.patch", "changes.patch",
                                                              "shard.json"]

    # Order is enforced: vision needs common first.
    refused = _migrate(sharded, "apply", "--shard", ids[-1], "--out", out, check=False)
    assert refused.returncode == 2 and f"apply shard {ids[0]} first" in refused.stdout, refused.stdout[-3000:]
    unknown = _migrate(sharded, "apply", "--shard", "999-nope", "--out", out, check=False)
    assert unknown.returncode == 2 and "no shard '999-nope'" in unknown.stdout

    # Each shard's patch is the driver's --diff for its packages: `git apply --check` takes it.
    for sid in ids:
        proc = subprocess.run(["git", "apply", "--check", os.path.join(out, sid, "changes.patch")], cwd=sharded,
                              text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.returncode == 0, (sid, proc.stdout)

    for sid in ids:
        _migrate(sharded, "apply", "--shard", sid, "--out", out)
    # plan --verify on a tiny shard (serving: one test, TensorFlow only): safe.
    verified = _migrate(whole, "plan", "--verify", "--verify-timeout", "120", "//examples/serving/...")
    assert verified.stdout.rstrip().splitlines()[-2].split()[-1] == "safe", verified.stdout[-3000:]

    _migrate(whole, "//examples/...")
    assert _tree(sharded) == _tree(whole)

    # Nothing left: a new plan has no shard, and rewriting the same folder drops the stale ones.
    again = _migrate(sharded, "plan", "--out", out, "//examples/...")
    with open(os.path.join(out, "index.json")) as handle:
        assert json.load(handle)["shards"] == []
    assert sorted(os.listdir(out)) == ["index.json"], again.stdout[-2000:]
