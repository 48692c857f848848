"""Runtime layers vs genuine Keras 2: the cases, run in one framework per process.

    TF_USE_LEGACY_KERAS=1 python parity_cases.py keras2 OUT.npz   # tf_keras (Keras 2)
    KERAS_BACKEND=jax python parity_cases.py keras3 REF.npz       # prints JSON max diffs

Keras 2 builds each layer, gets seeded weights in its own layout, and records
inputs, weights, outputs and gradients (of sum(outputs * probe) wrt the input
and every weight). Keras 3 loads the very same weights into the
keras_migrate_runtime layer with set_weights() and recomputes everything, after
a get_config()/from_config() round trip. test_runtime_parity.py drives both.
"""

import json
import os
import sys

import numpy as np

# (case id, layer, config, input shape without batch)
LC_CASES = []
for impl in (1, 2, 3):
    for fmt in ("channels_last", "channels_first"):
        LC_CASES.append((
            f"lc1d_impl{impl}_{fmt}", "LocallyConnected1D",
            dict(filters=3, kernel_size=3, strides=2, data_format=fmt, implementation=impl, activation="tanh"),
            (4, 7) if fmt == "channels_first" else (7, 4),
        ))
        LC_CASES.append((
            f"lc2d_impl{impl}_{fmt}", "LocallyConnected2D",
            dict(filters=2, kernel_size=(2, 3), strides=(2, 1), data_format=fmt, implementation=impl),
            (3, 5, 6) if fmt == "channels_first" else (5, 6, 3),
        ))
    if impl != 1:  # padding="same" needs implementation 2 or 3 (both Kerases)
        LC_CASES.append((
            f"lc1d_impl{impl}_same_even_kernel", "LocallyConnected1D",
            dict(filters=2, kernel_size=2, padding="same", implementation=impl, use_bias=False),
            (5, 2),
        ))
        LC_CASES.append((
            f"lc2d_impl{impl}_same_strided", "LocallyConnected2D",
            dict(filters=3, kernel_size=3, strides=2, padding="same", implementation=impl, activation="relu"),
            (5, 4, 2),
        ))
LC_CASES.append((
    "lc2d_impl1_nobias", "LocallyConnected2D",
    dict(filters=4, kernel_size=1, use_bias=False, implementation=1), (3, 3, 2),
))
RFF_CASES = [
    ("rff_gaussian", dict(output_dim=6, kernel_initializer="gaussian"), (4,)),
    ("rff_laplacian_trainable", dict(output_dim=5, kernel_initializer="laplacian", scale=0.7, trainable=True), (3,)),
]
RADIAL_SHAPES = [(2, 2, 1, 2), (3, 3, 2, 2), (4, 4, 1, 3), (5, 5, 2, 1), (6, 6, 1, 1)]
BATCH = 3


def _seeded(shape, seed):
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype("float32")


def _grads_tf(fn, tensors):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(tensors)
        value = fn()
    return [np.asarray(g) for g in tape.gradient(value, tensors)]


def record_keras2(out_path):
    import tensorflow as tf
    from tensorflow import keras

    assert "tf_keras" in keras.layers.Dense.__module__, "not Keras 2 (tf_keras)"
    data = {}
    for case, layer_name, config, in_shape in LC_CASES:
        layer = getattr(keras.layers, layer_name)(**config)
        x = tf.constant(_seeded((BATCH,) + in_shape, 1))
        layer(x)
        weights = [_seeded(w.shape, 10 + i) for i, w in enumerate(layer.weights)]
        layer.set_weights(weights)
        y = layer(x)
        probe = _seeded(y.shape, 2)
        grads = _grads_tf(lambda: tf.reduce_sum(layer(x) * probe), [x] + list(layer.trainable_weights))
        data[case + "/x"] = x.numpy()
        data[case + "/y"] = y.numpy()
        data[case + "/probe"] = probe
        for i, w in enumerate(weights):
            data[f"{case}/w{i}"] = w
        for i, g in enumerate(grads):
            data[f"{case}/g{i}"] = g
    for case, config, in_shape in RFF_CASES:
        np.random.seed(3)  # the laplacian initializer draws from numpy's global RNG
        layer = keras.layers.experimental.RandomFourierFeatures(**config)
        x = tf.constant(_seeded((BATCH,) + in_shape, 4))
        layer(x)
        data[case + "/initial_unscaled_kernel"] = layer.unscaled_kernel.numpy()
        data[case + "/initial_kernel_scale"] = layer.kernel_scale.numpy()
        weights = [np.abs(_seeded(w.shape, 20 + i)) + 0.5 for i, w in enumerate(layer.get_weights())]
        layer.set_weights(weights)
        data[case + "/x"] = x.numpy()
        data[case + "/y"] = layer(x).numpy()
        for i, w in enumerate(weights):
            data[f"{case}/w{i}"] = w
    constraint = keras.constraints.RadialConstraint()
    for shape in RADIAL_SHAPES:
        w = _seeded(shape, 5)
        data[f"radial_{'x'.join(map(str, shape))}/w"] = w
        data[f"radial_{'x'.join(map(str, shape))}/y"] = constraint(tf.constant(w)).numpy()
    K = keras.backend
    for case, (probs, labels, in_len, lab_len) in _ctc_cases().items():
        data[case + "/cost"] = K.ctc_batch_cost(labels, probs, in_len, lab_len).numpy()
        decoded, log_prob = K.ctc_decode(probs, in_len[:, 0], greedy=True)
        data[case + "/greedy"], data[case + "/greedy_log_prob"] = decoded[0].numpy(), log_prob.numpy()
        with tf.GradientTape() as tape:
            p = tf.constant(probs)
            tape.watch(p)
            cost = tf.reduce_sum(K.ctc_batch_cost(labels, p, in_len, lab_len))
        data[case + "/grad"] = tape.gradient(cost, p).numpy()
    np.savez(out_path, **data)


