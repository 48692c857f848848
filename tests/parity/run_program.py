"""Runs parity programs by hand and compares them with their references.

    # migrate (agnostic mode) and run one program on JAX:
    python tests/parity/run_program.py thresholded_relu --backend jax
    # part-1 rules only, TensorFlow backend, and print the migrated code:
    python tests/parity/run_program.py thresholded_relu --mode tensorflow --show-code
    # run the Keras 2 source unmigrated on Keras 3 (what breaks without the tool):
    python tests/parity/run_program.py --all --mode none --backend tensorflow jax torch
    # run under genuine Keras 2 (what record_references.py does):
    python tests/parity/run_program.py small_cnn --mode keras2

Prints one line per program/backend: PASS, MISMATCH (numbers differ from the
reference), CRASH (the program failed; last lines of its output follow) or
MIGRATE-ERROR. Exit status 1 if anything did not pass.
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _harness  # noqa: E402


def _migrate(program, mode):
    sys.path.insert(0, _harness.TOOLS_DIR)
    from keras_migrate import MigrationOptions, migrate_source

    with open(program.path, encoding="utf-8") as f:
        source = f.read()
    return migrate_source(source, program.path, MigrationOptions(mode=mode))


def run_one(program, mode, backend, show_code=False, tail=25, gpu=False):
    """Returns (status, detail)."""
    if mode == "keras2":
        run = _harness.run_program(program.path, legacy_keras=True, timeout=program.timeout)
        path_note = ""
    else:
        extra = []
        source_path = program.path
        scratch = tempfile.mkdtemp(prefix="parity_src_")
        if mode != "none":
            try:
                result = _migrate(program, mode)
            except Exception as e:  # report and go on with the next program
                return "MIGRATE-ERROR", f"{type(e).__name__}: {e}"
            if show_code:
                print(result.code)
                for d in result.diagnostics:
                    print(f"  {d.severity}: {d.rule_id}:{d.line}: {d.message}")
            source_path = os.path.join(scratch, program.name + ".py")
            with open(source_path, "w", encoding="utf-8") as f:
                f.write(result.code)
            if getattr(result, "runtime_imports", False):
                extra.append(_harness.TOOLS_DIR)
        run = _harness.run_program(
            source_path, backend=backend, extra_pythonpath=extra, timeout=program.timeout, gpu=gpu
        )
        path_note = f" [{source_path}]" if mode != "none" else ""
    if run.returncode != 0 or run.results is None:
        return "CRASH", f"exit {run.returncode}{path_note}\n{run.tail(tail)}"
    try:
        with open(program.reference_path) as f:
            import json

            reference = json.load(f)
    except FileNotFoundError:
        return "NO-REFERENCE", str(run.results)[:500]
    problems = _harness.compare(program, reference, run.results)
    if problems:
        return "MISMATCH", "\n".join(problems)
    return "PASS", ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("programs", nargs="*")
    parser.add_argument("--all", action="store_true", help="every program")
    parser.add_argument(
        "--mode", default="agnostic", choices=["agnostic", "tensorflow", "none", "keras2"]
    )
    parser.add_argument(
        "--backend", nargs="+", default=["tensorflow"], choices=["tensorflow", "jax", "torch"]
    )
    parser.add_argument("--show-code", action="store_true", help="print migrated source")
    parser.add_argument("--tail", type=int, default=25, help="output lines shown on crash")
    parser.add_argument("--gpu", action="store_true",
                        help="run on the machine's accelerator (TF32 off) against the CPU references")
    args = parser.parse_args(argv)

    programs = _harness.list_programs()
    if not args.all:
        wanted = {os.path.splitext(os.path.basename(p))[0] for p in args.programs}
        if not wanted:
            parser.error("name programs or pass --all")
        programs = [p for p in programs if p.name in wanted]
    backends = ["keras2"] if args.mode == "keras2" else args.backend
    bad = 0
    for program in programs:
        for backend in backends:
            start = time.monotonic()
            status, detail = run_one(program, args.mode, backend, args.show_code, args.tail, args.gpu)
            bad += status != "PASS"
            print(
                f"{status:13} {program.name} mode={args.mode} backend={backend} "
                f"({time.monotonic() - start:.1f}s)",
                flush=True,
            )
            if detail:
                print("    " + detail.replace("\n", "\n    "), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
