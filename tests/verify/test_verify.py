"""`keras-migrate verify` end to end: real Keras 2 and Keras 3 runs (about a minute)."""

import json
import os
import textwrap

import pytest

from keras_migrate.cli import main

IDENTICAL = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    from tensorflow import keras
    from tensorflow.keras import layers


    class Noisy(layers.Layer):
        def call(self, x, training=None):
            # tf.random in user code: deterministic in every verified run
            return x + 0.01 * tf.random.normal(tf.shape(x))


    inputs = keras.Input((4,))
    h = layers.Dense(8, activation="relu")(inputs)
    h = layers.Dropout(0.3)(h)
    h = Noisy()(h)
    model = keras.Model(inputs, layers.Dense(1)(h))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    rng = np.random.RandomState(0)
    x = rng.rand(64, 4).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    print(model.evaluate(x, y, verbose=0))
    model(x[:2])
    """
)

# Random ops in a tf.data pipeline (graph mode, dynamic shapes) and at module level.
RANDOM_DATA = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    import tensorflow.compat.v2 as tf2  # its own module object (TF Probability samples from it)
    from tensorflow import keras

    x = tf.random.stateless_normal((32, 3), seed=(1, 2)) + 0.1 * tf2.random.normal((32, 3))
    x = tf.random.shuffle(x)

    def jitter(row):
        return row + tf.random.uniform(tf.shape(row), -0.1, 0.1)

    data = tf.data.Dataset.from_tensor_slices(x).map(jitter).batch(8).map(lambda b: (b, tf.reduce_sum(b, 1)))
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(data, epochs=2, verbose=0)
    """
)

# Categorical sampling inside a layer (keras.random.categorical after migration) and as TF
# Probability draws it at module level (tf.compat.v2's stateless_categorical).
CATEGORICAL = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    import tensorflow.compat.v2 as tf2
    from tensorflow import keras


    class Sample(keras.layers.Layer):
        def call(self, logits):
            return tf.random.categorical(logits, 3)


    inputs = keras.Input((5,))
    logits = keras.layers.Dense(4)(inputs)
    model = keras.Model(inputs, [logits, Sample()(logits)])
    x = np.linspace(-1, 1, 40, dtype="float32").reshape(8, 5)
    print(model.predict(x, verbose=0)[1])
    print(tf2.random.stateless_categorical(tf.math.log([[0.1, 0.2, 0.7]] * 4), 5, seed=(1, 2)))
    """
)

# tf_keras 2.21 silently ignores `lr=`; the migrated code honours learning_rate=.
LR_IGNORED = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf

    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.Adam(lr=0.05), loss="mse")
    x = np.arange(24, dtype="float32").reshape(8, 3) / 24
    model.fit(x, x.sum(axis=1), epochs=2, verbose=0)
    """
)

# The global NumPy / random generators at module level (make_moons, np.random.rand data):
# importing TensorFlow / Keras draws from them, so the harness seeds after the framework import.
GLOBAL_GENERATORS = textwrap.dedent(
    """
    import random
    import numpy as np
    import tensorflow as tf
    from tensorflow import keras

    x = np.random.rand(64, 4).astype("float32")
    x = x[np.random.permutation(64)]
    y = (x.sum(axis=1, keepdims=True) + random.random()).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y + np.random.normal(size=y.shape).astype("float32"), epochs=1, batch_size=16, verbose=0)
    model(x[:3])
    """
)

# A shuffled tf.data pipeline over several epochs: each new iterator reshuffles, and Keras 3's
# trainers open other numbers of iterators than Keras 2; the harness keeps one order for every
# iteration.
SHUFFLED_EPOCHS = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    from tensorflow import keras

    rng = np.random.RandomState(0)
    x = rng.rand(64, 4).astype("float32")
    y = (x @ np.arange(1, 5, dtype="float32"))[:, None]
    train = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(64).batch(16)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    model.fit(train, epochs=3, verbose=0)
    """
)

# Big batches split by --max-batch (rebatch makes the number of batches unknown) and capped
# by --max-steps: Keras 2 counts an extra Adam step after an epoch of unknown length, so the
# harness keeps the capped pipeline's length known.
SPLIT_BATCHES_ADAM = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    from tensorflow import keras

    rng = np.random.RandomState(0)
    x = rng.rand(400, 12).astype("float32")
    y = rng.randint(0, 3, size=(400, 1))
    train = tf.data.Dataset.from_tensor_slices((x, y)).batch(128).prefetch(2)
    model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(train, epochs=2, validation_data=train, verbose=0)
    """
)

