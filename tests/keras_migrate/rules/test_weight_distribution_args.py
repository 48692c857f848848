from keras_migrate.rules.weight_distribution_args import WeightDistributionArgs
from keras_migrate.testing import assert_migrates

RULES = [WeightDistributionArgs]


def test_layer_weights():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras import layers

        class Norm(layers.Layer):
            def build(self, input_shape):
                self.mean = self.add_weight(
                    "mean", (input_shape[-1],), initializer="zeros",
                    synchronization=tf.VariableSynchronization.ON_READ,
                    aggregation=tf.VariableAggregation.MEAN,
                )
                self.count = self.add_weight(name="count", shape=(), trainable=None,
                                             synchronization=tf.VariableSynchronization.ON_READ,
                                             aggregation=tf.VariableAggregation.ONLY_FIRST_REPLICA)
                self.scale = self.add_weight(name="scale", shape=(input_shape[-1],),
                                             synchronization=tf.VariableSynchronization.AUTO,
                                             aggregation=tf.VariableAggregation.NONE)
        """,
        """
        import tensorflow as tf
        from tensorflow.keras import layers

        class Norm(layers.Layer):
            def build(self, input_shape):
                self.mean = self.add_weight(
                    "mean", (input_shape[-1],), initializer="zeros",
                    aggregation="mean",
                    trainable=False,
                )
                self.count = self.add_weight(name="count", shape=(), trainable=False,
                                             aggregation="only_first_replica")
                self.scale = self.add_weight(name="scale", shape=(input_shape[-1],))
        """,
        rules=RULES,
    )


def test_unknown_values_and_trainable_on_read_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        class L(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.a = self.add_weight(name="a", shape=(), aggregation=self.aggregation)
                self.b = self.add_weight(name="b", shape=(), trainable=True,
                                         synchronization=tf.VariableSynchronization.ON_READ)
        """,
        """
        import tensorflow as tf
        class L(tf.keras.layers.Layer):
            def build(self, input_shape):
                self.a = self.add_weight(name="a", shape=(), aggregation=self.aggregation)
                self.b = self.add_weight(name="b", shape=(), trainable=True)
        """,
        rules=RULES,
        expected_diagnostics=("KM134", "KM134"),
    )


def test_outside_classes_untouched():
    assert_migrates(
        """
        import tensorflow as tf
        v = tf.Variable(0.0, aggregation=tf.VariableAggregation.MEAN)
        w = layer.add_weight(name="w", shape=(), aggregation=tf.VariableAggregation.MEAN)
        """,
        rules=RULES,
    )
