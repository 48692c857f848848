"""Jupyter notebooks: code cells migrated as one module, IPython syntax and everything
else in the file kept, the same safety rules as .py files.

The fixtures in data/ are written in the style of the Deep Learning with Python (2nd
edition) companion notebooks: many cells, `!pip` and `%matplotlib` lines, cell magics,
`model` rebound again and again, imports in one cell used by later ones. One is in
Jupyter's own layout (indent 1, sorted keys, outputs and cell ids), one in Colab's
(indent 2, Colab's key order, ids in the cell metadata).
"""

import difflib
import json
import os
import shutil
import stat

import pytest

from keras_migrate.cli import main
from keras_migrate.engine._notebook import mask_cell, unmask_cell

DATA = os.path.join(os.path.dirname(__file__), "data")
CH7 = "chapter07_working_with_keras.ipynb"
CH4 = "chapter04_colab.ipynb"
LOOPS = "chapter07_custom_training_loops.ipynb"


def _copy(tmp_path, *names):
    for name in names:
        shutil.copy(os.path.join(DATA, name), tmp_path / name)
    return [tmp_path / name for name in names]


def _notebook(cells, **extra):
    data = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                       "source": source} for i, source in enumerate(cells)],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}
    data.update(extra)
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _sources(path):
    return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]


# -- IPython syntax ------------------------------------------------------------------------------
@pytest.mark.parametrize("source", [
    "%matplotlib inline\nimport numpy as np",
    "!pip install tensorflow==2.6 \\\n    matplotlib -q\nimport os",
    "files = !ls *.csv\nprint(files)",
    "t = %timeit -o sum(range(10))",
    "model.summary?\n??keras.layers.Dense",
    "for path in paths:\n    !echo {path}\n    x = 1",
    "%%time\nmodel.fit(x, y)",
    "%load_ext tensorboard\n%tensorboard --logdir logs",
])
def test_ipython_lines_are_masked_and_put_back_exactly(source):
    masked, originals = mask_cell(source)
    compile(masked, "<cell>", "exec")
    assert len(masked.splitlines()) == len(source.splitlines())  # line numbers stay right
    assert unmask_cell(masked, originals) == source


def test_a_cell_that_parses_is_taken_as_is():
    source = 'template = """\n%d items\n!important\n"""'
    assert mask_cell(source) == (source, [])


def test_cell_magics_with_other_languages_stay_out_of_the_module():
    assert mask_cell("%%bash\nls -l *.keras") == (None, [])
    assert mask_cell("%%writefile train.py\nfrom tensorflow import keras") == (None, [])


def test_a_moved_or_lost_placeholder_is_refused():
    masked, originals = mask_cell("%matplotlib inline\nx = 1")
    assert unmask_cell(masked.replace("pass", "pass ", 1), originals) is None
    assert unmask_cell("x = 1", originals) is None


# -- the book-style notebooks ---------------------------------------------------------------------
def test_chapter7_cells_are_migrated_as_one_module(tmp_path, capsys):
    (nb,) = _copy(tmp_path, CH7)
    before = _sources(nb)
    assert main(["-q", str(nb)]) == 0
    after = _sources(nb)
    changed = [i + 1 for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert changed == [6, 16, 18, 23, 29, 30, 32, 33]
    # Imports added for later cells land in the cell that imports keras.
    assert after[5].startswith("import keras\nfrom keras import layers\nfrom keras_migrate_runtime import ")
    # Names from earlier cells are known: `layers` (cell 6) in cell 16, the metric class
    # defined in cell 29 used in cell 30.
    assert "layers.LeakyReLU(negative_slope=0.1)" in after[15]
    assert "Keras2Metric(RootMeanSquaredError())" in after[29]
    assert after[28].startswith("class RootMeanSquaredError") and "keras.ops.sqrt(" in after[28]
    # `model` rebound to single-output models keeps its flat metrics list.
    assert 'metrics=["accuracy"])' in after[26] and "return_dict" not in after[26]
    # IPython syntax and markdown untouched.
    for i in (0, 1, 2, 36, 37, 38, 39):
        assert after[i] == before[i]
    assert after[31].startswith("%%time\n")
    err = capsys.readouterr()
    assert f"{nb}:cell 18:10:25: warning: [KM112]" in err.out
    # The subclassed two-output model keeps Keras 2's output names (History keys).
    assert 'output_names = ["output_1", "output_2"]' in after[22]
    assert (tmp_path / "keras_migrate_runtime" / "__init__.py").exists()


def _changed_json_lines(before: str, after: str):
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]


