"""[tool.keras-migrate] in pyproject.toml, flags over it, and the output conventions:
exit codes, coloured --diff on a terminal only, --quiet / --verbose, the summary line,
JSON and SARIF reports valid against their schemas."""

import json
import os
import shutil

import jsonschema
import pytest

from keras_migrate.cli import main
from keras_migrate.cli._main import colour_diff

HERE = os.path.dirname(__file__)
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SARIF_SCHEMA = os.path.join(HERE, "schemas", "sarif-schema-2.1.0.json")
REPORT_SCHEMA = os.path.join(ROOT, "docs", "report.schema.json")
NOTEBOOK = os.path.join(ROOT, "tests", "keras_migrate", "notebooks", "data", "chapter07_custom_training_loops.ipynb")

LEAKY = "from tensorflow import keras\nlayer = keras.layers.LeakyReLU(alpha=0.2)\n"
LR = "from tensorflow import keras\nopt = keras.optimizers.Adam(lr=0.1)\n"
TAPE = ("import tensorflow as tf\nfrom tensorflow import keras\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
        "with tf.GradientTape(watch_accessed_variables=False) as tape:\n    loss = model(x)\n"
        "grads = tape.gradient(loss, model.trainable_weights)\n")


@pytest.fixture
def project(tmp_path):
    (tmp_path / "src" / "legacy").mkdir(parents=True)
    (tmp_path / "src" / "model.py").write_text(LEAKY)
    (tmp_path / "src" / "legacy" / "old.py").write_text(LEAKY)
    (tmp_path / "src" / "opt.py").write_text(LR)
    return tmp_path


def _pyproject(root, body):
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.keras-migrate]\n" + body)


# -- configuration ---------------------------------------------------------------------------------
def test_exclude_and_disable_from_pyproject(project):
    _pyproject(project, 'exclude = ["src/legacy/*"]\ndisable = ["KM110"]\n')
    assert main(["-q", str(project / "src")]) == 0
    assert (project / "src" / "model.py").read_text().startswith("import keras")
    assert (project / "src" / "legacy" / "old.py").read_text() == LEAKY
    assert "lr=0.1" in (project / "src" / "opt.py").read_text()  # the lr rule is off


def test_flags_override_the_file(project):
    _pyproject(project, 'exclude = ["src/legacy/*"]\nmode = "tensorflow"\n')
    report = project / "r.json"
    assert main(["-q", "--mode", "agnostic", "--exclude", "*/model.py", "--report", str(report),
                 str(project / "src")]) == 0
    assert json.loads(report.read_text())["mode"] == "agnostic"
    assert (project / "src" / "legacy" / "old.py").read_text().startswith("import keras")  # file's exclude replaced
    assert (project / "src" / "model.py").read_text() == LEAKY


