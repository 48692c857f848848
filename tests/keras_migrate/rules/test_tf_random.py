from keras_migrate.rules.tf_random import TfRandom
from keras_migrate.testing import assert_migrates

RULES = [TfRandom]


def test_generator_added_to_existing_init_without_super_call():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Noise(keras.layers.Layer):
            \"\"\"Adds noise.\"\"\"

            def __init__(self):
                self.scale = 1.0

            def call(self, x):
                return x + tf.random.normal(tf.shape(x), stddev=self.scale)
        """,
        """
        import tensorflow as tf
        import keras

        class Noise(keras.layers.Layer):
            \"\"\"Adds noise.\"\"\"

            def __init__(self):
                self.scale = 1.0
                self.seed_generator = keras.random.SeedGenerator()

            def call(self, x):
                return x + keras.random.normal(tf.shape(x), stddev=self.scale, seed=self.seed_generator)
        """,
        rules=RULES,
    )


def test_integer_uniform_becomes_randint():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        idx = tf.random.uniform((4,), minval=0, maxval=10, dtype=tf.int32, seed=7)
        """,
        """
        import tensorflow as tf
        import keras
        idx = keras.random.randint((4,), minval=0, maxval=10, dtype=tf.int32, seed=7)
        """,
        rules=RULES,
    )


def test_lone_tf_seed_is_kept_with_info():
    assert_migrates(
        """
        import numpy as np
        import tensorflow as tf
        import keras
        np.random.seed(1)
        tf.random.set_seed(2)
        """,
        rules=RULES,
        expected_diagnostics=["KM203"],
    )


def test_seed_triple_in_a_function():
    assert_migrates(
        """
        import random
        import numpy as np
        import tensorflow as tf
        import keras

        def setup(seed):
            random.seed(seed)
            np.random.seed(seed)
            tf.random.set_seed(seed)
            return seed
        """,
        """
        import keras

        def setup(seed):
            keras.utils.set_random_seed(seed)
            return seed
        """,
        rules=RULES,
    )


def test_unseeded_op_in_function_notes_jit():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        def noise(shape):
            return tf.random.shuffle(tf.range(10))
        """,
        """
        import tensorflow as tf
        import keras

        def noise(shape):
            return keras.random.shuffle(tf.range(10))
        """,
        rules=RULES,
        expected_diagnostics=["KM203"],
    )


def test_stateless_ops_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        x = tf.random.stateless_normal((2,), seed=[1, 2])
        """,
        rules=RULES,
        expected_diagnostics=["KM203"],
    )


def test_layer_seed_attribute_seeds_the_generator_once_stored():
    """seed=self.seed: the SeedGenerator takes the layer's own seed, created after __init__
    stores it (an attribute __init__ never sets gives an unseeded generator)."""
    assert_migrates(
        """
        import tensorflow as tf

        class Sampling(tf.keras.layers.Layer):
            def __init__(self, seed=None, **kwargs):
                super().__init__(**kwargs)
                self.seed = seed
                self.scale = 0.5

            def call(self, inputs):
                return inputs + tf.random.normal(tf.shape(inputs), seed=self.seed)

        class Noise(tf.keras.layers.Layer):
            def call(self, x):
                return x + tf.random.uniform(tf.shape(x), seed=self.other)
        """,
        """
        import tensorflow as tf
        import keras

        class Sampling(tf.keras.layers.Layer):
            def __init__(self, seed=None, **kwargs):
                super().__init__(**kwargs)
                self.seed = seed
                self.seed_generator = keras.random.SeedGenerator(self.seed)
                self.scale = 0.5

            def call(self, inputs):
                return inputs + keras.random.normal(tf.shape(inputs), seed=self.seed_generator)

        class Noise(tf.keras.layers.Layer):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.seed_generator = keras.random.SeedGenerator()
            def call(self, x):
                return x + keras.random.uniform(tf.shape(x), seed=self.seed_generator)
        """,
        rules=[TfRandom],
    )