@pytest.mark.parametrize("name", [CH7, CH4, LOOPS])
def test_only_source_lines_change_and_layout_is_kept(tmp_path, name):
    (nb,) = _copy(tmp_path, name)
    original = nb.read_text(encoding="utf-8")
    assert main(["-q", str(nb)]) == 0
    migrated = nb.read_text(encoding="utf-8")
    old, new = json.loads(original), json.loads(migrated)
    assert list(old) == list(new)  # key order
    for a, b in zip(old["cells"], new["cells"]):
        assert list(a) == list(b)
        assert {k: v for k, v in a.items() if k != "source"} == {k: v for k, v in b.items() if k != "source"}
        assert type(a["source"]) is type(b["source"])
    assert old["metadata"] == new["metadata"]
    # Line by line, every changed line of the file is a line of cell source.
    sources = {json.dumps(line, ensure_ascii=False) for c in old["cells"] + new["cells"] for line in c["source"]}
    for line in _changed_json_lines(original, migrated):
        assert line[2:].strip().rstrip(",") in sources, line
    assert migrated.endswith("}\n")


@pytest.mark.parametrize("name", [CH7, CH4, LOOPS])
def test_second_run_changes_nothing(tmp_path, name):
    (nb,) = _copy(tmp_path, name)
    assert main(["-q", str(nb)]) == 0
    once = nb.read_bytes()
    assert main(["--check", "-q", str(nb)]) == 0
    assert main(["-q", str(nb)]) == 0
    assert nb.read_bytes() == once


def test_diff_is_per_cell_and_writes_nothing(tmp_path, capsys):
    (nb,) = _copy(tmp_path, CH4)
    original = nb.read_bytes()
    assert main(["--diff", str(nb)]) == 0
    out = capsys.readouterr().out
    assert f"--- a/{str(nb).lstrip('/')}:cell 3\n+++ b/{str(nb).lstrip('/')}:cell 3\n" in out
    assert "-from tensorflow import keras\n" in out and "+import keras\n" in out
    assert "-model = tf.keras.Sequential([\n+model = keras.Sequential([\n" in out
    assert '"source"' not in out  # source lines, not JSON
    assert main(["--check", str(nb)]) == 1
    assert nb.read_bytes() == original


def test_directory_discovery_finds_notebooks_not_checkpoints(tmp_path, capsys):
    _copy(tmp_path, CH4)
    checkpoints = tmp_path / ".ipynb_checkpoints"
    checkpoints.mkdir()
    shutil.copy(os.path.join(DATA, CH4), checkpoints / "chapter04_colab-checkpoint.ipynb")
    assert main(["--check", str(tmp_path)]) == 1
    assert "1 files: 1 would change" in capsys.readouterr().err
    assert main(["-q", str(tmp_path)]) == 0
    assert (checkpoints / "chapter04_colab-checkpoint.ipynb").read_bytes() == open(os.path.join(DATA, CH4), "rb").read()


def test_json_report_names_the_cell(tmp_path):
    (nb,) = _copy(tmp_path, LOOPS)
    report = tmp_path / "report.json"
    assert main(["--check", "-q", "--report", str(report), str(nb)]) == 1
    entry = json.loads(report.read_text())["files"][0]
    # The GradientTape loop runs on every backend (KM209's value_and_grad).
    assert entry["backends"] == ["jax", "tensorflow", "torch"]
    assert (entry["diagnostics"][0]["cell"], entry["diagnostics"][0]["line"]) == (4, 9)


