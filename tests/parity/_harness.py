"""Shared machinery of the parity harness: program metadata, running, comparing.

Used by test_parity.py, record_references.py and run_program.py. Kept free
of pytest and of any ML framework import: every program runs in its own
process (a fresh interpreter, or a child forked from a server that has Keras
imported) so that Keras 2 (tf_keras) and the three Keras 3 backends never
share a process.
"""

import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

import numpy as np

__all__ = [
    "CONFIGS",
    "ForkServers",
    "DEFAULT_ATOL",
    "DEFAULT_RTOL",
    "PARITY_DIR",
    "PROGRAMS_DIR",
    "REFERENCES_DIR",
    "REPO_ROOT",
    "TOOLS_DIR",
    "Program",
    "RunResult",
    "compare",
    "find_tf_keras_uses",
    "list_programs",
    "load_program",
    "run_program",
]

PARITY_DIR = os.path.dirname(os.path.abspath(__file__))
PROGRAMS_DIR = os.path.join(PARITY_DIR, "programs")
REFERENCES_DIR = os.path.join(PARITY_DIR, "references")
REPO_ROOT = os.path.dirname(os.path.dirname(PARITY_DIR))
TOOLS_DIR = os.path.join(REPO_ROOT, "tools")

DEFAULT_ATOL = 1e-5
DEFAULT_RTOL = 1e-4

# (config id, migration mode, KERAS_BACKEND). "tfmode" = part-1 rules only.
CONFIGS = (
    ("tfmode_tensorflow", "tensorflow", "tensorflow"),
    ("agnostic_tensorflow", "agnostic", "tensorflow"),
    ("agnostic_jax", "agnostic", "jax"),
    ("agnostic_torch", "agnostic", "torch"),
)

_META = re.compile(r"^#\s*parity:\s*(.*?)\s*$")
_REST_OF_LINE_FIELDS = ("tensorflow_only", "reason")


@dataclasses.dataclass(frozen=True)
class Tolerance:
    atol: float
    rtol: float
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class Program:
    name: str
    path: str
    section: str
    tensorflow_only: str  # reason; "" when the program must run everywhere
    tolerance: Tolerance
    key_tolerances: dict  # result key -> Tolerance
    timeout: int
    # The Keras 2 original imports a Keras 2 library (TF Addons): references are
    # recorded with tests/corpus/extras.txt on the path (the migrated code needs none).
    keras2_extras: bool = False

    @property
    def reference_path(self):
        return os.path.join(REFERENCES_DIR, self.name + ".json")

    def tolerance_for(self, key):
        return self.key_tolerances.get(key, self.tolerance)


def _parse_fields(text):
    """'a=1 b=2 reason=free text' -> {'a': '1', 'b': '2', 'reason': 'free text'}."""
    for field in _REST_OF_LINE_FIELDS:
        match = re.match(rf"^(.*?)(?:^|\s){field}=(.*)$", text)
        if match:
            fields = _parse_fields(match.group(1)) if match.group(1).strip() else {}
            fields[field] = match.group(2).strip()
            return fields
    fields = {}
    for token in text.split():
        if "=" not in token:
            raise ValueError(f"bad parity metadata token {token!r}")
        key, value = token.split("=", 1)
        fields[key] = value
    return fields


def load_program(path):
    """Parses the '# parity: ...' header lines of a program file."""
    name = os.path.splitext(os.path.basename(path))[0]
    section, tf_only, timeout, extras = "", "", 300, False
    tolerance = Tolerance(DEFAULT_ATOL, DEFAULT_RTOL)
    key_tolerances = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            match = _META.match(line)
            if not match:
                continue
            fields = _parse_fields(match.group(1))
            if "key" in fields:
                key_tolerances[fields["key"]] = _tolerance(fields, tolerance, path)
            elif "atol" in fields or "rtol" in fields:
                tolerance = _tolerance(fields, tolerance, path)
            if "section" in fields:
                section = fields["section"]
            if "tensorflow_only" in fields:
                tf_only = fields["tensorflow_only"] or "declared tensorflow-only"
            if "timeout" in fields:
                timeout = int(fields["timeout"])
            if "keras2_extras" in fields:
                extras = fields["keras2_extras"] == "1"
    if not section:
        raise ValueError(f"{path}: missing '# parity: section=...' header")
    return Program(name, path, section, tf_only, tolerance, key_tolerances, timeout, extras)


