from keras_migrate.rules.symbolic_add_loss import SymbolicAddLoss
from keras_migrate.testing import assert_migrates

RULES = [SymbolicAddLoss]


def test_inside_builder_function_with_two_tensors_and_tf_ops():
    result = assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras

        def build(beta):
            inputs = keras.Input((4,))
            a = keras.layers.Dense(3)(inputs)
            b = keras.layers.Dense(3)(inputs)
            model = keras.Model(inputs, [a, b])
            model.add_loss(beta * tf.reduce_mean(tf.square(b - a)))
            return model
        """,
        """
        import tensorflow as tf
        from tensorflow import keras
        from keras_migrate_runtime import add_symbolic_loss

        def build(beta):
            inputs = keras.Input((4,))
            a = keras.layers.Dense(3)(inputs)
            b = keras.layers.Dense(3)(inputs)
            model = keras.Model(inputs, [a, b])
            model = add_symbolic_loss(model, lambda b, a: beta * tf.reduce_mean(tf.square(b - a)), b, a)
            return model
        """,
        rules=RULES,
    )
    assert result.runtime_imports


def test_layer_object_applications_and_keyword_form():
    assert_migrates(
        """
        import keras
        dense = keras.layers.Dense(2)
        x = keras.Input((3,))
        y = dense(x)
        net = keras.models.Model(inputs=x, outputs=y)
        net.add_loss(losses=keras.ops.sum(y) * 1e-3)
        """,
        """
        import keras
        from keras_migrate_runtime import add_symbolic_loss
        dense = keras.layers.Dense(2)
        x = keras.Input((3,))
        y = dense(x)
        net = keras.models.Model(inputs=x, outputs=y)
        net = add_symbolic_loss(net, lambda y: keras.ops.sum(y) * 1e-3, y)
        """,
        rules=RULES,
    )


def test_full_pipeline_tf_keras_spelling():
    assert_migrates(
        """
        import tensorflow as tf

        inputs = tf.keras.Input((2,))
        outputs = tf.keras.layers.Dense(1)(inputs)
        model = tf.keras.Model(inputs, outputs)
        model.add_loss(tf.reduce_sum(tf.abs(outputs)))
        """,
        """
        import tensorflow as tf
        import keras
        from keras_migrate_runtime import add_symbolic_loss

        inputs = keras.Input((2,))
        outputs = keras.layers.Dense(1)(inputs)
        model = keras.Model(inputs, outputs)
        model = add_symbolic_loss(model, lambda outputs: keras.ops.sum(keras.ops.absolute(outputs)), outputs)
        """,
        mode="tensorflow",
    )


def test_no_tensor_in_expression_is_diagnosed():
    assert_migrates(
        """
        import keras
        model = keras.Sequential([keras.layers.Dense(1)])
        model.add_loss(keras.ops.sum(model.layers[0].kernel))
        """,
        None,
        rules=RULES,
        expected_diagnostics=["KM171"],
    )


def test_unknown_receiver_with_tensors_is_diagnosed():
    assert_migrates(
        """
        import keras
        inputs = keras.Input((2,))
        outputs = keras.layers.Dense(1)(inputs)
        model = make_model(inputs, outputs)
        model.add_loss(keras.ops.mean(outputs))
        """,
        None,
        rules=RULES,
        expected_diagnostics=["KM171"],
    )


def test_symbolic_add_metric_is_diagnosed():
    result = assert_migrates(
        """
        import keras
        inputs = keras.Input((2,))
        outputs = keras.layers.Dense(1)(inputs)
        model = keras.Model(inputs, outputs)
        model.add_metric(keras.ops.mean(outputs), name="mean_out")
        """,
        None,
        rules=RULES,
        expected_diagnostics=["KM171"],
    )
    assert "compile(metrics" in result.diagnostics[0].fix


def test_add_loss_in_subclassed_model_call_untouched():
    assert_migrates(
        """
        import keras
        class M(keras.Model):
            def call(self, x):
                self.add_loss(keras.ops.sum(x))
                return x
        def helper(layer, x):
            layer.add_loss(x)
        """,
        None,
        rules=RULES,
    )
