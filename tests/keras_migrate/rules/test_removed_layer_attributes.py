from keras_migrate.rules.removed_layer_attributes import RemovedLayerAttributes
from keras_migrate.testing import assert_migrates

RULES = [RemovedLayerAttributes]


def test_dynamic_builtin_layer_and_compile_calls():
    result = assert_migrates(
        """
        import re
        import keras

        pattern = re.compile("a+", re.I)
        layer = keras.layers.Lambda(lambda x: x * 2, dynamic=True)
        model = keras.Sequential([layer])
        model.compile("sgd", "mse")
        other.compile(optimizer="adam", loss="mse", run_eagerly=False)
        """,
        """
        import re
        import keras

        pattern = re.compile("a+", re.I)
        layer = keras.layers.Lambda(lambda x: x * 2)
        model = keras.Sequential([layer])
        model.compile("sgd", "mse", run_eagerly=True)
        other.compile(optimizer="adam", loss="mse", run_eagerly=False)
        """,
        rules=RULES,
        tensorflow_only=True,
    )
    assert "JAX" in result.tensorflow_only[0]


def test_tensorflow_mode_is_not_reported_tensorflow_only():
    assert_migrates(
        """
        import keras
        layer = keras.layers.Lambda(lambda x: x, dynamic=True)
        """,
        """
        import keras
        layer = keras.layers.Lambda(lambda x: x)
        """,
        rules=RULES,
        mode="tensorflow",
        tensorflow_only=False,
    )


def test_dynamic_layer_without_compute_output_shape_is_reported():
    assert_migrates(
        """
        import tensorflow as tf

        class Eager(tf.keras.layers.Layer):
            def __init__(self):
                super(Eager, self).__init__(dynamic=True, name="eager")

            def call(self, x):
                return x * float(x.numpy().max())
        """,
        """
        import tensorflow as tf

        class Eager(tf.keras.layers.Layer):
            def __init__(self):
                super(Eager, self).__init__(name="eager")

            def call(self, x):
                return x * float(x.numpy().max())
        """,
        rules=RULES,
        mode="tensorflow",
        expected_diagnostics=["KM172"],
    )


def test_dynamic_attribute_kept_when_read_and_model_read_diagnosed():
    assert_migrates(
        """
        import keras

        class Eager(keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(dynamic=True, **kwargs)

            def compute_output_shape(self, s):
                return s

        layer = Eager()
        print(layer.dynamic, model.dynamic)
        """,
        """
        import keras

        class Eager(keras.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.dynamic = True  # Keras 2 attribute, still read by this code

            def compute_output_shape(self, s):
                return s

        layer = Eager()
        print(layer.dynamic, model.dynamic)
        """,
        rules=RULES,
        mode="tensorflow",
        expected_diagnostics=["KM172"],
    )


def test_local_layer_constructor_dynamic_false_dropped():
    assert_migrates(
        """
        import keras

        class Scale(keras.layers.Layer):
            pass

        s = Scale(dynamic=False, name="s")
        obj = Config(dynamic=True)
        """,
        """
        import keras

        class Scale(keras.layers.Layer):
            pass

        s = Scale(name="s")
        obj = Config(dynamic=True)
        """,
        rules=RULES,
    )


def test_add_metric_with_computed_name_is_diagnosed_with_recipe():
    result = assert_migrates(
        """
        import keras

        class Probe(keras.layers.Layer):
            def call(self, x):
                self.add_metric(keras.ops.std(x), label)
                return x
        """,
        None,
        rules=RULES,
        expected_diagnostics=["KM172"],
    )
    fix = result.diagnostics[0].fix
    assert "self.label_tracker = keras.metrics.Mean(name=label)" in fix
    assert "self.label_tracker.update_state(keras.ops.std(x))" in fix


def test_add_metric_rewritten_into_existing_init_and_new_init():
    assert_migrates(
        """
        import tensorflow as tf

        class Probe(tf.keras.layers.Layer):
            \"\"\"Doc.\"\"\"
            def call(self, x):
                self.add_metric(tf.reduce_mean(x), name="mean x")
                self.add_metric(tf.reduce_max(x), "max", aggregation="mean")
                self.add_metric(tf.reduce_mean(x), name="mean x")
                return x


        class Scaled(tf.keras.layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = units

            def call(self, x):
                self.add_metric(x, name="x")
                return x
        """,
        """
        import tensorflow as tf
        import keras

        class Probe(tf.keras.layers.Layer):
            \"\"\"Doc.\"\"\"

            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.mean_x_tracker = keras.metrics.Mean(name="mean x")
                self.max_tracker = keras.metrics.Mean(name="max")

            def call(self, x):
                self.mean_x_tracker.update_state(tf.reduce_mean(x))
                self.max_tracker.update_state(tf.reduce_max(x))
                self.mean_x_tracker.update_state(tf.reduce_mean(x))
                return x


        class Scaled(tf.keras.layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.x_tracker = keras.metrics.Mean(name="x")
                self.units = units

            def call(self, x):
                self.x_tracker.update_state(x)
                return x
        """,
        rules=RULES,
        mode="tensorflow",
        tensorflow_only=False,
    )


def test_add_metric_keeps_agnostic_file_on_tensorflow():
    result = assert_migrates(
        """
        import keras

        class Probe(keras.layers.Layer):
            def __init__(self):
                super().__init__()

            def call(self, x):
                self.add_metric(x, name="x", aggregation=None)
                return x
        """,
        """
        import keras

        class Probe(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.x_tracker = keras.metrics.Mean(name="x")

            def call(self, x):
                self.x_tracker.update_state(x)
                return x
        """,
        rules=RULES,
        tensorflow_only=True,
    )
    assert "JAX" in result.tensorflow_only[0]


def test_non_layer_dynamic_keyword_does_not_make_models_eager():
    assert_migrates(
        """
        import keras
        obj = Config(dynamic=True)
        model.compile("sgd", "mse")
        """,
        None,
        rules=RULES,
    )
