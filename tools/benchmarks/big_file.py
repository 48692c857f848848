"""Memory and time of migrating one large file (issue 12 item 12, issue 16 item 4).

Generates a file of N MB from real keras-io code (the shared corpus scripts, concatenated
in a fixed order and repeated until the size is reached; deterministic), then migrates
it in a fresh interpreter per size and prints wall time and peak RSS of that process.

Usage:
  python tools/benchmarks/big_file.py                      # 0.5, 2 and 5 MB
  python tools/benchmarks/big_file.py --sizes 0.5 1 --keep /tmp/big   # keep inputs/outputs
  python tools/benchmarks/big_file.py --generate 5 -o /tmp/big5.py   # only write the file
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(HERE)
DEFAULT_CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpus", "keras_io_keras2"))


def generate(megabytes: float, corpus: str = DEFAULT_CORPUS) -> str:
    """About `megabytes` MB of valid Python made of whole corpus scripts."""
    paths = sorted(glob.glob(os.path.join(corpus, "*.py")))
    if not paths:
        raise SystemExit(f"no .py files under {corpus}")
    scripts = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        # `from __future__` is only legal at the top of a file.
        text = "".join(line for line in text.splitlines(True) if not line.startswith("from __future__"))
        scripts.append(text if text.endswith("\n") else text + "\n")
    target = int(megabytes * 1024 * 1024)
    parts, size, i = [], 0, 0
    while size < target:
        script = scripts[i % len(scripts)]
        parts.append(script)
        size += len(script.encode("utf-8"))
        i += 1
    return "\n".join(parts)


# Runs in a fresh interpreter, so that the peak RSS is this migration's alone.
_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from keras_migrate import migrate_source
source = open(sys.argv[2], encoding="utf-8").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = migrate_source(source, sys.argv[2])
seconds = time.perf_counter() - start
if len(sys.argv) > 3:
    open(sys.argv[3], "w", encoding="utf-8").write(result.code)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rss_before_kb": base, "changed": result.changed,
                  "diagnostics": len(result.diagnostics), "failed": result.failed}))
"""


def measure(path: str, output: str = "", tools: str = TOOLS) -> dict:
    argv = [sys.executable, "-c", _CHILD, tools, path] + ([output] if output else [])
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 2, 5], help="sizes in MB")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--keep", help="directory to keep the generated inputs and migrated outputs in")
    parser.add_argument("--generate", type=float, help="only write a file of this many MB (see -o)")
    parser.add_argument("-o", "--output", help="with --generate: where to write it")
    parser.add_argument("--tools", default=TOOLS, help="the tools/ directory to import keras_migrate from "
                        "(another checkout, to compare)")
    args = parser.parse_args()

    if args.generate is not None:
        text = generate(args.generate, args.corpus)
        with open(args.output or f"big_{args.generate:g}mb.py", "w", encoding="utf-8") as f:
            f.write(text)
        return 0

    workdir = args.keep or tempfile.mkdtemp(prefix="km_big_")
    os.makedirs(workdir, exist_ok=True)
    # CPU seconds (whole process, imports included) are the figure to compare on a busy machine.
    print(f"{'size':>8} {'lines':>8} {'seconds':>8} {'CPU s':>7} {'peak RSS':>10} {'RSS/size':>9} {'s/MB':>6}")
    for mb in args.sizes:
        text = generate(mb, args.corpus)
        path = os.path.join(workdir, f"big_{mb:g}mb.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        out = os.path.join(workdir, f"big_{mb:g}mb.migrated.py") if args.keep else ""
        row = measure(path, out, args.tools)
        real_mb = len(text.encode("utf-8")) / 2**20
        rss_mb = row["peak_rss_kb"] / 1024
        print(f"{real_mb:7.2f}M {text.count(chr(10)):8d} {row['seconds']:8.1f} {row['cpu_seconds']:7.1f} {rss_mb:9.0f}M "
              f"{rss_mb / real_mb:8.0f}x {row['seconds'] / real_mb:6.1f}"
              + ("" if row["changed"] and not row["failed"] else f"  changed={row['changed']} failed={row['failed']}"),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
