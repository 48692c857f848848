from keras_migrate.rules.attention_masking import AttentionMasking
from keras_migrate.testing import assert_migrates


def test_constructor_spellings_become_the_runtime_class():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras.layers import Dense, MultiHeadAttention

        a = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1)
        b = MultiHeadAttention(4, 8)
        d = Dense(3)
        """,
        """
        from tensorflow.keras.layers import Dense
        from keras_migrate_runtime import MultiHeadAttention as Keras2MultiHeadAttention

        a = Keras2MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.1)
        b = Keras2MultiHeadAttention(4, 8)
        d = Dense(3)
        """,
        rules=[AttentionMasking],
    )


def test_subclasses_and_other_attention_layers_are_left_alone():
    assert_migrates(
        """
        import keras

        class Attend(keras.layers.MultiHeadAttention):
            def _compute_attention(self, query, key, value, attention_mask=None, training=None):
                return super()._compute_attention(query, key, value, attention_mask, training)

        layer = Attend(num_heads=2, key_dim=4)
        other = keras.layers.Attention()
        """,
        rules=[AttentionMasking],
    )