# -- safety ----------------------------------------------------------------------------------------
def test_invalid_json_is_an_error_and_left_alone(tmp_path, capsys):
    nb = tmp_path / "broken.ipynb"
    nb.write_text('{"cells": [{"source": "from tensorflow import keras"')
    assert main([str(nb)]) == 2
    out = capsys.readouterr().out
    assert "broken.ipynb:1:1: error: [KM010] not a valid notebook" in out
    assert nb.read_text() == '{"cells": [{"source": "from tensorflow import keras"'


def test_old_nbformat_and_schema_errors_are_refused(tmp_path, capsys):
    v3 = tmp_path / "v3.ipynb"
    v3.write_text(json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                              "worksheets": [{"cells": [{"cell_type": "code", "input": "import keras"}]}]}))
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                               "cells": [{"cell_type": "code", "source": "from tensorflow import keras"}]}))
    assert main([str(v3), str(bad)]) == 2
    out = capsys.readouterr().out
    assert "v3.ipynb:1:1: error: [KM010] nbformat 3 notebooks are not supported" in out
    assert "bad.ipynb:1:1: error: [KM010] not a valid notebook" in out and "metadata" in out


def test_a_cell_that_does_not_parse_is_kept_and_the_others_migrated(tmp_path, capsys):
    # Books' notebooks hold pseudo-code and pasted non-breaking spaces (Deep Learning with
    # Python's chapter 14): Jupyter cannot run such a cell, and one must not stop the rest.
    nb = tmp_path / "nb.ipynb"
    broken = "x = keras.layers.Dense(2)\ndef f(:\n    pass"
    nbsp = "y = keras.layers.Dense(2,\xa0activation='relu')"
    text = _notebook(["from tensorflow import keras", broken, nbsp, "z = keras.layers.Dense(3)"])
    nb.write_text(text)
    assert main([str(nb)]) == 0
    out = capsys.readouterr().out
    assert "nb.ipynb:cell 2:2:7: warning: [KM001] this cell is not valid Python (invalid syntax)" in out
    assert "nb.ipynb:cell 3:1:26: warning: [KM001] this cell is not valid Python (invalid non-printable " \
           "character U+00A0)" in out
    sources = _sources(nb)
    assert sources == ["import keras", broken, nbsp, "z = keras.layers.Dense(3)"]
    migrated = nb.read_text()
    assert main([str(nb)]) == 0  # a second run reports the cells again and changes nothing
    assert "cell 2:2:7: warning: [KM001]" in capsys.readouterr().out
    assert nb.read_text() == migrated


def test_unchanged_notebook_is_byte_identical(tmp_path):
    nb = tmp_path / "nb.ipynb"
    # Not the layout json.dumps writes (tabs): still never rewritten when nothing changes.
    text = '{\n\t"cells": [], "metadata": {"x": "keras"}, "nbformat": 4, "nbformat_minor": 5}'
    nb.write_text(text)
    assert main(["-q", str(nb)]) == 0
    assert nb.read_text() == text


def test_odd_layout_is_rewritten_with_a_note(tmp_path, capsys):
    nb = tmp_path / "nb.ipynb"
    text = _notebook(["from tensorflow import keras\nx = keras.layers.LeakyReLU(alpha=0.1)"])
    nb.write_text(text.replace('"nbformat_minor": 5', '"nbformat_minor": 5.0e0'.replace("5.0e0", "5")).replace(
        "\n \"metadata\"", "\n  \"metadata\""))
    assert main([str(nb)]) == 0
    assert "JSON layout is not the one Jupyter writes" in capsys.readouterr().out
    assert _sources(nb) == ["import keras\nx = keras.layers.LeakyReLU(negative_slope=0.1)"]


def test_read_only_notebook_is_not_written(tmp_path, capsys):
    (nb,) = _copy(tmp_path, CH4)
    os.chmod(nb, 0o444)
    try:
        assert main([str(nb)]) == 2
        assert "KM007" in capsys.readouterr().out
    finally:
        os.chmod(nb, stat.S_IWUSR | stat.S_IRUSR)