# --max-steps caps what is evaluated, never how many rows predict() returns: programs index
# the predictions by their inputs (keras.io molecule_generation decodes 1,000 latents).
PREDICT_WHOLE = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    from tensorflow import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.linspace(0, 1, 300, dtype="float32").reshape(100, 3)
    model.fit(x, x[:, :2], epochs=1, verbose=0)
    predictions = model.predict(x, verbose=0)
    print([float(predictions[i].sum()) for i in range(len(x))][-1])
    data = tf.data.Dataset.from_tensor_slices(x).batch(10)
    assert len(model.predict(data, verbose=0)) == 20  # a pipeline is capped: 2 batches
    """
)

# A Sequence capped by --max-steps is read from its first batch every epoch (Keras 2 starts
# a Sequence at batch 0 each epoch, Keras 3 goes on where steps_per_epoch stopped); the
# program's own len() stays.
SEQUENCE_EPOCHS = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    from tensorflow import keras


    class Batches(keras.utils.Sequence):
        def __len__(self):
            return 5

        def __getitem__(self, index):
            x = np.linspace(0, 1, 12, dtype="float32").reshape(4, 3) * (index + 1)
            return x, x.sum(axis=1, keepdims=True)


    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    batches = Batches()
    model.fit(batches, epochs=2, verbose=0)
    assert len(batches) == 5
    """
)

CRASHES_IN_KERAS3 = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf

    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    print(model._is_graph_network)  # a Keras 2 private attribute
    """
)

# A layer Keras 2 builds and Keras 3 never does (added to a Sequential model made of
# cloned, already built layers, then discarded), and a tf.Variable made from an
# initializer in build() that the migrated code makes with add_weight: initial values
# keyed per (layer, shape) stay paired.
UNEVEN_BUILDS = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    from tensorflow import keras


    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            init = keras.initializers.GlorotUniform()
            self.w = tf.Variable(init(shape=(input_shape[-1], 1)), trainable=True)

        def call(self, x):
            return tf.matmul(x, self.w)


    x = np.linspace(0, 1, 64, dtype="float32").reshape(16, 4)
    y = x.sum(axis=1, keepdims=True)
    base = keras.Sequential([keras.layers.Dense(3, input_shape=[4]), keras.layers.Dense(2)])
    clone = keras.models.clone_model(base)
    discarded = keras.Sequential(clone.layers[:-1])
    discarded.add(keras.layers.Dense(1))  # Keras 2 builds this layer at once; it is never used
    head = keras.Sequential(clone.layers[:-1])
    head.add(keras.layers.Dense(1))
    head.compile(optimizer="sgd", loss="mse")
    head.fit(x, y, epochs=1, verbose=0)
    scaled = keras.Sequential([keras.Input((4,)), Scale()])
    scaled.compile(optimizer="sgd", loss="mse")
    scaled.fit(x, y, epochs=1, verbose=0)
    """
)


def _verify(tmp_path, source, *flags):
    script = tmp_path / "prog.py"
    script.write_text(source)
    out = tmp_path / "verdict.json"
    code = main(["verify", "--json", str(out), *flags, str(script)])
    return code, json.loads(out.read_text())


