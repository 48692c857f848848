"""Orchestration of `keras-migrate verify`: migrate, run Keras 2 and each backend, compare."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List, Optional, Sequence

from keras_migrate.verify._compare import (
    Difference, Tolerance, compare_records, counting_metric_flip, record_deviation)
from keras_migrate.verify._records import CRASH, EXIT, NOTE, Record, read_records

__all__ = ["BACKENDS", "VerifyOptions", "Verdict", "verify"]

BACKENDS = ("jax", "tensorflow", "torch")

# Verdicts, per backend.
IDENTICAL = "identical"
DIFFERS = "differs"
CRASHED = "crashed"
TIMEOUT = "timeout"
UNSUPPORTED = "unsupported"  # the migrator declared the program TensorFlow-only
NO_REFERENCE = "no-reference"  # the Keras 2 run itself failed: nothing to compare with
# Differs, but so does Keras 2 from itself, as much, once its float sums are reordered
# or its initial weights nudged by a few float32 roundings: the program amplifies
# rounding (Adam on a bias before BatchNorm, ReLU units at their kink under a large
# learning rate, long chaotic training), so no tolerance tells a semantic break from
# noise at that record. Not identical either.
UNSTABLE = "unstable"
# A Keras 3 difference at most this many times Keras 2's own is within its noise.
_NOISE_FACTOR = 10.0
# Keras 2's runs against itself, tried in this order while a backend still differs:
# (name, what differs from the reference run, Config.perturb).
_NOISE_RUNS = (
    ("reordered", "once its float sums are reordered (oneDNN kernels, 2 threads)", 0.0),
    # A few float32 roundings (2**-24 each), as a backend's other kernels make them.
    ("perturbed", "from initial weights nudged by at most 2**-21 of themselves", 2.0 ** -21),
)

# Files larger than this are linked, not copied, into the scratch working directory.
_COPY_LIMIT = 1 << 20
_SHADOW_MAX_FILES = 20000
_SKIP_DIRS = {".git", "__pycache__", ".venv", "node_modules", ".tox", ".mypy_cache", ".pytest_cache"}


@dataclasses.dataclass
class VerifyOptions:
    # SCRIPT [ARGS...], or with command=True any command line (pytest tests/, python -m x)
    program: Sequence[str]
    command: bool = False
    # The program's own code, migrated as a whole (default: the script's directory, or the
    # current directory for a command).
    root: Optional[str] = None
    backends: Sequence[str] = BACKENDS
    mode: str = "agnostic"
    max_epochs: Optional[int] = None
    max_steps: Optional[int] = None
    max_batch: Optional[int] = None
    synthetic_data: bool = False
    fixtures: Optional[str] = None  # a file of extra synthetic-data builders (see _synthetic)
    neutralize: bool = True
    timeout: float = 900.0
    tolerance: Tolerance = Tolerance()
    run_unsupported: bool = False
    keep: Optional[str] = None  # keep the scratch directory here
    python: str = sys.executable


@dataclasses.dataclass
class RunOutcome:
    name: str  # "keras2" or a backend
    returncode: int
    seconds: float
    records: List[Record]
    output: str
    loaded: List[str]
    timed_out: bool = False

    @property
    def crash(self) -> Optional[dict]:
        for record in self.records:
            if record.kind == CRASH:
                return record.value
        return None

    @property
    def notes(self) -> Dict[str, int]:
        notes: Dict[str, int] = {}
        for record in self.records:
            if record.kind == NOTE:
                notes.update(record.value)
        return notes

    @property
    def finished(self) -> bool:
        # A command's processes each end with EXIT (or CRASH): none may have crashed.
        return self.returncode == 0 and any(r.kind == EXIT for r in self.records) \
            and not any(r.kind == CRASH for r in self.records)


@dataclasses.dataclass
class Verdict:
    backend: str
    verdict: str
    seconds: float = 0.0
    records: int = 0
    difference: Optional[Difference] = None
    crash: Optional[dict] = None
    reasons: List[str] = dataclasses.field(default_factory=list)
    notes: Dict[str, int] = dataclasses.field(default_factory=dict)
    output_tail: str = ""
    # The migrator's warnings about this backend (Diagnostic.backends): a difference there
    # was announced, not silent.
    announced: List[dict] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict:
        out = {"verdict": self.verdict, "seconds": round(self.seconds, 2), "records": self.records}
        if self.difference:
            out["difference"] = self.difference.as_dict()
        if self.crash:
            out["crash"] = {k: v for k, v in self.crash.items() if k != "traceback"}
        if self.reasons:
            out["reasons"] = self.reasons
        if self.notes:
            out["neutralised"] = self.notes
        if self.output_tail:
            out["output_tail"] = self.output_tail
        if self.announced:
            out["announced"] = self.announced
        return out


def _package_dir(name: str) -> Optional[str]:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return None
    return os.path.dirname(os.path.dirname(os.path.abspath(spec.origin)))


def _migrate_tree(root: str, mirror: str, mode: str, scratch: str):
    """Migrated copies of root's Python files under mirror; per-file results by path."""
    from keras_migrate.engine import MigrationOptions
    from keras_migrate.engine._runner import discover, migrate_files
    from keras_migrate.migrator import keras_rule_set

    from keras_migrate.cli._runtime import RUNTIME_PACKAGE

    inside = os.path.relpath(scratch, root)
    # A runtime copy from an earlier migration is not the program's code (the CLI skips it
    # too): left out of the mirror, the migrated run imports the installed runtime.
    exclude = [f"*/{RUNTIME_PACKAGE}/*"] + ([] if inside.startswith("..") else [os.path.join(root, inside, "*")])
    files = discover([root], exclude=exclude)
    results = {}

    def output_for(path: str) -> str:
        return os.path.join(mirror, os.path.relpath(path, root))

    for outcome in migrate_files(files, MigrationOptions(mode=mode), keras_rule_set(), write=True,
                                 output_for=output_for):
        results[os.path.abspath(outcome.path)] = outcome.result
    return results