def test_reserved_marker_text_is_refused(tmp_path, capsys):
    nb = tmp_path / "nb.ipynb"
    nb.write_text(_notebook(["from tensorflow import keras\n# <nb-cell 3>"]))
    assert main([str(nb)]) == 2
    assert "KM011" in capsys.readouterr().out


def test_other_kernel_languages_are_not_migrated(tmp_path, capsys):
    nb = tmp_path / "r.ipynb"
    text = _notebook(["library(keras)\nmodel <- keras_model_sequential()"])
    nb.write_text(text.replace('"language": "python"', '"language": "R"'))
    assert main([str(nb)]) == 0
    assert "a r notebook" in capsys.readouterr().out
    assert "library(keras)" in nb.read_text()


def test_imports_serve_later_cells_and_magics_survive(tmp_path):
    nb = tmp_path / "nb.ipynb"
    nb.write_text(_notebook([
        "!pip install -q tensorflow\n%matplotlib inline",
        "import tensorflow as tf",
        "x = tf.keras.layers.LocallyConnected1D(2, 3)\nx?",
        "%%time\ny = tf.keras.layers.LeakyReLU(alpha=0.3)",
    ]))
    assert main(["-q", str(nb)]) == 0
    assert _sources(nb) == [
        "!pip install -q tensorflow\n%matplotlib inline",
        "import tensorflow as tf\nfrom keras_migrate_runtime import LocallyConnected1D\nimport keras",
        "x = LocallyConnected1D(2, 3)\nx?",
        "%%time\ny = keras.layers.LeakyReLU(negative_slope=0.3)",
    ]


def test_an_edit_made_while_migrating_is_never_overwritten(tmp_path):
    from keras_migrate.engine import MigrationOptions
    from keras_migrate.engine._runner import migrate_file
    from keras_migrate.migrator import keras_rule_set

    (nb,) = _copy(tmp_path, CH4)

    def user_saves_meanwhile(target, code):
        nb.write_text(nb.read_text().replace("Stand-in", "Edited"))

    outcome = migrate_file(str(nb), MigrationOptions(), keras_rule_set(), before_write=user_saves_meanwhile)
    assert outcome.failed and outcome.result.diagnostics[-1].rule_id == "KM006"
    assert "Edited" in nb.read_text() and "from tensorflow import keras" in nb.read_text()


@pytest.mark.parametrize("ensure_ascii, newline", [(False, "\n"), (True, "\n"), (False, "\r\n")])
def test_escapes_and_windows_newlines_are_kept(tmp_path, ensure_ascii, newline, capsys):
    data = json.loads(_notebook([
        "# Größe der Schicht\nfrom tensorflow import keras\nx = keras.layers.LeakyReLU(alpha=0.1)", "print('naïve')"]))
    for cell in data["cells"]:  # Jupyter's list of lines
        cell["source"] = cell["source"].splitlines(keepends=True)
    text = (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=ensure_ascii) + "\n").replace("\n", newline)
    nb = tmp_path / "nb.ipynb"
    nb.write_bytes(text.encode("utf-8"))
    assert main([str(nb)]) == 0
    assert "JSON layout" not in capsys.readouterr().out  # reproduced exactly
    migrated = nb.read_bytes().decode("utf-8")
    changed = [line for line in difflib.ndiff(text.split(newline), migrated.split(newline)) if line[:1] in "+-"]
    assert sorted(changed) == ['+     "import keras\\n",', '+     "x = keras.layers.LeakyReLU(negative_slope=0.1)"',
                               '-     "from tensorflow import keras\\n",', '-     "x = keras.layers.LeakyReLU(alpha=0.1)"']
    assert ("\\u00df" in migrated) == ensure_ascii
    assert migrated.count("\r\n") == (migrated.count("\n") if newline == "\r\n" else 0)
