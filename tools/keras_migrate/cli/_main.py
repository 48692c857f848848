"""keras-migrate PATH... : migrate files and directories in place (or --diff, --output_dir)."""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import os
import signal
import sys
from typing import List, Optional, Sequence, Tuple

from keras_migrate.engine import MigrationOptions
from keras_migrate.engine._diagnostics import Diagnostic, Severity, display_path
from keras_migrate.engine._report import dumps, json_report, sarif_report, summary_counts
from keras_migrate.engine._runner import confine, discover, migrate_files
from keras_migrate.cli import _runtime
from keras_migrate.cli._config import ConfigError, load_config
from keras_migrate.migrator import keras_rule_set

__all__ = ["main", "build_parser", "is_target_pattern", "EXIT_OK", "EXIT_WOULD_CHANGE", "EXIT_FAILED", "EXIT_INTERRUPTED"]


def is_target_pattern(arg: str) -> bool:
    return arg.startswith(("//", "@")) or (arg.startswith(":") and len(arg) > 1)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="keras-migrate",
        description="Migrate TensorFlow-only Keras 2 (tf.keras) code to multi-backend Keras 3.",
        epilog="exit status: 0 nothing left to do (or all written), 1 --check: something would change, "
               "2 a file could not be migrated or written (or bad usage), 130 interrupted (rerun to finish). "
               "Settings: [tool.keras-migrate] in the nearest pyproject.toml; flags override them.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files, directories, or (under Bazel) target patterns like //pkg/...")
    p.add_argument("--diff", action="store_true",
                   help="print a unified diff (per cell for notebooks), write nothing")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the --diff: auto (default) when stdout is a terminal and NO_COLOR is unset")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if anything would change, 2 if a file cannot be migrated (for CI)")
    p.add_argument("--output_dir", "--output-dir", metavar="DIR",
                   help="write migrated copies under DIR instead of editing in place")
    p.add_argument("--report", metavar="FILE", help="write a machine-readable report (JSON, or SARIF for *.sarif)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                   help="what to print on stdout (default: compiler-style text)")
    # Defaults of None: the value then comes from [tool.keras-migrate], else the built-in default.
    p.add_argument("--mode", choices=("agnostic", "tensorflow"), default=None,
                   help="agnostic (default): JAX/TF/PyTorch; tensorflow: part 1 rules only, smallest diff")
    p.add_argument("-j", "--jobs", type=int, default=None, help="parallel worker processes (0: one per CPU; default 1)")
    p.add_argument("--include", action="append", default=None, metavar="GLOB", help="only files matching GLOB")
    p.add_argument("--exclude", action="append", default=None, metavar="GLOB", help="skip files matching GLOB")
    p.add_argument("--disable", action="append", default=None, metavar="RULE", help="turn a rule (id or name) off")
    p.add_argument("--backends", metavar="LIST", default=None,
                   help="comma-separated backends the code must run on, e.g. jax,torch: a file kept on "
                        "TensorFlow is then reported (KM013) when the list names another")
    p.add_argument("--config", metavar="FILE", help="read [tool.keras-migrate] from FILE (default: the nearest "
                                                    "pyproject.toml at or above the paths)")
    p.add_argument("--runtime", choices=("copy", "none"), default=None,
                   help="copy the keras_migrate_runtime module beside migrated files that need it (default) "
                        "or not (when it is a dependency, e.g. under Bazel)")
    p.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    verbosity = p.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true",
                           help="print only warnings, errors and the summary line")
    verbosity.add_argument("-v", "--verbose", action="store_true",
                           help="also print each file's outcome and the configuration file used")
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


# Exit statuses (README "Safety"): what a script or CI can rely on.
EXIT_OK = 0  # nothing left to do (or, when writing, everything written)
EXIT_WOULD_CHANGE = 1  # --check: files or runtime support would change
EXIT_FAILED = 2  # a file could not be migrated or written, or bad usage
EXIT_INTERRUPTED = 130  # Ctrl-C / SIGTERM: files already written are complete; rerun


# A file kept on TensorFlow while the project's backends name others.
BACKENDS_UNMET = "KM013"


class UsageError(Exception):
    """Bad arguments, found before anything is written."""