def _tolerance(fields, default, path):
    if not fields.get("reason"):
        raise ValueError(f"{path}: a tolerance override needs reason=...")
    return Tolerance(
        float(fields.get("atol", default.atol)),
        float(fields.get("rtol", default.rtol)),
        fields["reason"],
    )


def list_programs():
    names = sorted(
        n for n in os.listdir(PROGRAMS_DIR) if n.endswith(".py") and not n.startswith("_")
    )
    return [load_program(os.path.join(PROGRAMS_DIR, n)) for n in names]


@dataclasses.dataclass
class RunResult:
    returncode: int
    output: str  # stdout + stderr
    results: dict  # None when the program did not emit

    def tail(self, lines=40):
        return "\n".join(self.output.splitlines()[-lines:])


def _env(backend, legacy_keras, extra_pythonpath, keras_home, gpu=False):
    env = dict(os.environ)
    for var in ("TF_USE_LEGACY_KERAS", "KERAS_BACKEND", "PARITY_OUT", "PYTHONPATH"):
        env.pop(var, None)
    env.update(
        {
            "CUDA_VISIBLE_DEVICES": "",
            "JAX_PLATFORMS": "cpu",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            # oneDNN reorders float sums; keep TF's reference kernels.
            "TF_ENABLE_ONEDNN_OPTS": "0",
            "PYTHONHASHSEED": "0",
            # One thread per process: reproducible reductions, and the
            # harness can run several programs side by side on small machines.
            "TF_NUM_INTRAOP_THREADS": "1",
            "TF_NUM_INTEROP_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
            # A private keras.json: a user's config must not change results.
            "KERAS_HOME": keras_home,
            "PYTHONPATH": os.pathsep.join([PARITY_DIR] + list(extra_pythonpath)),
        }
    )
    if gpu:
        # On an accelerator: the devices stay visible, and float32 matrix products keep
        # float32 precision (TF32 would differ from the CPU references by about 1e-3).
        for var in ("CUDA_VISIBLE_DEVICES", "JAX_PLATFORMS", "XLA_FLAGS"):
            env.pop(var, None)
        env.update({"NVIDIA_TF32_OVERRIDE": "0", "JAX_DEFAULT_MATMUL_PRECISION": "highest"})
    if legacy_keras:
        env["TF_USE_LEGACY_KERAS"] = "1"
        # Keras 2 has no jit_compile-by-default, so determinism flags cannot
        # hide anything there. They are NOT set for Keras 3 runs: Keras 3
        # silently turns jit_compile off when op determinism is enabled.
        env["TF_DETERMINISTIC_OPS"] = "1"
    else:
        env["KERAS_BACKEND"] = backend
    return env


def run_program(
    source_path,
    backend="tensorflow",
    legacy_keras=False,
    extra_pythonpath=(),
    timeout=300,
    python=None,
    gpu=False,
    fork_servers=None,
):
    """Runs one program file in a fresh process; returns a RunResult.

    The program runs with its own directory as working directory, inside a
    scratch copy so files it writes (checkpoints, SavedModels) go nowhere.
    With fork_servers (Keras 3 runs only), the process is forked from a server that
    has Keras and its backend imported already instead of started from scratch.
    """
    with tempfile.TemporaryDirectory(prefix="parity_") as scratch:
        out_path = os.path.join(scratch, "results.json")
        keras_home = os.path.join(scratch, "keras_home")
        work = os.path.join(scratch, "work")
        os.makedirs(keras_home)
        os.makedirs(work)
        env = _env(backend, legacy_keras, extra_pythonpath, keras_home, gpu=gpu)
        env["PARITY_OUT"] = out_path
        env["TMPDIR"] = work
        forked = None
        if fork_servers is not None and not legacy_keras and python is None:
            forked = fork_servers.run(
                os.path.abspath(source_path), backend, gpu, extra_pythonpath, work, env, timeout
            )
        if forked is not None:
            code, output = forked
        else:
            code, output = _run_fresh(
                [python or sys.executable, os.path.abspath(source_path)], work, env, timeout
            )
        results = None
        if code == 0 and os.path.exists(out_path):
            with open(out_path) as f:
                results = json.load(f)
        return RunResult(code, output, results)


