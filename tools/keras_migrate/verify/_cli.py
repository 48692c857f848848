"""`keras-migrate verify [OPTIONS] SCRIPT [ARGS...]`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from keras_migrate.verify._compare import Tolerance
from keras_migrate.verify._run import BACKENDS, IDENTICAL, VerifyOptions, verify

__all__ = ["build_parser", "main", "render_text"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="keras-migrate verify",
        description="Differential parity: run SCRIPT under genuine Keras 2 (tf_keras) and its migrated copy "
                    "under Keras 3 on each backend, and compare fit histories, evaluate/predict results, "
                    "module-level model outputs and final weights. Exit 0 only when every backend is identical.",
    )
    p.add_argument("program", nargs=argparse.REMAINDER, metavar="SCRIPT [ARGS...] | -- COMMAND...",
                   help="a Python script and its arguments, or after `--` any command that runs Python "
                        "(pytest tests/, python -m pkg.train): every Python process it starts is recorded")
    p.add_argument("--backends", default=",".join(BACKENDS),
                   help="comma-separated Keras 3 backends to run (default: jax,tensorflow,torch)")
    p.add_argument("--mode", choices=("agnostic", "tensorflow"), default="agnostic", help="migration mode")
    p.add_argument("--root", help="the program's own code, migrated as a whole (default: the script's directory)")
    p.add_argument("--max-epochs", type=int, help="cap fit() epochs in every run")
    p.add_argument("--max-steps", type=int, help="cap batches per fit epoch / evaluate / predict in every run")
    p.add_argument("--max-batch", type=int, help="cap batch sizes in every run (tf.data batches are split)")
    p.add_argument("--synthetic-data", action="store_true",
                   help="offline: keras.datasets, get_file, tfds.load, ... return small deterministic data")
    p.add_argument("--fixtures", metavar="FILE",
                   help="with --synthetic-data: a Python file of extra builders (BUILDERS = [(url_regex, fn)])")
    p.add_argument("--no-neutralize", action="store_true",
                   help="keep dropout, noise layers, random ops and fit shuffling as they are (runs then differ)")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per run (default 900)")
    p.add_argument("--rtol", type=float, default=1e-3)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--run-unsupported", action="store_true",
                   help="also run backends the migrator declared unsupported")
    p.add_argument("--json", metavar="FILE", help="write the verdict as JSON ('-' for stdout)")
    p.add_argument("--keep", metavar="DIR", help="keep the migrated copy, records and logs in DIR")
    return p


def _where(d: dict, key: str) -> str:
    return f" at {d[key]}" if d.get(key) else ""


_SHOWN_WARNINGS = 8


def _short(message: str, width: int = 160) -> str:
    return message if len(message) <= width else message[:width - 3].rsplit(" ", 1)[0] + " ..."


def render_text(report: dict) -> str:
    lines = [f"keras-migrate verify: {report['program']}"]
    k2 = report["keras2"]
    lines.append(f"  keras2 (tf_keras): {k2['status']}, {k2['records']} records, {k2['seconds']} s")
    if k2.get("crash"):
        c = k2["crash"]
        lines.append(f"    {c.get('type', '')}: {c.get('message', '')}{' at ' + c['file'] + ':' + str(c['line']) if c.get('file') else ''}")
    migration = report.get("migration")
    if migration:
        warnings = [d for d in migration["diagnostics"] if d["severity"] == "warning"]
        lines.append(f"  migration: {migration['files']} files, {migration['changed']} changed, "
                     f"{len(warnings)} warnings, {len(migration['tensorflow_only'])} TensorFlow-only reasons")
        # What the migrator predicted: a difference below may be one it announced.
        for d in warnings[:_SHOWN_WARNINGS]:
            lines.append(f"    warning {d['path']}:{d['line']}: [{d['rule_id']}] {_short(d['message'])}")
        if len(warnings) > _SHOWN_WARNINGS:
            lines.append(f"    ... {len(warnings) - _SHOWN_WARNINGS} more warnings (--json lists them)")
        # A file the migrator could not migrate ran as Keras 2 code: say so before any verdict.
        for path in migration["failed"]:
            lines.append(f"    FAILED, left unmigrated: {path}")
            lines.extend(f"      {d['path']}:{d['line']}: [{d['rule_id']}] {d['message']}"
                         for d in migration["diagnostics"] if d["path"] == path and d["severity"] == "error")
    for variant, how in (("reordered", "float sums reordered"), ("perturbed", "initial weights nudged")):
        again = k2.get(variant)
        if again:
            first = again.get("first_difference")
            lines.append(f"  keras2 again, {how}: {again['status']}, " + (
                f"differs from the first Keras 2 run from record {first['record']} ({first['label']})" if first
                else "identical to the first Keras 2 run"))
    for backend, v in report["backends"].items():
        lines.append(f"  {backend}: {v['verdict']}" + (f", {v['records']} records, {v['seconds']} s" if v["seconds"] else ""))
        d = v.get("difference")
        if d:
            lines.append(f"    first difference: record {d['record']} ({d['label']}){d['path']}: {d['message']}")
            lines.append(f"      keras2: {json.dumps(d['keras2'])}{_where(d, 'where_keras2')}")
            lines.append(f"      keras3: {json.dumps(d['keras3'])}{_where(d, 'where_keras3')}")
        c = v.get("crash")
        if c:
            lines.append(f"    {c.get('type', '')}: {c.get('message', '')}")
            if c.get("file"):
                lines.append(f"      at {c['file']}:{c['line']}: {c.get('code', '')}")
        if c and c.get("type") == "exit" and v.get("output_tail"):
            lines.extend("      | " + line for line in v["output_tail"].splitlines()[-8:])
        for reason in v.get("reasons", [])[:5]:
            lines.append(f"    reason: {reason}")
    neutralised = {}
    for v in report["backends"].values():
        neutralised.update(v.get("neutralised", {}))
    if neutralised:
        lines.append("  neutralised in every run (compared after):")
        lines.extend(f"    - {what}" for what in sorted(neutralised))
    lines.append("  verdict: " + ("identical on " + ", ".join(report["backends"]) if report["identical"]
                                  else "NOT identical"))
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    # `-- COMMAND`, or anything that is not a .py file, is a command line.
    command = bool(args.program) and (args.program[0] == "--" or not args.program[0].endswith(".py"))
    if args.program[:1] == ["--"]:
        args.program = args.program[1:]
    if not args.program:
        build_parser().error("give the SCRIPT to verify, or -- COMMAND")
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        build_parser().error(f"unknown backend(s) {unknown}; choose from {', '.join(BACKENDS)}")
    options = VerifyOptions(
        program=args.program, command=command, root=args.root, backends=backends, mode=args.mode,
        max_epochs=args.max_epochs, max_steps=args.max_steps, max_batch=args.max_batch,
        synthetic_data=args.synthetic_data,
        fixtures=args.fixtures,
        neutralize=not args.no_neutralize, timeout=args.timeout,
        tolerance=Tolerance(rtol=args.rtol, atol=args.atol), run_unsupported=args.run_unsupported,
        keep=args.keep,
    )
    report = verify(options, log=lambda s: print(f"[verify] {s}", file=sys.stderr))
    sys.stdout.write(render_text(report))
    if args.json:
        text = json.dumps(report, indent=2, sort_keys=True) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            with open(args.json, "w", encoding="utf-8") as handle:
                handle.write(text)
    if report["keras2"]["status"] != "ok":
        return 2
    return 0 if all(v["verdict"] == IDENTICAL for v in report["backends"].values()) else 1
