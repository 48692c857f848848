"""`keras-migrate status` (rollout/_status.py) on hand-written states: text, JSON, --html and
the history file, errors. The states come from dashboard_samples (the status JSON's shape)."""

import io
import json
import os

import pytest

from dashboard_samples import HOSTILE, empty_status, hostile_status, sample_history, sample_status
from keras_migrate.cli import _main as cli
from keras_migrate.rollout import _status

DEC_3 = str(1796256000)  # 2026-12-03T00:00:00Z
DEC_4 = str(1796256000 + 86400)


def run(argv, status=None, collect=None):
    out, err = io.StringIO(), io.StringIO()
    seen = []

    def fake_collect(patterns):
        seen.append(list(patterns))
        return sample_status() if status is None else status

    code = _status.main(argv, collect=collect or fake_collect, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue(), seen


@pytest.fixture(autouse=True)
def workspace(tmp_path, monkeypatch):
    """A workspace as `bazel run` presents it, with a fixed today."""
    monkeypatch.setenv("BUILD_WORKSPACE_DIRECTORY", str(tmp_path))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DEC_3)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_text_report():
    code, out, err, seen = run(["//..."])
    assert code == 0 and err == "" and seen == [["//..."]]
    lines = out.splitlines()
    assert lines[0] == ("Keras 3 migration of //...: 42.9% migrated (3 migrated, 3 pending, 1 failed of 7 Keras "
                        "targets; 1 TensorFlow-only, 1 opted out, 2 without Keras; 2 manual fixes left)")
    assert lines[2].split() == ["package", "owners", "%", "keras", "migrated", "pending", "failed", "tf-only",
                                "opted-out", "manual-fixes", "backends"]
    assert lines[3].split() == ["//vision/models", "@team-a", "50.0", "2", "1", "1", "0", "1", "0", "1",
                                "tensorflow"]
    assert lines[5].split() == ["//nlp", "@team-b", "0.0", "3", "0", "2", "1", "0", "1", "1",
                                "jax,tensorflow,torch"]
    assert lines[8].split() == ["@team-a", "75.0", "4", "3", "1", "0", "1", "0", "1"]
    assert lines[9].split() == ["@team-b", "0.0", "3", "0", "2", "1", "0", "1", "1"]
    tail = "\n".join(lines[10:])
    assert tail == """
TensorFlow-only targets:
  //vision/models:ops (migrated): uses tf.raw_ops (KM050)

Manual fixes left:
  vision/models/resnet.py:3: [KM123] tf.py_function has no Keras 3 equivalent
      fix: rewrite with keras.ops
  nlp/bert.py:12: [KM031] Lambda without output_shape
      fix: pass output_shape=

Mixed Keras 2 / Keras 3 dependencies:
  warning: //nlp:bert -> //vision/data:augment: Keras 2 target //nlp:bert depends on migrated //vision/data:augment
      fix: bazel run //tools:migrate -- //nlp:bert"""


def test_json_is_the_status_as_collected():
    code, out, err, _ = run(["--format", "json", "//..."])
    assert code == 0 and err == ""
    assert json.loads(out) == sample_status()
    assert list(json.loads(out)) == ["tool", "patterns", "totals", "owners", "packages", "mixed"]


def test_empty_repo():
    code, out, _, _ = run(["//empty/..."], status=empty_status())
    assert code == 0
    assert out.splitlines() == [
        "Keras 3 migration of //empty/...: 100.0% migrated (0 migrated, 0 pending, 0 failed of 0 Keras targets; "
        "0 TensorFlow-only, 0 opted out, 0 without Keras; 0 manual fixes left)",
        "No Keras targets in these patterns.",
    ]
    code, out, _, _ = run(["--format", "json", "--html", "page.html", "//empty/..."], status=empty_status())
    assert code == 0 and json.loads(out) == empty_status()
    assert "No owners" in open("page.html", encoding="utf-8").read()


