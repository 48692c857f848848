from keras_migrate.rules.variable_tracking import VariableTracking
from keras_migrate.testing import assert_migrates

RULES = [VariableTracking]


def test_numpy_fill_keeps_float64_and_int_literal_keeps_int32():
    assert_migrates(
        """
        import numpy as np
        import tensorflow as tf
        import keras

        class Counter(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.total = tf.Variable(np.zeros((3,)), trainable=False)
                self.steps = tf.Variable(0, trainable=False)
        """,
        """
        import numpy as np
        import tensorflow as tf
        import keras

        class Counter(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.total = self.add_weight(shape=(3,), initializer="zeros", trainable=False, dtype="float64")
                self.steps = self.add_weight(shape=(), initializer=keras.initializers.Constant(0), trainable=False, dtype="int32")
        """,
        rules=RULES,
    )


def test_non_keras_classes_and_plain_variables_untouched():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Tracker(tf.Module):
            def __init__(self):
                self.v = tf.Variable(1.0)

        step = tf.Variable(0)
        """,
        rules=RULES,
    )


def test_unmappable_arguments_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class L(keras.layers.Layer):
            def build(self, shape):
                self.v = tf.Variable(tf.zeros(shape), shape=tf.TensorShape(None))
        """,
        rules=RULES,
        expected_diagnostics=["KM146"],
    )
