from keras_migrate.rules.tf_ops_on_keras_tensors import TfOpsOnKerasTensors
from keras_migrate.testing import assert_migrates

RULES = [TfOpsOnKerasTensors]


def test_builder_function_dict_inputs_and_classes_untouched():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Scale(keras.layers.Layer):
            def call(self, x):
                return tf.reduce_sum(x, axis=-1)

        def build(units):
            inputs = {"a": keras.Input((3,)), "b": keras.Input((3,))}
            dense = keras.layers.Dense(units)
            x = tf.concat([inputs["a"], inputs["b"]], axis=-1)
            y = tf.nn.sigmoid(dense(x))
            return keras.Model(inputs, Scale()(y))

        data = tf.reduce_sum(tf.ones((2, 3)), axis=0)
        """,
        """
        import tensorflow as tf
        import keras

        class Scale(keras.layers.Layer):
            def call(self, x):
                return tf.reduce_sum(x, axis=-1)

        def build(units):
            inputs = {"a": keras.Input((3,)), "b": keras.Input((3,))}
            dense = keras.layers.Dense(units)
            x = keras.ops.concatenate([inputs["a"], inputs["b"]], axis=-1)
            y = keras.ops.sigmoid(dense(x))
            return keras.Model(inputs, Scale()(y))

        data = tf.reduce_sum(tf.ones((2, 3)), axis=0)
        """,
        rules=RULES,
        mode="tensorflow",
    )


def test_mixed_assignments_are_left_alone():
    # `x` is a KerasTensor in one place and a numpy array in another: no guess.
    assert_migrates(
        """
        import numpy as np
        import tensorflow as tf
        import keras

        x = np.ones((2, 3))
        y = tf.reduce_sum(x)
        x = keras.Input((3,))
        """,
        rules=RULES,
        mode="tensorflow",
    )


def test_agnostic_mode_defers_to_tf_ops_rule():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        inputs = keras.Input((3,))
        x = tf.nn.relu(inputs)
        """,
        rules=RULES,
        mode="agnostic",
    )


def test_shape_arithmetic_runs_in_a_lambda():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        inputs = keras.Input((3,))
        n = tf.shape(inputs) * 2
        """,
        """
        import tensorflow as tf
        import keras

        inputs = keras.Input((3,))
        n = keras.layers.Lambda(lambda t: tf.shape(t))(inputs) * 2
        """,
        rules=RULES,
        mode="tensorflow",
        expected_diagnostics=["KM144"],
    )


def test_two_symbolic_arguments_without_equivalent_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        a = keras.Input((3,))
        b = keras.Input((3,))
        c = tf.math.zeta(a, b)
        """,
        rules=RULES,
        mode="tensorflow",
        expected_diagnostics=["KM144"],
    )
