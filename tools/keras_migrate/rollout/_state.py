"""Where each target stands in the rollout, from one driver run with nothing written.

The states (README "Rolling out across a monorepo"):
  migrated   Keras code with no write left (sources and BUILD edits done)
  pending    Keras 2 code with a source or BUILD edit still to make
  not_keras  no Keras in it
  opted_out  tagged no-keras-migrate
  failed     the migration action failed, or a file could not be migrated
plus, for Keras targets, the backends the code supports (with the reasons it is kept on
TensorFlow) and the manual fixes left (diagnostics that carry a fix).
"""

from __future__ import annotations

import collections
import dataclasses
from typing import Dict, Iterable, List, Tuple

from keras_migrate.bazel import _driver as driver
from keras_migrate.bazel._build_files import BuildFile
from keras_migrate.bazel._contract import OPT_OUT_TAG

__all__ = [
    "MIGRATED", "PENDING", "NOT_KERAS", "OPTED_OUT", "FAILED", "STATES", "ManualFix", "TargetState", "Rollout",
    "MixedDependency", "collect", "counts", "states_from", "mixed_dependencies",
]

MIGRATED, PENDING, NOT_KERAS, OPTED_OUT, FAILED = "migrated", "pending", "not_keras", "opted_out", "failed"
STATES = (MIGRATED, PENDING, NOT_KERAS, OPTED_OUT, FAILED)
KERAS_STATES = (MIGRATED, PENDING, FAILED)


@dataclasses.dataclass(frozen=True)
class ManualFix:
    path: str
    line: int
    column: int
    rule_id: str
    message: str
    fix: str

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "rule_id": self.rule_id, "message": self.message,
                "fix": self.fix}


@dataclasses.dataclass(frozen=True)
class TargetState:
    label: str
    package: str
    kind: str
    state: str
    backends: Tuple[str, ...] = ()
    tensorflow_only: Tuple[str, ...] = ()
    manual_fixes: Tuple[ManualFix, ...] = ()
    files: Tuple[str, ...] = ()  # workspace-relative sources
    changed_files: Tuple[str, ...] = ()  # sources the migration would still rewrite
    deps: Tuple[str, ...] = ()
    tags: Tuple[str, ...] = ()

    @property
    def keras(self) -> bool:
        return self.state in KERAS_STATES


@dataclasses.dataclass(frozen=True)
class MixedDependency:
    """A Keras 3 (migrated) target and a Keras 2 (pending) one in the same process."""

    severity: str  # "error": migrated code depends on Keras 2 code; "warning": the reverse
    source: str  # the dependent target
    target: str  # the dependency
    message: str
    fix: str

    def as_json(self) -> dict:
        return {"severity": self.severity, "from": self.source, "to": self.target, "message": self.message,
                "fix": self.fix}


@dataclasses.dataclass
class Rollout:
    """One look at the workspace: the driver's phases with nothing written."""

    options: "driver.DriverOptions"
    selection: "driver.Selection"
    migration: "driver.Migration"
    plan: "driver.Plan"
    targets: Dict[str, TargetState]

    @property
    def mixed(self) -> List[MixedDependency]:
        return mixed_dependencies(self.targets)


def collect(options: "driver.DriverOptions") -> Rollout:
    """Query, build the migration aspect (cached per target) and plan the writes: what is
    left for each target. Raises driver.DriverError."""
    selection = driver._select(options)
    migration = driver._migrate(options, selection)
    plan = driver.plan_writes(options.workspace, selection.candidates, selection.graph, migration.reports,
                              selection.labels, migration.sources_of(selection.graph, options.mode))
    targets = states_from(selection, migration.reports, plan)
    return Rollout(options, selection, migration, plan, targets)


def _pending_build_targets(plan: "driver.Plan") -> Dict[str, set]:
    """package -> names of the targets whose BUILD call the plan edits (or would, where the
    edit is blocked: all of them)."""
    out: Dict[str, set] = {}
    for name, package in plan.packages.items():
        if package.build is None or not package.build.changed:
            continue
        before = BuildFile(package.build.path, package.build_snapshot.raw)
        out[name] = {n for n in _call_names(before) if before.call_text(n) != package.build.call_text(n)}
    return out


def _call_names(build: BuildFile) -> Iterable[str]:
    import libcst as cst

    from keras_migrate.rules._util import keyword_arg

    for stmt in build.module.body:
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr):
            call = stmt.body[0].value
            if isinstance(call, cst.Call):
                arg = keyword_arg(call, "name")
                if arg is not None and isinstance(arg.value, cst.SimpleString):
                    yield arg.value.evaluated_value