def _shadow(src: str, dest: str, scratch: str) -> None:
    """A scratch copy of the program's directory: what it writes lands in the copy.

    Small files are copied (writing to them must not reach the user's files); large data
    files are linked (read-only use is the norm for them).
    """
    count = 0
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in _SKIP_DIRS and not d.startswith("bazel-")
            and os.path.abspath(os.path.join(dirpath, d)) != scratch  # --keep inside the root
        )
        rel = os.path.relpath(dirpath, src)
        target_dir = os.path.normpath(os.path.join(dest, rel))
        os.makedirs(target_dir, exist_ok=True)
        for name in filenames:
            count += 1
            if count > _SHADOW_MAX_FILES:
                return
            source = os.path.join(dirpath, name)
            target = os.path.join(target_dir, name)
            try:
                if os.path.getsize(source) <= _COPY_LIMIT:
                    shutil.copy2(source, target)
                else:
                    os.symlink(os.path.abspath(source), target)
            except OSError:
                continue


def _child_env(name: str, config_path: str, pythonpath: List[str], scratch: str,
               variant: Optional[str] = None) -> Dict[str, str]:
    env = dict(os.environ)
    for var in ("TF_USE_LEGACY_KERAS", "KERAS_BACKEND", "TF_DETERMINISTIC_OPS"):
        env.pop(var, None)
    keras_home = os.path.join(scratch, "keras_home")
    os.makedirs(keras_home, exist_ok=True)
    env.update({
        "KERAS_MIGRATE_VERIFY_CONFIG": config_path,
        "CUDA_VISIBLE_DEVICES": "",
        "JAX_PLATFORMS": "cpu",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        # oneDNN reorders float sums; one thread keeps reductions in one order.
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "PYTHONHASHSEED": "0",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
        "KERAS_HOME": keras_home,
        "MPLBACKEND": "Agg",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(pythonpath + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]),
    })
    if name == "keras2":
        env["TF_USE_LEGACY_KERAS"] = "1"
        env["TF_DETERMINISTIC_OPS"] = "1"
        if variant == "reordered":
            # The same program and data, other kernels and threads: what is left is
            # how much the program's numbers depend on the order of float sums.
            env.update({"TF_ENABLE_ONEDNN_OPTS": "1", "TF_NUM_INTRAOP_THREADS": "2", "OMP_NUM_THREADS": "2"})
            env.pop("TF_DETERMINISTIC_OPS")
    else:
        env["KERAS_BACKEND"] = name
    return env


