from keras_migrate.rules.training_positional import TrainingPositional
from keras_migrate.testing import assert_migrates

RULES = [TrainingPositional]


def test_local_layer_class_and_sequential_attributes():
    assert_migrates(
        """
        from tensorflow import keras
        from tensorflow.keras import layers
        class Aug(layers.Layer):
            def call(self, images, training=None):
                return images
        class Model(keras.Model):
            def __init__(self):
                super().__init__()
                self.aug = Aug()
                self.flip = keras.Sequential([layers.RandomFlip()])
                self.norm = layers.BatchNormalization()
            def call(self, x, training=False):
                x = self.aug(x, training)
                x = self.flip(x, training)
                return self.norm(x, training)
        """,
        """
        from tensorflow import keras
        from tensorflow.keras import layers
        class Aug(layers.Layer):
            def call(self, images, training=None):
                return images
        class Model(keras.Model):
            def __init__(self):
                super().__init__()
                self.aug = Aug()
                self.flip = keras.Sequential([layers.RandomFlip()])
                self.norm = layers.BatchNormalization()
            def call(self, x, training=False):
                x = self.aug(x, training=training)
                x = self.flip(x, training=training)
                return self.norm(x, training=training)
        """,
        rules=RULES,
    )


def test_unknown_or_mixed_attributes_untouched():
    assert_migrates(
        """
        from tensorflow.keras import layers
        class Block(layers.Layer):
            def __init__(self):
                super().__init__()
                self.rnn = layers.LSTM(3)
                self.d = layers.Dropout(0.1)
                self.d = layers.Dense(3)
                self.mystery = make_layer()
            def call(self, x, training=None):
                x = self.rnn(x, state)
                x = self.d(x, training)
                return self.mystery(x, training)
        """,
        rules=RULES,
    )


def test_already_keyword_and_single_argument():
    assert_migrates(
        """
        import keras
        y = keras.layers.Dropout(0.5)(x, training=True)
        z = keras.layers.Dropout(0.5)(x)
        """,
        rules=RULES,
    )


def test_required_training_parameter_gets_default():
    assert_migrates(
        """
        from tensorflow.keras import layers
        class A(layers.Layer):
            def call(self, x, training, mask=None):
                def call(y, training):
                    return y
                return x
        class B(layers.Layer):
            def call(self, x, training, mask):
                return x
        class C:
            def call(self, x, training):
                return x
        """,
        """
        from tensorflow.keras import layers
        class A(layers.Layer):
            def call(self, x, training=None, mask=None):
                def call(y, training):
                    return y
                return x
        class B(layers.Layer):
            def call(self, x, training, mask):
                return x
        class C:
            def call(self, x, training):
                return x
        """,
        rules=RULES,
    )
