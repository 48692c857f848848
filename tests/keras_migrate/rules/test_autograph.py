import libcst as cst

from keras_migrate.engine import Rule
from keras_migrate.rules._facts import NodeFacts
from keras_migrate.rules.autograph import AutographControlFlow
from keras_migrate.testing import assert_migrates

RULES = [AutographControlFlow]


def test_derived_tensor_while_loop_and_import_added():
    assert_migrates(
        """
        import keras
        from keras import ops

        class Halve(keras.layers.Layer):
            def call(self, x):
                peak = ops.max(ops.abs(x))
                while peak > 4.0:
                    x = x / 2.0
                    peak = peak / 2.0
                return x
        """,
        """
        import keras
        from keras import ops
        import tensorflow as tf

        class Halve(keras.layers.Layer):
            @tf.function
            def call(self, x):
                peak = ops.max(ops.abs(x))
                while peak > 4.0:
                    x = x / 2.0
                    peak = peak / 2.0
                return x
        """,
        rules=RULES,
        mode="tensorflow",
    )


def test_already_decorated_and_non_layer_untouched():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class A(keras.layers.Layer):
            @tf.function(reduce_retracing=True)
            def call(self, x):
                if tf.reduce_sum(x) > 0:
                    return x
                return -x

        class Helper:
            def call(self, x):
                if tf.reduce_sum(x) > 0:
                    return x
                return -x
        """,
        rules=RULES,
        mode="tensorflow",
    )


def test_agnostic_mode_keeps_tf_function_and_reports_tensorflow_only():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class A(keras.layers.Layer):
            def call(self, x):
                if tf.reduce_sum(x) > 0:
                    return x
                return -x
        """,
        """
        import tensorflow as tf
        import keras

        class A(keras.layers.Layer):
            @tf.function
            def call(self, x):
                if tf.reduce_sum(x) > 0:
                    return x
                return -x
        """,
        rules=RULES,
        mode="agnostic",
        tensorflow_only=True,
    )


class _FakeConverter(Rule):
    """Stands in for the part-2 control-flow rule: claims every `if` it leaves."""

    id = "KM999"
    name = "fake_converter"
    description = "Test double."

    def leave_If(self, original, updated):
        self.ctx.node_facts(NodeFacts).converted.add(id(original))
        return updated


def test_statements_converted_by_the_agnostic_rule_need_no_decorator():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class A(keras.layers.Layer):
            def call(self, x):
                if tf.reduce_sum(x) > 0:
                    return x
                return -x
        """,
        rules=[_FakeConverter, AutographControlFlow],
        mode="agnostic",
    )


def test_control_flow_in_methods_call_reaches_is_found():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Gate(keras.layers.Layer):
            def _gate(self, x):
                for row in x:
                    if tf.reduce_sum(row) > 0:
                        return x
                return -x

            def build(self, input_shape):
                if input_shape[-1] > 3:
                    self.wide = True

            def call(self, x):
                return self._gate(x) + 1.0
        """,
        """
        import tensorflow as tf
        import keras

        class Gate(keras.layers.Layer):
            def _gate(self, x):
                for row in x:
                    if tf.reduce_sum(row) > 0:
                        return x
                return -x

            def build(self, input_shape):
                if input_shape[-1] > 3:
                    self.wide = True

            @tf.function
            def call(self, x):
                return self._gate(x) + 1.0
        """,
        rules=RULES,
        mode="agnostic",
        tensorflow_only=True,
    )


def test_decorated_call_with_tensor_control_flow_is_tensorflow_only():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class A(keras.layers.Layer):
            @tf.function
            def call(self, x):
                while tf.reduce_sum(x) > 0:
                    x = x - 1.0
                    print(x)
                return x
        """,
        rules=RULES,
        mode="agnostic",
        tensorflow_only=True,
    )
