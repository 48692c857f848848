"""keras-migrate PATH... : migrate files and directories in place (or --diff, --output_dir)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import List, Optional, Sequence

from keras_migrate.engine import MigrationOptions
from keras_migrate.engine._report import dumps, json_report, sarif_report, summary_counts
from keras_migrate.engine._runner import discover, migrate_files
from keras_migrate.cli import _runtime

__all__ = ["main", "build_parser", "is_target_pattern"]


def is_target_pattern(arg: str) -> bool:
    return arg.startswith(("//", "@")) or (arg.startswith(":") and len(arg) > 1)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="keras-migrate",
        description="Migrate TensorFlow-only Keras 2 (tf.keras) code to multi-backend Keras 3.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, directories, or (under Bazel) target patterns like //pkg/...")
    p.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if anything would change (for CI)")
    p.add_argument("--output_dir", "--output-dir", metavar="DIR",
                   help="write migrated copies under DIR instead of editing in place")
    p.add_argument("--report", metavar="FILE", help="write a machine-readable report (JSON, or SARIF for *.sarif)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                   help="what to print on stdout (default: compiler-style text)")
    p.add_argument("--mode", choices=("agnostic", "tensorflow"), default="agnostic",
                   help="agnostic (default): JAX/TF/PyTorch; tensorflow: part 1 rules only, smallest diff")
    p.add_argument("-j", "--jobs", type=int, default=1, help="parallel worker processes (0: one per CPU)")
    p.add_argument("--include", action="append", default=[], metavar="GLOB", help="only files matching GLOB")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip files matching GLOB")
    p.add_argument("--disable", action="append", default=[], metavar="RULE", help="turn a rule (id or name) off")
    p.add_argument("--runtime", choices=("copy", "none"), default="copy",
                   help="copy the keras_migrate_runtime module beside migrated files that need it (default) "
                        "or not (when it is a dependency, e.g. under Bazel)")
    p.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    p.add_argument("-q", "--quiet", action="store_true", help="print diagnostics and the summary only")
    p.add_argument("--list-rules", action="store_true", help="list the rules (id, name, guide part) and exit")
    return p


def _progress(stream):
    def draw(done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        if done == total:
            stream.write("\n")
        stream.flush()

    return draw


def _output_mapper(roots: Sequence[str], output_dir: str):
    def output_for(path: str) -> str:
        for root in roots:
            if os.path.isdir(root):
                rel = os.path.relpath(path, root)
                if not rel.startswith(".."):
                    return os.path.join(output_dir, os.path.basename(os.path.abspath(root)), rel)
        return os.path.join(output_dir, os.path.basename(path))

    return output_for


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Under `bazel run`, resolve paths from where the user stands.
    if os.environ.get("BUILD_WORKING_DIRECTORY"):
        os.chdir(os.environ["BUILD_WORKING_DIRECTORY"])
    if argv[:1] == ["verify"]:
        from keras_migrate.verify._cli import main as verify_main

        return verify_main(argv[1:])
    # Negative target patterns (-//pkg/...) would read as options to argparse.
    negative = [a for a in argv if a.startswith("-//")]
    args = build_parser().parse_args([a for a in argv if not a.startswith("-//")])
    args.paths.extend(negative)
    if args.list_rules:
        from keras_migrate.cli._rules_doc import render_table
        from keras_migrate.rules import ALL_RULES

        sys.stdout.write(render_table(ALL_RULES))
        return 0
    if not args.paths:
        build_parser().error("give at least one PATH or target pattern")
    if any(is_target_pattern(p) for p in args.paths):
        from keras_migrate.bazel import run_on_targets

        return run_on_targets(args)

    options = MigrationOptions(mode=args.mode, disable=tuple(args.disable))
    for path in args.paths:
        if not os.path.exists(path):
            print(f"keras-migrate: error: {path}: no such file or directory", file=sys.stderr)
            return 2
    # Our own runtime package, copied beside migrated files, is Keras 3 code already.
    files = discover(args.paths, args.include, args.exclude + [f"*/{_runtime.RUNTIME_PACKAGE}/*"])
    write = not (args.diff or args.check)
    output_for = _output_mapper(args.paths, args.output_dir) if args.output_dir and write else None
    jobs = os.cpu_count() or 1 if args.jobs == 0 else max(1, args.jobs)
    show_progress = not args.no_progress and len(files) >= 20 and sys.stderr.isatty()
    outcomes = list(migrate_files(
        files, options, write=write, output_for=output_for, want_diff=args.diff or args.check,
        jobs=jobs, progress=_progress(sys.stderr) if show_progress else None,
        before_write=_runtime.before_write if args.runtime == "copy" else None,
    ))
    runtime_missing = _check_runtime(outcomes, write, output_for) if args.runtime == "copy" else []

    if args.format == "json":
        sys.stdout.write(dumps(json_report(outcomes, options)))
    elif args.format == "sarif":
        sys.stdout.write(dumps(sarif_report(outcomes)))
    else:
        for o in outcomes:
            if args.diff and o.diff:
                sys.stdout.write(o.diff)
            for d in o.result.diagnostics:
                print(d.format())
    if args.report:
        data = sarif_report(outcomes) if args.report.endswith(".sarif") else json_report(outcomes, options)
        with open(args.report, "w", encoding="utf-8") as handle:
            handle.write(dumps(data))

    for directory in runtime_missing:
        print(f"{directory}: {'copied' if write else 'missing'} runtime support ({_runtime.RUNTIME_PACKAGE}/) "
              "that migrated files here import", file=sys.stderr)
    counts = summary_counts(outcomes)
    verb = "changed" if write else "would change"
    ndiag = sum(counts["diagnostics_by_rule"].values())
    nothing = not counts["changed"] and not counts["failed"] and not runtime_missing
    print(
        f"keras-migrate: {counts['files']} files: {counts['changed']} {verb}, "
        f"{counts['unchanged']} unchanged, {counts['failed']} failed; {ndiag} diagnostics"
        + (" (nothing to do)" if nothing else ""),
        file=sys.stderr,
    )
    if counts["failed"]:
        return 2
    if args.check and (counts["changed"] or runtime_missing):
        return 1
    return 0


def _check_runtime(outcomes, write: bool, output_for) -> List[str]:
    """Directories of migrated files (changed now or earlier) lacking runtime support.

    In write mode it is copied now (a run interrupted before its copy is completed by the
    next run); with --check / --diff it counts as work left."""
    missing = []
    for directory in sorted({
        os.path.dirname(os.path.abspath(o.written_to or (output_for(o.path) if output_for else o.path)))
        for o in outcomes if not o.failed and _runtime.imports_runtime(o.result.code)
    }):
        if _runtime.missing_runtime(directory):
            if write:
                _runtime.ensure_runtime(directory)
            missing.append(directory)
    return missing