def _run_fresh(command, cwd, env, timeout):
    try:
        proc = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
        return proc.returncode, proc.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b"").decode("utf-8", "replace")
        return -9, output + f"\n[parity] timed out after {timeout}s"


_FORK_SERVER = os.path.join(PARITY_DIR, "_fork_server.py")
_IMPORTS_TENSORFLOW = re.compile(r"^(?:import|from)\s+tensorflow\b", re.M)


class ForkServers:
    """Fork servers (_fork_server.py), one per backend and set of pre-imported modules.

    A program that imports TensorFlow at top level is forked from a server that has it
    imported too; one that does not, from a server without it, so that its process
    holds the same modules a fresh one would. Thread-safe; a server that fails makes
    run() return None (the caller then starts a fresh process).
    """

    def __init__(self):
        self._servers = {}
        self._lock = threading.Lock()

    def run(self, program, backend, gpu, extra_pythonpath, cwd, env, timeout):
        with open(program, encoding="utf-8") as f:
            imports = "tensorflow" if _IMPORTS_TENSORFLOW.search(f.read()) else ""
        key = (backend, bool(gpu), imports)
        with self._lock:
            server = self._servers.get(key)
            if server is None:
                server = self._servers[key] = _ForkServer(backend, gpu, imports)
        return server.run(program, extra_pythonpath, cwd, env, timeout)

    def close(self):
        with self._lock:
            for server in self._servers.values():
                server.close()
            self._servers.clear()


