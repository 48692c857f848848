"""`plan --verify`: differential parity (`keras-migrate verify`) on each shard's tests.

Each affected Python test's main file runs under genuine Keras 2 and, migrated, on each
backend, in a scratch copy of the workspace files the test needs (its Bazel closure), so
the copy verify migrates is small. A shard is
  safe          every verified test computes the same on every backend it claims,
  divergent     a test differs (or crashes) on a backend: the test and backend are named,
  not_verified  nothing could be compared (no tests, no Python test, Keras 2 run failed,
                timeout), with why.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from typing import Callable, Dict, List, Optional

from keras_migrate.rollout._tests import TestGraph, label_path

__all__ = ["SAFE", "DIVERGENT", "NOT_VERIFIED", "verify_plan", "shard_verdict", "run_verify"]

SAFE, DIVERGENT, NOT_VERIFIED = "safe", "divergent", "not_verified"
# verify's per-backend verdicts (keras_migrate.verify._run) that mean the migration changed behaviour.
_BAD = ("differs", "crashed")

# runner(test label, main file, workspace, graph, timeout, mode) -> verify's report dict
Runner = Callable[[str, str, str, TestGraph, float, str], dict]


def run_verify(test: str, main: str, workspace: str, graph: TestGraph, timeout: float, mode: str) -> dict:
    """Runs verify on a scratch copy of the files the test needs (its closure)."""
    from keras_migrate.verify._run import VerifyOptions, verify

    scratch = tempfile.mkdtemp(prefix="keras_migrate_plan_verify_")
    try:
        for rel in graph.closure_sources(test):
            src = os.path.join(workspace, rel)
            if os.path.isfile(src):
                os.makedirs(os.path.dirname(os.path.join(scratch, rel)), exist_ok=True)
                shutil.copy2(src, os.path.join(scratch, rel))
        if not os.path.isfile(os.path.join(scratch, main)):
            return {"error": f"{main}: not found in the test's files"}
        # Run as `python -m pkg.sub.test` from the copy's root: the workspace root is the
        # import root (`from pkg.sub import x`), as under Bazel.
        module = main[:-len(".py")].replace("/", ".")
        if not main.endswith(".py") or not all(part.isidentifier() for part in module.split(".")):
            return {"error": f"{main}: not importable as a module from the workspace root"}
        here = os.getcwd()
        os.chdir(scratch)
        try:
            return verify(VerifyOptions(program=[sys.executable, "-m", module], command=True, root=scratch,
                                        timeout=timeout, mode=mode),
                          log=lambda s: print(f"[verify {test}] {s}", file=sys.stderr))
        finally:
            os.chdir(here)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _test_verdict(test: str, report: dict) -> dict:
    if report.get("error"):
        return {"test": test, "verdict": NOT_VERIFIED, "why": report["error"]}
    keras2 = report.get("keras2", {})
    if keras2.get("status") != "ok":
        crash = keras2.get("crash") or {}
        return {"test": test, "verdict": NOT_VERIFIED,
                "why": f"the Keras 2 run {keras2.get('status', 'failed')}"
                       + (f": {crash.get('message', '')}"[:300] if crash else "")}
    for backend, v in sorted(report.get("backends", {}).items()):
        if v.get("verdict") in _BAD:
            d = v.get("difference") or v.get("crash") or {}
            return {"test": test, "verdict": DIVERGENT, "backend": backend,
                    "why": f"{v['verdict']}: {d.get('message', '')}"[:300]}
    timeouts = [b for b, v in sorted(report.get("backends", {}).items()) if v.get("verdict") == "timeout"]
    if timeouts:
        return {"test": test, "verdict": NOT_VERIFIED, "why": f"timed out on {', '.join(timeouts)}"}
    ran = [b for b, v in sorted(report.get("backends", {}).items()) if v.get("verdict") == "identical"]
    if not ran:
        return {"test": test, "verdict": NOT_VERIFIED, "why": "no backend ran"}
    return {"test": test, "verdict": SAFE, "backends": ran}


def shard_verdict(tests: List[str], graph: TestGraph, workspace: str, runner: Runner, timeout: float,
                  mode: str) -> dict:
    if not tests:
        return {"verdict": NOT_VERIFIED, "why": "no test depends on this shard", "tests": []}
    runnable = [t for t in tests if t in graph.main and graph.kinds.get(t) == "py_test"]
    if not runnable:
        return {"verdict": NOT_VERIFIED, "why": "no Python test (py_test) among its tests", "tests": []}
    results = []
    for test in runnable:
        main = label_path(graph.main[test])
        results.append(_test_verdict(test, runner(test, main, workspace, graph, timeout, mode)))
    verdicts = {r["verdict"] for r in results}
    if DIVERGENT in verdicts:
        first = next(r for r in results if r["verdict"] == DIVERGENT)
        out = {"verdict": DIVERGENT, "why": f"{first['test']} on {first['backend']}: {first['why']}"}
    elif NOT_VERIFIED in verdicts:
        out = {"verdict": NOT_VERIFIED, "why": "; ".join(f"{r['test']}: {r['why']}" for r in results
                                                         if r["verdict"] == NOT_VERIFIED)}
    else:
        out = {"verdict": SAFE}
    out["tests"] = results
    return out


def verify_plan(plan, graph: Optional[TestGraph], workspace: str, timeout: float = 300.0,
                runner: Runner = run_verify) -> None:
    """Sets each shard's .verify (a test several shards share runs once)."""
    cache: Dict[str, dict] = {}

    def cached(test, main, ws, g, t, mode):
        if test not in cache:
            cache[test] = runner(test, main, ws, g, t, mode)
        return cache[test]

    for sp in plan.shards:
        if graph is None:
            sp.verify = {"verdict": NOT_VERIFIED, "why": "the workspace's tests could not be queried", "tests": []}
            continue
        sp.verify = shard_verdict(sp.tests, graph, workspace, cached, timeout, plan.mode)
