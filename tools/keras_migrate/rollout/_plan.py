"""`plan` and `apply --shard`: the pending migration in shards (README "Plan and apply in shards").

    bazel run //tools:migrate -- plan [--shard-by package|owners] [--max-files N] [--out DIR]
                                      [--mode agnostic|tensorflow] [--verify] PATTERNS
    bazel run //tools:migrate -- apply --shard ID [--out DIR] [--force] [PATTERNS]

plan looks at the workspace once (the driver's phases, nothing written: _state.collect),
splits the packages with pending writes into shards (_shards), finds the tests each shard
affects with one `bazel query` (_tests) and, with --out, writes per shard its patch, its
BUILD edits, shard.json and a change description, plus DIR/index.json.
apply runs the normal driver migration on exactly one shard's targets, once the shards
it depends on are applied.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import sys
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from keras_migrate.bazel import _driver as driver
from keras_migrate.engine._files import write_atomic
from keras_migrate.engine._runner import unified_diff
from keras_migrate.rollout import _shards as shards_mod
from keras_migrate.rollout._owners import Owners
from keras_migrate.rollout._state import FAILED, PENDING, Rollout, TargetState, _keras_reached, collect
from keras_migrate.rollout._tests import TestGraph, query_tests

__all__ = ["ShardPlan", "RolloutPlan", "units_from", "make_plan", "write_plan", "main_plan", "main_apply"]

EXIT_OK, EXIT_FAILED = 0, 2
INDEX = "index.json"
# What plan writes in a shard's folder: all it ever removes there.
SHARD_FILES = ("changes.patch", "build.patch", "shard.json", "DESCRIPTION.md")


@dataclasses.dataclass
class ShardPlan:
    shard: shards_mod.Shard
    targets: List[TargetState]  # the pending targets `apply --shard` migrates
    changes: str  # the unified diff of its sources and BUILD files
    build: str  # its BUILD edits alone
    files: List[str]  # workspace-relative: sources, then BUILD files
    tests: List[str]  # test targets that depend on it (anywhere in the workspace)
    rules_fired: Dict[str, int]
    verify: Optional[dict] = None


@dataclasses.dataclass
class RolloutPlan:
    patterns: List[str]
    shard_by: str
    max_files: int
    mode: str
    shards: List[ShardPlan]
    pending_targets: List[str]
    failed_targets: List[str]
    mixed: List[dict]


# -- units: the packages with pending writes -------------------------------------------------
def _touched(state: TargetState, file_package: Dict[str, str]) -> Set[str]:
    """The packages a pending target's migration writes in: its own (BUILD edits) and
    those of the files it rewrites (a shared file may lie in another package)."""
    return {state.package} | {file_package[f] for f in state.changed_files if f in file_package}


def units_from(rollout: Rollout, owners: Owners) -> Tuple[Dict[str, shards_mod.Unit], Dict[str, Set[str]]]:
    """(units by package, packages each pending target writes in)."""
    plan, states = rollout.plan, rollout.targets
    file_package = {s.rel: name for name, p in plan.packages.items() for s in p.sources}
    pending = {label: s for label, s in states.items() if s.state == PENDING}
    touched = {label: _touched(s, file_package) for label, s in pending.items()}
    names = {name for name, p in plan.packages.items() if p.changed} | {p for t in touched.values() for p in t}
    deps: Dict[str, Set[str]] = {name: set() for name in names}
    for packages in touched.values():
        for p in packages:  # one target's writes are applied together: never split them
            deps[p] |= packages - {p}
    for label, state in states.items():
        if not state.keras or state.package not in deps:
            continue
        for dep in _keras_reached(states, label):
            if dep in touched:
                deps[state.package] |= touched[dep] - {state.package}
    units = {}
    for name in names:
        package = plan.packages.get(name)
        files = 0
        if package is not None:
            files = len(package.sources) + (1 if package.build is not None and package.build.changed else 0)
        units[name] = shards_mod.Unit(name, owners.primary(name), files, frozenset(deps[name]),
                                      owners.owners_of(name))
    return units, touched


# -- patches ---------------------------------------------------------------------------------
def _patches(rollout: Rollout, packages: Sequence[str]) -> Tuple[str, str, List[str]]:
    """(changes.patch, build.patch, files) of some packages: the text the driver's --diff
    prints for them (sources in target order, then BUILD files by path)."""
    plan, reports = rollout.plan, rollout.migration.reports
    workspace = rollout.options.workspace

    def order(source) -> Tuple[str, int]:
        paths = [f["path"] for f in reports.get(source.label, {}).get("files", ())]
        return source.label, paths.index(source.rel) if source.rel in paths else len(paths)

    sources = sorted((s for p in packages if p in plan.packages for s in plan.packages[p].sources), key=order)
    builds = sorted((plan.packages[p].build for p in packages
                     if p in plan.packages and plan.packages[p].build is not None and plan.packages[p].build.changed),
                    key=lambda b: b.path)
    source_diffs = [unified_diff(s.rel, driver._text(s.snapshot.raw), driver._text(s.data)) for s in sources]
    build_rels = [os.path.relpath(b.path, workspace).replace(os.sep, "/") for b in builds]
    build_diffs = [unified_diff(rel, b.original, b.code) for rel, b in zip(build_rels, builds)]
    return "".join(source_diffs + build_diffs), "".join(build_diffs), [s.rel for s in sources] + build_rels


def _rules_fired(rollout: Rollout, targets: Sequence[TargetState]) -> Dict[str, int]:
    counts: collections.Counter = collections.Counter()
    seen: Set[str] = set()
    for state in targets:
        for f in rollout.migration.reports.get(state.label, {}).get("files", ()):
            if f["path"] in seen or not f.get("changed"):
                continue  # a shared file once
            seen.add(f["path"])
            counts.update(f.get("rules_fired") or {})
    return dict(sorted(counts.items()))


# -- the plan --------------------------------------------------------------------------------
def make_plan(rollout: Rollout, owners: Owners, shard_by: str, max_files: int,
              tests: Optional[TestGraph]) -> RolloutPlan:
    units, touched = units_from(rollout, owners)
    shards = shards_mod.make_shards(units, shard_by, max_files)
    out = []
    for shard in shards:
        members = set(shard.packages)
        targets = [rollout.targets[label] for label in sorted(touched) if touched[label] & members]
        changes, build, files = _patches(rollout, shard.packages)
        affected = tests.affected([t.label for t in targets]) if tests is not None else []
        out.append(ShardPlan(shard, targets, changes, build, files, affected, _rules_fired(rollout, targets)))
    states = rollout.targets
    return RolloutPlan(
        patterns=list(rollout.options.patterns), shard_by=shard_by, max_files=max_files, mode=rollout.options.mode,
        shards=out, pending_targets=sorted(touched),
        failed_targets=sorted(l for l, s in states.items() if s.state == FAILED),
        mixed=[m.as_json() for m in rollout.mixed])


def shard_json(plan: RolloutPlan, sp: ShardPlan) -> dict:
    s = sp.shard
    out = {
        "id": s.id, "packages": s.packages, "owners": s.owners, "depends_on": s.depends_on,
        "oversize": s.oversize, "mode": plan.mode, "files": sp.files, "tests": sp.tests,
        "rules_fired": sp.rules_fired,
        "targets": [{"label": t.label, "state": t.state, "backends": list(t.backends),
                     "tensorflow_only": list(t.tensorflow_only),
                     "manual_fixes": [m.as_json() for m in t.manual_fixes]} for t in sp.targets],
    }
    if sp.verify is not None:
        out["verify"] = sp.verify
    return out


def index_json(plan: RolloutPlan) -> dict:
    shards = []
    for sp in plan.shards:
        entry = {"id": sp.shard.id, "packages": sp.shard.packages, "owners": sp.shard.owners, "files": sp.files,
                 "tests": sp.tests, "depends_on": sp.shard.depends_on, "oversize": sp.shard.oversize}
        if sp.verify is not None:
            entry["verify"] = sp.verify
        shards.append(entry)
    return {"tool": "keras_migrate", "patterns": plan.patterns, "shard_by": plan.shard_by,
            "max_files": plan.max_files, "mode": plan.mode, "shards": shards,
            "pending_targets": plan.pending_targets, "failed_targets": plan.failed_targets, "mixed": plan.mixed}


def description(plan: RolloutPlan, sp: ShardPlan, out_dir: str = "<plan dir>") -> str:
    """DESCRIPTION.md: the change description of one shard, ready for a code review."""
    s = sp.shard
    lines = [f"# Keras 3 migration, shard {s.id}", "",
             f"Migrates {len(s.packages)} package(s) from Keras 2 (tf.keras) to multi-backend Keras 3 "
             f"({len(sp.files)} file(s), mode {plan.mode}). Generated by `keras-migrate plan`.", ""]
    if s.oversize:
        lines += [f"**Oversize:** one group of packages (a dependency cycle or one large package) has more "
                  f"than {plan.max_files} files; it cannot be split.", ""]
    lines += ["## Owners", ""] + [f"- {o}" for o in s.owners] + [""]
    lines += ["## Packages", ""] + [f"- //{p}" for p in s.packages] + [""]
    if s.depends_on:
        lines += ["## Apply after", ""] + [f"- shard {d}" for d in s.depends_on] + [""]
    lines += ["## Rules fired", ""]
    lines += [f"- {rule}: {n}" for rule, n in sp.rules_fired.items()] or ["- none (BUILD edits only)"]
    lines += ["", "## Manual fixes left", ""]
    fixes = [m for t in sp.targets for m in t.manual_fixes]
    fixes = sorted(set(fixes), key=lambda m: (m.path, m.line, m.rule_id))
    lines += [f"- {m.path}:{m.line}: [{m.rule_id}] {m.message}\n  - fix: {m.fix}" for m in fixes] or ["- none"]
    lines += ["", "## Backends per target", ""]
    for t in sp.targets:
        line = f"- {t.label}: {', '.join(t.backends) or '-'}"
        if t.tensorflow_only:
            line += " (TensorFlow only: " + "; ".join(t.tensorflow_only) + ")"
        lines.append(line)
    lines += ["", "## Tests affected", ""]
    lines += [f"- {t}" for t in sp.tests] or ["- none: no test target depends on these targets"]
    if sp.verify is not None:
        lines += ["", "## Differential verification", "", f"- verdict: {sp.verify['verdict']}"]
        lines += [f"- {d}" for d in _verify_details(sp.verify)]
    lines += ["", "## How to apply", "",
              "```", f"bazel run //tools:migrate -- apply --shard {s.id} --out {out_dir}", "```", "",
              "or `git apply changes.patch` from the workspace root (the same edits).", ""]
    return "\n".join(lines)


def _verify_details(verify: dict) -> List[str]:
    out = []
    for test in verify.get("tests", ()):
        text = f"{test['test']}: {test['verdict']}"
        if test.get("backend"):
            text += f" on {test['backend']}"
        if test.get("why"):
            text += f" ({test['why']})"
        out.append(text)
    if verify.get("why") and not verify.get("tests"):
        out.append(verify["why"])
    return out


# -- output ----------------------------------------------------------------------------------
def _remove_stale(out_dir: str, keep: Set[str]) -> None:
    """Shard folders an earlier plan wrote (named in its index.json) and this one does not:
    only the files plan writes there are removed, the folder if then empty."""
    try:
        with open(os.path.join(out_dir, INDEX), encoding="utf-8") as handle:
            old = json.load(handle)
    except (OSError, ValueError):
        return
    for entry in old.get("shards", ()) if isinstance(old, dict) else ():
        sid = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(sid, str) or sid in keep or "/" in sid or sid in ("", ".", ".."):
            continue
        folder = os.path.join(out_dir, sid)
        for name in SHARD_FILES:
            try:
                os.remove(os.path.join(folder, name))
            except OSError:
                pass
        try:
            os.rmdir(folder)
        except OSError:
            pass  # not empty: someone else's files stay


def write_plan(plan: RolloutPlan, out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    _remove_stale(out_dir, {sp.shard.id for sp in plan.shards})
    for sp in plan.shards:
        folder = os.path.join(out_dir, sp.shard.id)
        os.makedirs(folder, exist_ok=True)
        write_atomic(os.path.join(folder, "changes.patch"), sp.changes)
        write_atomic(os.path.join(folder, "build.patch"), sp.build)
        write_atomic(os.path.join(folder, "shard.json"), _dumps(shard_json(plan, sp)))
        write_atomic(os.path.join(folder, "DESCRIPTION.md"), description(plan, sp, out_dir))
    write_atomic(os.path.join(out_dir, INDEX), _dumps(index_json(plan)))  # last: the plan is complete


def _dumps(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def summary_table(plan: RolloutPlan) -> str:
    rows = [("id", "owners", "packages", "files", "tests") + (("verify",) if _verified(plan) else ())]
    for sp in plan.shards:
        row = (sp.shard.id + (" (oversize)" if sp.shard.oversize else ""), ", ".join(sp.shard.owners),
               str(len(sp.shard.packages)), str(len(sp.files)), str(len(sp.tests)))
        if _verified(plan):
            row += (sp.verify["verdict"] if sp.verify else "-",)
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.append(f"{len(plan.shards)} shard(s), {len(plan.pending_targets)} pending target(s), "
                 f"{len(plan.failed_targets)} failed (not planned), "
                 f"{sum(1 for m in plan.mixed if m['severity'] == 'error')} mixed-dependency error(s)")
    return "\n".join(lines) + "\n"


def _verified(plan: RolloutPlan) -> bool:
    return any(sp.verify is not None for sp in plan.shards)


# -- command line ----------------------------------------------------------------------------
def _add_shape_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--shard-by", choices=(shards_mod.BY_OWNERS, shards_mod.BY_PACKAGE), default=shards_mod.BY_OWNERS,
                   help="owners (default): packages grouped by primary owner; package: one shard per package")
    p.add_argument("--max-files", type=int, default=shards_mod.DEFAULT_MAX_FILES,
                   help="files (sources + BUILD files) per shard at most (default 200; a larger cycle is "
                        "one oversize shard)")
    p.add_argument("--mode", choices=("agnostic", "tensorflow"), default="agnostic", help="the migration mode")


def plan_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="keras-migrate plan",
                                description="Split the pending migration of PATTERNS into shards, dependencies "
                                            "first, by owner or package.")
    p.add_argument("patterns", nargs="+", metavar="PATTERN", help="Bazel target patterns, e.g. //...")
    _add_shape_flags(p)
    p.add_argument("--out", metavar="DIR", help="write DIR/index.json and one folder per shard (default: print "
                                                 "the summary only)")
    p.add_argument("--verify", action="store_true",
                   help="run `keras-migrate verify` on each shard's affected tests: safe / divergent / not_verified")
    p.add_argument("--verify-timeout", type=float, default=300.0, metavar="S",
                   help="seconds per verify run (each test runs under Keras 2 and each backend; default 300)")
    return p


def _check_patterns(patterns: Sequence[str]) -> Optional[str]:
    bad = driver.non_patterns(patterns)
    return f"target patterns only (got {' '.join(bad)})" if bad else None


def compute(workspace: str, patterns: Sequence[str], shard_by: str, max_files: int, mode: str,
            with_tests: bool = True) -> Tuple[Rollout, RolloutPlan, Optional[TestGraph]]:
    rollout = collect(driver.DriverOptions(workspace, tuple(patterns), mode=mode, diff=True))
    tests = None
    if with_tests:
        try:
            tests = query_tests(workspace)
        except driver.DriverError as exc:  # the shards stand without their tests
            print(f"keras-migrate plan: warning: the workspace's tests could not be queried: {exc}",
                  file=sys.stderr)
    return rollout, make_plan(rollout, Owners(workspace), shard_by, max_files, tests), tests


def main_plan(argv: Sequence[str]) -> int:
    argv, negative = driver.split_negative(argv)
    args = plan_parser().parse_args(argv)
    args.patterns.extend(negative)
    error = _check_patterns(args.patterns) or (None if args.max_files >= 1 else "--max-files must be at least 1")
    if error:
        print(f"keras-migrate plan: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    workspace = driver.workspace_dir()
    try:
        rollout, plan, tests = compute(workspace, args.patterns, args.shard_by, args.max_files, args.mode)
    except driver.DriverError as exc:
        print(f"keras-migrate plan: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.verify:
        from keras_migrate.rollout._verify import verify_plan

        verify_plan(plan, tests, workspace, timeout=args.verify_timeout)
    if args.out:
        try:
            write_plan(plan, args.out)
        except OSError as exc:
            print(f"keras-migrate plan: error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_FAILED
        print(f"keras-migrate plan: wrote {len(plan.shards)} shard(s) to {args.out}", file=sys.stderr)
    sys.stdout.write(summary_table(plan))
    return EXIT_OK


# -- apply -----------------------------------------------------------------------------------
def apply_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="keras-migrate apply",
                                description="Apply one shard of a plan: the normal migration of exactly its "
                                            "targets, once the shards it depends on are applied.")
    p.add_argument("patterns", nargs="*", metavar="PATTERN",
                   help="without --out: the plan's patterns (the plan is computed again)")
    p.add_argument("--shard", required=True, metavar="ID", help="the shard's id (plan's summary or index.json)")
    p.add_argument("--out", metavar="DIR", help="the plan's directory (plan --out DIR)")
    p.add_argument("--force", action="store_true", help="apply even if a shard it depends on is still pending")
    _add_shape_flags(p)
    return p


@dataclasses.dataclass
class _Planned:
    """What apply needs of a plan: each shard's targets and dependencies."""

    mode: str
    targets: Dict[str, List[str]]  # shard id -> labels
    depends_on: Dict[str, List[str]]

    def ancestors(self, sid: str) -> List[str]:
        seen: List[str] = []
        stack = list(self.depends_on.get(sid, ()))
        while stack:
            d = stack.pop()
            if d not in seen:
                seen.append(d)
                stack.extend(self.depends_on.get(d, ()))
        return sorted(seen)


