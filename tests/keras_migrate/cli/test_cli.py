"""The plain-path CLI: in place, --diff, --check, --output_dir, reports, bad input."""

import json
import os
import stat
import subprocess
import sys

import pytest

from keras_migrate.cli import main

KERAS2 = "from tensorflow import keras\n\nlayer = keras.layers.LeakyReLU(alpha=0.2)  # keep me\n"
PLAIN = "import os\nprint(os.sep)\n"


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "model.py").write_text(KERAS2)
    (tmp_path / "pkg" / "plain.py").write_text(PLAIN)
    os.chmod(tmp_path / "pkg" / "model.py", 0o750)
    return tmp_path


def test_in_place_then_nothing_to_do(tree, capsys):
    assert main([str(tree / "pkg")]) == 0
    text = (tree / "pkg" / "model.py").read_text()
    assert text == "import keras\n\nlayer = keras.layers.LeakyReLU(negative_slope=0.2)  # keep me\n"
    assert stat.S_IMODE(os.stat(tree / "pkg" / "model.py").st_mode) == 0o750  # permissions kept
    assert (tree / "pkg" / "plain.py").read_bytes() == PLAIN.encode()
    assert main(["--check", str(tree / "pkg")]) == 0
    assert "nothing to do" in capsys.readouterr().err


def test_diff_and_check_write_nothing(tree, capsys):
    assert main(["--diff", str(tree / "pkg")]) == 0
    out = capsys.readouterr().out
    assert "-from tensorflow import keras" in out and "+import keras" in out
    assert main(["--check", str(tree / "pkg")]) == 1
    assert (tree / "pkg" / "model.py").read_text() == KERAS2


def test_output_dir(tree):
    out = tree / "out"
    assert main(["--output_dir", str(out), str(tree / "pkg")]) == 0
    assert (out / "pkg" / "model.py").read_text().startswith("import keras")
    assert (tree / "pkg" / "model.py").read_text() == KERAS2


def test_reports(tree):
    report = tree / "report.json"
    sarif = tree / "report.sarif"
    (tree / "pkg" / "gen.py").write_text("import tensorflow as tf\ng = tf.keras.layers.DenseFeatures([])\n")
    assert main(["--check", "--report", str(report), str(tree / "pkg")]) == 1
    data = json.loads(report.read_text())
    assert data["summary"]["files"] == 3
    gen = next(f for f in data["files"] if f["path"].endswith("gen.py"))
    assert gen["diagnostics"][0]["line"] == 2 and gen["diagnostics"][0]["fix"]
    assert main(["--check", "--report", str(sarif), str(tree / "pkg")]) == 1
    run = json.loads(sarif.read_text())["runs"][0]
    assert run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_bad_file_reported_and_left_untouched(tree, capsys):
    broken = tree / "pkg" / "broken.py"
    broken.write_text("from tensorflow import keras\ndef f(:\n")
    latin = tree / "pkg" / "latin.py"
    latin.write_bytes(b"# keras\nx = '\xe9'\n")
    assert main([str(tree / "pkg")]) == 2  # something failed
    err_out = capsys.readouterr().out
    assert "broken.py:2:" in err_out and "KM001" in err_out
    assert "latin.py:2:" in err_out and "KM004" in err_out
    assert broken.read_text() == "from tensorflow import keras\ndef f(:\n"
    assert (tree / "pkg" / "model.py").read_text().startswith("import keras")  # the run went on


def test_parallel_jobs_same_result(tree):
    other = tree / "copy"
    other.mkdir()
    (other / "model.py").write_text(KERAS2)
    assert main(["-j", "2", str(tree / "pkg"), str(other)]) == 0
    assert (other / "model.py").read_text() == (tree / "pkg" / "model.py").read_text()


def test_include_exclude(tree):
    assert main(["--exclude", "*/model.py", str(tree / "pkg")]) == 0
    assert (tree / "pkg" / "model.py").read_text() == KERAS2


