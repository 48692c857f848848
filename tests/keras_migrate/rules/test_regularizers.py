from keras_migrate.rules.regularizers import Regularizers
from keras_migrate.testing import assert_migrates

RULES = [Regularizers]


def test_l1_l2_defaults_written_out_whatever_the_spelling():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras.regularizers import l1_l2

        a = l1_l2()
        b = tf.keras.regularizers.l1_l2(l1=0.001)
        c = tf.keras.regularizers.l1_l2(0.001)
        d = tf.keras.regularizers.l1_l2(0.001, 0.002)
        e = tf.keras.regularizers.L1L2()
        """,
        """
        import tensorflow as tf
        from tensorflow.keras.regularizers import l1_l2

        a = l1_l2(l1=0.01, l2=0.01)
        b = tf.keras.regularizers.l1_l2(l1=0.001, l2=0.01)
        c = tf.keras.regularizers.l1_l2(0.001, l2=0.01)
        d = tf.keras.regularizers.l1_l2(0.001, 0.002)
        e = tf.keras.regularizers.L1L2()
        """,
        rules=RULES,
    )


def test_l1_l2_string_becomes_an_instance():
    # (this rule alone: the imports rule turns `from tensorflow import keras` into `import keras`)
    assert_migrates(
        """
        from tensorflow import keras

        lstm = keras.layers.LSTM(4, activity_regularizer="l1_l2", kernel_regularizer="l2")
        reg = keras.regularizers.get("l1_l2")
        name = "l1_l2"
        """,
        """
        from tensorflow import keras
        import keras

        lstm = keras.layers.LSTM(4, activity_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.01), kernel_regularizer="l2")
        reg = keras.regularizers.L1L2(l1=0.01, l2=0.01)
        name = "l1_l2"
        """,
        rules=RULES,
    )


def test_old_l_keyword():
    assert_migrates(
        """
        from tensorflow.keras import regularizers

        a = regularizers.l2(l=0.1)
        b = regularizers.L1(l=0.2)
        """,
        """
        from tensorflow.keras import regularizers

        a = regularizers.l2(l2=0.1)
        b = regularizers.L1(l1=0.2)
        """,
        rules=RULES,
    )


def test_uncalled_l1_l2_is_diagnosed():
    assert_migrates(
        """
        import functools
        from tensorflow.keras import regularizers

        make = functools.partial(regularizers.l1_l2, l1=0.1)
        """,
        rules=RULES,
        expected_diagnostics=["KM161"],
    )


def test_frozen_regularized_layers_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf

        def build_discriminator():
            return tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_regularizer="l2")])

        frozen = tf.keras.layers.GRU(4, trainable=False, kernel_regularizer=tf.keras.regularizers.l2(0.1))
        wrapped = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(4, recurrent_regularizer="l2"), trainable=False)
        plain = tf.keras.layers.Dense(4, trainable=False)
        encoder = tf.keras.layers.LSTM(4, kernel_regularizer=tf.keras.regularizers.l1(0.1))
        encoder.trainable = False
        discriminator = build_discriminator()
        discriminator.trainable = False
        """,
        rules=RULES,
        expected_diagnostics=["KM161", "KM161", "KM161", "KM161"],
    )


def test_freezing_something_else_in_a_regularized_file_is_only_noted():
    result = assert_migrates(
        """
        import tensorflow as tf

        model = tf.keras.Sequential([backbone, tf.keras.layers.Dense(10, kernel_regularizer="l2")])
        model.layers[0].trainable = False
        """,
        rules=RULES,
    )
    assert [d.severity.value for d in result.diagnostics] == ["info"]


def test_freezing_without_regularizers_is_fine():
    assert_migrates(
        """
        import tensorflow as tf

        base = tf.keras.applications.MobileNetV2(include_top=False)
        base.trainable = False
        head = tf.keras.layers.Dense(4, kernel_regularizer=None)
        """,
        rules=RULES,
    )


def test_add_weight_with_regularizer_not_trainable():
    assert_migrates(
        """
        import keras

        class Scale(keras.layers.Layer):
            def build(self, shape):
                self.w = self.add_weight(name="w", shape=(2,), regularizer="l2", trainable=False)
                self.v = self.add_weight(name="v", shape=(2,), trainable=False)
        """,
        rules=RULES,
        expected_diagnostics=["KM161"],
    )