def test_hostile_strings_in_text_cannot_fake_lines_or_colour_the_terminal():
    evil = "x\x1b[31m\nFAKE: line\r"
    code, out, _, _ = run(["//..."], status=hostile_status(evil))
    assert code == 0
    assert "\x1b" not in out and "\r" not in out
    assert not any(line.startswith("FAKE") for line in out.splitlines())
    assert "x\\x1b[31m\\nFAKE: line\\r" in out
    code, out, _, _ = run(["//..."], status=hostile_status(HOSTILE))
    assert HOSTILE in out  # text output is plain text: shown as is
    code, out, _, _ = run(["--format", "json", "//..."], status=hostile_status(evil))
    assert json.loads(out) == hostile_status(evil)


def test_html_writes_the_page_and_the_history_at_the_workspace_root(workspace):
    code, out, err, _ = run(["--html", "dash.html", "//..."])
    assert code == 0
    history_path = workspace / "keras_migrate_history.json"
    assert f"wrote dash.html (history: {history_path})" in err
    history = json.loads(history_path.read_text())
    assert [e["date"] for e in history["entries"]] == ["2026-12-03"]
    page = (workspace / "dash.html").read_text(encoding="utf-8")
    assert "as of 2026-12-03" in page and "42.9%" in page
    first = (history_path.read_bytes(), page)
    assert run(["--html", "dash.html", "//..."])[0] == 0  # rerun the same day: same files
    assert (history_path.read_bytes(), (workspace / "dash.html").read_text(encoding="utf-8")) == first
    os.environ["SOURCE_DATE_EPOCH"] = DEC_4
    assert run(["--html", "dash.html", "//..."])[0] == 0
    assert [e["date"] for e in json.loads(history_path.read_text())["entries"]] == ["2026-12-03", "2026-12-04"]


def test_history_flag_and_existing_history(workspace):
    (workspace / "sub").mkdir()
    (workspace / "sub" / "h.json").write_text(json.dumps(sample_history()))
    os.environ["SOURCE_DATE_EPOCH"] = DEC_4
    code, _, _, _ = run(["--html", "sub/d.html", "--history", "sub/h.json", "//..."])
    assert code == 0
    assert not (workspace / "keras_migrate_history.json").exists()
    dates = [e["date"] for e in json.loads((workspace / "sub" / "h.json").read_text())["entries"]]
    assert dates == ["2026-11-01", "2026-11-15", "2026-12-03", "2026-12-04"]
    assert "2026-11-15" in (workspace / "sub" / "d.html").read_text(encoding="utf-8")


def test_without_html_nothing_is_written(workspace):
    assert run(["--history", "h.json", "//..."])[0] == 0
    assert sorted(os.listdir(workspace)) == []


def test_malformed_history_is_an_error_naming_the_file(workspace):
    (workspace / "keras_migrate_history.json").write_text("{oops")
    code, out, err, seen = run(["--html", "dash.html", "//..."])
    assert code == 2 and seen == []  # found before the (long) collection
    assert str(workspace / "keras_migrate_history.json") in err and "invalid JSON" in err
    assert not (workspace / "dash.html").exists()


@pytest.mark.parametrize("argv, why", [
    (["--html", "missing/dash.html", "//..."], "--html missing/dash.html: directory"),
    (["--html", ".", "//..."], "--html .: is a directory"),
    (["--html", "d.html", "--history", "nowhere/h.json", "//..."], "--history nowhere/h.json: directory"),
])
def test_unwritable_outputs_fail_before_collecting(argv, why):
    code, out, err, seen = run(argv)
    assert code == 2 and why in err and seen == [] and out == ""


def test_collect_errors_exit_2():
    def broken(patterns):
        raise RuntimeError("bazel query failed: no such package 'nope'")

    code, out, err, _ = run(["//nope/..."], collect=broken)
    assert (code, out) == (2, "")
    assert "bazel query failed: no such package 'nope'" in err