def test_runtime_module_copied_beside_migrated_script(tmp_path):
    script = tmp_path / "lc.py"
    script.write_text("from tensorflow.keras.layers import LocallyConnected1D\nlayer = LocallyConnected1D(2, 3)\n")
    assert main([str(tmp_path)]) == 0
    assert "from keras_migrate_runtime import LocallyConnected1D" in script.read_text()
    assert (tmp_path / "keras_migrate_runtime" / "__init__.py").exists()


@pytest.mark.parametrize("project_file, plain, requiring", [
    ("setup.py", "from setuptools import setup\nsetup(name='lc', packages=['lc'])\n",
     "from setuptools import setup\nsetup(name='lc', packages=['lc'], install_requires=['keras-migrate'])\n"),
    ("pyproject.toml", "[project]\nname = 'lc'\n", "[project]\nname = 'lc'\ndependencies = ['keras_migrate']\n"),
])
def test_installable_project_is_told_to_require_the_runtime(tmp_path, capsys, project_file, plain, requiring):
    # keras-tcn: the copy beside the package's files serves scripts run in place; an
    # installed package imports keras_migrate_runtime from the environment.
    (tmp_path / project_file).write_text(plain)
    package = tmp_path / "lc"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "layers.py").write_text(
        "from tensorflow.keras.layers import LocallyConnected1D\nlayer = LocallyConnected1D(2, 3)\n")
    assert main([str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert f"{project_file}: note: migrated code of this project imports keras_migrate_runtime" in err
    (tmp_path / project_file).write_text(requiring)
    assert main([str(tmp_path)]) == 0
    assert "note: migrated code" not in capsys.readouterr().err


def test_module_entry_point(tree):
    tools = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools")
    env = dict(os.environ, PYTHONPATH=os.path.abspath(tools))
    proc = subprocess.run([sys.executable, "-m", "keras_migrate", "--list-rules"], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "KM100" in proc.stdout


def test_interrupted_runtime_copy_is_completed_by_rerun_and_seen_by_check(tmp_path):
    """A migrated file whose runtime support is missing (a run killed between the two, or
    the directory copied without it): --check says so, a rerun copies it."""
    script = tmp_path / "train.py"
    script.write_text("import tensorflow as tf\nlayer = tf.keras.layers.LocallyConnected1D(2, 3)\n")
    assert main(["--no-progress", "-q", str(tmp_path)]) == 0
    runtime = tmp_path / "keras_migrate_runtime"
    migrated = script.read_text()
    import shutil

    shutil.rmtree(runtime)
    assert main(["--check", "--no-progress", "-q", str(tmp_path)]) == 1
    assert not runtime.exists()
    assert main(["--no-progress", "-q", str(tmp_path)]) == 0
    assert (runtime / "__init__.py").exists() and script.read_text() == migrated
    (runtime / "rnn.py").write_text("# stale\n")
    assert main(["--check", "--no-progress", "-q", str(tmp_path)]) == 1
    assert main(["--no-progress", "-q", str(tmp_path)]) == 0
    assert main(["--check", "--no-progress", "-q", str(tmp_path)]) == 0


def test_exit_codes_distinguish_would_change_from_failed(tree, capsys):
    assert main(["--check", str(tree / "pkg")]) == 1
    seed = tree / "pkg" / "seed.py"
    # Two seed pairs in one block once raised KeyError in a rule and aborted the run.
    seed.write_text("import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\n"
                    "np.random.seed(42)\ntf.random.set_seed(42)\nnp.random.seed(42)\ntf.random.set_seed(42)\n")
    (tree / "pkg" / "broken.py").write_text("from tensorflow import keras\ndef f(:\n")
    assert main(["--check", str(tree / "pkg")]) == 2
    assert main([str(tree / "pkg")]) == 2
    assert "keras.utils.set_random_seed(42)" in seed.read_text()
    assert "1 failed" in capsys.readouterr().err


def test_report_into_missing_directory_fails_before_writing(tree, capsys):
    assert main(["--report", str(tree / "nope" / "r.json"), str(tree / "pkg")]) == 2
    assert (tree / "pkg" / "model.py").read_text() == KERAS2
    assert "does not exist" in capsys.readouterr().err


def test_output_dir_roots_with_one_basename_are_refused(tmp_path, capsys):
    for parent in ("a", "b"):
        (tmp_path / parent / "pkg").mkdir(parents=True)
        (tmp_path / parent / "pkg" / "model.py").write_text(KERAS2)
    out = tmp_path / "out"
    assert main(["--output_dir", str(out), str(tmp_path / "a" / "pkg"), str(tmp_path / "b" / "pkg")]) == 2
    assert not out.exists() and "would both be written" in capsys.readouterr().err


def test_output_dir_inside_the_input_does_not_nest_on_rerun(tree):
    out = tree / "pkg" / "migrated"
    for _ in range(2):
        assert main(["--output_dir", str(out), str(tree / "pkg")]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["pkg"]
    assert sorted(p.name for p in (out / "pkg").iterdir()) == ["model.py", "plain.py"]


def test_symlinked_source_keeps_its_link_and_links_out_are_not_followed(tmp_path, capsys):
    shared, pkg = tmp_path / "shared", tmp_path / "pkg"
    shared.mkdir()
    pkg.mkdir()
    (pkg / "model.py").write_text(KERAS2)
    (pkg / "alias.py").symlink_to(pkg / "model.py")
    (shared / "common.py").write_text(KERAS2)
    (pkg / "common.py").symlink_to(shared / "common.py")
    assert main([str(pkg)]) == 0
    assert (pkg / "alias.py").is_symlink() and (pkg / "model.py").read_text().startswith("import keras")
    assert (shared / "common.py").read_text() == KERAS2  # outside the paths given
    assert "KM009" in capsys.readouterr().out


def test_file_names_with_newlines_cannot_forge_output_lines(tmp_path, capsys):
    (tmp_path / "a\nb.py").write_text("from tensorflow import keras\ndef f(:\n")
    assert main([str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "a\\nb.py:2:7: error: [KM001]" in out and not any(line.startswith("b.py") for line in out.splitlines())


def test_stubs_are_found_and_migrated(tmp_path):
    stub = tmp_path / "models.pyi"
    stub.write_text("from tensorflow import keras\n\ndef build() -> keras.Model: ...\n")
    assert main(["-q", str(tmp_path)]) == 0
    assert stub.read_text() == "import keras\n\ndef build() -> keras.Model: ...\n"


def test_explicit_non_python_path_is_reported_not_silently_unchanged(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("from tensorflow import keras\n")
    script = tmp_path / "train"
    script.write_text("#!/usr/bin/env python3\nfrom tensorflow import keras\n")
    assert main(["--check", str(notes), str(script)]) == 1  # the script would change
    captured = capsys.readouterr()
    assert "notes.txt:1:1: warning: [KM012] not Python source" in captured.out
    assert "2 files: 1 would change, 0 unchanged, 0 failed, 1 skipped" in captured.err
    assert main(["-q", str(notes), str(script)]) == 0
    assert notes.read_text() == "from tensorflow import keras\n"
    assert script.read_text() == "#!/usr/bin/env python3\nimport keras\n"


def test_copied_runtime_files_named_one_by_one_are_not_migrated(tmp_path, monkeypatch):
    """pre-commit passes every tracked file by its relative path, the copied runtime
    package's too: they are our Keras 3 code, never input."""
    script = tmp_path / "lc.py"
    script.write_text("from tensorflow.keras.layers import LocallyConnected1D\nlayer = LocallyConnected1D(2, 3)\n")
    assert main(["--no-progress", "-q", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    named = ["lc.py"] + sorted(os.path.join("keras_migrate_runtime", n)
                               for n in os.listdir("keras_migrate_runtime") if n.endswith(".py"))
    assert len(named) > 10
    assert main(["--check", "--no-progress", "-q", *named]) == 0
