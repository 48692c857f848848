"""The repository's .pre-commit-hooks.yaml, run by pre-commit itself on a scratch git
repository (`pre-commit try-repo` installs this checkout into a hook environment with
pip, so it needs PyPI or a local index: skipped with the reason when that fails)."""

import os
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("pre_commit", reason="pre-commit is not installed (third_party/python/requirements.lock has it)")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NOTEBOOK = os.path.join(ROOT, "tests", "keras_migrate", "notebooks", "data", "chapter04_colab.ipynb")
KERAS2 = "from tensorflow import keras\nlayer = keras.layers.LeakyReLU(alpha=0.2)\n"
_OFFLINE = ("Could not find a version", "No matching distribution", "Failed to establish a new connection",
            "Network is unreachable", "ProxyError")


def _git(repo, *args):
    subprocess.run(["git", "-c", "user.email=test@example.com", "-c", "user.name=test", *args], cwd=repo,
                   check=True, capture_output=True)


def _hook(repo, home, hook):
    env = dict(os.environ, PRE_COMMIT_HOME=str(home))
    env.pop("PYTHONPATH", None)  # the hook runs the installed package, not this checkout's tools/
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", ROOT, hook, "--all-files"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode == 3 and any(marker in proc.stdout + proc.stderr for marker in _OFFLINE):
        pytest.skip("pre-commit could not install the hook environment (no package index reachable)")
    return proc


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tmp_path / "model.py").write_text(KERAS2)
    (tmp_path / "plain.py").write_text("print('no keras here')\n")
    (tmp_path / "README.md").write_text("tf.keras everywhere\n")
    shutil.copy(NOTEBOOK, tmp_path / "chapter04.ipynb")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "keras 2")
    return tmp_path


def test_check_hook_fails_and_writes_nothing(repo, home):
    notebook = (repo / "chapter04.ipynb").read_bytes()
    proc = _hook(repo, home, "keras-migrate-check")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "2 would change" in proc.stdout  # model.py and the notebook; README.md is not passed
    assert (repo / "model.py").read_text() == KERAS2
    assert (repo / "chapter04.ipynb").read_bytes() == notebook


def test_fix_hook_migrates_then_check_passes(repo, home):
    proc = _hook(repo, home, "keras-migrate")
    assert proc.returncode == 1 and "files were modified by this hook" in proc.stdout, proc.stdout
    assert (repo / "model.py").read_text() == "import keras\nlayer = keras.layers.LeakyReLU(negative_slope=0.2)\n"
    assert '"import keras\\n"' in (repo / "chapter04.ipynb").read_text()
    _git(repo, "add", "-A")
    proc = _hook(repo, home, "keras-migrate-check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
