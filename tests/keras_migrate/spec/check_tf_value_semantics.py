"""Checks the TF function value table (spec/_tf_values.py) numerically (not a pytest
test: it needs TensorFlow, JAX and PyTorch and takes about half a minute).

Each entry's samples call the value `f` (`f = tf.nn.gelu`, then `f(x)`, `f(x, True)`):
TensorFlow as written is the reference; the migrated program (agnostic rules) runs with
Keras 3 on the TensorFlow, JAX and PyTorch backends. Values, shapes and dtype kinds
must match (and the gradients of `grad_samples` at exact ties, see check_tf_ops_semantics),
and the value must no longer be a TF op.

    python tests/keras_migrate/spec/check_tf_value_semantics.py [--backends jax,torch] [-v]
"""

import argparse
import os
import sys
import tempfile


HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from check_tf_ops_semantics import GRAD, _run, inputs, mismatch  # noqa: E402


def main(argv=None):
    from keras_migrate import MigrationOptions, migrate_source
    from keras_migrate.spec._tf_values import TF_VALUES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)

    cases = []  # (key, tf name, sample, source before, source after)
    not_migrated = []
    for entry in TF_VALUES:
        for name in entry.tf:
            for labelled in entry.samples + tuple(GRAD + s for s in entry.grad_samples):
                sample = labelled[len(GRAD):] if labelled.startswith(GRAD) else labelled
                before = f"import tensorflow as tf\nimport keras\nf = tf.{name}\nresult = {sample}\n"
                after = migrate_source(before, "sample.py", MigrationOptions(mode="agnostic")).code
                assignment = next(line for line in after.splitlines() if line.startswith("f = "))
                if "tf." in assignment:
                    not_migrated.append((name, assignment))
                cases.append((str(len(cases)), name, labelled, before, after))
    data = inputs()
    with tempfile.TemporaryDirectory() as scratch:
        reference = _run("tf", "tensorflow", [(k, b, "z" if s.startswith(GRAD) else None) for k, _, s, b, _ in cases], data, scratch)
        per_backend = {b: _run("keras", b, [(k, a, "z" if s.startswith(GRAD) else None) for k, _, s, _, a in cases], data, scratch)
                       for b in args.backends.split(",")}
    failures = 0
    counts = {b: 0 for b in per_backend}
    for key, name, sample, _before, after in cases:
        status, ref = reference[key]
        if status != "ok" and "has no attribute" in ref:
            if args.verbose:
                print(f"absent       tf.{name} (an alias this TensorFlow does not have)")
            continue
        if status != "ok":
            print(f"BAD SAMPLE   tf.{name}: {sample}: TensorFlow fails: {ref}")
            failures += 1
            continue
        for backend, results in per_backend.items():
            problem = mismatch(results[key], ref)
            if problem:
                failures += 1
                line = next(s for s in after.splitlines() if s.startswith("f = "))
                print(f"MISMATCH     [{backend}] tf.{name}: {sample}\n             -> {line}\n             {problem}")
            else:
                counts[backend] += 1
                if args.verbose:
                    print(f"ok           [{backend}] tf.{name}: {sample}")
    for name, line in not_migrated:
        failures += 1
        print(f"NOT MIGRATED tf.{name} -> {line}")
    print(f"\n{len(cases)} samples of {len(TF_VALUES)} value entries (some name aliases this TensorFlow lacks); matching TensorFlow: "
          + ", ".join(f"{b} {c}/{len(cases)}" for b, c in counts.items())
          + f"; not migrated: {len(not_migrated)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