def _run_child(name: str, options: VerifyOptions, root: str, mirror: Optional[str], scratch: str,
               uses_tensorflow: bool, variant: Optional[str] = None, perturb: float = 0.0) -> RunOutcome:
    run_dir = os.path.join(scratch, name + (f"-{variant}" if variant else ""))
    records_dir = os.path.join(run_dir, "records")
    cwd = os.path.join(run_dir, "cwd")
    if os.path.isdir(records_dir):
        # a run kept (--keep) by an earlier verify: its files would change this one
        # (the program's `os.makedirs("data")` fails on a second run)
        shutil.rmtree(run_dir)
    os.makedirs(records_dir)
    _shadow(root, cwd, os.path.abspath(scratch))
    config = {
        "keras": 2 if name == "keras2" else 3,
        "records_dir": records_dir,
        "max_epochs": options.max_epochs,
        "max_steps": options.max_steps,
        "max_batch": options.max_batch,
        "neutralize": options.neutralize,
        "synthetic_data": options.synthetic_data,
        "fixtures": os.path.abspath(options.fixtures) if options.fixtures else None,
        "root": cwd,
        "mirror": None if name == "keras2" else mirror,
        "perturb": perturb,
    }
    config_path = os.path.join(run_dir, "config.json")
    with open(config_path, "w", encoding="utf-8") as handle:
        json.dump(config, handle)
    pythonpath = sorted(p for p in {_package_dir("keras_migrate"), _package_dir("keras_migrate_runtime")} if p)
    if options.command:
        pythonpath.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "boot"))
    env = _child_env(name, config_path, pythonpath, run_dir, variant)
    if uses_tensorflow:
        env["KERAS_MIGRATE_VERIFY_TF"] = "1"
    if options.synthetic_data:
        # Keras 2's get_file caches under ~/.keras whatever KERAS_HOME says: synthetic
        # files must never land in (or be read from) the user's real download cache.
        env["HOME"] = os.path.join(run_dir, "home")
        # It must exist and be writable, or get_file falls back to the shared /tmp/.keras.
        os.makedirs(os.path.join(env["HOME"], ".keras"), exist_ok=True)
    if options.command:
        # pytest's assertion rewriting would load test modules ahead of our import hook.
        env["PYTEST_ADDOPTS"] = (env.get("PYTEST_ADDOPTS", "") + " --assert=plain -p no:cacheprovider").strip()
        argv = list(options.program)
        if argv[0] in ("python", "python3", os.path.basename(sys.executable)):
            argv[0] = options.python
        workdir = os.path.join(cwd, os.path.relpath(os.getcwd(), root)) \
            if not os.path.relpath(os.getcwd(), root).startswith("..") else cwd
    else:
        script, *args = options.program
        script_in_copy = os.path.join(cwd, os.path.relpath(os.path.abspath(script), root))
        argv = [options.python, "-m", "keras_migrate.verify._child", script_in_copy, *args]
        workdir = os.path.dirname(script_in_copy)
    start = time.monotonic()
    timed_out = False
    with open(os.path.join(run_dir, "output.txt"), "wb") as log:
        try:
            proc = subprocess.run(
                argv, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=options.timeout,
            )
            code = proc.returncode
        except subprocess.TimeoutExpired:
            code, timed_out = -9, True
    seconds = time.monotonic() - start
    with open(os.path.join(run_dir, "output.txt"), encoding="utf-8", errors="replace") as handle:
        output = handle.read()
    loaded = set()
    for entry in os.listdir(records_dir):
        if entry.startswith("loaded-") and entry.endswith(".json"):
            with open(os.path.join(records_dir, entry), encoding="utf-8") as handle:
                loaded.update(os.path.join(root, os.path.relpath(p, cwd)) for p in json.load(handle))
    return RunOutcome(name, code, seconds, read_records(records_dir), output, sorted(loaded), timed_out)


def _locate_in_original(crash: Optional[dict], root: str, mirror: str, scratch: str) -> None:
    """Adds the original file and line of a crash in migrated code (the report's terms)."""
    if not crash or not crash.get("file"):
        return
    path = os.path.abspath(crash["file"])
    for base in [mirror] + [os.path.join(scratch, n, "cwd") for n in BACKENDS]:
        rel = os.path.relpath(path, base)
        if not rel.startswith(".."):
            break
    else:
        return
    original = os.path.join(root, rel)
    crash["original_file"] = rel
    crash["original_line"] = crash.get("line", 0)
    if os.path.exists(original) and os.path.exists(path) and path.startswith(mirror):
        with open(original, encoding="utf-8", errors="replace") as a, open(path, encoding="utf-8", errors="replace") as b:
            crash["original_line"] = line_map(a.read(), b.read()).get(int(crash.get("line") or 0), crash["line"])


