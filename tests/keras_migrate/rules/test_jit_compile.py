from keras_migrate.rules.jit_compile import JitCompile
from keras_migrate.testing import assert_migrates

RULES = [JitCompile]


def test_helper_function_and_function_scope():
    assert_migrates(
        """
        import re
        import tensorflow as tf
        import keras

        def to_text(x):
            return tf.strings.as_string(x)

        class Model2(keras.Model):
            def call(self, x):
                return tf.strings.to_number(to_text(x))

        def build():
            model = Model2()
            model.compile(optimizer="adam", loss="mse")
            return model

        pattern = re.compile("a+")
        """,
        """
        import re
        import tensorflow as tf
        import keras

        def to_text(x):
            return tf.strings.as_string(x)

        class Model2(keras.Model):
            def call(self, x):
                return tf.strings.to_number(to_text(x))

        def build():
            model = Model2()
            model.compile(optimizer="adam", loss="mse", jit_compile=False)
            return model

        pattern = re.compile("a+")
        """,
        rules=RULES,
    )


def test_lambda_layer_and_sequential():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras

        model = keras.Sequential([
            keras.layers.Lambda(lambda t: tf.numpy_function(abs, [t], tf.float32)),
            keras.layers.Dense(1),
        ])
        model.compile(
            optimizer="adam",
            loss="mse",
        )
        """,
        """
        import tensorflow as tf
        from tensorflow import keras

        model = keras.Sequential([
            keras.layers.Lambda(lambda t: tf.numpy_function(abs, [t], tf.float32)),
            keras.layers.Dense(1),
        ])
        model.compile(
            optimizer="adam",
            loss="mse",
            jit_compile=False,
        )
        """,
        rules=RULES,
    )


def test_self_compile_inside_unsafe_model_and_sub_layer_propagation():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Parse(keras.layers.Layer):
            def call(self, x):
                return tf.strings.to_number(x)

        class Outer(keras.Model):
            def __init__(self):
                super().__init__()
                self.parse = Parse()
                self.compile(optimizer="adam", loss="mse")

            def call(self, x):
                return self.parse(x)
        """,
        """
        import tensorflow as tf
        import keras

        class Parse(keras.layers.Layer):
            def call(self, x):
                return tf.strings.to_number(x)

        class Outer(keras.Model):
            def __init__(self):
                super().__init__()
                self.parse = Parse()
                self.compile(optimizer="adam", loss="mse", jit_compile=False)

            def call(self, x):
                return self.parse(x)
        """,
        rules=RULES,
    )


def test_explicit_jit_compile_true_is_reported_not_changed():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class M(keras.Model):
            def call(self, x):
                tf.print(x)
                return x

        m = M()
        m.compile(loss="mse", jit_compile=True)
        """,
        rules=RULES,
        expected_diagnostics=["KM140"],
    )


def test_models_without_unsafe_ops_untouched():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        def parse(record):
            return tf.io.parse_single_example(record, {})

        class M(keras.Model):
            def call(self, x):
                return x * 2

        m = M()
        m.compile(loss="mse")
        """,
        rules=RULES,
    )
