"""The issue's plain-path reproductions, end to end through the CLI: bad input gets a
clear message naming file and line, nothing a user has is lost, `--check` tells the
truth, one file's problem never stops the run.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from _programs import ROOT
from keras_migrate.cli import main
from keras_migrate.engine import Rule, _runner

KERAS2 = "from tensorflow import keras\nlayer = keras.layers.LeakyReLU(alpha=0.2)\n"
KERAS3 = "import keras\nlayer = keras.layers.LeakyReLU(negative_slope=0.2)\n"


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "tools"))
    return subprocess.run([sys.executable, "-m", "keras_migrate", "--no-progress", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


class _Buggy(Rule):
    """A rule with a bug that shows on one file only."""

    id = "KM990"
    name = "buggy"
    description = "raises on other.py"

    def leave_ImportFrom(self, original, updated):
        if self.ctx.path.endswith("other.py"):
            raise RuntimeError("simulated rule bug")
        return updated


def test_rule_crash_and_deep_code_do_not_stop_the_run(tmp_path, capsys, monkeypatch):
    """Item 3: two seed pairs in one block (KeyError before), a 500-term sum and 150
    nested lists (RecursionError before); and a rule that raises is isolated."""
    (tmp_path / "seeds.py").write_text("import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\n"
                                       + "np.random.seed(42)\ntf.random.set_seed(42)\n" * 2)
    (tmp_path / "sum.py").write_text("from tensorflow import keras\nx = " + " + ".join(f"a{i}" for i in range(500)) + "\n")
    (tmp_path / "lists.py").write_text("from tensorflow import keras\nx = " + "[" * 150 + "]" * 150 + "\n")
    (tmp_path / "model.py").write_text(KERAS2)
    assert main(["--no-progress", str(tmp_path)]) == 0
    assert "keras.utils.set_random_seed(42)\n" in (tmp_path / "seeds.py").read_text()
    assert (tmp_path / "sum.py").read_text().startswith("import keras\n")

    import keras_migrate.rules

    (tmp_path / "model.py").write_text(KERAS2)
    (tmp_path / "other.py").write_text(KERAS2)
    monkeypatch.setattr(keras_migrate.rules, "ALL_RULES", tuple(keras_migrate.rules.ALL_RULES) + (_Buggy,))
    assert main(["--no-progress", "-q", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "other.py:1:1: error: [KM003] internal error in rule KM990: RuntimeError" in captured.out
    assert (tmp_path / "other.py").read_text() == KERAS2 and (tmp_path / "model.py").read_text() == KERAS3
    assert "1 failed" in captured.err  # the summary is printed


def test_bytes_no_rule_changed_are_kept(tmp_path):
    """Item 7: CRLF, UTF-8 BOM, old-Mac CR."""
    (tmp_path / "crlf.py").write_bytes(KERAS2.replace("\n", "\r\n").encode())
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + KERAS2.encode())
    (tmp_path / "cr.py").write_bytes(KERAS2.replace("\n", "\r").encode())
    assert main(["--no-progress", "-q", str(tmp_path)]) == 0
    assert (tmp_path / "crlf.py").read_bytes() == KERAS3.replace("\n", "\r\n").encode()
    assert (tmp_path / "bom.py").read_bytes() == b"\xef\xbb\xbf" + KERAS3.encode()
    assert (tmp_path / "cr.py").read_bytes() == KERAS3.replace("\n", "\r").encode()
    assert main(["--check", "--no-progress", "-q", str(tmp_path)]) == 0


def test_edit_made_during_the_migration_is_kept(tmp_path, capsys, monkeypatch):
    """Item 8: the user saves the file while it is being migrated."""
    path = tmp_path / "model.py"
    path.write_text(KERAS2)
    migrate = _runner.migrate_source

    def edit_meanwhile(source, *args, **kwargs):
        result = migrate(source, *args, **kwargs)
        path.write_text(KERAS2 + "# saved by the user meanwhile\n")
        return result

    monkeypatch.setattr(_runner, "migrate_source", edit_meanwhile)
    assert main(["--no-progress", "-q", str(tmp_path)]) == 2
    assert path.read_text().endswith("# saved by the user meanwhile\n")
    assert "model.py:1:1: error: [KM006]" in capsys.readouterr().out


def test_symlinks_stay_links_and_nothing_outside_is_written(tmp_path):
    """Item 6: a shared module linked into two packages, and one linked from outside."""
    shared, outside, repo = tmp_path / "repo" / "shared", tmp_path / "outside", tmp_path / "repo"
    shared.mkdir(parents=True)
    outside.mkdir()
    (shared / "layers.py").write_text(KERAS2)
    (outside / "vendored.py").write_text(KERAS2)
    for pkg in ("a", "b"):
        (repo / pkg).mkdir()
        (repo / pkg / "layers.py").symlink_to(shared / "layers.py")
    (repo / "a" / "vendored.py").symlink_to(outside / "vendored.py")
    assert main(["--no-progress", "-q", str(repo)]) == 0
    assert (shared / "layers.py").read_text() == KERAS3
    assert (repo / "a" / "layers.py").is_symlink() and (repo / "b" / "layers.py").is_symlink()
    assert (outside / "vendored.py").read_text() == KERAS2


def test_output_dir_never_overwrites_or_nests(tmp_path):
    """Item 9."""
    for parent in ("team1", "team2"):
        (tmp_path / parent / "model").mkdir(parents=True)
        (tmp_path / parent / "model" / "m.py").write_text(KERAS2)
    out = tmp_path / "out"
    assert main(["--output_dir", str(out), str(tmp_path / "team1" / "model"), str(tmp_path / "team2" / "model")]) == 2
    assert not out.exists()
    inside = tmp_path / "team1" / "model" / "migrated"
    for _ in range(3):
        assert main(["--no-progress", "-q", "--output_dir", str(inside), str(tmp_path / "team1" / "model")]) == 0
    assert sorted(os.listdir(inside)) == ["model"] and sorted(os.listdir(inside / "model")) == ["m.py"]


@pytest.mark.parametrize("source,position", [
    ("from tensorflow import keras\n\n\ndef f(:\n    pass\n", "4:7"),
    ("from tensorflow import keras\nx = 'abc\ny = 2\n", "2:5"),
    ("from tensorflow import keras\nx = " + "[" * 300 + "]" * 300 + "\n", "2:205"),
])
def test_syntax_errors_name_pythons_line_and_column(tmp_path, capsys, source, position):
    """Item 10."""
    (tmp_path / "bad.py").write_text(source)
    assert main(["--no-progress", "-q", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert f"bad.py:{position}: error: [KM001]" in out and "bug" not in out


def test_odd_files_and_names(tmp_path):
    """Item 11: a FIFO named x.py, a Latin-1 file without Keras, a read-only file, a name
    with a newline, --report into a missing directory."""
    os.mkfifo(tmp_path / "x.py")
    (tmp_path / "latin.py").write_bytes(b"name = 'caf\xe9'\n")
    (tmp_path / "ro.py").write_text(KERAS2)
    os.chmod(tmp_path / "ro.py", 0o444)
    (tmp_path / "forged\nok.py").write_text("from tensorflow import keras\ndef f(:\n")
    missing_report = _cli("--report", str(tmp_path / "no" / "r.json"), str(tmp_path))
    assert missing_report.returncode == 2 and "does not exist" in missing_report.stderr
    assert (tmp_path / "ro.py").read_text() == KERAS2
    run = _cli(str(tmp_path), timeout=60)  # the FIFO never blocks it
    assert run.returncode == 2, run.stderr
    assert (tmp_path / "latin.py").read_bytes() == b"name = 'caf\xe9'\n" and "latin.py" not in run.stdout
    assert (tmp_path / "ro.py").read_text() == KERAS2 and "ro.py:1:1: error: [KM007]" in run.stdout
    assert "forged\\nok.py:2:7: error: [KM001]" in run.stdout
    assert not any(line.startswith("ok.py") for line in run.stdout.splitlines())