def line_map(original: str, migrated: str) -> Dict[int, int]:
    """Migrated line number -> original line number (the nearest corresponding line)."""
    import difflib

    a, b = original.splitlines(), migrated.splitlines()
    mapping: Dict[int, int] = {}
    for _tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for j in range(j1, j2):
            mapping[j + 1] = min(i1 + (j - j1), max(i1, i2 - 1)) + 1
    return mapping


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _judge(backend: str, reference: RunOutcome, run: RunOutcome, tol: Tolerance) -> Verdict:
    verdict = Verdict(backend, IDENTICAL, run.seconds, len([r for r in run.records if r.kind not in (NOTE,)]),
                      notes=run.notes)
    if run.timed_out:
        verdict.verdict = TIMEOUT
        verdict.output_tail = _tail(run.output)
        return verdict
    if not run.finished:
        verdict.verdict = CRASHED
        verdict.crash = run.crash or {"type": "exit", "message": f"exit status {run.returncode}",
                                      "file": "", "line": 0, "code": ""}
        verdict.output_tail = _tail(run.output)
        return verdict
    difference = compare_records(reference.records, run.records, tol)
    if difference is not None:
        verdict.verdict = DIFFERS
        verdict.difference = difference
    return verdict


def verify(options: VerifyOptions, log: Callable[[str], None] = lambda s: None) -> dict:
    """Runs the program under Keras 2 and each backend; returns the JSON-able report."""
    script = os.path.abspath(options.program[0])
    root = os.path.abspath(options.root or (os.getcwd() if options.command else os.path.dirname(script)))
    # Absolute: the runs start in the program's directory, not in the caller's.
    scratch = os.path.abspath(options.keep) if options.keep else tempfile.mkdtemp(prefix="keras_migrate_verify_")
    os.makedirs(scratch, exist_ok=True)
    try:
        return _verify(options, script, root, scratch, log)
    finally:
        if not options.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def _verify(options: VerifyOptions, script: str, root: str, scratch: str, log) -> dict:
    mirror_src = os.path.join(scratch, "migrated_src")
    log(f"migrating {root} ...")
    results = _migrate_tree(root, mirror_src, options.mode, os.path.abspath(scratch))
    report: dict = {
        "program": " ".join(options.program) if options.command else options.program[0],
        "args": [] if options.command else list(options.program[1:]), "command": options.command, "root": root,
        "mode": options.mode, "tolerance": dataclasses.asdict(options.tolerance),
        "caps": {"max_epochs": options.max_epochs, "max_steps": options.max_steps, "max_batch": options.max_batch},
        "synthetic_data": options.synthetic_data, "neutralize": options.neutralize,
    }
    log("running the original under Keras 2 (tf_keras) ...")
    reference = _run_child("keras2", options, root, None, scratch, True)
    report["keras2"] = _reference_summary(reference)
    # The migrated files that decide the backends: those the program actually imported.
    loaded = sorted(p for p in set(reference.loaded) | (set() if options.command else {script}) if p in results)
    report["migration"] = _migration_summary(results, loaded, root)
    tf_reasons = report["migration"]["tensorflow_only"]
    uses_tf = any("tensorflow" in r.code for r in results.values())
    verdicts: Dict[str, Verdict] = {}
    runs: Dict[str, RunOutcome] = {}
    for backend in options.backends:
        if not reference.finished:
            verdicts[backend] = Verdict(backend, NO_REFERENCE, reasons=["the Keras 2 run did not finish"])
            continue
        if tf_reasons and backend != "tensorflow" and not options.run_unsupported:
            verdicts[backend] = Verdict(backend, UNSUPPORTED, reasons=tf_reasons)
            log(f"{backend}: unsupported (declared TensorFlow-only by the migrator)")
            continue
        log(f"running the migrated program on {backend} ...")
        run = runs[backend] = _run_child(backend, options, root, mirror_src, scratch, uses_tf)
        verdicts[backend] = _judge(backend, reference, run, options.tolerance)
        _locate_in_original(verdicts[backend].crash, root, mirror_src, scratch)
        log(f"{backend}: {verdicts[backend].verdict} ({run.seconds:.1f} s)")
    for backend, verdict in verdicts.items():
        flip = verdict.verdict == DIFFERS and counting_metric_flip(
            reference.records, runs[backend].records, options.tolerance, verdict.difference)
        if flip:
            verdict.verdict = UNSTABLE
            verdict.reasons.append(flip)
    for variant, how, perturb in _NOISE_RUNS:
        if not any(v.verdict == DIFFERS for v in verdicts.values()):
            break
        log(f"a backend differs: running the original under Keras 2 again, {variant} ...")
        again = _run_child("keras2", options, root, None, scratch, True, variant, perturb)
        report["keras2"][variant] = _noise_floor(reference, again, runs, verdicts, options.tolerance, how)
    for backend, verdict in verdicts.items():
        if verdict.verdict in (DIFFERS, UNSTABLE, CRASHED):
            verdict.announced = _announced(results, loaded, root, backend)
            verdict.reasons.extend(f"announced by the migrator for {backend}: [{a['rule_id']}] {a['path']}:{a['line']}"
                                   for a in verdict.announced)
    report["backends"] = {b: v.as_dict() for b, v in verdicts.items()}
    report["supported_backends"] = sorted(b for b, v in verdicts.items() if v.verdict == IDENTICAL)
    report["identical"] = bool(verdicts) and all(v.verdict == IDENTICAL for v in verdicts.values())
    return report


