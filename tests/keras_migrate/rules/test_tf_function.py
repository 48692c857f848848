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


def test_decorator_kept_where_the_file_uses_concrete_functions():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        @tf.function
        def serve(x):
            return keras.ops.sum(x)

        class Exporter(keras.Model):
            @tf.function
            def predict_step(self, x):
                return self(x)

        concrete = serve.get_concrete_function(spec)
        signature = model.predict_step.get_concrete_function(spec)
        """,
        rules=RULES, expected_diagnostics=["KM208", "KM208", "KM208", "KM208"],
        tensorflow_only=True,
    )


def test_call_decorator_follows_the_autograph_verdict():
    from keras_migrate.rules.autograph import AutographControlFlow
    from keras_migrate.rules.control_flow import ControlFlow

    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Converted(keras.layers.Layer):
            @tf.function
            def call(self, x, training=None):
                if training:
                    x = x * 0.5
                if keras.ops.sum(x) > 0:
                    return x
                return -x
        """,
        """
        import keras

        class Converted(keras.layers.Layer):
            def call(self, x, training=None):
                if training:
                    x = x * 0.5
                return keras.ops.cond(keras.ops.sum(x) > 0, lambda: x, lambda: -x)
        """,
        rules=[AutographControlFlow, ControlFlow, TfFunction],
        expected_diagnostics=["KM208"],
    )
