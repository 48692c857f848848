from keras_migrate.rules.tf_variable import TfVariable
from keras_migrate.testing import assert_migrates

RULES = [TfVariable]


def test_keyword_initial_value_and_dtype():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        v = tf.Variable(initial_value=[1.0, 2.0], dtype="float32", validate_shape=True)
        """,
        """
        import keras
        v = keras.Variable([1.0, 2.0], dtype="float32")
        """,
        rules=RULES,
    )


def test_tensorflow_specific_arguments_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        v = tf.Variable(1.0, synchronization=tf.VariableSynchronization.ON_READ)
        """,
        rules=RULES,
        expected_diagnostics=["KM204"],
    )


def test_plain_class_is_not_a_layer():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Counter:
            def __init__(self):
                self.n = tf.Variable(0)
        """,
        """
        import keras

        class Counter:
            def __init__(self):
                self.n = keras.Variable(0)
        """,
        rules=RULES,
    )
