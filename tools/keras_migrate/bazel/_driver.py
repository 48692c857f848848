"""`bazel run //tools:migrate -- //pkg/...`: migrate Bazel targets in the workspace.

1. query the py_library/py_binary/py_test targets the patterns name (and their deps),
2. build the migration aspect over them (one cached action per target),
3. apply the migrated sources to the workspace (each shared source once),
4. edit BUILD files: runtime-support dependency where migrated code needs it, and tests
   of migrated code turned into per-backend tests (keras_backend_test),
5. print a summary; --diff / --check / --report as for plain paths.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional, Set

from keras_migrate.bazel._build_files import BuildFile
from keras_migrate.engine._files import read_source, write_atomic
from keras_migrate.engine._runner import unified_diff

__all__ = ["run_on_targets", "Target"]

PY_KINDS = ("py_library", "py_binary", "py_test")
OPT_OUT_TAG = "no-keras-migrate"


class DriverError(Exception):
    pass


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

    @property
    def package(self) -> str:
        return self.label[2:].split(":", 1)[0]

    @property
    def name(self) -> str:
        return self.label.split(":", 1)[1]


def _bazel(workspace: str, *args: str, capture: bool = True) -> str:
    bazel = os.environ.get("BAZEL", "bazel")
    cmd = [bazel, *args]
    proc = subprocess.run(cmd, cwd=workspace, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE if capture else None)
    if proc.returncode != 0:
        raise DriverError(f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n{proc.stderr or ''}")
    return proc.stdout


def _query_expr(patterns: List[str]) -> str:
    expr = ""
    for p in patterns:
        if p.startswith("-"):
            expr += f" - {p[1:]}"
        else:
            expr += (" + " if expr else "") + p
    return expr


def _query_targets(workspace: str, expr: str) -> Dict[str, Target]:
    kinds = "|".join(PY_KINDS)
    out = _bazel(workspace, "query", "--output=xml", "--noimplicit_deps",
                 f'kind("^({kinds}) rule$", {expr})')
    targets: Dict[str, Target] = {}
    for rule in ET.fromstring(out).iter("rule"):
        label = rule.get("name")
        if not label.startswith("//"):
            continue  # external repositories are never migrated
        tags, deps, generator = [], [], None
        for child in rule:
            name = child.get("name")
            if name == "tags":
                tags = [s.get("value") for s in child.iter("string")]
            elif name == "deps":
                deps = [l.get("value") for l in child.iter("label")]
            elif name == "generator_function":
                generator = child.get("value") or None
        build_file = rule.get("location").rsplit(":", 2)[0]
        targets[label] = Target(label, rule.get("class"), build_file, tags, deps, generator or rule.get("class"))
    return targets


def _own_labels(workspace: str) -> Dict[str, str]:
    """Labels of our rules/runtime as seen from the workspace being migrated."""
    prefix = "//" if os.path.exists(os.path.join(workspace, "rules", "aspects.bzl")) and \
        os.path.exists(os.path.join(workspace, "tools", "keras_migrate")) else "@keras_migrate//"
    prefix = os.environ.get("KERAS_MIGRATE_LABEL_PREFIX", prefix)
    return {
        "aspect": f"{prefix}rules:aspects.bzl",
        "macro": f"{prefix}rules:keras_backend_test.bzl",
        "runtime": f"{prefix}tools:keras_migrate_runtime",
    }


# Mirrors OUTPUT_FORMAT in rules/private/migrate_aspect.bzl.
OUTPUT_FORMAT = "{name}.keras_migrate_{mode}.{kind}"


def _output(bazel_bin: str, target: Target, mode: str, kind: str) -> str:
    return os.path.join(bazel_bin, target.package, OUTPUT_FORMAT.format(name=target.name, mode=mode, kind=kind))


def _transitive(label: str, targets: Dict[str, Target], seen: Optional[Set[str]] = None) -> Set[str]:
    seen = set() if seen is None else seen
    for dep in targets[label].deps if label in targets else ():
        if dep in targets and dep not in seen:
            seen.add(dep)
            _transitive(dep, targets, seen)
    return seen


def run_on_targets(args) -> int:
    workspace = os.environ.get("BUILD_WORKSPACE_DIRECTORY") or os.getcwd()
    patterns = list(args.paths)
    if not all(p.startswith(("//", "@", ":", "-")) for p in patterns):
        print("keras-migrate: error: give either Bazel target patterns or paths, not both", file=sys.stderr)
        return 2
    try:
        return _run(workspace, patterns, args)
    except DriverError as exc:
        print(f"keras-migrate: error: {exc}", file=sys.stderr)
        return 2


def _run(workspace: str, patterns: List[str], args) -> int:
    labels = _own_labels(workspace)
    expr = _query_expr(patterns)
    selected = _query_targets(workspace, expr)
    graph = _query_targets(workspace, f"deps({expr})")
    graph.update(selected)
    candidates = [t for t in selected.values() if OPT_OUT_TAG not in t.tags]
    skipped = [t for t in selected.values() if OPT_OUT_TAG in t.tags]
    if not candidates:
        print(f"keras-migrate: no py_library/py_binary/py_test targets in {' '.join(patterns)}", file=sys.stderr)
        return 0

    aspect_name = "keras_migrate" if args.mode == "agnostic" else "keras_migrate_tensorflow"
    print(f"keras-migrate: building the migration aspect over {len(candidates)} targets...", file=sys.stderr)
    _bazel(workspace, "build", "--nokeep_going",
           f"--aspects={labels['aspect']}%{aspect_name}",
           "--output_groups=keras_migrate_report,keras_migrate_patch,keras_migrate_sources",
           *[t.label for t in candidates])
    bazel_bin = _bazel(workspace, "info", "bazel-bin").strip()

    reports: Dict[str, dict] = {}
    for label in set(graph) | {t.label for t in candidates}:
        target = graph[label]
        path = _output(bazel_bin, target, args.mode, "json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                reports[label] = json.load(handle)

    write = not (args.diff or args.check)
    diffs: List[str] = []
    applied: Dict[str, str] = {}  # workspace-relative path -> label that migrated it
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
                print(_format_diag(d))
            if not f["changed"] or f["path"] in applied:
                continue  # a source shared by several targets is migrated once
            applied[f["path"]] = target.label
            migrated = os.path.join(_output(bazel_bin, target, args.mode, "srcs"), f["path"])
            dest = os.path.join(workspace, f["path"])
            before, _raw, encoding = read_source(dest)
            with open(migrated, encoding="utf-8") as handle:
                after = handle.read()
            diffs.append(unified_diff(f["path"], before, after))
            if write:
                write_atomic(dest, after, encoding)

    # BUILD edits.
    build_files: Dict[str, BuildFile] = {}

    def build_file(path: str) -> BuildFile:
        if path not in build_files:
            build_files[path] = BuildFile(path)
        return build_files[path]

    backends_by_target: Dict[str, List[str]] = {}
    for target in candidates:
        report = reports.get(target.label)
        if report and report["runtime_symbols"] and target.declared_as in PY_KINDS:
            build_file(target.build_file).add_dep(target.name, labels["runtime"])
        closure = {target.label} | _transitive(target.label, graph)
        tf_reasons: List[str] = []
        keras_code = False
        for label in sorted(closure):
            r = reports.get(label)
            if not r:
                continue
            keras_code |= r["changed"] or any(f["rules_fired"] or f["diagnostics"] for f in r["files"])
            tf_reasons.extend(x for x in r["tensorflow_only"] if x not in tf_reasons)
        backends_by_target[target.label] = ["tensorflow"] if tf_reasons else ["jax", "tensorflow", "torch"]
        if target.declared_as == "py_test" and keras_code:
            unsupported = {b: "; ".join(tf_reasons)[:200] for b in ("jax", "torch")} if tf_reasons else {}
            build_file(target.build_file).to_backend_test(target.name, unsupported, labels["macro"])

    for path, bf in sorted(build_files.items()):
        if bf.changed:
            rel = os.path.relpath(path, workspace)
            diffs.append(unified_diff(rel, bf.original, bf.code))
            if write:
                write_atomic(path, bf.code)

    diff_text = "".join(diffs)
    if args.diff:
        sys.stdout.write(diff_text)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as handle:
            json.dump({
                "tool": "keras_migrate", "mode": args.mode, "patterns": patterns,
                "summary": dict(summary), "diagnostics_by_rule": dict(diagnostics_by_rule),
                "backends": backends_by_target, "targets": [reports[t.label] for t in candidates if t.label in reports],
            }, handle, indent=2, sort_keys=True)
            handle.write("\n")

    nothing = not diff_text
    print("keras-migrate summary:", file=sys.stderr)
    print(f"  targets: {summary['migrated']} migrated, {summary['unchanged']} unchanged, "
          f"{summary['failed']} failed, {len(skipped)} opted out ({OPT_OUT_TAG})", file=sys.stderr)
    print(f"  files changed: {len(applied)}; BUILD files changed: {sum(bf.changed for bf in build_files.values())}",
          file=sys.stderr)
    if diagnostics_by_rule:
        print("  diagnostics by rule: " + ", ".join(f"{k}: {v}" for k, v in sorted(diagnostics_by_rule.items())),
              file=sys.stderr)
    for label in sorted(backends_by_target):
        print(f"  {label}: {', '.join(backends_by_target[label])}", file=sys.stderr)
    if nothing:
        print("  nothing to do: the targets are already migrated", file=sys.stderr)
    elif not write:
        print("  (nothing written: --diff/--check)", file=sys.stderr)
    if summary["failed"]:
        return 2
    if args.check and not nothing:
        return 1
    return 0


def _format_diag(d: dict) -> str:
    text = f"{d['path']}:{d['line']}:{d['column']}: {d['severity']}: [{d['rule_id']}] {d['message']}"
    if d.get("fix"):
        text += f"\n    manual edit required: {d['fix']}"
    return text