def _ctc_cases():
    """Softmax outputs (batch, time, classes), dense labels, (batch, 1) lengths (K.ctc_*'s
    conventions: the blank is the last class)."""
    cases = {}
    for name, (b, t, c, n, seed) in {"ctc_small": (3, 7, 5, 3, 0), "ctc_wide": (2, 12, 9, 5, 1)}.items():
        rng = np.random.RandomState(seed)
        logits = rng.normal(size=(b, t, c)).astype("float32") * 2.0
        probs = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype("float32")
        labels = rng.randint(0, c - 1, size=(b, n)).astype("float32")
        in_len = np.array([[t - i] for i in range(b)], "int64")
        lab_len = np.array([[n - (i % 2)] for i in range(b)], "int64")
        cases[name] = (probs, labels, in_len, lab_len)
    # keras.io's OCR pads labels with 99 (past the blank) and passes the padded length
    probs, labels, in_len, _ = cases["ctc_wide"]
    padded = np.concatenate([labels, np.full((labels.shape[0], 3), 99.0, "float32")], axis=1)
    padded[1, 4:] = 99.0
    cases["ctc_padded"] = (probs, padded, in_len, np.full((labels.shape[0], 1), padded.shape[1], "int64"))
    return cases


def _to_numpy(value):
    import keras

    if hasattr(value, "detach"):  # torch tensors that require grad
        value = value.detach()
    return np.asarray(keras.ops.convert_to_numpy(value))


def _grads_keras3(fn, tensors):
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _grads_tf(fn, [t.value if hasattr(t, "value") else t for t in tensors])
    if backend == "torch":
        import torch

        torch_tensors = [t.value if hasattr(t, "value") else t for t in tensors]
        value = fn()
        return [g.detach().cpu().numpy() for g in torch.autograd.grad(value, torch_tensors)]
    raise AssertionError("use _grads_jax")


