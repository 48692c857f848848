"""The action the migration aspect runs for one target (see rules/private/migrate_aspect.bzl).

Inputs: the target's own Python sources. Outputs: every source rewritten (unchanged
ones copied), one unified-diff patch with workspace-relative paths, and a JSON report
(rules fired, diagnostics, backends the target can support, runtime-support need).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from keras_migrate.engine import MigrationOptions
from keras_migrate.engine._files import write_atomic
from keras_migrate.engine._runner import migrate_file

__all__ = ["main", "ALL_BACKENDS"]

ALL_BACKENDS = ("jax", "tensorflow", "torch")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="keras_migrate_action")
    p.add_argument("--label", required=True)
    p.add_argument("--mode", choices=("agnostic", "tensorflow"), default="agnostic")
    p.add_argument("--patch", required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--file", action="append", default=[], metavar="SRC=OUT",
                   help="a source (workspace-relative) and where its migrated copy goes")
    return p


def run(argv: List[str]) -> int:
    args = _parser().parse_args(argv)
    options = MigrationOptions(mode=args.mode)
    patches: List[str] = []
    files = []
    failed = False
    tf_only: List[str] = []
    runtime: List[str] = []
    for pair in args.file:
        src, out = pair.split("=", 1)
        outcome = migrate_file(src, options, write=False, want_diff=True)
        result = outcome.result
        failed |= result.failed
        code = result.code if not result.failed else open(src, encoding="utf-8", errors="surrogateescape").read()
        write_atomic(out, code, "utf-8", mode_from=src)
        patches.append(outcome.diff)
        for reason in result.tensorflow_only:
            if reason not in tf_only:
                tf_only.append(reason)
        runtime.extend(s for s in result.runtime_symbols if s not in runtime)
        files.append({
            "path": src,
            "changed": result.changed,
            "failed": result.failed,
            "rules_fired": result.rules_fired,
            "diagnostics": [d.to_json() for d in result.diagnostics],
            "tensorflow_only": result.tensorflow_only,
            "runtime_symbols": result.runtime_symbols,
        })
    report = {
        "label": args.label,
        "mode": args.mode,
        "changed": any(f["changed"] for f in files),
        "failed": failed,
        "backends": ["tensorflow"] if tf_only else list(ALL_BACKENDS),
        "tensorflow_only": tf_only,
        "runtime_symbols": sorted(runtime),
        "files": files,
    }
    write_atomic(args.patch, "".join(patches))
    write_atomic(args.report, json.dumps(report, indent=2, sort_keys=True) + "\n")
    # A failed file is reported, not fatal: the report is the product, and one bad file
    # must not hide the other targets' results.
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    return run(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
