"""Run a runtime test module again under each Keras 3 backend, in child processes: pytest
imports keras once per process, with whatever backend the environment picked."""

import os
import subprocess
import sys

import pytest

BACKENDS = ("jax", "tensorflow", "torch")
_CHILD = "KERAS_MIGRATE_RUNTIME_TEST_CHILD"
TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools")


def run_module_on(backend: str, module_file: str) -> None:
    if os.environ.get(_CHILD):
        pytest.skip("already a per-backend child run")
    env = keras3_env(backend)
    env.update({_CHILD: "1", "PYTHONPATH": os.pathsep.join([TOOLS] + [p for p in [os.environ.get("PYTHONPATH")] if p])})
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", module_file],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert proc.returncode == 0, f"{backend}:\n" + proc.stdout.decode()[-4000:]


def keras3_env(backend: str) -> dict:
    """The environment of a Keras 3 child process on `backend`, CPU only, the runtime importable."""
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    env.update(KERAS_BACKEND=backend, PYTHONPATH=TOOLS, CUDA_VISIBLE_DEVICES="", JAX_PLATFORMS="cpu",
               TF_CPP_MIN_LOG_LEVEL="3")
    return env


def run_script_on(backend: str, script: str) -> str:
    """Runs `script` (python -c) under Keras 3 on `backend`; its stdout, or the test fails
    with its stderr."""
    proc = subprocess.run([sys.executable, "-c", script], env=keras3_env(backend), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=300)
    assert proc.returncode == 0, f"{backend}:\n" + proc.stderr.decode()[-3000:]
    return proc.stdout.decode()