def check_keras3(ref_path):
    import keras

    import keras_migrate_runtime as runtime

    ref = dict(np.load(ref_path))
    backend = keras.backend.backend()
    diffs = {}

    def diff(key, got, relative=False):
        scale = float(np.max(np.abs(ref[key]))) if relative and ref[key].size else 1.0
        diffs[key] = float(np.max(np.abs(_to_numpy(got) - ref[key]))) / max(scale, 1.0) if ref[key].size else 0.0

    for case, layer_name, config, _ in LC_CASES:
        layer = getattr(runtime, layer_name)(**config)
        layer = type(layer).from_config(layer.get_config())
        x = ref[case + "/x"]
        layer(x)
        nweights = len([k for k in ref if k.startswith(case + "/w")])
        layer.set_weights([ref[f"{case}/w{i}"] for i in range(nweights)])
        diff(case + "/y", layer(x))
        probe = ref[case + "/probe"]
        if backend == "jax":
            import jax

            trainable = [v.value for v in layer.trainable_variables]
            non_trainable = [v.value for v in layer.non_trainable_variables]

            def loss(x_, tv):
                y, _ = layer.stateless_call(tv, non_trainable, x_)
                return jax.numpy.sum(y * probe)

            gx, gw = jax.grad(loss, argnums=(0, 1))(jax.numpy.asarray(x), trainable)
            grads = [gx] + list(gw)
        else:
            xt = keras.ops.convert_to_tensor(x)
            if backend == "torch":
                xt.requires_grad_(True)
            grads = _grads_keras3(
                lambda: keras.ops.sum(layer(xt) * keras.ops.convert_to_tensor(probe)), [xt] + list(layer.trainable_variables)
            )
        for i, g in enumerate(grads):
            diff(f"{case}/g{i}", g)
    for case, config, _ in RFF_CASES:
        np.random.seed(3)
        layer = runtime.RandomFourierFeatures(**config)
        x = ref[case + "/x"]
        layer(x)
        if config["kernel_initializer"] == "laplacian":  # gaussian draws differ by design
            diff(case + "/initial_unscaled_kernel", layer.unscaled_kernel)
        diff(case + "/initial_kernel_scale", layer.kernel_scale)
        layer = runtime.RandomFourierFeatures.from_config(layer.get_config())
        layer(x)
        layer.set_weights([ref[f"{case}/w{i}"] for i in range(3)])
        diff(case + "/y", layer(x))
    constraint = runtime.RadialConstraint.from_config(runtime.RadialConstraint().get_config())
    for shape in RADIAL_SHAPES:
        name = f"radial_{'x'.join(map(str, shape))}"
        diff(name + "/y", constraint(keras.ops.convert_to_tensor(ref[name + "/w"])))
    for case, (probs, labels, in_len, lab_len) in _ctc_cases().items():
        diff(case + "/cost", runtime.keras2_ctc_batch_cost(labels, probs, in_len, lab_len))
        decoded, log_prob = runtime.keras2_ctc_decode(probs, in_len[:, 0], greedy=True)
        diff(case + "/greedy", decoded[0])
        diff(case + "/greedy_log_prob", log_prob)
        cost = lambda p: keras.ops.sum(runtime.keras2_ctc_batch_cost(labels, p, in_len, lab_len))  # noqa: E731
        if backend == "jax":
            import jax

            diff(case + "/grad", jax.grad(cost)(jax.numpy.asarray(probs)), relative=True)
        else:
            p = keras.ops.convert_to_tensor(probs)
            if backend == "torch":
                p.requires_grad_(True)
            # d/dp log(p + eps) is large for small p: compared relative to its largest value
            diff(case + "/grad", _grads_keras3(lambda: cost(p), [p])[0], relative=True)
    # Registered serializables: a .keras file with every runtime symbol loads back.
    import tempfile

    model = keras.Sequential([
        keras.Input((6, 4)),
        runtime.LocallyConnected1D(2, 3, implementation=2, padding="same"),
        keras.layers.Reshape((6, 2, 1)),
        runtime.LocallyConnected2D(2, 2, implementation=3, kernel_constraint=runtime.RadialConstraint()),
        keras.layers.Flatten(),
        runtime.RandomFourierFeatures(3, kernel_initializer="laplacian"),
    ])
    x = ref["lc1d_impl1_channels_last/x"][:, :6, :]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
    diffs["saved_model_roundtrip"] = float(np.max(np.abs(_to_numpy(model(x)) - _to_numpy(loaded(x)))))

    # runtime RNN without constants == keras.layers.RNN (same weights, same order), and it saves.
    seq = ref["lc1d_impl1_channels_last/x"]
    plain = keras.layers.RNN(keras.layers.SimpleRNNCell(3), return_sequences=True)
    ours = runtime.RNN(keras.layers.SimpleRNNCell(3), return_sequences=True)
    plain(seq)
    ours(seq)
    ours.set_weights(plain.get_weights())
    diffs["rnn_without_constants_equals_keras_rnn"] = float(np.max(np.abs(_to_numpy(plain(seq)) - _to_numpy(ours(seq)))))
    rnn_model = keras.Sequential([keras.Input(seq.shape[1:]), ours])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "rnn.keras")
        rnn_model.save(path)
        loaded = keras.saving.load_model(path)
    # A model rebuilt by add_symbolic_loss still saves and loads (without the loss function).
    import warnings

    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(2)(inputs)
    with_loss = runtime.add_symbolic_loss(
        keras.Model(inputs, keras.layers.Dense(1)(hidden)), lambda h: keras.ops.mean(h * h), hidden
    )
    x4 = ref["rff_gaussian/x"]
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = os.path.join(tmp, "add_loss.keras")
        with_loss.save(path)
        reloaded = keras.saving.load_model(path)
    diffs["add_loss_model_roundtrip"] = float(np.max(np.abs(_to_numpy(with_loss(x4)) - _to_numpy(reloaded(x4)))))
    diffs["rnn_saved_model_roundtrip"] = float(np.max(np.abs(_to_numpy(rnn_model(seq)) - _to_numpy(loaded(seq)))))
    print(json.dumps({"backend": backend, "diffs": diffs}))


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "keras2":
        assert os.environ.get("TF_USE_LEGACY_KERAS") == "1", "run with TF_USE_LEGACY_KERAS=1"
        record_keras2(path)
    else:
        check_keras3(path)
