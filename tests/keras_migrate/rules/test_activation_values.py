from keras_migrate.rules.activation_values import ActivationValues
from keras_migrate.testing import assert_migrates

RULES = [ActivationValues]


def test_class_name_strings_in_every_spelling():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras import layers
        from tensorflow.keras.layers import Dense, Activation
        a = tf.keras.layers.Dense(4, activation='ELU')
        b = Dense(4, 'ReLU')
        c = Activation('LeakyReLU')
        d = layers.Conv2D(8, 3, activation="ThresholdedReLU")
        e = tf.keras.activations.get("Softmax")
        f = layers.GRU(4, activation="relu", recurrent_activation="hard_sigmoid")
        """,
        """
        import tensorflow as tf
        from tensorflow.keras import layers
        from tensorflow.keras.layers import Dense, Activation
        from keras_migrate_runtime import keras2_leaky_relu
        from keras_migrate_runtime import keras2_thresholded_relu
        from keras_migrate_runtime import keras2_hard_sigmoid
        a = tf.keras.layers.Dense(4, activation='elu')
        b = Dense(4, 'relu')
        c = Activation(keras2_leaky_relu)
        d = layers.Conv2D(8, 3, activation=keras2_thresholded_relu)
        e = tf.keras.activations.get("softmax")
        f = layers.GRU(4, activation="relu", recurrent_activation=keras2_hard_sigmoid)
        """,
        rules=RULES,
    )


def test_hard_sigmoid_function_values_and_calls():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras.activations import hard_sigmoid
        gate = keras.layers.Lambda(keras.activations.hard_sigmoid)
        rnn = keras.layers.LSTM(4, recurrent_activation=hard_sigmoid)
        y = tf.keras.activations.hard_sigmoid(a + b)
        """,
        """
        import tensorflow as tf
        from tensorflow import keras
        from keras_migrate_runtime import keras2_hard_sigmoid
        gate = keras.layers.Lambda(keras2_hard_sigmoid)
        rnn = keras.layers.LSTM(4, recurrent_activation=keras2_hard_sigmoid)
        y = keras2_hard_sigmoid(a + b)
        """,
        rules=RULES,
    )


def test_conv_lstm_hard_sigmoid_default():
    assert_migrates(
        """
        from tensorflow.keras import layers
        a = layers.ConvLSTM2D(filters=8, kernel_size=(3, 3), padding="same", return_sequences=True)
        b = layers.ConvLSTM1D(4, 3, recurrent_activation="sigmoid")
        c = layers.ConvLSTM3D(4, 3, 1, "same", None, 1, "tanh", "tanh")
        """,
        """
        from tensorflow.keras import layers
        from keras_migrate_runtime import keras2_hard_sigmoid
        a = layers.ConvLSTM2D(filters=8, kernel_size=(3, 3), padding="same", return_sequences=True, recurrent_activation=keras2_hard_sigmoid)
        b = layers.ConvLSTM1D(4, 3, recurrent_activation="sigmoid")
        c = layers.ConvLSTM3D(4, 3, 1, "same", None, 1, "tanh", "tanh")
        """,
        rules=RULES,
    )
    # **kwargs may or may not set it.
    assert_migrates(
        """
        from tensorflow.keras import layers
        a = layers.ConvLSTM2D(8, 3, **config)
        """,
        rules=RULES,
        expected_diagnostics=("KM131",),
    )


def test_prelu_and_user_functions_are_diagnosed():
    assert_migrates(
        """
        from tensorflow import keras
        def block(x, activation="LeakyReLU"):
            return keras.layers.Dense(4, activation=activation)(x)
        y = block(x, activation="hard_sigmoid")
        z = keras.layers.Dense(4, activation="PReLU")(x)
        """,
        rules=RULES,
        expected_diagnostics=("KM131", "KM131", "KM131"),
    )


def test_unchanged():
    assert_migrates(
        """
        from tensorflow import keras
        a = keras.layers.Dense(4, activation="relu")
        b = keras.layers.LSTM(4, recurrent_activation="sigmoid")
        c = keras.layers.Dense(4, activation="LeakyReLU".lower())
        d = keras.activations.sigmoid(x)
        name = "hard_sigmoid"
        """,
        rules=RULES,
    )
    assert_migrates('import mylib\nmylib.Dense(4, activation="LeakyReLU")\n', rules=RULES)


def test_relu_alpha_keyword_in_full_migration():
    assert_migrates(
        """
        import tensorflow as tf
        act = tf.keras.layers.Activation(lambda x: tf.keras.activations.relu(x, alpha=0.1, max_value=6.0))
        """,
        """
        import tensorflow as tf
        import keras
        act = keras.layers.Activation(lambda x: keras.activations.relu(x, negative_slope=0.1, max_value=6.0))
        """,
    )
