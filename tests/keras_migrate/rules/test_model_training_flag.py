from keras_migrate.rules.model_training_flag import ModelTrainingFlag
from keras_migrate.testing import assert_migrates


def test_mixin_only_on_the_class_deriving_from_model():
    # Child's own train_step asks for the mixin: it goes on Base, since Child(Keras2Training,
    # Base) with Base(Keras2Training, keras.Model) has no consistent MRO.
    assert_migrates(
        """
        import keras

        class Base(keras.Model):
            def call(self, x, /):
                return self.dense(x)

        class Child(Base):
            def train_step(self, data):
                return {"loss": 0.0}
        """,
        """
        import keras
        from keras_migrate_runtime import Keras2Training

        class Base(Keras2Training, keras.Model):
            def call(self, x, /, training=None):
                return self.dense(x)

        class Child(Base):
            def train_step(self, data):
                return {"loss": 0.0}
        """,
        rules=[ModelTrainingFlag],
        mode="tensorflow",
    )


def test_call_with_input_signature_keeps_its_parameters_and_is_diagnosed():
    # A tf.function with an input_signature accepts exactly those arguments: `training`
    # added to call() made fit() raise on every backend; Keras 3 then runs the layers in
    # inference mode, so the rule says so instead.
    for signature in ("[tf.TensorSpec([None, 3], tf.float32)]", "(tf.TensorSpec(shape=(None, 3)),)"):
        before = f"""
            import tensorflow as tf

            class Net(tf.keras.Model):
                @tf.function(jit_compile=True, input_signature={signature})
                def call(self, x):
                    return self.bn(x)
            """
        assert_migrates(before, rules=[ModelTrainingFlag], mode="tensorflow", expected_diagnostics=["KM227"])
        # Agnostic mode: the mixin (JAX's call context) all the same; KM208 keeps the file
        # on TensorFlow for the signature.
        assert_migrates(before, before.replace("import tensorflow as tf\n", "import tensorflow as tf\n"
                                               "            from keras_migrate_runtime import Keras2Training\n")
                        .replace("Net(tf.keras.Model)", "Net(Keras2Training, tf.keras.Model)"),
                        rules=[ModelTrainingFlag], mode="agnostic", expected_diagnostics=["KM227"])


def test_call_with_a_plain_tf_function_gets_the_flag():
    assert_migrates(
        """
        import tensorflow as tf

        class Net(tf.keras.Model):
            @tf.function
            def call(self, x):
                return self.bn(x)

        class Other(tf.keras.Model):
            @tf.function(input_signature=[tf.TensorSpec([None, 3])])
            def call(self, x, training=None):
                return self.bn(x, training=training)
        """,
        """
        import tensorflow as tf

        class Net(tf.keras.Model):
            @tf.function
            def call(self, x, training=None):
                return self.bn(x)

        class Other(tf.keras.Model):
            @tf.function(input_signature=[tf.TensorSpec([None, 3])])
            def call(self, x, training=None):
                return self.bn(x, training=training)
        """,
        rules=[ModelTrainingFlag], mode="tensorflow",
    )
