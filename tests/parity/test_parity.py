"""Runtime parity: each Keras 2 program, migrated, gives Keras 2's numbers.

For every program in programs/ and every config in _harness.CONFIGS
(migration mode x KERAS_BACKEND), the program is migrated with
keras_migrate.migrate_source, run in a fresh subprocess under Keras 3, and
its emitted results are compared with references/<program>.json (recorded
under genuine Keras 2 by record_references.py). See README.md.
"""

import atexit
import concurrent.futures
import os
import shutil
import sys
import tempfile
import threading
import traceback

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _harness  # noqa: E402
from expected_failures import EXPECTED_FAILURES  # noqa: E402

if _harness.TOOLS_DIR not in sys.path:
    sys.path.insert(0, _harness.TOOLS_DIR)

PROGRAMS = _harness.list_programs()
_BY_NAME = {p.name: p for p in PROGRAMS}
CONFIG_IDS = [c[0] for c in _harness.CONFIGS]
# Programs run side by side in subprocesses (each single-threaded).
JOBS = max(1, int(os.environ.get("PARITY_JOBS", "2")))
# Forked from servers with Keras imported (about 5 s less per case); PARITY_FORK=0
# starts every program in a fresh interpreter instead.
FORK = os.environ.get("PARITY_FORK", "1") != "0" and hasattr(os, "fork")


def _params():
    for program in PROGRAMS:
        for config_id, mode, backend in _harness.CONFIGS:
            marks = [pytest.mark.parity]
            reason = EXPECTED_FAILURES.get((program.name, config_id))
            if reason:
                marks.append(pytest.mark.xfail(strict=False, reason=reason))
            yield pytest.param(
                program, config_id, mode, backend, id=f"{program.name}-{config_id}", marks=marks
            )


class _Job:
    migration = None
    migrate_error = None
    leftovers = ()
    run = None
    workdir = None


