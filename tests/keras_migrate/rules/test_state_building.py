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


def test_explicitly_built_model_traces_call_in_an_added_build():
    assert_migrates(
        """
        import tensorflow as tf

        class Net(tf.keras.Model):
            def __init__(self):
                super().__init__()
                self.embed = tf.keras.layers.Embedding(10, 4)
                self.out = tf.keras.layers.Dense(1)

            def call(self, x, training=False):
                return self.out(self.embed(x))

        net = Net()
        net.build((None, 5))
        """,
        """
        import tensorflow as tf
        from keras_migrate_runtime import build_by_calling

        class Net(tf.keras.Model):
            def __init__(self):
                super().__init__()
                self.embed = tf.keras.layers.Embedding(10, 4)
                self.out = tf.keras.layers.Dense(1)

            def build(self, input_shape):
                build_by_calling(self, input_shape)

            def call(self, x, training=False):
                return self.out(self.embed(x))

        net = Net()
        net.build((None, 5))
        """,
        rules=RULES,
    )


def test_self_build_and_super_build_reach_the_trace_after_lazy_creation():
    assert_migrates(
        """
        import keras

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.head = None
                self.build((None, 3))

            def build(self, input_shape):
                super().build(input_shape)

            def call(self, x):
                if self.head is None:
                    self.head = keras.layers.Dense(2)
                return self.head(x)
        """,
        """
        import keras
        from keras_migrate_runtime import build_by_calling

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.head = None
                self.build((None, 3))

            def build(self, input_shape):
                self.head = keras.layers.Dense(2)
                build_by_calling(self, input_shape)

            def call(self, x):
                return self.head(x)
        """,
        rules=RULES,
    )


def test_subclass_instances_built_explicitly_get_the_trace_in_their_base():
    assert_migrates(
        """
        import keras

        class Base(keras.Model):
            def call(self, x):
                return self.body(x)

        class Child(Base):
            def __init__(self):
                super().__init__()
                self.body = keras.layers.Dense(3)

        child = Child()
        child.build((None, 2))
        """,
        """
        import keras
        from keras_migrate_runtime import build_by_calling

        class Base(keras.Model):
            def build(self, input_shape):
                build_by_calling(self, input_shape)

            def call(self, x):
                return self.body(x)

        class Child(Base):
            def __init__(self):
                super().__init__()
                self.body = keras.layers.Dense(3)

        child = Child()
        child.build((None, 2))
        """,
        rules=RULES,
    )


def test_models_not_built_from_a_shape_or_with_their_own_build_are_left_alone():
    assert_migrates(
        """
        import keras

        class Own(keras.Model):
            def build(self, input_shape):
                self.out = keras.layers.Dense(1)
                self.out.build(input_shape)

            def call(self, x):
                return self.out(x)

        own = Own()
        own.build((None, 3))
        """,
        rules=RULES,
    )


def test_model_whose_call_needs_more_than_inputs_is_diagnosed():
    assert_migrates(
        """
        import keras

        class Pair(keras.Model):
            def __init__(self):
                super().__init__()
                self.out = keras.layers.Dense(1)

            def call(self, x, context):
                return self.out(x + context)

        pair = Pair()
        pair.build((None, 3))
        """,
        rules=RULES,
        expected_diagnostics=["KM148"],
    )
