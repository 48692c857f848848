"""Scale benchmark: `bazel run @keras_migrate//tools:migrate` over a generated monorepo.

Generates a user workspace (keras_migrate as an external repository, as README
"Pointing it at your own monorepo" sets it up) with N py_library targets made of the
shared keras-io corpus (cycled), in packages of 10, each library depending on one of
the previous package's, and one py_test per 5 libraries. Then measures, in one run:

  cold         `--diff //scale/...` on a fresh output base (nothing cached)
  ideal        files / single-process files-per-second of the migrator / cores
  apply        the migration written (sources, BUILD edits)
  after apply  the first run after apply (migrated sources are new inputs)
  no-op        the same again (everything cached)
  edit         one source edited: the aspect actions that re-run (bazel's count) and time
  check        `--check //scale/...`
  peak RSS     Bazel server, a persistent worker, the driver

    python tools/benchmarks/scale_monorepo.py                 # 1,000 targets
    python tools/benchmarks/scale_monorepo.py --targets 10000
    python tools/benchmarks/scale_monorepo.py --targets 100 --keep /tmp/scale

Prints one table and the load average; takes minutes (1,000 targets) to about an hour
(10,000) on 2 cores.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from examples_workspace import USER_WORKSPACE  # noqa: E402  (the README's set-up, offline)

CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "keras_io_keras2")
BAZEL = os.environ.get("BAZEL", "bazel")
PER_PACKAGE = 10
LIBS_PER_TEST = 5
ASPECT = "--aspects=@keras_migrate//rules:aspects.bzl%keras_migrate"
GROUPS = "--output_groups=keras_migrate_report,keras_migrate_patch,keras_migrate_sources"


def generate(dest: str, targets: int) -> List[str]:
    """Writes the workspace; returns the generated source paths (workspace-relative)."""
    corpus = sorted(glob.glob(os.path.join(CORPUS, "*.py")))
    if not corpus:
        raise SystemExit(f"corpus not found at {CORPUS}")
    with open(os.path.join(dest, "WORKSPACE"), "w") as handle:
        handle.write(USER_WORKSPACE.format(root=ROOT))
    shutil.copy2(os.path.join(ROOT, ".bazelrc"), os.path.join(dest, ".bazelrc"))
    open(os.path.join(dest, "BUILD"), "w").close()
    os.symlink(os.path.realpath(os.path.join(ROOT, ".venv")), os.path.join(dest, ".venv"))
    sources = []
    packages = (targets + PER_PACKAGE - 1) // PER_PACKAGE
    for p in range(packages):
        pkg = f"scale/p{p:05d}"
        os.makedirs(os.path.join(dest, pkg))
        rules = ['load("@keras_migrate//rules:python.bzl", "py_library", "py_test")\n',
                 'package(default_visibility = ["//visibility:public"])\n']
        count = min(PER_PACKAGE, targets - p * PER_PACKAGE)
        for i in range(count):
            n = p * PER_PACKAGE + i
            name = f"lib{i}"
            with open(corpus[n % len(corpus)], "rb") as src, open(os.path.join(dest, pkg, name + ".py"), "wb") as out:
                out.write(src.read())  # not shutil.copy: the corpus files are read-only
            sources.append(f"{pkg}/{name}.py")
            deps = [f'"//scale/p{p - 1:05d}:lib{i}"'] if p else []
            rules.append(f'py_library(\n    name = "{name}",\n    srcs = ["{name}.py"],\n'
                         f'    deps = [{", ".join(deps)}],\n)\n')
        for t in range(0, count, LIBS_PER_TEST):
            test = f"lib{t}_test"
            with open(os.path.join(dest, pkg, test + ".py"), "w") as handle:
                handle.write("import tensorflow as tf\n\n\ndef test_model():\n"
                             "    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])\n"
                             "    assert model.count_params() == 4\n")
            sources.append(f"{pkg}/{test}.py")
            rules.append(f'py_test(\n    name = "{test}",\n    srcs = ["{test}.py"],\n'
                         f'    env = {{"TF_USE_LEGACY_KERAS": "1"}},\n    deps = [":lib{t}"],\n)\n')
        with open(os.path.join(dest, pkg, "BUILD"), "w") as handle:
            handle.write("\n".join(rules))
    return sources


def _run(cmd: List[str], cwd: str, timed: bool = False) -> Tuple[float, subprocess.CompletedProcess, Optional[int]]:
    """(seconds, process, peak RSS in KiB of the command itself when timed)."""
    prefix = ["/usr/bin/time", "-f", "MAXRSS=%M"] if timed and os.path.exists("/usr/bin/time") else []
    start = time.monotonic()
    proc = subprocess.run(prefix + cmd, cwd=cwd, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - start
    rss = re.findall(r"MAXRSS=(\d+)", proc.stdout)
    return seconds, proc, int(rss[-1]) if rss else None


def _processes(output: str) -> Optional[int]:
    """Actions bazel executed (not cached): the `N processes` line minus internal ones."""
    match = re.findall(r"INFO: (\d+) processes?(?:: (.*))?\.", output)
    if not match:
        return None
    total, kinds = match[-1]
    internal = re.search(r"(\d+) internal", kinds or "")
    return int(total) - (int(internal.group(1)) if internal else 0)


def _peak_kib(pattern: str) -> Optional[int]:
    """Largest VmHWM (peak RSS) among live processes whose command line matches."""
    best = None
    for status in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(status, "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
            if not re.search(pattern, cmdline):
                continue
            with open(status.replace("cmdline", "status")) as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        value = int(line.split()[1])
                        best = value if best is None else max(best, value)
        except OSError:
            continue
    return best


def single_process_rate(workspace: str, sources: List[str]) -> float:
    """Files per second of the migrator in one process over the generated files."""
    from keras_migrate.engine import MigrationOptions
    from keras_migrate.engine._runner import migrate_file
    from keras_migrate.migrator import keras_rule_set

    rule_set = keras_rule_set()
    options = MigrationOptions(mode="agnostic")
    sample = sources[: min(len(sources), 120)]
    migrate_file(os.path.join(workspace, sample[0]), options, rule_set, write=False)  # warm
    start = time.monotonic()
    for rel in sample:
        migrate_file(os.path.join(workspace, rel), options, rule_set, write=False)
    return len(sample) / (time.monotonic() - start)


def measure(workspace: str, sources: List[str]) -> Dict[str, object]:
    migrate = [BAZEL, "run", "@keras_migrate//tools:migrate", "--"]
    out: Dict[str, object] = {"targets": sum(1 for s in sources if not s.endswith("_test.py")),
                              "tests": sum(1 for s in sources if s.endswith("_test.py"))}
    seconds, proc, driver_rss = _run(migrate + ["--diff", "//scale/..."], workspace, timed=True)
    out["cold_diff_s"] = round(seconds, 1)
    out["cold_exit"] = proc.returncode
    out["driver_peak_mib"] = round(driver_rss / 1024, 1) if driver_rss else None
    out["worker_peak_mib"] = (lambda k: round(k / 1024, 1) if k else None)(_peak_kib(r"--persistent_worker"))
    rate = single_process_rate(workspace, sources)
    cores = os.cpu_count() or 1
    out["single_process_files_per_s"] = round(rate, 1)
    out["ideal_s"] = round(len(sources) / rate / cores, 1)
    out["cold_over_ideal"] = round(out["cold_diff_s"] / out["ideal_s"], 2)

    seconds, proc, _ = _run(migrate + ["//scale/..."], workspace)
    out["apply_s"] = round(seconds, 1)
    out["apply_exit"] = proc.returncode
    seconds, proc, _ = _run(migrate + ["//scale/..."], workspace)
    out["first_after_apply_s"] = round(seconds, 1)
    out["first_after_apply_says"] = "nothing to do" in proc.stdout
    seconds, proc, _ = _run(migrate + ["//scale/..."], workspace)
    out["noop_s"] = round(seconds, 1)

    # One edit: the aspect build shows how many actions re-ran.
    _run([BAZEL, "build", "--keep_going", ASPECT, GROUPS, "//scale/..."], workspace)
    edited = os.path.join(workspace, sources[len(sources) // 2])
    with open(edited, "a") as handle:
        handle.write("\n# edited\n")
    seconds, proc, _ = _run([BAZEL, "build", "--keep_going", ASPECT, GROUPS, "//scale/..."], workspace)
    out["edit_actions_rerun"] = _processes(proc.stdout)
    out["edit_aspect_build_s"] = round(seconds, 1)
    seconds, proc, _ = _run(migrate + ["--check", "//scale/..."], workspace)
    out["check_s"] = round(seconds, 1)
    out["check_exit"] = proc.returncode
    out["bazel_server_peak_mib"] = (lambda k: round(k / 1024, 1) if k else None)(_peak_kib(r"A-server\.jar|BazelServer"))
    out["load_average"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    workspace = args.keep or tempfile.mkdtemp(prefix="keras_migrate_scale_")
    os.makedirs(workspace, exist_ok=True)
    try:
        sources = generate(workspace, args.targets)
        results = measure(workspace, sources)
    finally:
        subprocess.run([BAZEL, "shutdown"], cwd=workspace, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not args.keep:
            shutil.rmtree(workspace, ignore_errors=True)
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
