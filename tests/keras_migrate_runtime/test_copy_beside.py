"""`keras-migrate --runtime copy` (the default on plain paths) makes migrated scripts
that use removed layers run with nothing but Keras installed."""

import os
import subprocess
import sys
import textwrap

from keras_migrate.cli import main

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    from tensorflow.keras.layers import LocallyConnected2D, Flatten, Dense

    inputs = tf.keras.Input((5, 5, 1))
    x = Flatten()(LocallyConnected2D(2, (3, 3), implementation=2)(inputs))
    model = tf.keras.Model(inputs, Dense(1)(x))
    model.add_loss(tf.reduce_mean(tf.square(x)) * 0.01)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 5, 5, 1), "float32"), np.zeros((4, 1), "float32"), verbose=0)
    print("RAN", type(model.layers[1]).__module__)
    """
)


def test_runtime_copied_beside_and_script_runs_without_tools_on_path(tmp_path):
    project = tmp_path / "project" / "pkg"
    project.mkdir(parents=True)
    (project / "train.py").write_text(SCRIPT)
    out = tmp_path / "out"
    assert main(["--output_dir", str(out), "--no-progress", "-q", str(tmp_path / "project")]) == 0
    migrated = out / "project" / "pkg"
    copied = sorted(os.listdir(migrated / "keras_migrate_runtime"))
    assert "__init__.py" in copied and "locally_connected2d.py" in copied
    assert "from keras_migrate_runtime import" in (migrated / "train.py").read_text()

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TF_USE_LEGACY_KERAS")}
    env.update(KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-E", "train.py"], cwd=migrated, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    output = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, output[-3000:]
    assert "RAN keras_migrate_runtime.locally_connected2d" in output


def test_plain_keras_file_gets_no_runtime(tmp_path):
    (tmp_path / "plain.py").write_text("import tensorflow as tf\nlayer = tf.keras.layers.Dense(2)\n")
    assert main(["--no-progress", "-q", str(tmp_path / "plain.py")]) == 0
    assert not (tmp_path / "keras_migrate_runtime").exists()