def test_usage_errors_exit_2():
    with pytest.raises(SystemExit) as info:
        run([])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        run(["--format", "yaml", "//..."])
    assert info.value.code == 2


def test_negative_patterns_are_patterns():
    _, _, _, seen = run(["//...", "-//legacy/..."])
    assert seen == [["//...", "-//legacy/..."]]


def test_cli_dispatches_status(monkeypatch, capsys):
    monkeypatch.setattr(_status, "collect_status", lambda patterns: empty_status())
    assert cli.main(["status", "--format", "json", "//..."]) == 0
    assert json.loads(capsys.readouterr().out) == empty_status()


def test_today_and_workspace_root(tmp_path, monkeypatch):
    assert str(_status.today()) == "2026-12-03"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert _status.today().year >= 2026
    monkeypatch.delenv("BUILD_WORKSPACE_DIRECTORY")
    (tmp_path / "ws" / "a" / "b").mkdir(parents=True)
    (tmp_path / "ws" / "WORKSPACE").write_text("")
    assert _status.workspace_root(str(tmp_path / "ws" / "a" / "b")) == str(tmp_path / "ws")


# --- the status JSON from target states (rollout/_state.py) and owners ---------------------

def _states():
    from keras_migrate.rollout._state import ManualFix, MixedDependency, TargetState

    fix = ManualFix("vision/models/resnet.py", 3, 4, "KM123", "tf.py_function has no Keras 3 equivalent",
                    "rewrite with keras.ops")
    all3 = ("jax", "tensorflow", "torch")
    states = [
        TargetState("//vision/models:resnet", "vision/models", "py_library", "pending", all3, (), (fix,)),
        TargetState("//vision/models:ops", "vision/models", "py_library", "migrated", ("tensorflow",),
                    ("uses tf.raw_ops (KM050)",)),
        TargetState("//vision/data:augment", "vision/data", "py_library", "migrated", all3),
        TargetState("//nlp:legacy", "nlp", "py_library", "opted_out"),
        TargetState("//nlp:broken", "nlp", "py_library", "failed"),
        TargetState("//nlp:plain", "nlp", "py_library", "not_keras"),
        TargetState("//tools:gen", "tools", "py_binary", "not_keras"),
    ]
    mixed = [MixedDependency("warning", "//vision/models:resnet", "//vision/data:augment", "message", "fix")]
    return states, mixed


def _owners(tmp_path):
    from keras_migrate.rollout._owners import Owners

    (tmp_path / "vision").mkdir(exist_ok=True)  # the workspace fixture's directory
    (tmp_path / "vision" / "OWNERS").write_text("@team-a\n@team-c\n")
    (tmp_path / "CODEOWNERS").write_text("/nlp/ @team-b\n")
    return Owners(str(tmp_path))


def test_status_json_shape_and_grouping(tmp_path):
    states, mixed = _states()
    status = _status.status_json(["//..."], reversed(states), mixed, _owners(tmp_path))
    assert list(status) == ["tool", "patterns", "totals", "owners", "packages", "mixed"]
    count_keys = ["keras_targets", "migrated", "pending", "tensorflow_only", "opted_out", "failed", "not_keras",
                  "manual_fixes", "percent"]
    assert status["totals"] == dict(zip(count_keys, [4, 2, 1, 1, 1, 1, 2, 1, 50.0]))
    assert [o["owner"] for o in status["owners"]] == ["(no owner)", "@team-a", "@team-b"]
    team_a = status["owners"][1]
    assert sorted(team_a) == sorted(["owner"] + count_keys)
    assert (team_a["migrated"], team_a["pending"], team_a["percent"]) == (2, 1, 66.7)
    assert [p["package"] for p in status["packages"]] == ["nlp", "tools", "vision/data", "vision/models"]
    models = status["packages"][3]
    assert models["owners"] == ["@team-a", "@team-c"] and status["packages"][1]["owners"] == []
    assert list(models) == ["package", "owners"] + count_keys + ["targets"]
    assert models["targets"][1] == {
        "label": "//vision/models:resnet", "state": "pending", "backends": ["jax", "tensorflow", "torch"],
        "tensorflow_only": [], "manual_fixes": [{"path": "vision/models/resnet.py", "line": 3, "rule_id": "KM123",
                                                "message": "tf.py_function has no Keras 3 equivalent",
                                                "fix": "rewrite with keras.ops"}]}
    assert status["mixed"] == [{"severity": "warning", "from": "//vision/models:resnet",
                                "to": "//vision/data:augment", "message": "message", "fix": "fix"}]
    json.dumps(status)  # plain JSON
    # what the command prints and draws from it
    code, out, _, _ = run(["--html", "d.html", "//..."], status=status)
    assert code == 0 and "//vision/models:ops (migrated): uses tf.raw_ops (KM050)" in out
    assert "50.0%" in (tmp_path / "d.html").read_text(encoding="utf-8")


