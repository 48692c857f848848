"""The keras-io corpus under `keras-migrate verify`: script x backend table.

Each script of ../shared/corpus/keras_io_keras2 runs offline (verify --synthetic-data
with the builders in fixtures.py; never an edit to a script), capped to a few epochs
and steps, under genuine Keras 2 and, migrated, on each Keras 3 backend. Each cell:

  same            identical to Keras 2 within tolerance
  differs         numbers differ (first diverging record in the details)
  crash           the migrated program raised (exception and line in the details)
  timeout         the run exceeded its time limit
  unstable        differs, but Keras 2 differs from itself about as much once its float
                  sums are reordered or its initial weights nudged by a few roundings
                  (verify's noise floor), or only an accuracy moved by a
                  flipped prediction with every loss and weight identical: not a break
  tf-only         the migrator declared the script TensorFlow-only (reason in details)
  n/a             the Keras 2 original itself does not run here (missing package,
                  data nobody can synthesise): nothing to compare with

A differs/crash cell is "flagged" when the migrator left a manual-fix diagnostic at the
code that broke (crash: the same statement or function; differs: anywhere in the
loaded files), otherwise "silent". The target: no silent cells.

    python tests/corpus/verify_corpus.py                 # all scripts, 2 at a time
    python tests/corpus/verify_corpus.py NAME [NAME...]   # some (file stem, prefix ok)
    python tests/corpus/verify_corpus.py --json out.json --jobs 1 --backends jax,torch
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import dataclasses
import glob
import json
import os
import re
import shutil
import sys
import tempfile
import time
from typing import Dict, List, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))

from keras_migrate.verify._run import BACKENDS, VerifyOptions, verify  # noqa: E402

CORPUS = os.environ.get("KERAS_MIGRATE_CORPUS",
                        os.path.join(os.path.dirname(ROOT), "shared", "corpus", "keras_io_keras2"))
FIXTURES = os.path.join(HERE, "fixtures.py")
MAX_EPOCHS = 2
MAX_STEPS = 3
MAX_BATCH = 32
# Scripts whose model code hardcodes the batch size (gan_ada draws tf.random.uniform of
# shape (batch_size, 1, 1, 1) in its augmenter): their batches are not cut.
FULL_BATCH = frozenset({"generative__gan_ada"})
TIMEOUT = 600

EXTRAS = os.path.join(HERE, "extras.txt")

SAME, DIFFERS, CRASH, TIMEOUT_CELL, TF_ONLY, NA = "same", "differs", "crash", "timeout", "tf-only", "n/a"
UNSTABLE = "unstable"


def ensure_extras() -> str:
    """extras.txt installed (once per its content) into a cache folder; returns it."""
    import hashlib
    import subprocess

    with open(EXTRAS, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()[:12]
    target = os.path.join(os.path.expanduser("~/.cache/keras_migrate"), f"corpus-extras-{digest}")
    if not os.path.exists(os.path.join(target, ".complete")):
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
                        "--target", target, "-r", EXTRAS], check=True)
        open(os.path.join(target, ".complete"), "w").close()
    return target


def use_extras() -> None:
    """Children inherit PYTHONPATH: the extras reach every verified run."""
    target = ensure_extras()
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if target not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join(paths + [target])


def scripts(names: Sequence[str] = ()) -> List[str]:
    found = sorted(glob.glob(os.path.join(CORPUS, "*.py")))
    if not names:
        return found
    return [p for p in found if any(os.path.basename(p)[:-3].startswith(n) for n in names)]


@dataclasses.dataclass
class Cell:
    status: str
    flagged: bool = False
    detail: str = ""

    @property
    def label(self) -> str:
        if self.status in (DIFFERS, CRASH, TIMEOUT_CELL):
            return f"{self.status} ({'flagged' if self.flagged else 'SILENT'})"
        return self.status


@dataclasses.dataclass
class Row:
    name: str
    seconds: float
    cells: Dict[str, Cell]
    reference: str  # "ok" or why the Keras 2 run did not finish


def _enclosing(source: str, line: int):
    """(start, end) lines of the innermost def/class around `line` in source."""
    best = (line, line)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return best
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.lineno <= line <= (node.end_lineno or node.lineno):
                if best == (line, line) or node.lineno >= best[0]:
                    best = (node.lineno, node.end_lineno or node.lineno)
    return best


# Class names in an exception message (HashedCrossing, TextVectorization): specific enough
# to tie a crash to a diagnostic about that class.
_API_NAME = re.compile(r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+\b")


def _crash_flagged(report: dict, crash: dict, script: str) -> bool:
    """Did the migrator leave a manual-fix diagnostic at the statement or function that
    crashed, or one naming the API the exception names (a module-level crash often comes
    statements after the construct: FeatureSpace.cross(...) declared, adapt() fails)?"""
    line = int(crash.get("original_line") or 0)
    rel = crash.get("original_file")
    candidates = [d for d in report["migration"]["diagnostics"] if d["path"] == rel]
    if not candidates or not line:
        return False
    names = set(_API_NAME.findall(str(crash.get("message", "")))) - {"KerasTensor"}
    if any(name in d["message"] for d in candidates for name in names):
        return True
    with open(script, encoding="utf-8") as handle:
        start, end = _enclosing(handle.read(), line)
    return any(start - 2 <= d["line"] <= end + 2 for d in candidates)


def classify(report: dict, script: str) -> Dict[str, Cell]:
    cells: Dict[str, Cell] = {}
    warnings = report["migration"].get("diagnostics", [])
    for backend, v in report["backends"].items():
        verdict = v["verdict"]
        if verdict == "identical":
            cells[backend] = Cell(SAME)
        elif verdict == "unsupported":
            cells[backend] = Cell(TF_ONLY, detail="; ".join(v.get("reasons", []))[:300])
        elif verdict == "no-reference":
            cells[backend] = Cell(NA, detail=_reference_reason(report))
        elif verdict == "differs":
            d = v["difference"]
            announced = "".join(f"announced {a['rule_id']} ({a['path']}:{a['line']}); " for a in v.get("announced", []))
            cells[backend] = Cell(DIFFERS, flagged=bool(warnings),
                                  detail=f"{announced}record {d['record']} {d['label']}{d['path']}: {d['message']}; "
                                         f"keras2={json.dumps(d['keras2'])[:80]} keras3={json.dumps(d['keras3'])[:80]}")
        elif verdict == "unstable":
            cells[backend] = Cell(UNSTABLE, detail="; ".join(v.get("reasons", []))[:300])
        elif verdict == "timeout":
            cells[backend] = Cell(TIMEOUT_CELL, flagged=bool(warnings), detail="timed out")
        else:
            crash = v.get("crash") or {}
            cells[backend] = Cell(CRASH, flagged=_crash_flagged(report, crash, script),
                                  detail=f"{crash.get('type')}: {crash.get('message', '')[:200]} "
                                         f"at {crash.get('original_file') or os.path.basename(crash.get('file', ''))}"
                                         f":{crash.get('original_line') or crash.get('line')}")
    return cells


def _reference_reason(report: dict) -> str:
    crash = report["keras2"].get("crash") or {}
    return f"{crash.get('type', report['keras2']['status'])}: {str(crash.get('message', ''))[:200]}"


def verify_script(script: str, backends: Sequence[str] = BACKENDS, keep: Optional[str] = None) -> Row:
    name = os.path.basename(script)[:-3]
    work = tempfile.mkdtemp(prefix=f"corpus_{name}_")
    try:
        shutil.copy(script, work)  # alone in its directory: its root is itself
        start = time.monotonic()
        report = verify(VerifyOptions(
            program=[os.path.join(work, os.path.basename(script))], backends=list(backends),
            synthetic_data=True, fixtures=FIXTURES, max_epochs=MAX_EPOCHS, max_steps=MAX_STEPS,
            max_batch=None if name in FULL_BATCH else MAX_BATCH,
            timeout=TIMEOUT, keep=os.path.join(keep, name) if keep else None,
        ))
        seconds = time.monotonic() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    reference = "ok" if report["keras2"]["status"] == "ok" else _reference_reason(report)
    return Row(name, seconds, classify(report, script), reference)


def format_table(rows: List[Row], backends: Sequence[str]) -> str:
    width = max([len(r.name) for r in rows] + [10])
    lines = [f"{'script':<{width}}  " + "  ".join(f"{b:<18}" for b in backends) + "  seconds"]
    for row in rows:
        lines.append(f"{row.name:<{width}}  " + "  ".join(
            f"{row.cells[b].label if b in row.cells else '-':<18}" for b in backends) + f"  {row.seconds:7.1f}")
    lines.append("")
    for backend in backends:
        counts: Dict[str, int] = {}
        for row in rows:
            cell = row.cells.get(backend)
            if cell:
                counts[cell.label] = counts.get(cell.label, 0) + 1
        lines.append(f"{backend}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    lines.append("")
    lines.append("details:")
    for row in rows:
        if row.reference != "ok":
            lines.append(f"  {row.name}: n/a (Keras 2 run: {row.reference})")
            continue
        for backend, cell in row.cells.items():
            if cell.status != SAME and cell.detail:
                lines.append(f"  {row.name} [{backend}] {cell.label}: {cell.detail}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="script stems (prefixes); default: all")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--jobs", type=int, default=2, help="scripts verified at a time (each run is single-threaded)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--keep", metavar="DIR", help="keep every run's scratch directory under DIR")
    args = parser.parse_args(argv)
    backends = [b for b in args.backends.split(",") if b]
    paths = scripts(args.names)
    if not paths:
        print(f"no corpus scripts found in {CORPUS}", file=sys.stderr)
        return 2
    use_extras()
    start = time.monotonic()
    rows: List[Row] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(verify_script, p, backends, args.keep): p for p in paths}
        for future in concurrent.futures.as_completed(futures):
            row = future.result()
            rows.append(row)
            print(f"[{len(rows)}/{len(paths)}] {row.name}: "
                  + ", ".join(f"{b} {c.label}" for b, c in row.cells.items()) + f" ({row.seconds:.0f} s)",
                  file=sys.stderr, flush=True)
    rows.sort(key=lambda r: r.name)
    elapsed = time.monotonic() - start
    sys.stdout.write(format_table(rows, backends))
    load = os.getloadavg()
    print(f"\n{len(rows)} scripts in {elapsed:.0f} s wall time ({args.jobs} at a time; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f})")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump([{"name": r.name, "seconds": round(r.seconds, 1), "reference": r.reference,
                        "cells": {b: dataclasses.asdict(c) for b, c in r.cells.items()}} for r in rows],
                      handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
