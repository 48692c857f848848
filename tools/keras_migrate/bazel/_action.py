"""The action the migration aspect runs for one target (see rules/private/migrate_aspect.bzl).

Inputs: the target's own Python sources. Outputs: every source rewritten (unchanged
ones copied byte for byte), one unified-diff patch with workspace-relative paths, and a
JSON report (rules fired, diagnostics, backends the target can support, runtime-support
need, the modules the migrated code imports, the hash of each input).

Arguments come in a params file (`@file`, one per line). With `--persistent_worker` the
process is a Bazel persistent worker (proto protocol, _worker.py): starting Python and
importing libcst and the rules cost several times the migration of a typical target, so
one process serves many targets; outputs are the same bytes as a one-shot run.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import sys
from typing import List, Optional, Tuple

from keras_migrate.engine import MigrationOptions
from keras_migrate.engine._files import write_atomic, write_bytes_atomic
from keras_migrate.engine._notebook import is_notebook, notebook_code
from keras_migrate.engine._runner import migrate_file
from keras_migrate.engine._ruleset import RuleSet
from keras_migrate.migrator import keras_rule_set

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


def imported_modules(data: bytes, notebook: bool = False) -> List[str]:
    """Top-level modules a source (or a notebook's code cells) imports (absolute imports,
    anywhere in the file). The driver decides BUILD edits from what the MIGRATED code
    imports, so code migrated by an earlier (or interrupted, or plain-path) run still gets
    its BUILD edits."""
    if notebook:
        code = notebook_code(data)
        if code is None:
            return []
        data = code.encode("utf-8")
    try:
        tree = ast.parse(data)  # bytes: the coding cookie and BOM are honoured
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".", 1)[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".", 1)[0])
    return sorted(found)


def _migrate_one(src: str, out: str, options: MigrationOptions,
                 rule_set: RuleSet) -> Tuple[dict, str, List[str], List[str]]:
    """Writes the migrated copy of src to out (the source's own bytes when nothing changes
    or it failed: encoding, BOM and newlines kept); returns its report entry."""
    outcome = migrate_file(src, options, rule_set, write=True, output_path=out, want_diff=True)
    result = outcome.result
    with open(src, "rb") as handle:
        original = handle.read()
    if outcome.written_to is None:
        write_bytes_atomic(out, original, mode_from=src)
    with open(out, "rb") as handle:
        migrated = handle.read()
    entry = {
        "path": src,
        "changed": result.changed and outcome.written_to is not None,
        "failed": result.failed,
        "rules_fired": result.rules_fired,
        "diagnostics": [d.to_json() for d in result.diagnostics],
        "tensorflow_only": result.tensorflow_only,
        "runtime_symbols": result.runtime_symbols,
        "imports": imported_modules(migrated, notebook=is_notebook(src)),
        # What the migrated copy was made from: the driver applies it only to that.
        "sha256": hashlib.sha256(original).hexdigest(),
    }
    return entry, outcome.diff, result.tensorflow_only, result.runtime_symbols


def run(argv: List[str]) -> int:
    args = _parser().parse_args(argv)
    options = MigrationOptions(mode=args.mode)
    rule_set = _rule_set()
    patches: List[str] = []
    files = []
    tf_only: List[str] = []
    runtime: List[str] = []
    for pair in args.file:
        src, out = pair.split("=", 1)
        entry, diff, reasons, symbols = _migrate_one(src, out, options, rule_set)
        files.append(entry)
        patches.append(diff)
        tf_only.extend(r for r in reasons if r not in tf_only)
        runtime.extend(s for s in symbols if s not in runtime)
    report = {
        "label": args.label,
        "mode": args.mode,
        "changed": any(f["changed"] for f in files),
        "failed": any(f["failed"] for f in files),
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


_RULE_SET: Optional[RuleSet] = None


def _rule_set() -> RuleSet:
    # Built once per process: a persistent worker reuses it for every request (the
    # rules keep no state between files).
    global _RULE_SET
    if _RULE_SET is None:
        _RULE_SET = keras_rule_set()
    return _RULE_SET


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--persistent_worker" in argv:
        from keras_migrate.bazel._worker import serve

        return serve(run, sys.stdin.buffer, sys.stdout.buffer)
    return run(_params_file_arguments(argv))


def _params_file_arguments(argv: List[str]) -> List[str]:
    """The one-shot action gets `@params-file` (one argument per line). Expanded here,
    not by argparse's fromfile_prefix_chars: that would also expand arguments starting
    with "@" inside the file (Bazel 7 labels are "@@//pkg:name")."""
    if len(argv) == 1 and argv[0].startswith("@"):
        with open(argv[0][1:], encoding="utf-8") as handle:
            return handle.read().splitlines()
    return argv


if __name__ == "__main__":
    sys.exit(main())