def _output_mapper(roots: Sequence[str], output_dir: str):
    def output_for(path: str) -> str:
        for root in roots:
            if os.path.isdir(root):
                rel = os.path.relpath(path, root)
                if not rel.startswith(".."):
                    return os.path.join(output_dir, os.path.basename(os.path.abspath(root)), rel)
        return os.path.join(output_dir, os.path.basename(path))

    return output_for


def _check_output_targets(files: Sequence[str], output_for) -> None:
    """Two inputs must never be written to one output (roots a/pkg and b/pkg both map to
    DIR/pkg): refuse before writing anything."""
    seen = {}
    for path in files:
        target = os.path.normpath(output_for(path))
        if target in seen:
            raise UsageError(f"--output_dir: {display_path(seen[target])} and {display_path(path)} would both be "
                             f"written to {display_path(target)}; give roots with distinct names (or run once per root)")
        seen[target] = path


def _check_report_path(report: Optional[str]) -> None:
    """The report is written last: a bad path must stop the run before any file changes."""
    if not report:
        return
    directory = os.path.dirname(os.path.abspath(report))
    if not os.path.isdir(directory):
        raise UsageError(f"--report {display_path(report)}: directory {display_path(directory)} does not exist")
    if os.path.isdir(report):
        raise UsageError(f"--report {display_path(report)}: is a directory")


def _write_report(report: str, data: dict) -> None:
    from keras_migrate.engine._files import write_atomic

    write_atomic(report, dumps(data))


def _raise_on_sigterm() -> None:
    # SIGTERM (kill, a CI timeout) unwinds like Ctrl-C: the file being written is either
    # finished or its temp file removed, never left half-written.
    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:
        pass  # not the main thread (embedded use): keep the default


def main(argv: Optional[List[str]] = None) -> int:
    try:
        return _main(argv)
    except UsageError as exc:
        print(f"keras-migrate: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("keras-migrate: interrupted: every file is either migrated or untouched; rerun to finish",
              file=sys.stderr)
        return EXIT_INTERRUPTED


# `keras-migrate COMMAND ...`: each command's own module and entry point (imported only
# when used; the migration itself is the default command).
SUBCOMMANDS = {
    "verify": "keras_migrate.verify._cli:main",
    "prepare": "keras_migrate.rollout._prepare:main",
    "status": "keras_migrate.rollout._status:main",
    "plan": "keras_migrate.rollout._plan:main_plan",
    "apply": "keras_migrate.rollout._plan:main_apply",
}


def _main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Under `bazel run`, resolve paths from where the user stands.
    if os.environ.get("BUILD_WORKING_DIRECTORY"):
        os.chdir(os.environ["BUILD_WORKING_DIRECTORY"])
    if argv[:1] and argv[0] in SUBCOMMANDS:
        module, function = SUBCOMMANDS[argv[0]].split(":")
        return getattr(importlib.import_module(module), function)(argv[1:])
    # Negative target patterns (-//pkg/...) would read as options to argparse.
    from keras_migrate.bazel._driver import split_negative  # not at import: the plain-path run needs no Bazel code

    argv, negative = split_negative(argv)
    args = build_parser().parse_args(argv)
    args.paths.extend(negative)
    if args.list_rules:
        from keras_migrate.cli._rules_doc import render_table

        sys.stdout.write(render_table(keras_rule_set().rules))
        return EXIT_OK
    if not args.paths:
        build_parser().error("give at least one PATH or target pattern")
    _raise_on_sigterm()
    _check_report_path(args.report)
    _apply_config(args)
    if any(is_target_pattern(p) for p in args.paths):
        from keras_migrate.bazel import run_on_targets

        return run_on_targets(args)
    return _run_on_paths(args)


