"""Checks the tf.* -> keras.ops table numerically (not a pytest test: it needs
TensorFlow, JAX and PyTorch and takes about a minute).

Every TfOp sample expression in spec/_tf_ops.py is evaluated once with TensorFlow as
written, then migrated with the agnostic rule set and evaluated with Keras 3 on the
TensorFlow, JAX and PyTorch backends (one subprocess each). Values, shapes and dtype
kinds (bool / int / float) must match. So must gradients, each backend using its own
autodiff: of every sample that reads x with respect to x (where TensorFlow has one), and
of each entry's `grad_samples` with respect to the tie input z (JAX, PyTorch and
TensorFlow pick different subgradients at kinks).

    python tests/keras_migrate/spec/check_tf_ops_semantics.py [--backends jax,torch] [-k TEXT] [-v]

Migrated samples may import keras_migrate_runtime helpers (tools/ is on their path).
tests/semantics/test_tf_tables_semantics.py runs this check under pytest (CI).

Exit status 1 when any sample differs or was not migrated.
"""

import argparse
import os
import re
import pickle
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "..", "..", "tools")
sys.path.insert(0, os.path.abspath(TOOLS))


def inputs():
    rng = np.random.RandomState(0)
    f = lambda *s: rng.uniform(-1, 1, s).astype("float32")  # noqa: E731
    return {
        "x": f(2, 3, 4),
        "y": (np.abs(f(2, 3, 4)) + 0.1).astype("float32"),
        "m": f(3, 3),
        "v": f(4),
        "i": rng.randint(0, 4, (2, 3)).astype("int32"),
        "lab": rng.randint(0, 4, (2, 3)).astype("int32"),
        "img": f(2, 4, 4, 3),
        "k1": f(3, 4, 5),
        "k2": f(2, 2, 3, 5),
        "seq": f(2, 8, 4),
        # exact ties for grad_samples: zeros and the bounds the samples clip at
        "z": np.array([[-2.0, -0.5, -0.3, 0.0, 0.4], [0.0, 0.3, 0.4, 1.0, 2.0]], "float32"),
    }


_RUNNER = r"""
import os, pickle, sys, traceback
import numpy as np
mode, cases_path, out_path = sys.argv[1:4]
with open(cases_path, "rb") as f:
    cases, data = pickle.load(f)
if mode == "tf":
    import tensorflow as tf
    env = {"tf": tf, "np": np}
    to_np = lambda t: np.asarray(t)
else:
    import keras
    env = {"keras": keras, "np": np}
    to_np = keras.ops.convert_to_numpy
    import tensorflow as tf  # some migrated samples may keep tf (reported as not migrated)
    env["tf"] = tf
backend = "tf" if mode == "tf" else keras.backend.backend()


def weights(shape):
    # distinct weights per output element, so a gradient routed to the wrong input shows
    return np.linspace(0.5, 1.5, int(np.prod(shape))).reshape(shape).astype("float32")


def evaluate(source, var=None, value=None):
    scope = dict(env)
    if mode == "tf":
        scope.update({k: np.array(v) for k, v in data.items()})
    else:  # model code sees backend tensors
        scope.update({k: keras.ops.convert_to_tensor(v) for k, v in data.items()})
    if var is not None:
        scope[var] = value
    exec(source, scope)
    return scope["result"]


def weighted_sum(source, var, value):
    if backend == "tf":
        out = tf.cast(evaluate(source, var, value), "float32")
        return tf.reduce_sum(out * weights(tuple(out.shape)))
    out = keras.ops.cast(evaluate(source, var, value), "float32")
    return keras.ops.sum(out * keras.ops.convert_to_tensor(weights(tuple(out.shape))))


class NoGradient(Exception):
    pass


def gradient(source, var):
    # d sum(w * result) / d var with each framework's own autodiff
    start = np.array(data[var])
    if backend == "jax":
        import jax
        return jax.grad(lambda v: weighted_sum(source, var, v))(jax.numpy.asarray(start))
    if backend == "torch":
        import torch
        v = torch.tensor(start, requires_grad=True)
        weighted_sum(source, var, v).backward()
        return v.grad.detach() if v.grad is not None else torch.zeros_like(v)
    v = tf.constant(start)
    with tf.GradientTape() as tape:
        tape.watch(v)
        total = weighted_sum(source, var, v)
    try:
        result = tape.gradient(total, v)
    except LookupError:  # an op TF registers no gradient for
        raise NoGradient(var)
    if result is None:  # not differentiable in TF: nothing to compare
        raise NoGradient(var)
    return tf.convert_to_tensor(result)  # (gather's gradient is IndexedSlices)


results = {}
for key, source, grad in cases:
    try:
        value = gradient(source, grad) if grad else evaluate(source)
        if isinstance(value, (list, tuple)):
            value = value[0] if len(value) == 1 else np.stack([to_np(v) for v in value])
        results[key] = ("ok", np.asarray(to_np(value)))
    except NoGradient:
        results[key] = ("no-gradient", "")
    except Exception as e:  # noqa: BLE001
        results[key] = ("error", f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
with open(out_path, "wb") as f:
    pickle.dump(results, f)
"""


GRAD = "d/dz "  # labels a grad_samples entry: its gradient is compared, not its value


