"""The ratchet: keras_migrate_test (rules/ratchet.bzl) fails when a migrated target
regains Keras 2 code or loses a backend.

Input: the migration aspect's JSON reports of the targets under guard (one per target,
built and cached by Bazel per target: CI pays only for targets whose sources changed).
A target fails the ratchet when

* its sources would change under migration again (tf.keras, tensorflow.keras or another
  Keras 2-only API came back): the rules that would fire, per file;
* a file failed to migrate (syntax error, ...);
* it no longer supports a backend it must (`backends`, default all three): the reasons
  the migrator keeps it on TensorFlow.

An allowlist file (one label per line, `#` comments, a reason expected after the label)
exempts known exceptions; an allowlisted target that passes is reported so the entry can
be removed (the ratchet only tightens).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Dict, List, Optional, Sequence

__all__ = ["main", "check_report", "read_allowlist"]


def _main_repo_label(label: str) -> str:
    """Bazel 7 spells main-repository labels "@@//pkg:t" (Bazel 4: "//pkg:t"), allowlists
    whichever the user wrote: compared in one spelling."""
    for prefix in ("@@//", "@//"):
        if label.startswith(prefix):
            return label[len(prefix) - 2:]
    return label


def read_allowlist(path: Optional[str]) -> Dict[str, str]:
    """label -> reason (the comment after it)."""
    entries: Dict[str, str] = {}
    if not path:
        return entries
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            label, _, reason = line.partition("#")
            label = label.strip()
            if label:
                entries[_main_repo_label(label)] = reason.strip()
    return entries


def check_report(report: dict, backends: Sequence[str]) -> List[str]:
    """What is wrong with one target's report (empty: it holds)."""
    problems = []
    for entry in report.get("files", ()):
        if entry.get("failed"):
            problems.append(f"{entry['path']}: could not be migrated: "
                            + "; ".join(d.get("message", "") for d in entry.get("diagnostics", ())))
        elif entry.get("changed"):
            rules = ", ".join(sorted(entry.get("rules_fired", {}))) or "?"
            problems.append(f"{entry['path']}: has Keras 2 code again (would be rewritten by: {rules}); "
                            f"run `bazel run //tools:migrate -- {report['label']}`")
    lost = [b for b in backends if b not in report.get("backends", ())]
    if lost:
        reasons = "; ".join(report.get("tensorflow_only", ())) or "?"
        problems.append(f"no longer runs on {', '.join(lost)}: {reasons}")
    return problems


def run(argv: Sequence[str], out=sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="keras_migrate_ratchet")
    parser.add_argument("--backends", default="jax,tensorflow,torch")
    parser.add_argument("--allowlist")
    parser.add_argument("reports", nargs="*")
    args = parser.parse_args(argv)
    backends = [b for b in args.backends.split(",") if b]
    allowlist = read_allowlist(args.allowlist)
    failed = 0
    for path in args.reports:
        with open(path, encoding="utf-8") as handle:
            report = json.load(handle)
        label = report["label"] = _main_repo_label(report["label"])
        problems = check_report(report, backends)
        if label in allowlist:
            if not problems:
                print(f"note: {label} holds now: remove it from the allowlist", file=out)
            continue
        for problem in problems:
            print(f"FAIL {label}: {problem}", file=out)
        failed += bool(problems)
    print(f"keras_migrate ratchet: {len(args.reports)} targets, {failed} failed "
          f"(backends required: {', '.join(backends)})", file=out)
    return 1 if failed else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