def _load_planned(out_dir: str) -> _Planned:
    with open(os.path.join(out_dir, INDEX), encoding="utf-8") as handle:
        index = json.load(handle)
    targets, depends = {}, {}
    for entry in index["shards"]:
        with open(os.path.join(out_dir, entry["id"], "shard.json"), encoding="utf-8") as handle:
            shard = json.load(handle)
        targets[entry["id"]] = [t["label"] for t in shard["targets"]]
        depends[entry["id"]] = list(entry["depends_on"])
    return _Planned(index.get("mode", "agnostic"), targets, depends)


def _planned_from(plan: RolloutPlan) -> _Planned:
    return _Planned(plan.mode, {sp.shard.id: [t.label for t in sp.targets] for sp in plan.shards},
                    {sp.shard.id: list(sp.shard.depends_on) for sp in plan.shards})


def _existing(workspace: str, labels: Sequence[str]) -> List[str]:
    """The labels still there (a migrated py_test becomes per-backend tests): one query
    over their packages."""
    packages = sorted({label[2:].split(":", 1)[0] for label in labels})
    if not packages:
        return []
    found, _errors = driver._query_targets(workspace, " + ".join(f"//{p}:all" for p in packages))
    return [label for label in labels if label in found]


def main_apply(argv: Sequence[str], run_driver: Callable[["driver.DriverOptions"], int] = None) -> int:
    argv, negative = driver.split_negative(argv)
    args = apply_parser().parse_args(argv)
    args.patterns.extend(negative)
    workspace = driver.workspace_dir()
    run_driver = run_driver or driver._run
    try:
        if args.out:
            try:
                planned = _load_planned(args.out)
            except (OSError, ValueError, KeyError) as exc:
                print(f"keras-migrate apply: error: cannot read the plan in {args.out}: {exc}", file=sys.stderr)
                return EXIT_FAILED
        else:
            if not args.patterns or _check_patterns(args.patterns):
                print("keras-migrate apply: error: give --out DIR (a plan written by `plan --out DIR`) or the "
                      "plan's target patterns", file=sys.stderr)
                return EXIT_FAILED
            _r, plan, _t = compute(workspace, args.patterns, args.shard_by, args.max_files, args.mode,
                                   with_tests=False)
            planned = _planned_from(plan)
        if args.shard not in planned.targets:
            print(f"keras-migrate apply: error: no shard {args.shard!r} in the plan (shards: "
                  f"{', '.join(planned.targets) or 'none'})", file=sys.stderr)
            return EXIT_FAILED
        if not args.force:
            waiting = _pending_dependencies(workspace, planned, args.shard)
            if waiting:
                for sid, labels in waiting:
                    print(f"keras-migrate apply: error: apply shard {sid} first: {', '.join(labels[:5])}"
                          f"{' ...' if len(labels) > 5 else ''} still pending "
                          f"(bazel run //tools:migrate -- apply --shard {sid}{' --out ' + args.out if args.out else ''}"
                          "; --force applies this one anyway)", file=sys.stderr)
                return EXIT_FAILED
        labels = _existing(workspace, planned.targets[args.shard])
        if not labels:
            print(f"keras-migrate apply: shard {args.shard}: nothing left to apply", file=sys.stderr)
            return EXIT_OK
        print(f"keras-migrate apply: shard {args.shard}: migrating {len(labels)} target(s)", file=sys.stderr)
        return run_driver(driver.DriverOptions(workspace, tuple(labels), mode=planned.mode))
    except driver.DriverError as exc:
        print(f"keras-migrate apply: error: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _pending_dependencies(workspace: str, planned: _Planned, sid: str) -> List[Tuple[str, List[str]]]:
    """The shards `sid` depends on (transitively) that still have pending targets."""
    ancestors = planned.ancestors(sid)
    labels = _existing(workspace, [l for d in ancestors for l in planned.targets[d]])
    if not labels:
        return []
    states = collect(driver.DriverOptions(workspace, tuple(labels), mode=planned.mode, diff=True)).targets
    out = []
    for d in ancestors:
        pending = [l for l in planned.targets[d] if l in states and states[l].state == PENDING]
        if pending:
            out.append((d, pending))
    return out