def test_identical_on_every_backend(tmp_path, capsys):
    code, report = _verify(tmp_path, IDENTICAL)
    assert report["keras2"]["status"] == "ok"
    assert {b: v["verdict"] for b, v in report["backends"].items()} == {
        "jax": "identical", "tensorflow": "identical", "torch": "identical"}, report["backends"]
    assert code == 0 and report["identical"] and report["supported_backends"] == ["jax", "tensorflow", "torch"]
    # fit history, evaluate, the module-level model call, final weights
    assert report["keras2"]["records"] == 5
    neutralised = report["backends"]["jax"]["neutralised"]
    assert any("Dropout" in k for k in neutralised) and any("random.normal returns deterministic values" in k for k in neutralised)
    assert "verdict: identical on jax, tensorflow, torch" in capsys.readouterr().out


def test_initial_values_pair_up_when_one_run_builds_more_layers(tmp_path):
    code, report = _verify(tmp_path, UNEVEN_BUILDS, "--backends", "jax,torch")
    assert {b: v["verdict"] for b, v in report["backends"].items()} == {
        "jax": "identical", "torch": "identical"}, report["backends"]


def test_random_ops_are_deterministic_in_graph_and_eager_code(tmp_path):
    code, report = _verify(tmp_path, RANDOM_DATA, "--backends", "jax")
    assert report["backends"]["jax"]["verdict"] == "identical", report["backends"]["jax"]
    neutralised = report["backends"]["jax"]["neutralised"]
    # (the migrator keeps seeded stateless ops, KM203, and turns tf.random.shuffle into keras.random's)
    for name in ("stateless_normal", "shuffle", "uniform"):
        assert any(f"random.{name} returns deterministic values" in k for k in neutralised), neutralised


def test_categorical_draws_match(tmp_path):
    code, report = _verify(tmp_path, CATEGORICAL, "--backends", "jax,torch")
    assert {b: v["verdict"] for b, v in report["backends"].items()} == {
        "jax": "identical", "torch": "identical"}, report["backends"]
    neutralised = report["backends"]["jax"]["neutralised"]
    assert any("keras.random.categorical returns deterministic values" in k for k in neutralised), neutralised
    assert any("tf.random.stateless_categorical returns deterministic values" in k for k in neutralised), neutralised


def test_module_level_global_generators_match(tmp_path):
    code, report = _verify(tmp_path, GLOBAL_GENERATORS, "--backends", "jax,torch")
    assert {b: v["verdict"] for b, v in report["backends"].items()} == {
        "jax": "identical", "torch": "identical"}, report["backends"]

