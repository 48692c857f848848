"""The migrated book-style notebooks run on Keras 3 (slow: they train small models).

Each fixture of tests/keras_migrate/notebooks/data is migrated with the CLI, its code
cells are run in order as one script (what "Run All" does; IPython lines are skipped,
`x = !cmd` binds an empty list, cell magics such as %%bash are left out) on JAX, or on
TensorFlow for a notebook the migrator declared tensorflow-only.

    .venv/bin/python -m pytest -q tests/notebooks
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from keras_migrate.cli import main
from keras_migrate.engine._notebook import mask_cell

DATA = os.path.join(os.path.dirname(__file__), "..", "keras_migrate", "notebooks", "data")
NOTEBOOKS = sorted(f for f in os.listdir(DATA) if f.endswith(".ipynb"))
_ASSIGNED = re.compile(r"^\s*([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*[!%]")
_PLACEHOLDER = re.compile(r"^([ \t]*)pass  # <nb-magic (\d+)>$")


def notebook_script(path) -> str:
    """The notebook's code cells as one script, as a kernel would run them."""
    with open(path, encoding="utf-8") as handle:
        cells = json.load(handle)["cells"]
    parts = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        masked, originals = mask_cell("".join(cell["source"]))
        if masked is None:
            continue
        lines = []
        for line in masked.splitlines():
            match = _PLACEHOLDER.match(line)
            assigned = match and _ASSIGNED.match(originals[int(match.group(2))][1])
            lines.append(f"{match.group(1)}{assigned.group(1)} = []" if assigned else line)
        parts.append("\n".join(lines))
    return "\n".join(parts) + "\n"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_migrated_notebook_runs(tmp_path, name):
    nb = tmp_path / name
    shutil.copy(os.path.join(DATA, name), nb)
    report = tmp_path / "report.json"
    assert main(["-q", "--report", str(report), str(nb)]) == 0
    entry = json.loads(report.read_text())["files"][0]
    assert entry["changed"]
    backend = "jax" if "jax" in entry["backends"] else "tensorflow"
    script = tmp_path / (name[:-len(".ipynb")] + ".py")
    script.write_text(notebook_script(nb))
    env = dict(os.environ, KERAS_BACKEND=backend, MPLBACKEND="Agg", PYTHONPATH=str(tmp_path),
               TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("TF_USE_LEGACY_KERAS", None)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, f"{name} on {backend}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
