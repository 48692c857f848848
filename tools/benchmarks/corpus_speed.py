"""Speed benchmark on a corpus of real scripts (default: ../shared/corpus/keras_io_keras2).

Prints files/s for
  (a) keras_migrate, full rule set (agnostic mode), single process,
  (a') keras_migrate, TensorFlow-backend rule set only,
  (b) a bare libcst parse + codegen round trip of the same files,
  (c) TensorFlow's own tf_upgrade_v2 engine (pasta-based) on the same files,
and the ratio (a)/(b) against the target of >= 0.6 (issue "speed at scale").

Usage: python tools/benchmarks/corpus_speed.py [CORPUS_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tools/

DEFAULT_CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpus", "keras_io_keras2"))


def _time(fn, sources, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for path, text in sources:
            fn(path, text)
        best = min(best, time.perf_counter() - start)
    return len(sources) / best, best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--skip-tf", action="store_true", help="skip tf_upgrade_v2 (imports TensorFlow)")
    args = parser.parse_args()

    import libcst as cst

    from keras_migrate import MigrationOptions, migrate_source

    paths = sorted(glob.glob(os.path.join(args.corpus, "*.py")))
    if not paths:
        print(f"no .py files under {args.corpus}", file=sys.stderr)
        return 2
    sources = [(p, open(p, encoding="utf-8").read()) for p in paths]
    # Warm-up: imports, rule tables.
    migrate_source(sources[0][1], sources[0][0])

    agnostic = MigrationOptions(mode="agnostic")
    tf_mode = MigrationOptions(mode="tensorflow")
    rows = []
    rate_a, t_a = _time(lambda p, t: migrate_source(t, p, agnostic), sources, args.repeat)
    rows.append(("(a)  keras_migrate, all rules (agnostic)", rate_a, t_a))
    rate_a2, t_a2 = _time(lambda p, t: migrate_source(t, p, tf_mode), sources, args.repeat)
    rows.append(("(a') keras_migrate, TensorFlow-backend rules", rate_a2, t_a2))
    rate_b, t_b = _time(lambda p, t: cst.parse_module(t).code, sources, args.repeat)
    rows.append(("(b)  libcst parse + codegen", rate_b, t_b))
    if not args.skip_tf:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        from tensorflow.tools.compatibility import ast_edits, tf_upgrade_v2

        import contextlib
        import io
        import logging

        logging.disable(logging.CRITICAL)  # tf_upgrade_v2 logs every rename
        upgrader = ast_edits.ASTCodeUpgrader(tf_upgrade_v2.TFAPIChangeSpec())
        with contextlib.redirect_stdout(io.StringIO()):
            rate_c, t_c = _time(lambda p, t: upgrader.update_string_pasta(t, p), sources, args.repeat)
        rows.append(("(c)  tf_upgrade_v2 (TensorFlow's engine)", rate_c, t_c))

    total_kb = sum(len(t) for _, t in sources) / 1024
    print(f"corpus: {len(sources)} files, {total_kb:.0f} KiB, best of {args.repeat}")
    for label, rate, seconds in rows:
        print(f"{label:48s} {rate:8.1f} files/s  ({seconds:.2f} s)")
    ratio = rate_a / rate_b
    print(f"ratio (a)/(b) = {ratio:.2f}  (target >= 0.60: {'met' if ratio >= 0.6 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
