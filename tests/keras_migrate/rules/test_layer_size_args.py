"""KM224 layer_size_args: TensorFlow scalars as layer sizes become Python ints."""

from keras_migrate.rules.layer_size_args import SIZE_ARGUMENTS, LayerSizeArgs
from keras_migrate.testing import assert_migrates


def test_whole_rule_set_molgan_generator():
    # keras.io wgan-graphs / molecule_generation: the op migrates, int() keeps it a size
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras

        def get_generator(dense_units, latent_dim, adjacency_shape, feature_shape):
            z = keras.layers.Input(shape=(latent_dim,))
            x = z
            for units in dense_units:
                x = keras.layers.Dense(units, activation="tanh")(x)
            x_adjacency = keras.layers.Dense(tf.math.reduce_prod(adjacency_shape))(x)
            x_adjacency = keras.layers.Reshape(adjacency_shape)(x_adjacency)
            return keras.Model(inputs=z, outputs=x_adjacency)
        """,
        """
        import keras

        def get_generator(dense_units, latent_dim, adjacency_shape, feature_shape):
            z = keras.layers.Input(shape=(latent_dim,))
            x = z
            for units in dense_units:
                x = keras.layers.Dense(units, activation="tanh")(x)
            x_adjacency = keras.layers.Dense(int(keras.ops.prod(adjacency_shape)))(x)
            x_adjacency = keras.layers.Reshape(adjacency_shape)(x_adjacency)
            return keras.Model(inputs=z, outputs=x_adjacency)
        """,
    )


def test_names_are_per_function_scope():
    # `size` is a tensor in build_a only; in build_b it is the caller's int
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras.layers import Dense, UpSampling1D

        def build_a(shape):
            size = tf.reduce_prod(shape)
            return Dense(size), UpSampling1D(size=tf.reduce_max(shape))

        def build_b(size):
            return Dense(size)
        """,
        """
        import tensorflow as tf
        from tensorflow.keras.layers import Dense, UpSampling1D

        def build_a(shape):
            size = tf.reduce_prod(shape)
            return Dense(int(size)), UpSampling1D(size=int(tf.reduce_max(shape)))

        def build_b(size):
            return Dense(size)
        """,
        rules=[LayerSizeArgs],
    )


def test_loop_targets_star_args_and_other_layers_untouched():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras

        def f(shapes, args):
            for size in shapes:
                size = tf.reduce_prod(size)
            a = keras.layers.Dense(size)
            b = keras.layers.Dense(*args)
            c = keras.layers.Conv2D(tf.reduce_prod([2, 2]), 3)
            d = keras.layers.LSTM(4, dropout=tf.constant(0.1))
            return a, b, c, d
        """,
        rules=[LayerSizeArgs],
    )


def test_every_listed_argument_is_a_parameter_at_its_position():
    # the table names real parameters: a positional index that drifted would wrap the
    # wrong argument
    import inspect

    import keras

    for path, arguments in SIZE_ARGUMENTS.items():
        cls = getattr(keras.layers, path.split(".", 1)[1])
        params = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        for name, position in arguments:
            assert params[position] == name, (path, name, params)
