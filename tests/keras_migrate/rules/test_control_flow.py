from keras_migrate.rules.control_flow import ControlFlow
from keras_migrate.testing import assert_migrates

RULES = [ControlFlow]


def test_return_branches_and_if_without_else():
    assert_migrates(
        """
        import keras

        class L(keras.layers.Layer):
            def call(self, x):
                if keras.ops.any(x < 0):
                    x = keras.ops.abs(x)
                if keras.ops.sum(x) > 10:
                    return x / 10
                else:
                    return x
        """,
        """
        import keras

        class L(keras.layers.Layer):
            def call(self, x):
                x = keras.ops.cond(keras.ops.any(x < 0), lambda: keras.ops.abs(x), lambda: x)
                return keras.ops.cond(keras.ops.sum(x) > 10, lambda: x / 10, lambda: x)
        """,
        rules=RULES,
    )


def test_fori_loop_with_two_carried_values():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class L(keras.layers.Layer):
            def call(self, x):
                a = x
                b = x
                for i in tf.range(1, 4):
                    a = a + b
                    b = b * 2.0
                return a + b
        """,
        """
        import tensorflow as tf
        import keras

        class L(keras.layers.Layer):
            def call(self, x):
                a = x
                b = x
                def _loop_body_1(i, _carry):
                    a, b = _carry
                    a = a + b
                    b = b * 2.0
                    return (a, b)
                a, b = keras.ops.fori_loop(1, 4, _loop_body_1, (a, b))
                return a + b
        """,
        rules=RULES,
    )


def test_static_conditions_and_complex_bodies_stay():
    assert_migrates(
        """
        import keras

        class L(keras.layers.Layer):
            def call(self, x, training=None):
                if x.shape[-1] > 3:
                    x = x[..., :3]
                if keras.ops.shape(x)[1] > 3:
                    x = x[:, :3]
                while keras.ops.max(x) > 1.0:
                    x = x / 2.0
                    if x is None:
                        break
                return x
        """,
        rules=RULES,
    )


def test_outside_layers_untouched():
    assert_migrates(
        """
        import keras

        def f(x):
            if keras.ops.sum(x) > 0:
                x = -x
            return x
        """,
        rules=RULES,
    )