def _manual_fixes(report: dict) -> Tuple[ManualFix, ...]:
    out = []
    for f in report.get("files", ()):
        for d in f.get("diagnostics", ()):
            if d.get("fix"):
                out.append(ManualFix(d["path"], d["line"], d["column"], d["rule_id"], d["message"], d["fix"]))
    return tuple(sorted(set(out), key=lambda m: (m.path, m.line, m.column, m.rule_id)))


def states_from(selection: "driver.Selection", reports: Dict[str, dict], plan: "driver.Plan") -> Dict[str, TargetState]:
    """Each selected target's state (opted-out ones included), from the aspect's reports
    and the planned writes."""
    build_edits = _pending_build_targets(plan)
    blocked = {name for name, p in plan.packages.items() if p.edit_blocked or p.problems}
    states: Dict[str, TargetState] = {}
    for target in list(selection.candidates) + list(selection.skipped):
        report = reports.get(target.label)
        common = dict(label=target.label, package=target.package, kind=target.declared_as,
                      deps=tuple(target.deps), tags=tuple(target.tags))
        if OPT_OUT_TAG in target.tags:
            states[target.label] = TargetState(state=OPTED_OUT, **common)
            continue
        if report is None:
            states[target.label] = TargetState(state=FAILED, **common)
            continue
        files = tuple(f["path"] for f in report["files"])
        changed = tuple(f["path"] for f in report["files"] if f["changed"])
        # A per-backend test is Keras 3 code by declaration, whatever its own file imports.
        keras = driver._is_keras_code(report) or target.declared_as == "keras_backend_test"
        build_pending = target.name in build_edits.get(target.package, ())
        if report["failed"]:
            state = FAILED
        elif not keras and not build_pending:
            state = NOT_KERAS
        elif changed or build_pending or (target.package in blocked and keras):
            state = PENDING
        else:
            state = MIGRATED
        backends = tuple(plan.backends.get(target.label, report["backends"])) if state != NOT_KERAS else ()
        states[target.label] = TargetState(
            state=state, backends=backends,
            tensorflow_only=tuple(plan.tensorflow_reasons.get(target.label, report["tensorflow_only"]))
            if state != NOT_KERAS else (),
            manual_fixes=_manual_fixes(report), files=files, changed_files=changed, **common)
    return states


def _keras_reached(states: Dict[str, TargetState], start: str) -> List[str]:
    """The Keras targets `start` depends on, looking through targets without Keras (a
    plain helper library between two Keras ones still puts them in one process)."""
    seen, out = {start}, []
    queue = collections.deque(states[start].deps)
    while queue:
        label = queue.popleft()
        if label in seen or label not in states:
            continue
        seen.add(label)
        dep = states[label]
        if dep.keras:
            out.append(label)
        elif dep.state == NOT_KERAS:
            queue.extend(dep.deps)
    return sorted(out)


def mixed_dependencies(states: Dict[str, TargetState]) -> List[MixedDependency]:
    out = []
    for label in sorted(states):
        state = states[label]
        if state.state not in (MIGRATED, PENDING):
            continue
        for dep in _keras_reached(states, label):
            other = states[dep].state
            if state.state == MIGRATED and other == PENDING:
                out.append(MixedDependency(
                    "error", label, dep,
                    f"{label} is migrated (Keras 3) but depends on {dep}, still Keras 2 code",
                    f"migrate {dep} too: bazel run //tools:migrate -- {dep} (or apply the plan's shard that "
                    "holds it)"))
            elif state.state == PENDING and other == MIGRATED:
                out.append(MixedDependency(
                    "warning", label, dep,
                    f"{label} is still Keras 2 code but depends on {dep}, already migrated (Keras 3): "
                    "Keras objects must not cross between them",
                    f"migrate {label} next: bazel run //tools:migrate -- {label} (its tests keep running under "
                    "Keras 2 with keras2_test until then)"))
    return out


def counts(states: Iterable[TargetState]) -> Dict[str, float]:
    """The status counts of a group of targets (README "Status and dashboard")."""
    c = collections.Counter()
    for s in states:
        c[s.state] += 1
        if s.keras:
            c["keras_targets"] += 1
        if s.state in (MIGRATED, PENDING) and tuple(s.backends) and "jax" not in s.backends:
            c["tensorflow_only"] += 1
        c["manual_fixes"] += len(s.manual_fixes)
    done = c[MIGRATED] + c[PENDING] + c[FAILED]
    out = {key: c[key] for key in ("keras_targets", MIGRATED, PENDING, "tensorflow_only", OPTED_OUT, FAILED,
                                   NOT_KERAS, "manual_fixes")}
    out["percent"] = round(100.0 * c[MIGRATED] / done, 1) if done else 100.0
    return out
