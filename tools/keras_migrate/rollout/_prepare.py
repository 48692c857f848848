"""`bazel run //tools:migrate -- prepare [--check|--diff] PATTERNS`: mark the Keras 2 code.

Run once before the first shard: a BUILD-only edit that tags every pending Keras target
`keras2` and turns each pending Keras py_test into a keras2_test (the same test, run under
genuine Keras 2 with TF_USE_LEGACY_KERAS=1). From then on the repository says which code
is still Keras 2, and a Keras 3 test (keras_backend_test) that depends on such code fails
analysis instead of running Keras 2 code under Keras 3. Migrating a target (the migrate
command, or applying a plan's shard) removes its marks.

Idempotent (a second run changes nothing); every BUILD file is written atomically, a
package whose BUILD file cannot be edited is left whole and reported.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import os
import sys
from typing import Dict, List, Optional, Sequence

from keras_migrate.bazel import _driver as driver
from keras_migrate.bazel._contract import KERAS2_TAG, KERAS_BACKENDS
from keras_migrate.engine._runner import unified_diff
from keras_migrate.rollout import _state

__all__ = ["PreparePlan", "plan_prepare", "main"]

# Declared as these, a pending target gets the tag in its own BUILD call; a py_test becomes
# a keras2_test (which carries the tag itself).
TAGGED_KINDS = ("py_library", "py_binary")
KERAS3_TEST = "keras_backend_test"


@dataclasses.dataclass
class PreparePlan:
    plan: "driver.Plan"  # the BUILD edits, applied with driver.apply_plan
    tagged: List[str]  # labels tagged keras2
    keras2_tests: List[str]  # py_tests turned into keras2_test
    not_editable: List[str]  # pending targets declared by another macro: messages
    broken_tests: List[str]  # Keras 3 tests that will fail analysis: messages
    failed: List[str]  # Keras targets whose migration failed: left unmarked


def _pending_reached(graph: Dict[str, "driver.Target"], start: str, pending: set) -> List[str]:
    """The pending targets in the deps closure of `start`."""
    seen, out = {start}, []
    queue = collections.deque(graph[start].deps if start in graph else ())
    while queue:
        label = queue.popleft()
        if label in seen or label not in graph:
            continue
        seen.add(label)
        if label in pending:
            out.append(label)
        queue.extend(graph[label].deps)
    return sorted(out)


def _backend_test_call(label: str) -> str:
    """//pkg:t_jax -> //pkg:t (the keras_backend_test call that made the variant)."""
    for backend in KERAS_BACKENDS:
        if label.endswith("_" + backend):
            return label[:-len(backend) - 1]
    return label