class _ForkServer:
    _START_TIMEOUT = 300

    def __init__(self, backend, gpu, imports):
        self._home = tempfile.mkdtemp(prefix="parity_fork_server_")
        keras_home = os.path.join(self._home, "keras_home")
        os.makedirs(keras_home)
        env = _env(backend, False, (), keras_home, gpu=gpu)
        env["PARITY_FORK_IMPORTS"] = imports
        self._keras_home = keras_home
        self._cond = threading.Condition()
        self._started = {}
        self._exits = {}
        self._alive = True
        self._ready = False
        self._token = 0
        self._proc = subprocess.Popen(
            [sys.executable, _FORK_SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self._home,
            env=env,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self._proc.stdout:
            words = raw.decode().split()
            with self._cond:
                if words == ["ready"]:
                    self._ready = True
                elif words[:1] == ["started"]:
                    self._started[int(words[1])] = int(words[2])
                elif words[:1] == ["exit"]:
                    self._exits[int(words[1])] = int(words[2])
                self._cond.notify_all()
        with self._cond:
            self._alive = False
            self._cond.notify_all()

    def _wait(self, predicate, timeout=None):
        with self._cond:
            self._cond.wait_for(lambda: predicate() or not self._alive, timeout)
            return predicate()

    def run(self, program, extra_pythonpath, cwd, env, timeout):
        if not self._wait(lambda: self._ready, self._START_TIMEOUT):
            return None
        log = os.path.join(cwd, os.pardir, "output.log")
        changed = {k: v for k, v in env.items() if os.environ.get(k) != v}
        changed["KERAS_HOME"] = self._keras_home  # read once, at the server's import
        with self._cond:
            self._token += 1
            token = self._token
            request = {
                "token": token,
                "program": program,
                "cwd": cwd,
                "env": changed,
                "path": [PARITY_DIR] + list(extra_pythonpath),
                "log": log,
            }
            try:
                self._proc.stdin.write((json.dumps(request) + "\n").encode())
                self._proc.stdin.flush()
            except OSError:
                return None
        if not self._wait(lambda: token in self._started, 60):
            return None
        pid = self._started.pop(token)
        timed_out = not self._wait(lambda: pid in self._exits, timeout)
        if timed_out:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
            if not self._wait(lambda: pid in self._exits, 60):
                return None
        code = self._exits.pop(pid)
        with open(log, "rb") as f:
            output = f.read().decode("utf-8", "replace")
        if timed_out:
            code, output = -9, output + f"\n[parity] timed out after {timeout}s"
        return code, output

    def close(self):
        try:
            self._proc.stdin.close()
            self._proc.wait(timeout=60)
        except Exception:
            self._proc.kill()
        shutil.rmtree(self._home, ignore_errors=True)


def _leaves(value, path):
    """Splits a JSON result into (path, float array) leaves; ragged lists recurse."""
    if isinstance(value, dict):
        for k in sorted(value):
            yield from _leaves(value[k], f"{path}[{k!r}]")
        return
    try:
        yield path, np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError):  # ragged, e.g. a list of weight arrays
        for i, item in enumerate(value):
            yield from _leaves(item, f"{path}[{i}]")


def compare(program, reference, actual):
    """Returns a list of human-readable mismatches (empty when within tolerance)."""
    problems = []
    missing = sorted(set(reference) - set(actual))
    extra = sorted(set(actual) - set(reference))
    if missing:
        problems.append(f"missing result keys: {missing}")
    if extra:
        problems.append(f"unexpected result keys (re-record references?): {extra}")
    for key in sorted(set(reference) & set(actual)):
        tol = program.tolerance_for(key)
        ref_leaves = list(_leaves(reference[key], key))
        got_leaves = list(_leaves(actual[key], key))
        if [p for p, _ in ref_leaves] != [p for p, _ in got_leaves]:
            problems.append(
                f"{key}: structure differs from the reference "
                f"(got {len(got_leaves)} arrays, reference {len(ref_leaves)})"
            )
            continue
        for (path, ref), (_, got) in zip(ref_leaves, got_leaves):
            problem = _compare_array(path, ref, got, tol)
            if problem:
                problems.append(problem)
    return problems


def _compare_array(path, ref, got, tol):
    if ref.shape != got.shape:
        return f"{path}: shape {got.shape} != reference shape {ref.shape}"
    close = np.isclose(got, ref, atol=tol.atol, rtol=tol.rtol, equal_nan=True)
    if close.all():
        return None
    diff = np.abs(got - ref)
    diff = np.where(np.isnan(diff), np.inf, diff)
    worst = np.unravel_index(np.argmax(diff), diff.shape) if diff.ndim else ()
    return (
        f"{path}: {int((~close).sum())}/{close.size} values outside "
        f"atol={tol.atol:g} rtol={tol.rtol:g}; max abs diff {diff.max():.3g} "
        f"at index {tuple(int(i) for i in worst)}: got {float(got[worst])!r}, "
        f"reference {float(ref[worst])!r}"
    )


_TF_KERAS_IMPORT = re.compile(r"^(tensorflow|tf_keras)(\.python)?\.keras(\.|$)|^tf_keras(\.|$)")


def find_tf_keras_uses(source):
    """Lines of `source` that still use Keras 2 through TensorFlow (tf.keras & co)."""
    import ast

    tree = ast.parse(source)
    tf_names = set()
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _TF_KERAS_IMPORT.match(alias.name):
                    hits.append(node.lineno)
                elif alias.name == "tensorflow" or alias.name.startswith("tensorflow."):
                    tf_names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module:
            if _TF_KERAS_IMPORT.match(node.module):
                hits.append(node.lineno)
            elif node.module.startswith("tensorflow") and any(
                a.name == "keras" for a in node.names
            ):
                hits.append(node.lineno)
            elif node.module == "tensorflow.compat":
                tf_names.update(a.asname or a.name for a in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "keras":
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in tf_names:
                hits.append(node.lineno)
    return sorted(set(hits))