def _apply_config(args) -> None:
    """Fill the settings the command line left unset from [tool.keras-migrate], then
    from the built-in defaults."""
    try:
        config = load_config([p for p in args.paths if not is_target_pattern(p)], args.config)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    args.config_used = config
    for key, default in (("mode", "agnostic"), ("jobs", 1), ("runtime", "copy"), ("disable", [])):
        if getattr(args, key) is None:
            setattr(args, key, config.get(key, default))
    # Config globs are relative to the pyproject.toml (applied by config.keeps); flags as given.
    args.include = args.include or []
    args.exclude = args.exclude or []
    if args.include or args.exclude:
        config = dataclasses.replace(config, values={k: v for k, v in config.values.items()
                                                     if k not in ("include", "exclude")})
    args.config_filter = config
    backends = args.backends.split(",") if args.backends is not None else config.get("backends")
    known = keras_rule_set().report.backends
    for name in backends or ():
        if name not in known:
            raise UsageError(f"--backends: unknown backend {name!r} (known: {', '.join(known)})")
    # None (not asked for): the report says where each file runs, nothing more is checked.
    args.backends = list(backends) if backends else None
    rules = keras_rule_set().rules
    for rule in args.disable:
        if not any(rule in (r.id, r.name) for r in rules):
            raise UsageError(f"--disable {rule}: no such rule (keras-migrate --list-rules lists them)")


def _run_on_paths(args) -> int:
    options = MigrationOptions(mode=args.mode, disable=tuple(args.disable))
    rule_set = keras_rule_set()
    for path in args.paths:
        if not os.path.exists(path):
            raise UsageError(f"{display_path(path)}: no such file or directory")
    write = not (args.diff or args.check)
    # Our own runtime package, copied beside migrated files, is Keras 3 code already (also
    # named file by file from its own folder, as pre-commit passes them); an output
    # directory inside an input is never read back as input.
    runtime_files = [f"*/{_runtime.RUNTIME_PACKAGE}/*", f"{_runtime.RUNTIME_PACKAGE}/*"]
    files = discover(args.paths, args.include, args.exclude + runtime_files,
                     skip_dirs=[args.output_dir] if args.output_dir else [])
    files = [f for f in files if args.config_filter.keeps(f)]
    files, refused = confine(files, args.paths)
    output_for = _output_mapper(args.paths, args.output_dir) if args.output_dir and write else None
    if output_for is not None:
        _check_output_targets(files, output_for)
    jobs = os.cpu_count() or 1 if args.jobs == 0 else max(1, args.jobs)
    show_progress = not args.no_progress and len(files) >= 20 and sys.stderr.isatty()
    outcomes = refused + list(migrate_files(
        files, options, rule_set, write=write, output_for=output_for, want_diff=args.diff or args.check,
        jobs=jobs, progress=_progress(sys.stderr) if show_progress else None,
        before_write=_runtime.before_write if args.runtime == "copy" else None,
    ))
    runtime_missing, runtime_failed = (_check_runtime(outcomes, write, output_for) if args.runtime == "copy"
                                       else ([], []))
    if args.backends is not None:
        _check_backends(outcomes, args.backends)

    if args.format == "json":
        sys.stdout.write(dumps(json_report(outcomes, options, rule_set)))
    elif args.format == "sarif":
        sys.stdout.write(dumps(sarif_report(outcomes, rule_set)))
    else:
        colour = _use_colour(args.color, sys.stdout)
        if args.verbose and args.config_used.path:
            print(f"keras-migrate: settings from {display_path(args.config_used.path)}", file=sys.stderr)
        for o in outcomes:
            if args.verbose:
                print(f"{display_path(o.path)}: {_status(o, write)}", file=sys.stderr)
            if args.diff and o.diff:
                sys.stdout.write(colour_diff(o.diff) if colour else o.diff)
            for d in o.result.diagnostics:
                if not (args.quiet and d.severity is Severity.INFO):
                    print(d.format())
    report_failed = False
    if args.report:
        data = (sarif_report(outcomes, rule_set) if args.report.endswith(".sarif")
                else json_report(outcomes, options, rule_set))
        try:
            _write_report(args.report, data)
        except OSError as exc:
            print(f"keras-migrate: error: cannot write --report {display_path(args.report)}: "
                  f"{exc.strerror or exc}", file=sys.stderr)
            report_failed = True

    for directory in ([] if args.quiet else runtime_missing):
        print(f"{display_path(directory)}: {'copied' if write else 'missing'} runtime support "
              f"({_runtime.RUNTIME_PACKAGE}/) that migrated files here import", file=sys.stderr)
    for directory, why in runtime_failed:
        print(f"{display_path(directory)}: error: cannot copy runtime support ({_runtime.RUNTIME_PACKAGE}/): {why}",
              file=sys.stderr)
    for project in ([] if args.quiet or args.runtime != "copy" else _runtime.packaging_files(
            _runtime_directories(outcomes, output_for))):
        print(f"{display_path(project)}: note: migrated code of this project imports {_runtime.RUNTIME_PACKAGE}, "
              "which the copy beside it serves when run in place; a package installed from here needs it "
              "installed too: add keras-migrate (which ships it) to its dependencies", file=sys.stderr)
    sys.stdout.flush()  # the summary is the last line, also when stdout is a pipe
    counts = summary_counts(outcomes)
    verb = "changed" if write else "would change"
    ndiag = sum(counts["diagnostics_by_rule"].values())
    nothing = not counts["changed"] and not counts["failed"] and not runtime_missing and not runtime_failed
    print(
        f"keras-migrate: {counts['files']} files: {counts['changed']} {verb}, "
        f"{counts['unchanged']} unchanged, {counts['failed']} failed"
        + (f", {counts['skipped']} skipped" if counts["skipped"] else "")
        + f"; {ndiag} diagnostics"
        + (" (nothing to do)" if nothing else ""),
        file=sys.stderr,
    )
    if counts["failed"] or runtime_failed or report_failed:
        return EXIT_FAILED
    if args.check and (counts["changed"] or runtime_missing):
        return EXIT_WOULD_CHANGE
    return EXIT_OK


