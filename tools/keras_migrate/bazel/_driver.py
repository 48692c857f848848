"""`bazel run //tools:migrate -- //pkg/...`: migrate Bazel targets in the workspace.

1. query the py_library/py_binary/py_test targets the patterns name (and their deps),
2. build the migration aspect over them (one cached action per target),
3. plan every write before making one: migrated sources (each shared source once) and
   BUILD edits (runtime-support dependency where migrated code needs it, tests of
   Keras code turned into per-backend tests), decided from what the MIGRATED code
   imports, so a run that was interrupted, or followed a plain-path run, is completed
   by the next one and `--check` reports what is left,
4. apply the plan package by package (a package whose BUILD file cannot be read or
   whose files cannot be written is left whole and reported),
5. print a summary; --diff / --check / --report as for plain paths.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from keras_migrate.bazel._build_files import BuildFile
from keras_migrate.bazel._contract import (
    KERAS2_TAG, KERAS_BACKENDS, OPT_OUT_TAG, OUTPUT_GROUPS, RESTRICTED_BACKENDS, VISITED_KINDS, backends_for, output_name,
)
from keras_migrate.engine._diagnostics import display_path
from keras_migrate.engine._files import DecodeFailure, FileChanged, Snapshot, decode, read_bytes, write_bytes_atomic
from keras_migrate.engine._runner import unified_diff

__all__ = ["run_on_targets", "Target", "plan_writes", "apply_plan"]

PY_KINDS = VISITED_KINDS
# Modules whose import makes code Keras code once migrated (the runtime package imports
# keras itself).
KERAS_MODULES = ("keras",)
RUNTIME_MODULE = "keras_migrate_runtime"
# What a test of Keras code is declared as before migration (keras2_test: marked by
# `prepare`); both become a keras_backend_test.
MIGRATED_TEST_MACROS = ("py_test", "keras2_test")

EXIT_OK, EXIT_WOULD_CHANGE, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130


class DriverError(Exception):
    pass


# What a Bazel target pattern starts with (anything else on the command line is a path).
TARGET_PATTERN_PREFIXES = ("//", "@", ":", "-")


def non_patterns(args: Sequence[str]) -> List[str]:
    """The arguments that are not Bazel target patterns."""
    return [a for a in args if not a.startswith(TARGET_PATTERN_PREFIXES)]


def split_negative(argv: Sequence[str]) -> Tuple[List[str], List[str]]:
    """(argv without negative patterns, the negative patterns): argparse would read
    -//pkg/... as an option."""
    return [a for a in argv if not a.startswith("-//")], [a for a in argv if a.startswith("-//")]


def workspace_dir() -> str:
    """The workspace a command works on: where `bazel run` was called, else here."""
    return os.environ.get("BUILD_WORKSPACE_DIRECTORY") or os.getcwd()


@dataclasses.dataclass
class Target:
    label: str
    kind: str
    build_file: str
    tags: List[str]
    deps: List[str]
    # What the BUILD file calls: the rule itself, or the macro that made the target
    # (keras_backend_test for already-converted tests).
    declared_as: str
    # The `name` of that macro call (its variants share it, and their sources).
    generator_name: str = ""

    @property
    def package(self) -> str:
        return self.label[2:].split(":", 1)[0]

    @property
    def name(self) -> str:
        return self.label.split(":", 1)[1]


