from keras_migrate.rules.symbolic_batch_size import SymbolicBatchSize
from keras_migrate.testing import assert_migrates


def test_reads_in_a_model_building_function_and_through_the_backend():
    before = ("import tensorflow as tf\n"
              "from tensorflow.keras import backend as K\n"
              "def build():\n"
              "    inputs = tf.keras.Input((8,))\n"
              "    n = K.shape(inputs)[0]\n"
              "    x = K.reshape(inputs, (n, 2, 4))\n"
              "    y = tf.reshape(x, shape=[tf.shape(inputs)[0], 8])\n"
              "    return tf.keras.Model(inputs, y)\n")
    after = before.replace("(n, 2, 4)", "(-1, 2, 4)").replace("[tf.shape(inputs)[0], 8]", "[-1, 8]")
    assert_migrates(before, after, rules=[SymbolicBatchSize], mode="agnostic")


def test_other_uses_are_reported_in_agnostic_mode_only():
    source = ("import tensorflow as tf\n"
              "inputs = tf.keras.Input((8,))\n"
              "n = tf.shape(inputs)[0]\n"
              "scaled = inputs / tf.cast(n, 'float32')\n"
              "x = tf.reshape(inputs, (n, 2, 4))\n"
              "noise = tf.zeros((tf.shape(inputs)[0], 8))\n"
              "z = tf.reshape(inputs, (tf.shape(inputs)[0], tf.shape(inputs)[0], -1))\n")
    assert_migrates(source, rules=[SymbolicBatchSize], mode="agnostic",
                    expected_diagnostics=["KM250", "KM250", "KM250", "KM250"])
    # On TensorFlow the reads stay tensors (Lambda layers), which a Keras 3 reshape's shape
    # cannot hold either: those left in a reshape are reported there too.
    assert_migrates(source, rules=[SymbolicBatchSize], mode="tensorflow",
                    expected_diagnostics=["KM250", "KM250", "KM250"])


def test_unknown_dimensions_other_than_the_batch():
    source = ("import tensorflow as tf\n"
              "frames = tf.keras.Input(shape=(None, 6))\n"
              "known = tf.keras.Input(shape=(4, 6))\n"
              "width = tf.shape(frames)[-1]\n"
              "pairs = tf.reshape(frames, (2, tf.shape(frames)[1], 3))\n"
              "halves = tf.reshape(known, (-1, tf.shape(known)[1], 2, 3))\n")
    # frames leaves dimension 1 unknown: every non-batch read may be None. The one dynamic
    # size of `pairs` becomes -1 as for the batch; the others are reported.
    assert_migrates(source, source.replace("(2, tf.shape(frames)[1], 3)", "(2, -1, 3)"),
                    rules=[SymbolicBatchSize], mode="agnostic", expected_diagnostics=["KM250", "KM250"])
    static = source.replace("shape=(None, 6)", "shape=(5, 6)")
    assert_migrates(static, rules=[SymbolicBatchSize], mode="agnostic")


def test_static_dimensions_real_tensors_and_layers_are_left_alone():
    source = ("import tensorflow as tf\n"
              "inputs = tf.keras.Input((8,))\n"
              "x = tf.reshape(inputs, (-1, tf.shape(inputs)[1] // 2, 2))\n"
              "data = tf.ones((3, 8))\n"
              "rows = tf.reshape(data, (tf.shape(data)[0], 2, 4))\n"
              "class Block(tf.keras.layers.Layer):\n"
              "    def call(self, t):\n"
              "        return tf.reshape(t, (tf.shape(t)[0], 2, 4))\n")
    assert_migrates(source, rules=[SymbolicBatchSize], mode="agnostic")
