from keras_migrate.rules.state_building import StateBuilding
from keras_migrate.testing import assert_migrates

RULES = [StateBuilding]


def test_lazy_creation_appended_to_existing_build():
    assert_migrates(
        """
        import keras

        class Block(keras.layers.Layer):
            def build(self, input_shape):
                self.scale = self.add_weight(shape=(), initializer="ones")

            def call(self, x, training=None):
                if not hasattr(self, "norm"):
                    self.norm = keras.layers.LayerNormalization(axis=-1)
                return self.norm(x) * self.scale
        """,
        """
        import keras

        class Block(keras.layers.Layer):
            def build(self, input_shape):
                self.scale = self.add_weight(shape=(), initializer="ones")
                self.norm = keras.layers.LayerNormalization(axis=-1)

            def call(self, x, training=None):
                return self.norm(x) * self.scale
        """,
        rules=RULES,
    )


def test_sublayer_fed_call_input_directly_is_built_with_input_shape():
    assert_migrates(
        """
        import keras

        class Residual(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.dense = keras.layers.Dense(4)
                self.other = keras.layers.Dense(4)

            def call(self, x):
                return self.other(self.dense(x))
        """,
        """
        import keras

        class Residual(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.dense = keras.layers.Dense(4)
                self.other = keras.layers.Dense(4)

            def build(self, input_shape):
                self.dense.build(input_shape)

            def call(self, x):
                return self.other(self.dense(x))
        """,
        rules=RULES,
    )


def test_unguarded_creation_in_call_is_diagnosed_and_plain_classes_ignored():
    assert_migrates(
        """
        import keras

        class Bad(keras.layers.Layer):
            def call(self, x):
                self.dense = keras.layers.Dense(2)
                return self.dense(x)

        class NotALayer:
            def call(self, x):
                if self.cache is None:
                    self.cache = {}
                return x
        """,
        rules=RULES,
        expected_diagnostics=["KM148"],
    )