class _Scheduler:
    """Runs the selected cases a few at a time, ahead of the test that needs them.

    Look-ahead is bounded by JOBS so that -x or Ctrl-C leaves at most JOBS-1
    subprocesses to finish.
    """

    def __init__(self, keys):
        self._keys = keys
        self._index = {k: i for i, k in enumerate(keys)}
        self._futures = {}
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=JOBS)
        self._migrations = {}
        self._lock = threading.Lock()
        self._fork_servers = _harness.ForkServers() if FORK else None
        self._returned = 0
        if self._fork_servers is not None:
            atexit.register(self._fork_servers.close)

    def result(self, key):
        position = self._index.get(key, len(self._keys))
        for k in [key] + self._keys[position + 1 : position + JOBS]:
            if k not in self._futures:
                self._futures[k] = self._pool.submit(self._work, k)
        job = self._futures.pop(key).result()
        self._returned += 1
        if self._returned >= len(self._keys) and self._fork_servers is not None:
            self._fork_servers.close()  # their memory is the later suites' to use
        return job

    def _migrate(self, program, mode):
        # One migration at a time, cached for the three backends. Every ast.parse
        # of the run happens here, under the lock: CPython 3.11.7 keeps the AST
        # converter's recursion depth per interpreter, so two threads parsing at
        # once fail with "AST constructor recursion depth mismatch" (CI saw it).
        with self._lock:
            cached = self._migrations.get((program.name, mode))
            if cached is None:
                try:
                    from keras_migrate import MigrationOptions, migrate_source

                    with open(program.path, encoding="utf-8") as f:
                        source = f.read()
                    migration = migrate_source(source, program.path, MigrationOptions(mode=mode))
                    leftovers = _harness.find_tf_keras_uses(migration.code)
                    cached = (migration, None, leftovers)
                except Exception:
                    cached = (None, traceback.format_exc(), ())
                self._migrations[(program.name, mode)] = cached
            return cached

    def _work(self, key):
        name, mode, backend = key
        program = _BY_NAME[name]
        job = _Job()
        job.migration, job.migrate_error, job.leftovers = self._migrate(program, mode)
        if job.migration is None:
            return job
        job.workdir = tempfile.mkdtemp(prefix=f"parity_{program.name}_{mode}_{backend}_")
        path = os.path.join(job.workdir, program.name + ".py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(job.migration.code)
        extra = [_harness.TOOLS_DIR] if getattr(job.migration, "runtime_imports", False) else []
        job.run = _harness.run_program(
            path,
            backend=backend,
            extra_pythonpath=extra,
            timeout=program.timeout,
            fork_servers=self._fork_servers,
        )
        return job


_scheduler = None


def _get_scheduler(session):
    global _scheduler
    if _scheduler is None:
        keys = []
        for item in session.items:
            spec = getattr(item, "callspec", None)
            if getattr(item, "originalname", None) == "test_parity" and spec:
                p = spec.params
                if p["program"].tensorflow_only and p["backend"] != "tensorflow":
                    continue  # skipped, never run
                keys.append((p["program"].name, p["mode"], p["backend"]))
        _scheduler = _Scheduler(keys)
    return _scheduler


def _diagnostics_summary(result, limit=15):
    lines = []
    for d in getattr(result, "diagnostics", [])[:limit]:
        lines.append(f"  {d.severity} {d.rule_id} line {d.line}: {d.message}")
    return "\n".join(lines) or "  (none)"


@pytest.mark.parametrize("program, config_id, mode, backend", list(_params()))
def test_parity(program, config_id, mode, backend, request):
    if program.tensorflow_only and backend != "tensorflow":
        pytest.skip(f"tensorflow-only program: {program.tensorflow_only}")
    if not os.path.exists(program.reference_path):
        pytest.fail(f"no reference for {program.name}: run tests/parity/record_references.py")
    with open(program.reference_path) as f:
        import json

        reference = json.load(f)

    job = _get_scheduler(request.session).result((program.name, mode, backend))
    if job.migrate_error:
        pytest.fail(f"migrate_source failed on {program.name} (mode={mode}):\n{job.migrate_error}")
    result = job.migration
    where = f"migrated program kept at {job.workdir}/{program.name}.py"
    context = (
        f"\nmigration diagnostics:\n{_diagnostics_summary(result)}\n"
        f"reproduce: python tests/parity/run_program.py {program.name} "
        f"--mode {mode} --backend {backend} --show-code"
    )

    problems = []
    run = job.run
    if run.returncode != 0 or run.results is None:
        problems.append(
            f"program crashed under KERAS_BACKEND={backend} (exit {run.returncode}):\n"
            + run.tail(30)
        )
    else:
        problems += _harness.compare(program, reference, run.results)
    leftovers = job.leftovers
    if leftovers:
        problems.append(f"migrated code still uses Keras 2 via TensorFlow on lines {leftovers}")
    declared = list(getattr(result, "tensorflow_only", []) or [])
    if mode == "agnostic" and program.tensorflow_only and not declared:
        problems.append(
            "program is TensorFlow-only by nature "
            f"({program.tensorflow_only}) but the migrator reports it backend-agnostic"
        )
    if mode == "agnostic" and not program.tensorflow_only and declared:
        problems.append(f"the migrator declared the program tensorflow-only: {declared}")

    if problems:
        pytest.fail(
            f"{program.name} [{config_id}] {where}\n- " + "\n- ".join(problems) + context,
            pytrace=False,
        )
    shutil.rmtree(job.workdir, ignore_errors=True)


def test_expected_failures_are_current():
    """Stale entries (renamed programs, typos) must not linger in the list."""
    names = {p.name for p in PROGRAMS}
    stale = [k for k in EXPECTED_FAILURES if k[0] not in names or k[1] not in CONFIG_IDS]
    assert not stale, f"expected_failures.py names unknown programs/configs: {stale}"


def test_programs_have_references_and_sections():
    missing = [p.name for p in PROGRAMS if not os.path.exists(p.reference_path)]
    assert not missing, f"run tests/parity/record_references.py for: {missing}"
    extra = sorted(
        set(os.path.splitext(n)[0] for n in os.listdir(_harness.REFERENCES_DIR))
        - {p.name for p in PROGRAMS}
    )
    assert not extra, f"references without a program: {extra}"