def _status(outcome, write: bool) -> str:
    if outcome.skipped:
        return "skipped"
    if outcome.failed:
        return "failed"
    if outcome.result.changed:
        return "changed" if write else "would change"
    return "unchanged"


_COLOURS = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}
_RESET = "\033[0m"


def _use_colour(choice: str, stream) -> bool:
    if choice != "auto":
        return choice == "always"
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def colour_diff(diff: str) -> str:
    """ANSI colours for a unified diff: headers bold, hunks cyan, - red, + green."""
    out = []
    for line in diff.splitlines(keepends=True):
        body = line.rstrip("\n")
        if line.startswith(("--- ", "+++ ")):
            out.append(f"\033[1m{body}{_RESET}\n")
        elif line[:1] in _COLOURS:
            out.append(f"{_COLOURS[line[:1]]}{body}{_RESET}" + line[len(body):])
        else:
            out.append(line)
    return "".join(out)


def _check_backends(outcomes, backends: Sequence[str]) -> None:
    """A file kept on TensorFlow does not run on the other backends the project asks for."""
    others = [b for b in backends if b != "tensorflow"]
    if not others:
        return
    for o in outcomes:
        if o.result.tensorflow_only and not o.failed:
            o.result.diagnostics.append(Diagnostic(
                BACKENDS_UNMET, o.path, 1, 1, Severity.WARNING,
                f"kept on TensorFlow ({'; '.join(o.result.tensorflow_only)}), but the project's backends "
                f"include {', '.join(others)}",
                "rewrite the constructs the KM2xx diagnostics name (see docs/rules.md), or set "
                "backends = [\"tensorflow\"] for this code"))


def _runtime_directories(outcomes, output_for) -> List[str]:
    """Directories of migrated files (changed now or earlier) that import the runtime."""
    return sorted({
        os.path.dirname(os.path.abspath(o.written_to or (output_for(o.path) if output_for else o.path)))
        for o in outcomes if not o.failed and _runtime.imports_runtime(o.result.code)
    })


def _check_runtime(outcomes, write: bool, output_for) -> Tuple[List[str], List[Tuple[str, str]]]:
    """Directories of migrated files (changed now or earlier) lacking runtime support,
    and those where copying it failed.

    In write mode it is copied now (a run interrupted before its copy is completed by the
    next run); with --check / --diff it counts as work left."""
    missing, failed = [], []
    for directory in _runtime_directories(outcomes, output_for):
        try:
            if not _runtime.missing_runtime(directory):
                continue
            if write:
                _runtime.ensure_runtime(directory)
            missing.append(directory)
        except OSError as exc:
            failed.append((directory, exc.strerror or str(exc)))
    return missing, failed