def _noise_floor(reference: RunOutcome, again: RunOutcome, runs: Dict[str, RunOutcome],
                 verdicts: Dict[str, Verdict], tol: Tolerance, how: str = _NOISE_RUNS[0][1]) -> dict:
    """Keras 2 against itself (`again`, which differs from the reference run `how`): a
    differing backend whose deviation at its first diverging record is within
    _NOISE_FACTOR of Keras 2's own there becomes UNSTABLE."""
    if not again.finished:
        return {"status": "crashed", "seconds": round(again.seconds, 2)}
    own = compare_records(reference.records, again.records, tol)
    summary = {"status": "ok", "seconds": round(again.seconds, 2),
               "first_difference": own.as_dict() if own else None}
    if own is None:
        return summary  # Keras 2 reproduces itself: every difference stands
    for backend, verdict in verdicts.items():
        if verdict.verdict != DIFFERS or own.index > verdict.difference.index:
            continue
        index = verdict.difference.index
        theirs = record_deviation(reference.records, runs[backend].records, index)
        ours = record_deviation(reference.records, again.records, index)
        if ours > 0 and theirs <= _NOISE_FACTOR * ours:
            verdict.verdict = UNSTABLE
            verdict.reasons.append(
                f"Keras 2 differs from itself from record {own.index} ({own.label}) {how}; "
                f"at record {index} by {ours:.3g}, Keras 3 by {theirs:.3g}: "
                "the program amplifies rounding errors, so this difference cannot be told from noise")
    return summary


def _reference_summary(reference: RunOutcome) -> dict:
    summary = {
        "status": "ok" if reference.finished else ("timeout" if reference.timed_out else "crashed"),
        "seconds": round(reference.seconds, 2),
        "records": len([r for r in reference.records if r.kind != NOTE]),
    }
    if not reference.finished:
        crash = {k: v for k, v in (reference.crash or {}).items() if k != "traceback"}
        summary["crash"] = crash or {"message": _tail(reference.output, 5)}
    return summary


def _announced(results, loaded: List[str], root: str, backend: str) -> List[dict]:
    """The migrator's warnings naming `backend` (Diagnostic.backends) in the files that ran."""
    return [{"rule_id": d.rule_id, "path": os.path.relpath(d.path, root), "line": d.line}
            for p in loaded for d in results[p].diagnostics
            if backend in d.backends]


def _migration_summary(results, loaded: List[str], root: str) -> dict:
    def rel(path: str) -> str:
        return os.path.relpath(path, root)

    return {
        "files": len(results),
        "changed": sum(r.changed for r in results.values()),
        "failed": [rel(p) for p in loaded if results[p].failed],
        "tensorflow_only": [f"{rel(p)}: {reason}" for p in loaded for reason in results[p].tensorflow_only],
        # Manual fixes left in the code that ran: what the migrator predicted.
        "diagnostics": [
            {"path": rel(d.path), "line": d.line, "column": d.column, "rule_id": d.rule_id,
             "severity": d.severity.value, "message": d.message, "fix": d.fix}
            for p in loaded for d in results[p].diagnostics if d.severity.value != "info"
        ],
    }