def test_status_json_of_an_empty_repo(tmp_path):
    status = _status.status_json(["//..."], [], [], _owners(tmp_path))
    assert status["totals"]["percent"] == 100.0 and status["totals"]["keras_targets"] == 0
    assert (status["owners"], status["packages"], status["mixed"]) == ([], [], [])
    assert run(["//..."], status=status)[1].endswith("No Keras targets in these patterns.\n")


def test_paths_are_refused():
    code, out, err, seen = run(["vision/models"])
    assert code == 2 and "give Bazel target patterns" in err and seen == []


def test_a_target_kept_on_tensorflow_by_a_dependency_is_listed():
    status = sample_status()
    status["packages"][0]["targets"].append(
        {"label": "//vision/models:ops_test", "state": "pending", "backends": ["tensorflow"],
         "tensorflow_only": [], "manual_fixes": []})
    out = run(["//..."], status=status)[1]
    assert ("  //vision/models:ops_test (pending): no reason of its own (a dependency is TensorFlow-only)"
            in out.splitlines())


def test_packages_that_could_not_be_loaded_print_the_rest_and_exit_2(workspace):
    def partial(patterns):
        raise _status.PartialStatus(sample_status(), ["ERROR: /ws/broken/BUILD:1:1: syntax error"])

    code, out, err, _ = run(["--html", "d.html", "//..."], collect=partial)
    assert code == 2
    assert out.startswith("Keras 3 migration of //...: 42.9% migrated")
    assert "1 package(s) could not be loaded" in err
    assert not (workspace / "d.html").exists() and not (workspace / "keras_migrate_history.json").exists()


def test_collect_status_runs_the_driver_read_only_at_the_workspace_root(workspace, monkeypatch):
    from types import SimpleNamespace

    from keras_migrate.rollout import _state

    _owners(workspace)
    states, mixed = _states()
    seen = []
    errors = []

    def fake_collect(options):
        seen.append(options)
        return SimpleNamespace(targets={s.label: s for s in states}, mixed=mixed,
                               selection=SimpleNamespace(query_errors=list(errors)))

    monkeypatch.setattr(_state, "collect", fake_collect)
    status = _status.collect_status(["//...", "-//nlp/..."])
    (options,) = seen
    assert (options.workspace, options.patterns, options.write) == (str(workspace), ("//...", "-//nlp/..."), False)
    assert status == _status.status_json(["//...", "-//nlp/..."], states, mixed, _owners(workspace))
    errors.append("ERROR: broken")
    with pytest.raises(_status.PartialStatus) as info:
        _status.collect_status(["//..."])
    assert info.value.status["totals"]["keras_targets"] == 4


def test_a_bad_source_date_epoch_is_an_error(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "tomorrow")
    code, out, err, seen = run(["--html", "d.html", "//..."])
    assert code == 2 and seen == [] and "SOURCE_DATE_EPOCH='tomorrow' is not a time" in err