def _grad_var(labelled):
    """The input a labelled sample is differentiated by ("d/dz tf.nn.relu(z)"), or None."""
    match = re.match(r"d/d(\w+) ", labelled)
    return match.group(1) if match else None


def _run(mode, backend, cases, data, scratch):
    cases_path = os.path.join(scratch, f"cases_{mode}_{backend}.pkl")
    out_path = os.path.join(scratch, f"out_{mode}_{backend}.pkl")
    runner = os.path.join(scratch, "runner.py")
    with open(runner, "w") as f:
        f.write(_RUNNER)
    with open(cases_path, "wb") as f:
        pickle.dump((cases, data), f)
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
               JAX_PLATFORMS="cpu", TF_ENABLE_ONEDNN_OPTS="0")
    # migrated samples may import keras_migrate_runtime helpers
    env["PYTHONPATH"] = os.pathsep.join(p for p in (os.path.abspath(TOOLS), env.get("PYTHONPATH")) if p)
    env.pop("TF_USE_LEGACY_KERAS", None)
    proc = subprocess.run([sys.executable, runner, mode, cases_path, out_path], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise SystemExit(f"{mode}/{backend} runner failed:\n{proc.stdout.decode()[-3000:]}")
    with open(out_path, "rb") as f:
        return pickle.load(f)


def _kind(array):
    return {"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex"}.get(array.dtype.kind, array.dtype.kind)


def mismatch(result, ref):
    """Why a backend's (status, array) differs from TensorFlow's array, or None."""
    got_status, got = result
    if got_status != "ok":
        return got
    if got.shape != ref.shape:
        return f"shape {got.shape} != {ref.shape}"
    if _kind(got) != _kind(ref):
        return f"dtype {got.dtype} != {ref.dtype}"
    if not np.allclose(got.astype("float64"), ref.astype("float64"), rtol=1e-5, atol=1e-5, equal_nan=True):
        return f"values differ (max abs diff {np.nanmax(np.abs(got.astype('float64') - ref)):.3g})"
    return None


def main(argv=None):
    from keras_migrate import MigrationOptions, migrate_source
    from keras_migrate.spec._tf_ops import TF_OPS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("-k", "--only", default="", help="check only the samples containing this text")
    parser.add_argument("--samples", help="check the expressions in this file (one a line) instead of the table's")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--values-only", action="store_true",
                        help="skip the gradients of the samples that read x (faster)")
    args = parser.parse_args(argv)

    samples = []
    if args.samples:
        with open(args.samples) as f:
            samples = [("", line.strip()) for line in f if line.strip() and not line.startswith("#")]
    else:
        samples = [(op.tf[0], sample) for op in TF_OPS for sample in op.samples]
        samples += [(op.tf[0], GRAD + sample) for op in TF_OPS for sample in op.grad_samples]
        if not args.values_only:
            samples += [(op.tf[0], "d/dx " + sample) for op in TF_OPS for sample in op.samples
                        if re.search(r"\bx\b", sample)]
    samples = [(op, sample) for op, sample in samples if args.only in sample]
    tf_cases, migrated_cases, not_migrated = [], [], []
    for n, (op, labelled) in enumerate(samples):
        key = f"{n}"
        grad = _grad_var(labelled)
        sample = labelled.split(" ", 1)[1] if grad else labelled
        # (XLA's ops live in a module `tf.` does not reach)
        xla = "from tensorflow.compiler.tf2xla.python import xla\n" if "xla." in sample else ""
        before = f"import tensorflow as tf\nimport keras\n{xla}result = {sample}\n"
        tf_cases.append((key, before, grad))
        result = migrate_source(before, f"sample_{n}.py", MigrationOptions(mode="agnostic"))
        after = result.code
        if "tf." in after.split("\n", 2)[-1] or "xla." in after.split("\n", 2)[-1]:
            not_migrated.append((op, sample, after.strip().splitlines()[-1]))
        migrated_cases.append((key, after, grad))
    data = inputs()
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        reference = _run("tf", "tensorflow", tf_cases, data, scratch)
        per_backend = {b: _run("keras", b, migrated_cases, data, scratch) for b in args.backends.split(",")}
    counts = {b: 0 for b in per_backend}
    skipped = 0  # gradient samples TensorFlow itself does not differentiate
    for n, (op, sample) in enumerate(samples):
        key = f"{n}"
        status, ref = reference[key]
        if status == "no-gradient":
            skipped += 1
            continue
        if status != "ok":
            print(f"BAD SAMPLE   {sample}: TensorFlow fails: {ref}")
            failures += 1
            continue
        for backend, results in per_backend.items():
            problem = mismatch(results[key], ref)
            if problem:
                failures += 1
                print(f"MISMATCH     [{backend}] {sample}\n             -> {migrated_cases[n][1].strip().splitlines()[-1]}\n             {problem}")
            else:
                counts[backend] += 1
                if args.verbose:
                    print(f"ok           [{backend}] {sample}")
    for op, sample, after in not_migrated:
        failures += 1
        print(f"NOT MIGRATED {sample}\n             -> {after}")
    print(f"\n{len(samples)} samples of {len(TF_OPS)} table entries; matching TensorFlow: "
          + ", ".join(f"{b} {c}/{len(samples)}" for b, c in counts.items())
          + f"; not fully migrated: {len(not_migrated)}"
          + (f"; {skipped} gradient samples TensorFlow does not differentiate" if skipped else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