# --max-steps caps the program's own loops over a dataset too (a custom training loop,
# TensorFlow's quickstart for experts: 1,875 eager steps an epoch on JAX and PyTorch),
# while Keras's own iteration (fit over a repeated dataset, its iterator spanning epochs)
# stays whole.
CUSTOM_LOOP = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    from tensorflow import keras

    x = np.linspace(-1, 1, 600, dtype="float32").reshape(200, 3)
    y = x.sum(axis=1, keepdims=True)
    train_ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    optimizer = keras.optimizers.SGD(0.05)
    steps = 0
    for epoch in range(2):
        for step, (xb, yb) in enumerate(train_ds):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(xb, training=True) - yb))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            steps += 1
    assert steps == 4, steps
    first = next(iter(train_ds))
    assert len(list(train_ds.take(1))) == 1
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(train_ds.repeat(), steps_per_epoch=3, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    """
)


def test_shuffled_dataset_epochs_match(tmp_path):
    # Keras 3's JAX and PyTorch trainers open an iterator to build the model, its
    # TensorFlow trainer does not (keras.io focal_modulation): all three must match
    code, report = _verify(tmp_path, SHUFFLED_EPOCHS, "--backends", "jax,torch,tensorflow")
    assert {b: v["verdict"] for b, v in report["backends"].items()} == {
        "jax": "identical", "torch": "identical", "tensorflow": "identical"}, report["backends"]


def test_split_and_capped_batches_keep_adam_in_step(tmp_path):
    code, report = _verify(tmp_path, SPLIT_BATCHES_ADAM, "--backends", "jax", "--max-batch", "32", "--max-steps", "3")
    assert report["backends"]["jax"]["verdict"] == "identical", report["backends"]["jax"]


def test_capped_predict_keeps_every_row_of_arrays(tmp_path):
    code, report = _verify(tmp_path, PREDICT_WHOLE, "--backends", "jax", "--max-steps", "2")
    assert report["keras2"]["status"] == "ok", report["keras2"]
    assert code == 0 and report["backends"]["jax"]["verdict"] == "identical", report["backends"]["jax"]


def test_capped_sequence_restarts_every_epoch(tmp_path):
    code, report = _verify(tmp_path, SEQUENCE_EPOCHS, "--backends", "jax,torch", "--max-steps", "2")
    assert report["keras2"]["status"] == "ok", report["keras2"]
    assert {b: v["verdict"] for b, v in report["backends"].items()} == {
        "jax": "identical", "torch": "identical"}, report["backends"]


def test_the_programs_own_dataset_loops_are_capped(tmp_path):
    code, report = _verify(tmp_path, CUSTOM_LOOP, "--backends", "jax,torch", "--max-steps", "2")
    assert report["keras2"]["status"] == "ok", report["keras2"]
    assert {b: v["verdict"] for b, v in report["backends"].items()} == {
        "jax": "identical", "torch": "identical"}, report["backends"]
    assert any("own loops over a tf.data dataset" in k for k in report["backends"]["jax"]["neutralised"])


def test_ignored_lr_is_reported_as_a_difference(tmp_path):
    code, report = _verify(tmp_path, LR_IGNORED, "--backends", "jax")
    assert code == 1
    v = report["backends"]["jax"]
    assert v["verdict"] == "differs", v
    assert v["difference"]["label"].startswith("fit #1") and "loss" in v["difference"]["path"]


def test_crash_names_exception_and_line(tmp_path):
    code, report = _verify(tmp_path, CRASHES_IN_KERAS3, "--backends", "torch")
    assert code == 1
    crash = report["backends"]["torch"]["crash"]
    assert report["backends"]["torch"]["verdict"] == "crashed"
    assert crash["type"] == "AttributeError" and "_is_graph_network" in crash["code"]
    assert crash["original_file"] == "prog.py" and crash["original_line"] == 8


def test_keras2_failure_exits_2_and_names_the_error(tmp_path):
    code, report = _verify(tmp_path, "import tensorflow as tf\nraise SystemExit('no data here')\n", "--backends", "jax")
    assert code == 2
    assert report["keras2"]["status"] == "crashed"
    assert report["backends"]["jax"]["verdict"] == "no-reference"


def test_keep_inside_the_programs_directory_is_not_copied_into_itself(tmp_path):
    code, report = _verify(tmp_path, "print('no keras here')\n", "--backends", "jax", "--keep", str(tmp_path / "keep"))
    assert report["keras2"]["status"] == "ok"
    assert not (tmp_path / "keep" / "keras2" / "cwd" / "keep").exists()
    assert os.path.isdir(tmp_path / "keep" / "migrated_src")


def test_relative_keep_directory(tmp_path, monkeypatch):
    # `--keep kept` from the program's directory: the runs start elsewhere, the path is the caller's
    monkeypatch.chdir(tmp_path)
    code, report = _verify(tmp_path, "print('no keras here')\n", "--backends", "jax", "--keep", "kept")
    assert report["keras2"]["status"] == "ok", report["keras2"]
    assert os.path.isdir(tmp_path / "kept" / "migrated_src")


def test_a_kept_directory_can_be_verified_into_again(tmp_path):
    # the second run starts from fresh run directories: the program's makedirs succeeds again
    source = "import os\nos.makedirs('data')\nprint('made')\n"
    for _ in range(2):
        code, report = _verify(tmp_path, source, "--backends", "jax", "--keep", str(tmp_path / "keep"))
        assert report["keras2"]["status"] == "ok", report["keras2"]


def test_usage_errors():
    with pytest.raises(SystemExit):
        main(["verify"])
    with pytest.raises(SystemExit):
        main(["verify", "--backends", "numpy", "x.py"])