def plan_prepare(workspace: str, selection: "driver.Selection", states: Dict[str, "_state.TargetState"]) -> PreparePlan:
    """The BUILD edits that mark every pending Keras target (nothing written)."""
    plan = driver.Plan({}, [], {}, [])
    macro = selection.labels["keras2_macro"]
    out = PreparePlan(plan, [], [], [], [], [])
    loaded = set()
    pending = {label for label, s in states.items() if s.state == _state.PENDING}
    for label in sorted(states):
        state = states[label]
        target = selection.graph.get(label)
        if state.state == _state.FAILED and target is not None and KERAS2_TAG not in target.tags:
            out.failed.append(label)
        if state.state != _state.PENDING or target is None:
            continue
        if target.declared_as == "py_test":
            edit, bucket = (lambda bf, t=target: bf.to_keras2_test(t.name, macro)), out.keras2_tests
        elif target.declared_as in TAGGED_KINDS:
            edit, bucket = (lambda bf, t=target: bf.add_tag(t.name, KERAS2_TAG)), out.tagged
        else:
            if target.declared_as not in ("keras2_test", KERAS3_TEST) and KERAS2_TAG not in target.tags:
                out.not_editable.append(
                    f"{label}: declared by {target.declared_as}(), not edited: add tags = [\"{KERAS2_TAG}\"] "
                    "to the targets it makes")
            continue
        if target.build_file not in loaded:
            loaded.add(target.build_file)
            driver._load_build(workspace, target, plan)
        package = plan.packages[target.package]
        before = package.build.code if package.build is not None else None
        driver._edit_build(plan, target, edit)
        if package.build is not None and package.build.code != before:
            bucket.append(label)
    reported = set()
    for label in sorted(states):
        target = selection.graph.get(label)
        if target is None or target.declared_as != KERAS3_TEST:
            continue
        test = _backend_test_call(label)
        for dep in _pending_reached(selection.graph, label, pending):
            if (test, dep) in reported:  # the call's other variants
                continue
            reported.add((test, dep))
            out.broken_tests.append(
                f"{test} is a Keras 3 test (keras_backend_test) but depends on {dep}, still Keras 2 code: "
                f"once {dep} is tagged {KERAS2_TAG}, it fails analysis; migrate {dep} first "
                f"(bazel run //tools:migrate -- {dep}), or make {test} a keras2_test")
    for path, package in sorted(((p.build.path, p) for p in plan.packages.values() if p.build is not None)):
        if package.build.changed:
            plan.diffs.append(unified_diff(os.path.relpath(path, workspace), package.build.original,
                                           package.build.code))
    for package in plan.packages.values():
        driver._check_writable(package)
    return out


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="keras-migrate prepare",
        description="Tag every pending Keras target keras2 and turn each pending Keras py_test into a "
                    "keras2_test (run under genuine Keras 2), so that a half-migrated repository stays green. "
                    "BUILD files only; run once before the first shard.",
        epilog="exit status: 0 done (or nothing to do), 1 --check: something would change, 2 an error.",
    )
    p.add_argument("patterns", nargs="+", metavar="PATTERN", help="Bazel target patterns, e.g. //...")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything would change")
    mode.add_argument("--diff", action="store_true", help="print the BUILD edits as a unified diff; write nothing")
    p.add_argument("--mode", choices=("agnostic", "tensorflow"), default="agnostic",
                   help="the migration mode deciding what is pending (default: agnostic)")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    argv, negative = driver.split_negative(argv)
    args = build_parser().parse_args(argv)
    patterns = list(args.patterns) + negative
    if driver.non_patterns(patterns):
        print("keras-migrate prepare: error: give Bazel target patterns (e.g. //...)", file=sys.stderr)
        return driver.EXIT_FAILED
    workspace = driver.workspace_dir()
    options = driver.DriverOptions(workspace, tuple(patterns), mode=args.mode, diff=args.diff, check=args.check)
    try:
        rollout = _state.collect(options)
    except driver.DriverError as exc:
        print(f"keras-migrate prepare: error: {exc}", file=sys.stderr)
        return driver.EXIT_FAILED
    prepared = plan_prepare(workspace, rollout.selection, rollout.targets)
    return _finish(prepared, options)


def _finish(prepared: PreparePlan, options: "driver.DriverOptions") -> int:
    err = sys.stderr
    plan = prepared.plan
    diff_text = "".join(plan.diffs)
    if options.write:
        _, builds, problems = driver.apply_plan(plan)
    else:
        builds = sum(1 for p in plan.packages.values() if p.build is not None and p.build.changed and not p.problems)
        problems = driver._problems_without_writes(plan)
    if options.diff:
        sys.stdout.write(diff_text)
    verb = "" if options.write else "would be "
    print("keras-migrate prepare:", file=err)
    print(f"  {len(prepared.tagged)} targets {verb}tagged {KERAS2_TAG}, {len(prepared.keras2_tests)} py_tests "
          f"{verb}turned into keras2_test; BUILD files {'changed' if options.write else 'would change'}: {builds}",
          file=err)
    for label in prepared.tagged:
        print(f"  {label}: tagged {KERAS2_TAG}", file=err)
    for label in prepared.keras2_tests:
        print(f"  {label}: keras2_test", file=err)
    for line in prepared.not_editable + prepared.broken_tests:
        print(f"  warning: {line}", file=err)
    for label in prepared.failed:
        print(f"  warning: {label}: its migration failed (see the errors above); not marked: fix it and rerun",
              file=err)
    for problem in problems:
        print(f"  error: {problem}", file=err)
    if not diff_text and not problems:
        print("  nothing to do: every pending Keras target is marked", file=err)
    elif not options.write:
        print("  (nothing written: --diff/--check)", file=err)
    if problems:
        return driver.EXIT_FAILED
    if options.check and diff_text:
        return driver.EXIT_WOULD_CHANGE
    return driver.EXIT_OK
