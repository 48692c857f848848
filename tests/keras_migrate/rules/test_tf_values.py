from keras_migrate.rules.tf_values import TfValues
from keras_migrate.testing import assert_migrates

RULES = [TfValues]


def test_corpus_spellings_of_activation_values():
    # keras-io vit_small_ds / deit / shiftvit / ppo_cartpole spellings.
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras import layers

        def mlp(x, hidden_units, dropout_rate):
            for units in hidden_units:
                x = layers.Dense(units, activation=tf.nn.gelu)(x)
            return x

        def ffn(idx):
            return layers.Dense(4, activation=tf.nn.gelu if idx == 0 else None)

        def policy(x, sizes, activation=tf.tanh, output_activation=None):
            for size in sizes[:-1]:
                x = layers.Dense(units=size, activation=activation)(x)
            return layers.Dense(units=sizes[-1], activation=output_activation)(x)
        """,
        """
        import keras
        from keras import layers

        def mlp(x, hidden_units, dropout_rate):
            for units in hidden_units:
                x = layers.Dense(units, activation=keras.activations.gelu)(x)
            return x

        def ffn(idx):
            return layers.Dense(4, activation=keras.activations.gelu if idx == 0 else None)

        def policy(x, sizes, activation=keras.activations.tanh, output_activation=None):
            for size in sizes[:-1]:
                x = layers.Dense(units=size, activation=activation)(x)
            return layers.Dense(units=sizes[-1], activation=output_activation)(x)
        """,
    )


def test_full_migration_drops_tensorflow_import():
    assert_migrates(
        """
        import tensorflow as tf
        model = tf.keras.Sequential([
            tf.keras.layers.Dense(8, activation=tf.nn.relu),
            tf.keras.layers.Dense(8, activation=tf.nn.elu),
            tf.keras.layers.Dense(3, activation=tf.nn.softmax),
        ])
        """,
        """
        import keras
        model = keras.Sequential([
            keras.layers.Dense(8, activation=keras.activations.relu),
            keras.layers.Dense(8, activation=keras.activations.elu),
            keras.layers.Dense(3, activation=keras.activations.softmax),
        ])
        """,
    )


def test_module_aliases_and_reductions():
    assert_migrates(
        """
        import functools
        import keras
        from tensorflow import nn, math
        import tensorflow as tf
        act = nn.selu
        totals = list(map(tf.reduce_sum, tensors))
        largest = map(math.reduce_max, tensors)
        merged = functools.reduce(tf.add, tensors)
        """,
        """
        import functools
        import keras
        from tensorflow import nn, math
        act = keras.activations.selu
        totals = list(map(keras.ops.sum, tensors))
        largest = map(keras.ops.max, tensors)
        merged = functools.reduce(keras.ops.add, tensors)
        """,
        rules=RULES,
    )


def test_one_argument_lambdas_keep_tf_defaults():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        norm = keras.layers.Lambda(tf.nn.l2_normalize, name="norm")
        pick = tf.argmax if greedy else None
        """,
        """
        import keras
        from keras_migrate_runtime import l2_normalize
        norm = keras.layers.Lambda(l2_normalize, name="norm")
        pick = (lambda x: keras.ops.argmax(x, axis=0)) if greedy else None
        """,
        rules=RULES,
    )


def test_lambda_layer_arguments():
    # The same keyword means the same to TF and Keras: rewritten.
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        pooled = keras.layers.Lambda(tf.reduce_mean, arguments={"axis": 1})(x)
        """,
        """
        import keras
        pooled = keras.layers.Lambda(keras.ops.mean, arguments={"axis": 1})(x)
        """,
        rules=RULES,
    )
    # A runtime function with TF's signature takes TF's keywords.
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        x = keras.layers.Lambda(tf.math.l2_normalize, arguments={"axis": 1})(x)
        """,
        """
        import keras
        from keras_migrate_runtime import l2_normalize
        x = keras.layers.Lambda(l2_normalize, arguments={"axis": 1})(x)
        """,
        rules=RULES,
    )
    # Keyword arguments a lambda (or the Keras op) does not take: diagnosed.
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        def head(x):
            x = keras.layers.Lambda(tf.argmax, arguments={"axis": 1})(x)
            return keras.layers.Lambda(tf.transpose, arguments=kwargs)(x)
        """,
        rules=RULES,
        expected_diagnostics=("KM215", "KM215", "KM215", "KM215"),
        tensorflow_only=True,
    )


def test_unknown_function_values_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        def block(x):
            return keras.layers.Dense(4, activation=tf.nn.crelu)(x)
        """,
        rules=RULES,
        expected_diagnostics=("KM215", "KM215"),
        tensorflow_only=True,
    )


def test_left_alone():
    # Calls (the tf_ops rule), constants, attribute chains, tf.data pipelines, imports.
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        from tensorflow.math import reduce_sum
        y = tf.nn.relu(x)
        dtype = tf.float32
        name = tf.nn.relu.__name__
        ds = tf.data.Dataset.from_tensor_slices(x).map(tf.nn.relu)
        axis = tf.newaxis
        """,
        rules=RULES,
    )


def test_tensorflow_mode_keeps_tf_values():
    # Keras 3 on TensorFlow calls TF ops on TF tensors: part 1 needs nothing.
    assert_migrates(
        """
        import keras
        import tensorflow as tf
        d = keras.layers.Dense(4, activation=tf.nn.gelu)
        """,
        mode="tensorflow",
    )


def test_runtime_values_and_their_fallback_where_the_file_binds_the_name():
    # the runtime's leaky_relu and clip_by_value keep TF's gradient at exact ties; a file
    # with its own `leaky_relu` gets keras.activations.leaky_relu instead (same values)
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        x = keras.layers.Dense(4, activation=tf.nn.leaky_relu)(x)
        clipped = list(map(tf.clip_by_value, xs, lows, highs))
        """,
        """
        import keras
        from keras_migrate_runtime import leaky_relu
        from keras_migrate_runtime import clip_by_value
        x = keras.layers.Dense(4, activation=leaky_relu)(x)
        clipped = list(map(clip_by_value, xs, lows, highs))
        """,
        rules=RULES,
    )
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        leaky_relu = None
        clip_by_value = None
        x = keras.layers.Dense(4, activation=tf.nn.leaky_relu)(x)
        clipped = list(map(tf.clip_by_value, xs, lows, highs))
        """,
        """
        import keras
        leaky_relu = None
        clip_by_value = None
        x = keras.layers.Dense(4, activation=keras.activations.leaky_relu)(x)
        clipped = list(map(keras.ops.clip, xs, lows, highs))
        """,
        rules=RULES,
    )
