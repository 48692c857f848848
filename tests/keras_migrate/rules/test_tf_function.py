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


def test_call_decided_after_other_rules_replaced_it():
    # KM227 rewrites call() when the class is left, before this rule decides: the
    # decision still finds the method (a serving signature was kept silently before).
    from keras_migrate.rules.model_training_flag import ModelTrainingFlag

    for decorated in ("@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])",
                      "@tf.function(input_signature=(tf.TensorSpec([None, 3]),), reduce_retracing=True)"):
        result = assert_migrates(
            f"""
            import tensorflow as tf
            import keras

            class Net(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.dense = keras.layers.Dense(2)

                {decorated}
                def call(self, x):
                    return self.dense(x)
            """,
            f"""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import Keras2Training

            class Net(Keras2Training, keras.Model):
                def __init__(self):
                    super().__init__()
                    self.dense = keras.layers.Dense(2)

                {decorated}
                def call(self, x):
                    return self.dense(x)
            """,
            rules=[TfFunction, ModelTrainingFlag], mode="agnostic", expected_diagnostics=["KM208", "KM208", "KM227"],
            tensorflow_only=True,
        )
        assert any("serving signature" in d.message for d in result.diagnostics)


def test_plain_call_decorator_removed_after_other_rules_replaced_it():
    from keras_migrate.rules.model_training_flag import ModelTrainingFlag

    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Net(keras.Model):
            @tf.function
            def call(self, x):
                return self.dense(x)

            @tf.function
            def score(self, x):
                return keras.ops.sum(self(x))

        class Twice(keras.Model):
            def call(self, x):
                return x

            @tf.function
            def call(self, x):
                return self.dense(x)
        """,
        """
        import keras
        from keras_migrate_runtime import Keras2Training

        class Net(Keras2Training, keras.Model):
            def call(self, x, training=None):
                return self.dense(x)

            def score(self, x):
                return keras.ops.sum(self(x))

        class Twice(Keras2Training, keras.Model):
            def call(self, x, training=None):
                return x

            def call(self, x, training=None):
                return self.dense(x)
        """,
        rules=[TfFunction, ModelTrainingFlag], mode="agnostic",
    )