def _bazel(workspace: str, *args: str, capture: bool = True, partial_ok: bool = False) -> Tuple[str, str]:
    """(stdout, stderr). With partial_ok, exit 3 (--keep_going: some packages or targets
    failed, the rest is there) is not an error."""
    bazel = os.environ.get("BAZEL", "bazel")
    cmd = [bazel, *args]
    proc = subprocess.run(cmd, cwd=workspace, text=True, errors="replace",
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE if capture else None)
    if proc.returncode != 0 and not (partial_ok and proc.returncode in (1, 3)):
        raise DriverError(f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n{proc.stderr or ''}")
    return proc.stdout, proc.stderr or ""


class Progress:
    """Bazel's `[done / total]` action counts as a line a user can read during a long
    build: actions done of total, elapsed time, rate and time left. On a terminal the
    line is redrawn in place; otherwise one line every `interval` seconds."""

    PATTERN = re.compile(r"^\[([\d,]+) / ([\d,]+)\]")

    def __init__(self, stream, interval: float = 10.0, clock=None) -> None:
        import time

        self.stream, self.clock = stream, clock or time.monotonic
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.interval = 1.0 if self.tty else interval
        self.start = self.clock()
        self.last = self.start
        self.shown = False

    def feed(self, line: str) -> None:
        match = self.PATTERN.match(line.strip())
        if not match:
            return
        done, total = (int(g.replace(",", "")) for g in match.groups())
        now = self.clock()
        if now - self.last < self.interval and done < total:
            return
        self.last = now
        self.stream.write(("\r" if self.tty else "") + self.line(done, total, now - self.start)
                          + ("" if self.tty else "\n"))
        self.stream.flush()
        self.shown = True

    @staticmethod
    def line(done: int, total: int, elapsed: float) -> str:
        rate = done / elapsed if elapsed > 0 else 0.0
        left = f", about {int((total - done) / rate)} s left" if rate > 0 and done < total else ""
        return (f"keras-migrate: {done:,}/{total:,} actions ({100 * done // max(total, 1)}%), "
                f"{int(elapsed)} s, {rate:.1f}/s{left}")

    def close(self) -> None:
        if self.shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _bazel_with_progress(workspace: str, args: List[str], progress: Progress) -> str:
    """`bazel ARGS` (exit 0, or 1/3 under --keep_going) with its progress shown through
    `progress`; returns stderr."""
    bazel = os.environ.get("BAZEL", "bazel")
    cmd = [bazel, *args[:1], "--curses=no", "--color=no", "--show_progress_rate_limit=1", *args[1:]]
    proc = subprocess.Popen(cmd, cwd=workspace, text=True, errors="replace", stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line)
            progress.feed(line)
    finally:
        code = proc.wait()
        progress.close()
    err = "".join(lines)
    if code not in (0, 1, 3):
        raise DriverError(f"`{' '.join(cmd)}` failed (exit {code}):\n{err}")
    return err


def _errors(stderr: str) -> List[str]:
    return [line for line in stderr.splitlines() if line.startswith("ERROR:")]


def _error_package(line: str, workspace: str) -> Optional[str]:
    """The package a query error is about (`ERROR: /ws/pkg/BUILD:3:1: ...` or
    `... package 'pkg' ...`), if it says."""
    match = re.search(r"package '([^']*)'", line) or re.search(r"package contains errors: (\S+)", line)
    if match:
        return match.group(1).lstrip("/")
    match = re.match(r"ERROR: (/[^:]*)/BUILD(?:\.bazel)?:", line)
    if match and _inside(match.group(1), workspace):
        return os.path.relpath(os.path.realpath(match.group(1)), os.path.realpath(workspace)).replace(os.sep, "/")
    return None


def _excluded(package: str, patterns: List[str]) -> bool:
    for p in patterns:
        if not p.startswith("-//"):
            continue
        pattern = p[3:]
        if pattern.endswith("/..."):
            root = pattern[:-4]
            if package == root or package.startswith(root + "/"):
                return True
        elif pattern == "...":
            return True
        elif pattern.split(":", 1)[0] == package and pattern.endswith((":all", ":*", ":all-targets")):
            return True
    return False


def _relevant_errors(errors: List[str], patterns: List[str], workspace: str) -> List[str]:
    """Errors of packages the patterns exclude do not concern this run."""
    out = []
    for line in errors:
        package = _error_package(line, workspace)
        if package is None or not _excluded(package, patterns):
            out.append(line)
    return out


def _query_expr(patterns: List[str]) -> str:
    expr = ""
    for p in patterns:
        if p.startswith("-"):
            expr += f" - {p[1:]}"
        else:
            expr += (" + " if expr else "") + p
    return expr


def _query_targets(workspace: str, expr: str) -> Tuple[Dict[str, Target], List[str]]:
    """Targets and the errors of packages that could not be loaded. --keep_going: one
    broken BUILD file (even one excluded with -//pkg/...) must not block the others."""
    kinds = "|".join(PY_KINDS)
    out, err = _bazel(workspace, "query", "--keep_going", "--output=xml", "--noimplicit_deps",
                      f'kind("^({kinds}) rule$", {expr})', partial_ok=True)
    targets: Dict[str, Target] = {}
    if not out.strip():
        if _errors(err):
            raise DriverError("bazel query found nothing:\n" + "\n".join(_errors(err)))
        return targets, []
    for rule in ET.fromstring(out).iter("rule"):
        label = rule.get("name")
        if not label.startswith("//"):
            continue  # external repositories are never migrated
        tags, deps, generator, generator_name = [], [], None, ""
        for child in rule:
            name = child.get("name")
            if name == "tags":
                tags = [s.get("value") for s in child.iter("string")]
            elif name == "deps":
                deps = [l.get("value") for l in child.iter("label")]
            elif name == "generator_function":
                generator = child.get("value") or None
            elif name == "generator_name":
                generator_name = child.get("value") or ""
        build_file = rule.get("location").rsplit(":", 2)[0]
        targets[label] = Target(label, rule.get("class"), build_file, tags, deps, generator or rule.get("class"),
                                generator_name)
    return targets, _errors(err)


def _own_labels(workspace: str) -> Dict[str, str]:
    """Labels of our rules/runtime as seen from the workspace being migrated."""
    prefix = "//" if os.path.exists(os.path.join(workspace, "rules", "aspects.bzl")) and \
        os.path.exists(os.path.join(workspace, "tools", "keras_migrate")) else "@keras_migrate//"
    prefix = os.environ.get("KERAS_MIGRATE_LABEL_PREFIX", prefix)
    return {
        "aspect": f"{prefix}rules:aspects.bzl",
        "macro": f"{prefix}rules:keras_backend_test.bzl",
        "keras2_macro": f"{prefix}rules:keras2_test.bzl",
        "runtime": f"{prefix}tools:keras_migrate_runtime",
    }


def _output(bazel_bin: str, target: Target, mode: str, kind: str) -> str:
    return os.path.join(bazel_bin, target.package, output_name(target.name, mode, kind))


@dataclasses.dataclass(frozen=True)
class ClosureFacts:
    """What a target's BUILD edits depend on in everything it depends on (itself included)."""

    # Labels in the closure whose report keeps them on TensorFlow.
    tensorflow_only: FrozenSet[str]
    # Whether any target in the closure is Keras code (now or once migrated).
    keras_code: bool


def closure_facts(graph: Dict[str, Target], own: Dict[str, Tuple[bool, bool]]) -> Dict[str, ClosureFacts]:
    """ClosureFacts of every target of `graph`, from each target's own (tensorflow-only,
    Keras code) facts: one pass over the graph (strongly connected components, found
    iteratively, so 1,000-deep chains and cycles are fine), not one walk per target.
    The sets stay small: only the few targets kept on TensorFlow are in them."""
    facts: Dict[str, ClosureFacts] = {}
    for component in _components(graph):
        members = set(component)
        tf_only = {label for label in component if own.get(label, (False, False))[0]}
        keras = any(own.get(label, (False, False))[1] for label in component)
        for label in component:
            for dep in graph[label].deps:
                if dep in graph and dep not in members:  # an earlier component: done
                    tf_only |= facts[dep].tensorflow_only
                    keras = keras or facts[dep].keras_code
        done = ClosureFacts(frozenset(tf_only), keras)
        for label in component:
            facts[label] = done
    return facts


def _components(graph: Dict[str, Target]) -> List[List[str]]:
    """Strongly connected components, each after every component it depends on
    (Tarjan's algorithm with an explicit stack)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: Set[str] = set()
    stack: List[str] = []
    out: List[List[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(graph[root].deps))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            label, deps = work[-1]
            dep = next((d for d in deps if d in graph), None)
            if dep is not None:
                if dep not in index:
                    index[dep] = low[dep] = len(index)
                    stack.append(dep)
                    on_stack.add(dep)
                    work.append((dep, iter(graph[dep].deps)))
                elif dep in on_stack:
                    low[label] = min(low[label], index[dep])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[label])
            if low[label] == index[label]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == label:
                        break
                out.append(component)
    return out


@dataclasses.dataclass(frozen=True)
class DriverOptions:
    """What one `bazel run //tools:migrate -- PATTERNS` run does (from the CLI's flags)."""

    workspace: str
    patterns: Tuple[str, ...]
    mode: str = "agnostic"  # the rule set's mode; picks the aspect
    diff: bool = False  # print the patch instead of writing
    check: bool = False  # exit EXIT_WOULD_CHANGE when anything would change; write nothing
    report: Optional[str] = None  # where to write the JSON run report
    verbose: bool = False  # also list diagnostics of code that needs no more change
    progress: bool = True  # report the aspect build's progress on stderr

    @property
    def write(self) -> bool:
        return not (self.diff or self.check)

    @property
    def aspect(self) -> str:
        return "keras_migrate" if self.mode == "agnostic" else "keras_migrate_tensorflow"

    @classmethod
    def from_args(cls, args, workspace: str) -> "DriverOptions":
        return cls(workspace, tuple(args.paths), mode=args.mode, diff=bool(args.diff), check=bool(args.check),
                   report=args.report or None, verbose=bool(getattr(args, "verbose", False)),
                   progress=not getattr(args, "no_progress", False))


def run_on_targets(args) -> int:
    options = DriverOptions.from_args(args, workspace_dir())
    if non_patterns(options.patterns):
        print("keras-migrate: error: give either Bazel target patterns or paths, not both", file=sys.stderr)
        return EXIT_FAILED
    try:
        return _run(options)
    except DriverError as exc:
        print(f"keras-migrate: error: {exc}", file=sys.stderr)
        return EXIT_FAILED


# -- the plan -------------------------------------------------------------------------------
@dataclasses.dataclass
class SourceWrite:
    rel: str  # workspace-relative, as in the report
    data: bytes  # the migrated bytes
    snapshot: Snapshot  # the workspace file as it is now: written only if still so
    label: str


@dataclasses.dataclass
class Package:
    """Everything written in one package; applied whole or not at all (as planned)."""

    name: str
    sources: List[SourceWrite] = dataclasses.field(default_factory=list)
    build: Optional[BuildFile] = None
    build_snapshot: Optional[Snapshot] = None
    problems: List[str] = dataclasses.field(default_factory=list)
    # A BUILD edit was needed but could not be planned: work left, never "nothing to do".
    edit_blocked: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.sources) or self.edit_blocked or (self.build is not None and self.build.changed)


@dataclasses.dataclass
class Plan:
    packages: Dict[str, Package]
    diffs: List[str]
    backends: Dict[str, List[str]]
    problems: List[str]  # not tied to a package (a source outside the workspace, ...)
    # Why a target is kept on TensorFlow: its own reasons and those of what it depends on.
    tensorflow_reasons: Dict[str, List[str]] = dataclasses.field(default_factory=dict)


def _inside(path: str, root: str) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(root)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _package_of(rel: str, packages_by_dir: Dict[str, str]) -> str:
    directory = os.path.dirname(rel)
    while directory not in packages_by_dir and directory:
        directory = os.path.dirname(directory)
    return packages_by_dir.get(directory, directory)


def _text(data: bytes) -> str:
    try:
        return decode(data)[0]
    except DecodeFailure:
        return data.decode("utf-8", "replace")


def _plan_sources(workspace, candidates, reports, outputs_for, packages_by_dir, plan: Plan) -> None:
    applied: Set[str] = set()  # real paths: a source shared by several targets (or linked) once
    for target in sorted(candidates, key=lambda t: t.label):
        report = reports.get(target.label)
        for f in (report or {}).get("files", ()):
            if not f["changed"]:
                continue
            dest = os.path.join(workspace, f["path"])
            package = plan.packages.setdefault(_package_of(f["path"], packages_by_dir),
                                               Package(_package_of(f["path"], packages_by_dir)))
            if not _inside(dest, workspace):
                plan.problems.append(f"{display_path(f['path'])}: resolves to {display_path(os.path.realpath(dest))}, "
                                     "outside the workspace: not written")
                continue
            if os.path.realpath(dest) in applied:
                continue
            applied.add(os.path.realpath(dest))
            try:
                snapshot = read_bytes(dest)
                with open(os.path.join(outputs_for(target), f["path"]), "rb") as handle:
                    data = handle.read()
            except OSError as exc:
                package.problems.append(f"{display_path(f['path'])}: {exc.strerror or exc}")
                continue
            if f.get("sha256") and hashlib.sha256(snapshot.raw).hexdigest() != f["sha256"]:
                package.problems.append(f"{display_path(f['path'])}: changed since the migration was computed; rerun")
                continue
            package.sources.append(SourceWrite(f["path"], data, snapshot, target.label))
            plan.diffs.append(unified_diff(f["path"], _text(snapshot.raw), _text(data)))


def _imports(report: Optional[dict]) -> Set[str]:
    return {m for f in (report or {}).get("files", ()) for m in f.get("imports", ())}


def _is_keras_code(report: Optional[dict]) -> bool:
    """Keras code now or once migrated: what the migrated code imports decides (code an
    earlier run migrated no longer changes, but still needs its BUILD edits)."""
    if not report:
        return False
    if report["changed"] or any(f["rules_fired"] or f["diagnostics"] for f in report["files"]):
        return True
    return bool(_imports(report) & set(KERAS_MODULES + (RUNTIME_MODULE,)))


def _plan_builds(workspace, candidates, graph, reports, labels, packages_by_dir, plan: Plan) -> None:
    builds: Dict[str, Optional[BuildFile]] = {}

    def build_file(target: Target) -> Optional[BuildFile]:
        path = target.build_file
        if path not in builds:
            builds[path] = _load_build(workspace, target, plan)
        return builds[path]

    own = {label: (bool(r["tensorflow_only"]), _is_keras_code(r)) for label, r in reports.items()}
    closures = closure_facts({**graph, **{t.label: t for t in candidates if t.label not in graph}}, own)
    for target in sorted(candidates, key=lambda t: t.label):
        report = reports.get(target.label)
        facts = closures[target.label]
        tf_reasons: List[str] = []
        for label in sorted(facts.tensorflow_only):
            tf_reasons.extend(x for x in reports[label]["tensorflow_only"] if x not in tf_reasons)
        plan.backends[target.label] = backends_for(tf_reasons)
        plan.tensorflow_reasons[target.label] = tf_reasons
        needs_runtime = report is not None and (report["runtime_symbols"] or RUNTIME_MODULE in _imports(report))
        if needs_runtime and target.declared_as in PY_KINDS:
            build_file(target)
            _edit_build(plan, target, lambda bf: bf.add_dep(target.name, labels["runtime"]))
        if KERAS2_TAG in target.tags and target.declared_as in PY_KINDS and report is not None \
                and not report["failed"]:
            # Its code is Keras 3 now (a keras2_test's tag is the macro's: dropped below).
            build_file(target)
            _edit_build(plan, target, lambda bf: bf.remove_tag(target.name, KERAS2_TAG))
        if target.declared_as in MIGRATED_TEST_MACROS and facts.keras_code:
            build_file(target)
            reason = shorten("; ".join(tf_reasons), TAG_REASON_CHARS)
            unsupported = ({b: reason for b in KERAS_BACKENDS if b not in RESTRICTED_BACKENDS}
                           if tf_reasons else {})
            _edit_build(plan, target, lambda bf: bf.to_backend_test(target.name, unsupported, labels["macro"]))
    for path, bf in sorted(builds.items(), key=lambda item: item[0]):
        if bf is not None and bf.changed:
            rel = os.path.relpath(path, workspace)
            plan.diffs.append(unified_diff(rel, bf.original, bf.code))


# The reason a BUILD tag gives for an unsupported backend is kept to about one line.
TAG_REASON_CHARS = 200


def shorten(text: str, limit: int) -> str:
    """`text`, or its words that fit in `limit` characters followed by "...": never a
    word cut in the middle."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 3 + 1)
    head = text[:cut] if cut > 0 else text[:limit - 3]
    return head.rstrip(" ;,") + "..."


def _load_build(workspace: str, target: Target, plan: Plan) -> Optional[BuildFile]:
    package = plan.packages.setdefault(target.package, Package(target.package))
    if not _inside(target.build_file, workspace):
        package.problems.append(f"{display_path(target.build_file)}: outside the workspace: not edited")
        return None
    try:
        package.build_snapshot = read_bytes(target.build_file)
        package.build = BuildFile(target.build_file, package.build_snapshot.raw)
    except (OSError, ValueError, RecursionError) as exc:
        package.problems.append(f"{display_path(target.build_file)}: cannot edit: {exc}")
        package.edit_blocked = True
        return None
    return package.build


def _edit_build(plan: Plan, target: Target, edit) -> None:
    """One BUILD edit; an edit that raises leaves the package as it is (reported)."""
    package = plan.packages.setdefault(target.package, Package(target.package))
    if package.build is None:
        return
    try:
        edit(package.build)
    except Exception as exc:  # isolation: the other packages still get their edits
        package.problems.append(f"{display_path(target.build_file)}: internal error editing {target.name}: "
                                f"{type(exc).__name__}: {exc}")
        package.edit_blocked = True


def plan_writes(workspace, candidates, graph, reports, labels, outputs_for) -> Plan:
    """Every write the run would make, decided before any is made."""
    packages_by_dir = {t.package: t.package for t in graph.values()}
    plan = Plan({}, [], {}, [])
    _plan_sources(workspace, candidates, reports, outputs_for, packages_by_dir, plan)
    _plan_builds(workspace, candidates, graph, reports, labels, packages_by_dir, plan)
    for package in plan.packages.values():
        _check_writable(package)
    return plan


def _check_writable(package: Package) -> None:
    """Problems found now keep the whole package as it is (never half its files)."""
    paths = [s.snapshot for s in package.sources]
    if package.build is not None and package.build.changed:
        paths.append(package.build_snapshot)
    for snapshot in paths:
        if snapshot.read_only:
            package.problems.append(f"{display_path(snapshot.path)}: read-only: not written")
        elif not os.access(os.path.dirname(snapshot.real), os.W_OK):
            package.problems.append(f"{display_path(os.path.dirname(snapshot.path))}: directory not writable")


def apply_plan(plan: Plan, write=None) -> Tuple[int, int, List[str]]:
    """(source files written, BUILD files written, problems). Sources go first, then the
    BUILD file, package by package; whatever stops it, the next run completes it."""
    write = write or write_bytes_atomic
    sources = builds = 0
    problems = list(plan.problems)
    for name in sorted(plan.packages):
        package = plan.packages[name]
        if package.problems:
            problems.extend(f"{p} (package //{name} left as it is)" for p in package.problems
                            if package.changed)
            continue
        try:
            for source in package.sources:
                write(source.snapshot.path, source.data, expected=source.snapshot)
                sources += 1
            if package.build is not None and package.build.changed:
                write(package.build.path, package.build.encoded(), expected=package.build_snapshot)
                builds += 1
        except FileChanged as exc:
            problems.append(f"{exc}; rerun to finish //{name}")
        except OSError as exc:
            problems.append(f"//{name}: cannot write {display_path(exc.filename or '')}: {exc.strerror or exc}; "
                            "rerun to finish it")
    return sources, builds, problems


def _problems_without_writes(plan: Plan) -> List[str]:
    out = list(plan.problems)
    for name in sorted(plan.packages):
        package = plan.packages[name]
        if package.changed:
            out.extend(package.problems)
    return out


# -- the run ----------------------------------------------------------------------------------
@dataclasses.dataclass
class Selection:
    """Phase 1: the targets the patterns name, and the graph under them."""

    labels: Dict[str, str]  # this tool's own labels (aspect, macro, runtime)
    graph: Dict[str, Target]
    candidates: List[Target]
    skipped: List[Target]  # opted out
    query_errors: List[str]


@dataclasses.dataclass
class Migration:
    """Phase 2: what the aspect computed."""

    bazel_bin: str
    reports: Dict[str, dict]
    missing: List[str]  # candidates without a report (their action failed)
    # Per-backend test variants migrated through a sibling: {variant: sibling} (one_per_test_call).
    shared_with: Dict[str, str] = dataclasses.field(default_factory=dict)

    def sources_of(self, graph: Dict[str, Target], mode: str):
        """target -> the directory of its migrated sources (a variant's are its sibling's)."""
        def outputs_for(target: Target) -> str:
            owner = graph.get(self.shared_with.get(target.label, ""), target)
            return _output(self.bazel_bin, owner, mode, "srcs")
        return outputs_for


@dataclasses.dataclass
class Outcome:
    """Phase 4: what was (or, with --diff/--check, would be) written."""

    written: int
    builds_written: int
    problems: List[str]


def _run(options: DriverOptions) -> int:
    selection = _select(options)
    if not selection.candidates:
        print(f"keras-migrate: no py_library/py_binary/py_test targets in {' '.join(options.patterns)}",
              file=sys.stderr)
        return EXIT_FAILED if selection.query_errors else EXIT_OK
    migration = _migrate(options, selection)
    summary, diagnostics_by_rule = _print_diagnostics(selection.candidates, migration.reports, options.verbose)
    summary["failed"] += len(migration.missing)
    plan = plan_writes(options.workspace, selection.candidates, selection.graph, migration.reports,
                       selection.labels, migration.sources_of(selection.graph, options.mode))
    try:
        outcome = _apply(options, plan)
    except KeyboardInterrupt:
        print("keras-migrate: interrupted: every file is either migrated or untouched; rerun to finish",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    diff_text = "".join(plan.diffs)
    if options.diff:
        sys.stdout.write(diff_text)
    if options.report:
        _write_report(options.report, run_report(options, selection, migration, plan, outcome, summary,
                                                 diagnostics_by_rule))
    return _print_summary(summary, diagnostics_by_rule, selection.skipped, plan, outcome.written,
                          outcome.builds_written, outcome.problems, migration.missing, selection.query_errors,
                          options.write, options.check, bool(diff_text), options.verbose)


def _select(options: DriverOptions) -> Selection:
    labels = _own_labels(options.workspace)
    expr = _query_expr(list(options.patterns))
    selected, query_errors = _query_targets(options.workspace, expr)
    query_errors = _relevant_errors(query_errors, list(options.patterns), options.workspace)
    graph, _ = _query_targets(options.workspace, f"deps({expr})")
    graph.update(selected)
    for line in query_errors:
        print(f"keras-migrate: warning: {line[len('ERROR: '):]}", file=sys.stderr)
    candidates = [t for t in selected.values() if OPT_OUT_TAG not in t.tags]
    skipped = [t for t in selected.values() if OPT_OUT_TAG in t.tags]
    return Selection(labels, graph, candidates, skipped, query_errors)


def one_per_test_call(candidates: List[Target]) -> Tuple[List[Target], Dict[str, str]]:
    """The per-backend variants of one keras_backend_test call share their sources and
    deps: migrate them once. Returns (targets to build the aspect over, {variant: the
    variant whose report it shares})."""
    kept: List[Target] = []
    first: Dict[Tuple[str, str], str] = {}
    siblings: Dict[str, str] = {}
    for target in sorted(candidates, key=lambda t: t.label):
        if target.declared_as == "keras_backend_test" and target.generator_name:
            key = (target.package, target.generator_name)
            if key in first:
                siblings[target.label] = first[key]
                continue
            first[key] = target.label
        kept.append(target)
    return kept, siblings


def _migrate(options: DriverOptions, selection: Selection) -> Migration:
    candidates, siblings = one_per_test_call(selection.candidates)
    print(f"keras-migrate: building the migration aspect over {len(candidates)} targets...", file=sys.stderr)
    build_args = ["build", "--keep_going", f"--aspects={selection.labels['aspect']}%{options.aspect}",
                  "--output_groups=" + ",".join(OUTPUT_GROUPS), *[t.label for t in candidates]]
    if options.progress:
        build_err = _bazel_with_progress(options.workspace, build_args, Progress(sys.stderr))
    else:
        build_err = _bazel(options.workspace, *build_args, partial_ok=True)[1]
    bazel_bin = _bazel(options.workspace, "info", "bazel-bin")[0].strip()
    reports = _load_reports(bazel_bin, selection.graph, candidates, options.mode)
    for label, primary in siblings.items():
        reports.pop(label, None)  # never an older build's report
        if primary in reports:
            reports[label] = dict(reports[primary], label=label)
    missing = [t.label for t in selection.candidates if t.label not in reports]
    for line in _errors(build_err) if missing else ():
        print(f"keras-migrate: warning: {line[len('ERROR: '):]}", file=sys.stderr)
    return Migration(bazel_bin, reports, missing, siblings)


def _apply(options: DriverOptions, plan: Plan) -> Outcome:
    if options.write:
        return Outcome(*apply_plan(plan))
    return Outcome(
        written=sum(len(p.sources) for p in plan.packages.values() if not p.problems),
        builds_written=sum(1 for p in plan.packages.values() if p.build and p.build.changed and not p.problems),
        problems=_problems_without_writes(plan))


def run_report(options: DriverOptions, selection: Selection, migration: Migration, plan: Plan, outcome: Outcome,
               summary, diagnostics_by_rule) -> dict:
    """The --report JSON of a run (each target's entry is the aspect's report: _contract.target_report)."""
    return {
        "tool": "keras_migrate", "mode": options.mode, "patterns": list(options.patterns),
        "summary": dict(summary), "diagnostics_by_rule": dict(diagnostics_by_rule),
        "backends": plan.backends, "problems": outcome.problems, "missing_reports": migration.missing,
        "targets": [migration.reports[t.label] for t in selection.candidates if t.label in migration.reports],
    }


def _load_reports(bazel_bin: str, graph: Dict[str, Target], candidates: List[Target], mode: str) -> Dict[str, dict]:
    reports: Dict[str, dict] = {}
    for label in sorted(set(graph) | {t.label for t in candidates}):
        path = _output(bazel_bin, graph[label], mode, "json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                reports[label] = json.load(handle)
    return reports


def _print_diagnostics(candidates, reports, verbose: bool = False):
    """Print (on stderr: --diff keeps stdout for the patch) the diagnostics of targets
    this run migrates. Those of code that needs no more change were printed by the run
    that migrated it: counted in the summary, listed with --verbose."""
    summary = collections.Counter()
    diagnostics_by_rule = collections.Counter()
    for target in sorted(candidates, key=lambda t: t.label):
        report = reports.get(target.label)
        if report is None:
            continue
        status = "failed" if report["failed"] else ("migrated" if report["changed"] else "unchanged")
        summary[status] += 1
        for f in report["files"]:
            for d in f["diagnostics"]:
                diagnostics_by_rule[d["rule_id"]] += 1
                if verbose or report["changed"] or report["failed"]:
                    print(_format_diag(d), file=sys.stderr)
                else:
                    summary["diagnostics_not_reprinted"] += 1
    return summary, diagnostics_by_rule


def _write_report(path: str, data: dict) -> None:
    from keras_migrate.engine._files import write_atomic

    try:
        write_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        raise DriverError(f"cannot write --report {display_path(path)}: {exc.strerror or exc}") from None


def _print_backends(backends: Dict[str, List[str]], verbose: bool, err) -> None:
    """Targets per set of backends; each target named where it is restricted (or with
    --verbose): one line per target does not read at 10,000 targets."""
    groups: Dict[Tuple[str, ...], List[str]] = collections.defaultdict(list)
    for label in sorted(backends):
        groups[tuple(backends[label])].append(label)
    full = tuple(KERAS_BACKENDS)
    for names, labels in sorted(groups.items(), key=lambda item: (item[0] != full, item[0])):
        print(f"  backends {', '.join(names)}: {len(labels)} target{'s' if len(labels) != 1 else ''}", file=err)
        if verbose or names != full:
            for label in labels:
                print(f"    {label}", file=err)


def _print_summary(summary, diagnostics_by_rule, skipped, plan, written, builds_written, problems,
                   missing, query_errors, write, check, anything, verbose=False) -> int:
    err = sys.stderr
    print("keras-migrate summary:", file=err)
    print(f"  targets: {summary['migrated']} migrated, {summary['unchanged']} unchanged, "
          f"{summary['failed']} failed, {len(skipped)} opted out ({OPT_OUT_TAG})", file=err)
    verb = "changed" if write else "would change"
    print(f"  files {verb}: {written}; BUILD files {verb}: {builds_written}", file=err)
    if diagnostics_by_rule:
        print("  diagnostics by rule: " + ", ".join(f"{k}: {v}" for k, v in sorted(diagnostics_by_rule.items())),
              file=err)
    if summary["diagnostics_not_reprinted"]:
        print(f"  ({summary['diagnostics_not_reprinted']} diagnostics of code already migrated not listed again; "
              "--verbose lists them)", file=err)
    _print_backends(plan.backends, verbose, err)
    for label in missing:
        print(f"  error: {label}: no migration report (its aspect action failed; see the errors above)", file=err)
    for problem in problems:
        print(f"  error: {problem}", file=err)
    if not anything and not problems:
        print("  nothing to do: the targets are already migrated", file=err)
    elif not write:
        print("  (nothing written: --diff/--check)", file=err)
    if summary["failed"] or problems or query_errors:
        return EXIT_FAILED
    if check and anything:
        return EXIT_WOULD_CHANGE
    return EXIT_OK


def _format_diag(d: dict) -> str:
    text = f"{display_path(d['path'])}:{d['line']}:{d['column']}: {d['severity']}: [{d['rule_id']}] {d['message']}"
    if d.get("fix"):
        text += f"\n    manual edit required: {d['fix']}"
    return text
