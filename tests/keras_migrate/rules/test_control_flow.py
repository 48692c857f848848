from keras_migrate.rules.autograph import AutographControlFlow
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


def test_if_elif_else_with_several_statements_becomes_branch_functions():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Clip(keras.layers.Layer):
            def call(self, x):
                s = tf.reduce_sum(x)
                if s > 10.0:
                    x = x / 2.0
                    y = x - 1.0
                elif s > 0:
                    y = x * 2.0
                else:
                    x = -x
                    y = x
                return x + y
        """,
        """
        import tensorflow as tf
        import keras

        class Clip(keras.layers.Layer):
            def call(self, x):
                s = tf.reduce_sum(x)
                def _if_branch_1(x):
                    x = x / 2.0
                    y = x - 1.0
                    return (x, y)
                def _if_branch_2(x):
                    y = x * 2.0
                    return (x, y)
                def _if_branch_3(x):
                    x = -x
                    y = x
                    return (x, y)
                x, y = keras.ops.cond(s > 10.0, lambda: _if_branch_1(x), lambda: keras.ops.cond(s > 0, lambda: _if_branch_2(x), lambda: _if_branch_3(x)))
                return x + y
        """,
        rules=[AutographControlFlow, ControlFlow],
    )


def test_return_chains_and_early_returns_become_conds():
    assert_migrates(
        """
        import keras
        from keras import ops

        class Pick(keras.layers.Layer):
            def call(self, x):
                if ops.mean(x) > 0:
                    return x
                elif ops.mean(x) > -1:
                    return x * 0.5
                else:
                    return -x

        class Early(keras.Model):
            def call(self, x):
                y = self.dense(x)
                if ops.sum(y) < 0:
                    return -y
                y = y + 1.0
                return y * 2.0

        class Short(keras.layers.Layer):
            def call(self, x):
                if ops.sum(x) < 0:
                    return -x
                return x
        """,
        """
        import keras
        from keras import ops

        class Pick(keras.layers.Layer):
            def call(self, x):
                return keras.ops.cond(ops.mean(x) > 0, lambda: x, lambda: keras.ops.cond(ops.mean(x) > -1, lambda: x * 0.5, lambda: -x))

        class Early(keras.Model):
            def call(self, x):
                y = self.dense(x)
                def _if_rest_1(y):
                    y = y + 1.0
                    return y * 2.0
                return keras.ops.cond(ops.sum(y) < 0, lambda: -y, lambda: _if_rest_1(y))

        class Short(keras.layers.Layer):
            def call(self, x):
                return keras.ops.cond(ops.sum(x) < 0, lambda: -x, lambda: x)
        """,
        rules=RULES,
    )


def test_unsafe_branches_stay():
    assert_migrates(
        """
        import keras
        from keras import ops

        class Side(keras.layers.Layer):
            def call(self, x):
                if ops.sum(x) > 0:
                    self.add_loss(ops.sum(x))
                    x = x * 2.0
                if ops.sum(x) > 1:
                    fresh = x * 2.0
                return x

        class Mixed(keras.layers.Layer):
            def call(self, x, flag=False):
                if flag:
                    x = x + 1.0
                elif ops.sum(x) > 0:
                    x = x * 2.0
                return x
        """,
        rules=RULES,
    )


def test_cond_on_a_variable_reads_its_value():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Switch(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.enabled = tf.Variable(True)
                self.scale = 2.0

            def call(self, x):
                y = tf.cond(self.enabled, lambda: x * 2.0, lambda: x)
                return keras.ops.cond(self.enabled, lambda: y, lambda: -y)
        """,
        """
        import tensorflow as tf
        import keras

        class Switch(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.enabled = tf.Variable(True)
                self.scale = 2.0

            def call(self, x):
                y = tf.cond(self.enabled.value, lambda: x * 2.0, lambda: x)
                return keras.ops.cond(self.enabled.value, lambda: y, lambda: -y)
        """,
        rules=RULES,
    )


def test_while_loops_over_weights_are_tensorflow_only_others_warned():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Halve(keras.layers.Layer):
            def build(self, input_shape):
                self.scale = self.add_weight(name="scale", shape=())

            def call(self, x):
                y = x * self.scale
                while tf.reduce_max(y) > 4.0:
                    y = y / 2.0
                z, = tf.while_loop(lambda t: tf.reduce_max(t) > self.scale, lambda t: (t / 2.0,), (x,))
                return y + z
        """,
        """
        import tensorflow as tf
        import keras

        class Halve(keras.layers.Layer):
            def build(self, input_shape):
                self.scale = self.add_weight(name="scale", shape=())

            def call(self, x):
                y = x * self.scale
                def _loop_cond_1(y):
                    return tf.reduce_max(y) > 4.0
                def _loop_body_1(y):
                    y = y / 2.0
                    return (y,)
                y, = keras.ops.while_loop(_loop_cond_1, _loop_body_1, (y,))
                z, = tf.while_loop(lambda t: tf.reduce_max(t) > self.scale, lambda t: (t / 2.0,), (x,))
                return y + z
        """,
        rules=RULES,
        expected_diagnostics=["KM206", "KM206"],
        tensorflow_only=True,
    )


def test_python_arguments_of_helper_methods_are_not_tensors():
    # keras-io's shiftvit: the mode of a helper method called from call() is a string.
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Shift(keras.layers.Layer):
            def get_shift_pad(self, x, mode):
                if mode == "left":
                    offset = 0
                    width = 1
                else:
                    offset = 1
                    width = 0
                return x[:, offset:] * width

            def call(self, x, training=False):
                return self.get_shift_pad(x, mode="left")
        """,
        rules=[AutographControlFlow, ControlFlow],
    )
