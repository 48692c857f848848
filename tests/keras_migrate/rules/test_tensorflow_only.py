from keras_migrate.rules.tensorflow_only import TensorflowOnly
from keras_migrate.testing import assert_migrates

RULES = [TensorflowOnly]


def test_hub_layer_anywhere():
    result = assert_migrates(
        """
        import tensorflow_hub as hub
        import keras
        layer = hub.KerasLayer("https://tfhub.dev/x")
        """,
        rules=RULES, expected_diagnostics=["KM207", "KM207"], tensorflow_only=True,
    )
    assert "TensorFlow Hub" in result.tensorflow_only[0]


def test_one_entry_per_reason():
    result = assert_migrates(
        """
        import tensorflow as tf
        import keras

        class M(keras.Model):
            def call(self, x):
                t = tf.lookup.StaticHashTable(init, -1)
                r = tf.RaggedTensor.from_row_lengths(x, [1, 2])
                return tf.lookup.experimental.DenseHashTable
        """,
        rules=RULES, expected_diagnostics=["KM207", "KM207", "KM207", "KM207"], tensorflow_only=True,
    )
    assert len(result.tensorflow_only) == 2


def test_string_ops_at_module_level_are_fine():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        vocab = tf.strings.split(["a b"])
        """,
        rules=RULES, tensorflow_only=False,
    )


def test_gradient_tape_in_train_step_left_to_train_step_rule():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class M(keras.Model):
            def train_step(self, data):
                with tf.GradientTape() as tape:
                    pass
        """,
        rules=RULES, tensorflow_only=False,
    )


def test_gradient_tape_is_the_gradient_tape_rules():
    # KM209 converts tapes or reports the construct that keeps one on TensorFlow.
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        for x in batches:
            with tf.GradientTape() as tape:
                loss = model(x)
        """,
        rules=RULES, tensorflow_only=False,
    )


def test_compat_v1_keras_spelling_is_keras():
    assert_migrates(
        """
        import tensorflow as tf
        norm = tf.compat.v1.keras.layers.experimental.preprocessing.Normalization()
        """,
        rules=RULES, tensorflow_only=False,
    )


def test_graph_control_and_private_modules_are_tensorflow_only():
    from keras_migrate.rules.tensorflow_only import TensorflowOnly
    from keras_migrate.testing import assert_migrates

    assert_migrates(
        """
        import tensorflow as tf
        import keras
        class Count(keras.layers.Layer):
            def call(self, x):
                with tf.control_dependencies([x]):
                    return x + 1
        """,
        rules=[TensorflowOnly], expected_diagnostics=["KM207", "KM207"], tensorflow_only=True,
    )
    assert_migrates(
        """
        import keras
        from tensorflow.compiler.tf2xla.python import xla
        y = xla.dynamic_slice(keras.ops.ones(2), [0], [1])
        """,
        rules=[TensorflowOnly], expected_diagnostics=["KM207", "KM207"], tensorflow_only=True,
    )


def test_private_module_whose_every_use_is_rewritten_goes_with_its_import():
    """keras.io's forwardforward: XLA's dynamic_update_slice is keras.ops.slice_update."""
    from keras_migrate import MigrationOptions, migrate_source

    result = migrate_source(
        "import keras\n"
        "from tensorflow.compiler.tf2xla.python import xla\n"
        "class Overlay(keras.layers.Layer):\n"
        "    def call(self, x, y):\n"
        "        return xla.dynamic_update_slice(x, y, [0])\n",
        "t.py", MigrationOptions(mode="agnostic"))
    assert result.tensorflow_only == []
    assert "xla" not in result.code and "keras.ops.slice_update(x, [0], y)" in result.code


def test_versions_config_and_host_file_io_are_not_model_code():
    """tf.__version__ checks, tf.config and tf.io.gfile run on the host with every backend."""
    from keras_migrate import MigrationOptions, migrate_source

    source = '''import tensorflow as tf
from tensorflow import keras
print(tf.__version__)
def load(path):
    files = tf.io.gfile.glob(path + "/*.txt")
    with tf.io.gfile.GFile(files[0]) as f:
        return f.read()
class M(keras.Model):
    def call(self, x):
        if tf.__version__.startswith("2") and tf.config.list_physical_devices("GPU"):
            return x
        return x * 2
'''
    result = migrate_source(source, "t.py", MigrationOptions())
    assert result.diagnostics == [] and result.tensorflow_only == [], [d.format() for d in result.diagnostics]
    assert "@tf.function" not in result.code


def test_functools_partial_in_a_dataset_map_is_pipeline_code():
    """keras-io tfrecord: ds.map(partial(read_tfrecord, labeled=True)) decodes strings in tf.data."""
    from keras_migrate import MigrationOptions, migrate_source

    source = '''from functools import partial
import tensorflow as tf
def decode_image(image):
    return tf.reshape(tf.cast(tf.image.decode_jpeg(image, channels=3), tf.float32), [8, 8, 3])
def read(example, labeled):
    return decode_image(example["image"])
ds = tf.data.TFRecordDataset(files).map(partial(read, labeled=True))
'''
    result = migrate_source(source, "t.py", MigrationOptions())
    assert result.tensorflow_only == [], [d.format() for d in result.diagnostics]
