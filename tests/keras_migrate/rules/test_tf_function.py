from keras_migrate.rules.tf_function import TfFunction
from keras_migrate.testing import assert_migrates

RULES = [TfFunction]


def test_function_still_using_tensorflow_keeps_decorator():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        @tf.function
        def step(x):
            return tf.strings.length(x)
        """,
        rules=RULES, expected_diagnostics=["KM208"],
    )


def test_call_with_unconverted_control_flow_keeps_decorator():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class L(keras.layers.Layer):
            @tf.function
            def call(self, x):
                if keras.ops.sum(x) > 0:
                    x = x * 2
                return x
        """,
        rules=RULES, expected_diagnostics=["KM208"],
    )


def test_plain_decorator_removed_with_other_decorators_kept():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        import functools

        @functools.lru_cache
        @tf.function
        def f(x):
            return keras.ops.sum(x)
        """,
        """
        import keras
        import functools

        @functools.lru_cache
        def f(x):
            return keras.ops.sum(x)
        """,
        rules=RULES, expected_diagnostics=["KM208"],
    )
