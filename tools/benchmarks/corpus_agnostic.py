"""How backend-agnostic does the migrator make a corpus? (a static check; prints a table)

Migrates every script of the corpus in agnostic mode into a temporary directory and
sorts the results into:

- TensorFlow-free: no `tensorflow*` import left (runs on JAX / PyTorch without TF);
- agnostic, TF still imported: not reported tensorflow-only, but TensorFlow is still
  imported (tf.data input pipelines and other eager, model-independent TF calls run with
  every backend as long as TensorFlow is installed);
- tensorflow-only: the migrator reported reasons (result.tensorflow_only).

It then lists the tensorflow-only reasons and the tf.* APIs still used in the migrated
code, grouped by namespace, with how many files use them.

    python tools/benchmarks/corpus_agnostic.py [CORPUS_DIR] [--keep DIR] [--top N]
"""

from __future__ import annotations

import argparse
import ast
import collections
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from keras_migrate import MigrationOptions, migrate_source  # noqa: E402

DEFAULT_CORPUS = "/work/shared/corpus/keras_io_keras2"
# tf.<group> granularity of the "still used" table: two levels for these namespaces.
_TWO_LEVEL = {"data", "io", "image", "strings", "math", "nn", "linalg", "signal", "random", "config",
              "distribute", "keras", "lookup", "saved_model", "summary", "compat", "experimental"}


def tensorflow_uses(code: str):
    """(imported tensorflow* modules, Counter of tf API groups used) of migrated code."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {"<unparsable>"}, collections.Counter()
    modules, bindings = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0].startswith("tensorflow"):
                    modules.add(alias.name)
                    bindings[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0].startswith("tensorflow"):
            modules.add(node.module)
            for alias in node.names:
                bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    uses = collections.Counter()
    inner = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            parts, base = [], node
            while isinstance(base, ast.Attribute):
                inner.add(id(base.value))
                parts.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in bindings:
                full = (bindings[base.id] + "." + ".".join(reversed(parts))).split(".")
                uses[_group(full)] += 1
        elif isinstance(node, ast.Name) and id(node) not in inner and isinstance(node.ctx, ast.Load) \
                and node.id in bindings and bindings[node.id] != node.id:
            uses[_group(bindings[node.id].split("."))] += 1
    return modules, uses


def _group(parts):
    if parts[0] != "tensorflow":
        return parts[0]  # tensorflow_hub, tensorflow_probability, ...
    if len(parts) >= 3 and parts[1] in _TWO_LEVEL:
        return "tf." + ".".join(parts[1:3] if parts[1] in ("data", "keras", "compat", "experimental") else parts[1:2]) + (
            ".*" if parts[1] not in ("data", "keras", "compat", "experimental") else "")
    return "tf." + ".".join(parts[1:2])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    parser.add_argument("--keep", help="write the migrated scripts here instead of a temporary directory")
    parser.add_argument("--top", type=int, default=25, help="rows of the tf.* usage table")
    args = parser.parse_args(argv)

    scripts = sorted(n for n in os.listdir(args.corpus) if n.endswith(".py"))
    out_dir = args.keep or tempfile.mkdtemp(prefix="corpus_agnostic_")
    os.makedirs(out_dir, exist_ok=True)
    free, tf_imported, tf_only, failed = [], [], [], []
    reasons = collections.defaultdict(list)
    api_files = collections.defaultdict(set)
    api_uses = collections.Counter()
    imported_files = collections.defaultdict(set)
    start = time.perf_counter()
    for name in scripts:
        path = os.path.join(args.corpus, name)
        with open(path, encoding="utf-8") as f:
            source = f.read()
        result = migrate_source(source, path, MigrationOptions(mode="agnostic"))
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write(result.code)
        if result.failed:
            failed.append(name)
            continue
        modules, uses = tensorflow_uses(result.code)
        for group, count in uses.items():
            api_files[group].add(name)
            api_uses[group] += count
        if result.tensorflow_only:
            tf_only.append(name)
            for reason in result.tensorflow_only:
                reasons[reason].append(name)
        elif modules:
            tf_imported.append(name)
            for group in uses:
                imported_files[group].add(name)
        else:
            free.append(name)
    elapsed = time.perf_counter() - start

    total = len(scripts)
    print(f"corpus: {args.corpus} ({total} scripts, migrated in agnostic mode in {elapsed:.1f}s -> {out_dir})\n")
    print(f"{'outcome':<58} {'scripts':>7} {'share':>6}")
    print("-" * 73)
    for label, items in (
        ("TensorFlow-free (no tensorflow* import left)", free),
        ("agnostic, TensorFlow still imported (tf.data & co.)", tf_imported),
        ("tensorflow-only (reasons below)", tf_only),
        ("failed to migrate", failed),
    ):
        print(f"{label:<58} {len(items):>7} {len(items) / max(total, 1):>6.0%}")
    print(f"{'backend-agnostic (TensorFlow-free + TF still imported)':<58} {len(free) + len(tf_imported):>7} "
          f"{(len(free) + len(tf_imported)) / max(total, 1):>6.0%}")

    print(f"\n{'tensorflow-only reason':<100} {'scripts':>7}")
    print("-" * 108)
    for reason, names in sorted(reasons.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"{reason[:100]:<100} {len(names):>7}")

    print(f"\n{'tf API still used after migration':<40} {'scripts':>7} {'uses':>6}  {'in agnostic scripts':>19}")
    print("-" * 77)
    for group, names in sorted(api_files.items(), key=lambda kv: (-len(kv[1]), kv[0]))[: args.top]:
        print(f"{group:<40} {len(names):>7} {api_uses[group]:>6}  {len(imported_files.get(group, ())):>19}")
    if free:
        print("\nTensorFlow-free scripts: " + ", ".join(free))
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
