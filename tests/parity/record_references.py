"""Records the reference results of the parity programs under genuine Keras 2.

Each program runs unmigrated, in its own subprocess, with TF_USE_LEGACY_KERAS=1
(so tf.keras is tf_keras 2.x), no GPU, one CPU thread and TF op determinism,
and its emitted results are written to references/<program>.json.

    python tests/parity/record_references.py                 # all programs
    python tests/parity/record_references.py small_cnn ...   # some programs
    python tests/parity/record_references.py --check         # re-run, compare, write nothing

--check is how to show the references are deterministic: it fails when a
fresh run differs from the checked-in file in any bit.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _harness  # noqa: E402


def _record(program, python):
    start = time.monotonic()
    extra = ()
    if program.keras2_extras:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "corpus"))
        from verify_corpus import ensure_extras  # noqa: E402 (installs extras.txt once)

        here = os.path.dirname(os.path.abspath(__file__))
        extra = (ensure_extras(), os.path.join(here, "keras2_site"), os.path.join(here, "..", "..", "tools"))
    run = _harness.run_program(
        program.path, legacy_keras=True, extra_pythonpath=extra, timeout=program.timeout, python=python
    )
    elapsed = time.monotonic() - start
    if run.returncode != 0 or run.results is None:
        raise RuntimeError(
            f"{program.name} failed under Keras 2 (exit {run.returncode}):\n{run.tail()}"
        )
    return run.results, elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("programs", nargs="*", help="program names (default: all)")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--python", default=sys.executable, help="interpreter with tf-keras")
    args = parser.parse_args(argv)

    programs = _harness.list_programs()
    if args.programs:
        wanted = {os.path.splitext(os.path.basename(p))[0] for p in args.programs}
        unknown = wanted - {p.name for p in programs}
        if unknown:
            parser.error(f"unknown programs: {sorted(unknown)}")
        programs = [p for p in programs if p.name in wanted]

    os.makedirs(_harness.REFERENCES_DIR, exist_ok=True)
    failures = 0
    for program in programs:
        try:
            results, elapsed = _record(program, args.python)
        except RuntimeError as e:
            print(f"FAIL  {program.name}\n{e}", flush=True)
            failures += 1
            continue
        text = json.dumps(results, indent=1, sort_keys=True) + "\n"
        if args.check:
            try:
                with open(program.reference_path) as f:
                    same = f.read() == text
            except FileNotFoundError:
                same = False
            status = "same" if same else "DIFFERENT"
            failures += not same
        else:
            with open(program.reference_path, "w") as f:
                f.write(text)
            status = "written"
        print(f"{status:9} {program.name} ({elapsed:.1f}s)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