def test_include_from_pyproject_and_the_settings_line(project, capsys):
    _pyproject(project, 'include = ["src/model.py"]\n')
    assert main(["-v", "--check", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"settings from {project / 'pyproject.toml'}" in err
    assert "model.py: would change" in err and "1 files: 1 would change" in err


def test_bad_settings_are_usage_errors(project, capsys):
    for body, message in (('mdoe = "tensorflow"\n', "no setting 'mdoe'"),
                          ('mode = "jax"\n', "'jax' is not one of agnostic, tensorflow"),
                          ('exclude = "x"\njobs = "2"\n', "jobs must be a int"),
                          ('disable = ["KM999"]\n', "--disable KM999: no such rule"),
                          ('backends = ["mxnet"]\n', "'mxnet' is not one of")):
        _pyproject(project, body)
        assert main(["--check", str(project / "src")]) == 2
        assert message in capsys.readouterr().err
    assert (project / "src" / "model.py").read_text() == LEAKY


def test_no_pyproject_above_a_repository_root_is_read(project):
    _pyproject(project, 'mode = "nonsense"\n')
    inner = project / "repo"
    (inner / ".git").mkdir(parents=True)
    shutil.copy(project / "src" / "model.py", inner / "model.py")
    assert main(["-q", str(inner)]) == 0


def test_backends_setting_reports_tensorflow_only_files(tmp_path, capsys):
    (tmp_path / "loop.py").write_text(TAPE)
    _pyproject(tmp_path, 'backends = ["jax", "tensorflow"]\n')
    assert main(["--check", str(tmp_path)]) == 1
    assert "[KM013] kept on TensorFlow (custom training loop with tf.GradientTape: tf.GradientTape with " \
           "arguments other than persistent= (watch_accessed_variables tapes)), but the project's backends " \
           "include jax" in capsys.readouterr().out
    assert main(["--check", "--backends", "tensorflow", str(tmp_path)]) == 1
    assert "KM013" not in capsys.readouterr().out


# -- output conventions ------------------------------------------------------------------------------
def test_exit_codes(project, capsys):
    assert main(["--check", str(project / "src")]) == 1  # would change
    assert main(["-q", str(project / "src")]) == 0  # written
    assert main(["--check", str(project / "src")]) == 0  # clean
    (project / "src" / "broken.py").write_text("from tensorflow import keras\ndef f(:\n")
    assert main(["--check", str(project / "src")]) == 2  # a file failed
    assert main(["--check", str(project / "nowhere")]) == 2  # bad usage


def test_diff_is_plain_when_not_a_terminal_and_coloured_on_request(project, capsys):
    assert main(["--diff", str(project / "src" / "model.py")]) == 0
    plain = capsys.readouterr().out
    assert "\033[" not in plain and "-from tensorflow import keras\n" in plain
    assert main(["--diff", "--color", "always", str(project / "src" / "model.py")]) == 0
    coloured = capsys.readouterr().out
    assert "\033[31m-from tensorflow import keras\033[0m\n" in coloured
    assert "\033[32m+import keras\033[0m\n" in coloured


def test_colour_diff_on_a_terminal(monkeypatch):
    class Tty:
        def isatty(self):
            return True

    from keras_migrate.cli._main import _use_colour

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _use_colour("auto", Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not _use_colour("auto", Tty())
    assert colour_diff("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n c\n").count("\033[0m") == 5


def test_quiet_hides_info_and_verbose_lists_files(tmp_path, capsys):
    shutil.copy(NOTEBOOK, tmp_path / "loops.ipynb")
    (tmp_path / "plain.py").write_text("print(1)\n")
    (tmp_path / "tape.py").write_text(TAPE)
    assert main(["--check", str(tmp_path)]) == 1
    normal = capsys.readouterr()
    assert "info: [KM208]" in normal.out
    assert main(["--check", "-q", str(tmp_path)]) == 1
    quiet = capsys.readouterr()
    assert "info:" not in quiet.out and "warning: [KM209]" in quiet.out
    assert "runtime support" not in quiet.err
    assert main(["--check", "-v", str(tmp_path)]) == 1
    verbose = capsys.readouterr()
    assert "loops.ipynb: would change" in verbose.err and "plain.py: unchanged" in verbose.err
    # The summary is the last line, whatever the verbosity.
    for captured in (normal, quiet, verbose):
        assert captured.err.splitlines()[-1].startswith("keras-migrate: 3 files: 2 would change, 1 unchanged")


def test_reports_are_valid_against_their_schemas(tmp_path, capsys):
    shutil.copy(NOTEBOOK, tmp_path / "loops.ipynb")
    (tmp_path / "gen.py").write_text("import tensorflow as tf\ng = tf.keras.layers.DenseFeatures([])\n")
    (tmp_path / "broken.py").write_text("from tensorflow import keras\ndef f(:\n")
    (tmp_path / "notes.txt").write_text("keras\n")
    paths = [str(tmp_path), str(tmp_path / "notes.txt")]
    report, sarif = tmp_path / "report.json", tmp_path / "report.sarif"
    assert main(["--check", "-q", "--report", str(report), *paths]) == 2
    assert main(["--check", "-q", "--report", str(sarif), *paths]) == 2
    data = json.loads(report.read_text())
    jsonschema.validate(data, json.load(open(REPORT_SCHEMA)))
    assert data["summary"]["skipped"] == 1 and data["summary"]["failed"] == 1
    assert any(d.get("cell") for f in data["files"] for d in f["diagnostics"])
    log = json.loads(sarif.read_text())
    jsonschema.validate(log, json.load(open(SARIF_SCHEMA)))
    cells = [r for r in log["runs"][0]["results"] if "properties" in r]
    assert cells and cells[0]["message"]["text"].startswith(f"cell {cells[0]['properties']['cell']}, line ")
    capsys.readouterr()
    assert main(["--check", "--format", "json", str(tmp_path / "loops.ipynb")]) == 1
    jsonschema.validate(json.loads(capsys.readouterr().out), json.load(open(REPORT_SCHEMA)))
    assert main(["--check", "--format", "sarif", str(tmp_path / "loops.ipynb")]) == 1
    jsonschema.validate(json.loads(capsys.readouterr().out), json.load(open(SARIF_SCHEMA)))


def test_config_exclude_applies_to_files_named_explicitly(project):
    # pre-commit names each staged file: the project's exclude must still hold.
    _pyproject(project, 'exclude = ["src/legacy/*"]\n')
    assert main(["-q", str(project / "src" / "legacy" / "old.py"), str(project / "src" / "model.py")]) == 0
    assert (project / "src" / "legacy" / "old.py").read_text() == LEAKY
    assert (project / "src" / "model.py").read_text().startswith("import keras")
