from keras_migrate.rules.lambda_output_shape import LambdaOutputShape
from keras_migrate.testing import assert_migrates

RULES = [LambdaOutputShape]


def test_named_function_with_string_ops():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras import layers
        def lengths(s):
            return tf.strings.length(s)
        out = layers.Lambda(lengths)(text)
        """,
        rules=RULES,
        expected_diagnostics=["KM115"],
    )


def test_py_function_always_opaque():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        out = keras.layers.Lambda(lambda x: tf.py_function(f, [x], tf.float32))(inp)
        """,
        rules=RULES,
        expected_diagnostics=["KM115"],
    )


def test_output_shape_given_or_float_params_fine():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        a = keras.layers.Lambda(lambda x: tf.gather(table, x), output_shape=(4, 8))(ids)
        b = keras.layers.Lambda(lambda x: tf.gather(x, [0, 2], axis=1))(feats)
        c = keras.layers.Lambda(lambda x: tf.one_hot(x, 3), lambda s: s + (3,))(ids)
        """,
        rules=RULES,
    )


def test_one_hot_depends_on_mode():
    source = """
        import tensorflow as tf
        import keras
        a = keras.layers.Lambda(lambda x: tf.one_hot(x, 3))(ids)
        """
    assert_migrates(source, rules=RULES, mode="tensorflow", expected_diagnostics=["KM115"])
    assert_migrates(source, rules=RULES, mode="agnostic")
