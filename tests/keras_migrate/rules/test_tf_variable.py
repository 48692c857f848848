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
                self.n = keras.Variable(0, trainable=False)
        """,
        rules=RULES,
    )


def test_tf_only_methods_of_converted_variables_are_rewritten():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras

        counts = tf.Variable(tf.zeros((4,)), trainable=False)
        flag = tf.Variable(True)
        counts.scatter_nd_update([[1], [3]], [2.0, 5.0])
        counts.scatter_nd_add(indices, updates)
        counts[2].assign(7.0)
        counts[1:3].assign_sub(delta, read_value=False)
        counts.assign(other, use_locking=True)
        snapshot = counts.read_value()
        current = counts.value()
        rows = counts.sparse_read([0, 2])
        other.read_value()
        """,
        """
        import keras
        from keras_migrate_runtime import scatter_nd_update
        from keras_migrate_runtime import scatter_nd_add
        from keras_migrate_runtime import assign_slice

        counts = keras.Variable(keras.ops.zeros((4,)), trainable=False)
        flag = keras.Variable(True, trainable=False)
        scatter_nd_update(counts, [[1], [3]], [2.0, 5.0])
        scatter_nd_add(counts, indices, updates)
        assign_slice(counts, 2, 7.0)
        assign_slice(counts, slice(1, 3, None), delta, "sub")
        counts.assign(other)
        snapshot = keras.ops.copy(counts)
        current = counts.value
        rows = keras.ops.take(counts, [0, 2], axis=0)
        other.read_value()
        """,
        rules=None,
        # `other` is not known to be one of the file's variables: said, not rewritten.
        expected_diagnostics=["KM204"],
    )


def test_variables_left_on_tensorflow_keep_their_methods_in_tensorflow_mode():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        counts = tf.Variable(tf.zeros((4,)))
        counts.scatter_nd_update([[1]], [2.0])
        snapshot = counts.read_value()
        """,
        rules=None,
        mode="tensorflow",
    )
