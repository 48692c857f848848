from keras_migrate.rules.call_signatures import CallSignatures
from keras_migrate.testing import assert_migrates

RULES = [CallSignatures]


def test_leaky_relu_through_aliases():
    assert_migrates(
        """
        from tensorflow.keras.layers import LeakyReLU as LR
        import tensorflow as tf
        a = LR(alpha=0.1)
        b = tf.keras.layers.LeakyReLU(0.3, name="act")
        """,
        """
        from tensorflow.keras.layers import LeakyReLU as LR
        import tensorflow as tf
        a = LR(negative_slope=0.1)
        b = tf.keras.layers.LeakyReLU(negative_slope=0.3, name="act")
        """,
        rules=RULES,
    )


def test_unrelated_calls_with_same_names_untouched():
    assert_migrates(
        """
        import keras
        from mylib import LeakyReLU, Adam
        a = LeakyReLU(alpha=0.1)
        opt = Adam(lr=0.1)
        bn = other.BatchNormalization(fused=True)
        """,
        rules=RULES,
    )


def test_all_optimizers_lr():
    assert_migrates(
        """
        from tensorflow.keras import optimizers
        opts = [optimizers.SGD(lr=0.1, momentum=0.9), optimizers.RMSprop(lr=1e-3)]
        """,
        """
        from tensorflow.keras import optimizers
        opts = [optimizers.SGD(learning_rate=0.1, momentum=0.9), optimizers.RMSprop(learning_rate=1e-3)]
        """,
        rules=RULES,
    )


def test_add_weight_all_positional_layer_arguments():
    assert_migrates(
        """
        import keras
        class L(keras.layers.Layer):
            def build(self, shape):
                self.k = self.add_weight("k", (shape[-1], 2), "float32", "zeros", None, False)
        """,
        """
        import keras
        class L(keras.layers.Layer):
            def build(self, shape):
                self.k = self.add_weight(name="k", shape=(shape[-1], 2), dtype="float32", initializer="zeros", regularizer=None, trainable=False)
        """,
        rules=RULES,
    )


def test_add_weight_keras3_style_and_ambiguous():
    assert_migrates(
        """
        import keras
        class L(keras.layers.Layer):
            def build(self, shape):
                self.a = self.add_weight((3,), "zeros")
                self.b = self.add_weight(name_var, shape)
        """,
        rules=RULES,
        expected_diagnostics=["KM110"],
    )


def test_metric_add_weight_too_many_positionals():
    assert_migrates(
        """
        import keras
        class M(keras.metrics.Metric):
            def __init__(self):
                super().__init__()
                self.total = self.add_weight("total", (), "sum")
        """,
        rules=RULES,
        expected_diagnostics=["KM110"],
    )


def test_time_major_wrapped_or_diagnosed_and_constants_diagnosed():
    assert_migrates(
        """
        from tensorflow.keras import layers
        rnn = layers.GRU(4, time_major=True)
        flag_rnn = layers.LSTM(4, time_major=flag)
        cell_rnn = layers.RNN(cell)
        y = cell_rnn(x, constants=[c])
        z = layers.RNN(cell)(x, constants=[c])
        """,
        """
        from tensorflow.keras import layers
        from keras_migrate_runtime import GRU as TimeMajorGRU
        from keras_migrate_runtime import LSTM as TimeMajorLSTM
        rnn = TimeMajorGRU(4, time_major=True)
        flag_rnn = TimeMajorLSTM(4, time_major=flag)
        cell_rnn = layers.RNN(cell)
        y = cell_rnn(x, constants=[c])
        z = layers.RNN(cell)(x, constants=[c])
        """,
        rules=RULES,
        expected_diagnostics=["KM110", "KM110"],
    )


def test_reset_metrics_true_dropped_multiline():
    assert_migrates(
        """
        import keras
        logs = model.test_on_batch(
            x,
            y,
            reset_metrics=True,
        )
        """,
        """
        import keras
        logs = model.test_on_batch(
            x,
            y,
        )
        """,
        rules=RULES,
    )


def test_fit_workers_dropped_with_info():
    result = assert_migrates(
        """
        import keras
        model.fit(ds, epochs=2, workers=4, use_multiprocessing=True)
        """,
        """
        import keras
        model.fit(ds, epochs=2)
        """,
        rules=RULES,
    )
    assert [d.severity.value for d in result.diagnostics] == ["info", "info"]


def test_attention_causal():
    assert_migrates(
        """
        import keras
        a = keras.layers.Attention(causal=False)
        b = keras.layers.Attention(causal=True)
        """,
        """
        import keras
        from keras_migrate_runtime import Attention as CausalAttention
        a = keras.layers.Attention()
        b = CausalAttention(causal=True)
        """,
        rules=RULES,
    )


def test_tfa_gelu_reference_and_layer():
    assert_migrates(
        """
        import tensorflow_addons as tfa
        import keras
        d = keras.layers.Dense(3, activation=tfa.activations.gelu)
        y = tfa.activations.gelu(x, False)
        g = tfa.layers.GELU(approximate=False)
        """,
        """
        import keras
        d = keras.layers.Dense(3, activation=keras.activations.gelu)
        y = keras.activations.gelu(x, False)
        g = keras.layers.Activation("gelu")
        """,
        expected_diagnostics=["KM110"],
    )


def test_accumulating_file_uses_runtime_batch_methods():
    assert_migrates(
        """
        import keras
        for x, y in batches:
            logs = self.model.train_on_batch(x, y, reset_metrics=flag)
        """,
        """
        import keras
        from keras_migrate_runtime import train_on_batch
        for x, y in batches:
            logs = train_on_batch(self.model, x, y, reset_metrics=flag)
        """,
        rules=RULES,
    )


def test_time_major_layers_keep_their_class_and_bidirectional_is_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras.layers import LSTM, SimpleRNN, Bidirectional
        a = LSTM(4, time_major=True, return_state=True, name="enc")
        b = tf.keras.layers.RNN(cell, time_major=True)
        c = Bidirectional(SimpleRNN(3, time_major=True))
        d = SimpleRNN(2)
        """,
        """
        import tensorflow as tf
        from tensorflow.keras.layers import SimpleRNN, Bidirectional
        from keras_migrate_runtime import LSTM as TimeMajorLSTM
        from keras_migrate_runtime import RNN as TimeMajorRNN
        a = TimeMajorLSTM(4, time_major=True, return_state=True, name="enc")
        b = TimeMajorRNN(cell, time_major=True)
        c = Bidirectional(SimpleRNN(3, time_major=True))
        d = SimpleRNN(2)
        """,
        rules=RULES,
        expected_diagnostics=["KM110"],
    )


def test_compute_attention_override_takes_keras3s_extra_argument():
    # keras-io vit_small_ds: MultiHeadAttentionLSA overrides _compute_attention.
    before = """
    import keras

    class LSA(keras.layers.MultiHeadAttention):
        def _compute_attention(self, query, key, value, attention_mask=None, training=None):
            return query, key

    class Other(keras.layers.Layer):
        def _compute_attention(self, query, key, value, attention_mask=None, training=None):
            return query, key
    """
    after = """
    import keras

    class LSA(keras.layers.MultiHeadAttention):
        def _compute_attention(self, query, key, value, attention_mask=None, training=None, return_attention_scores=False):
            return query, key

    class Other(keras.layers.Layer):
        def _compute_attention(self, query, key, value, attention_mask=None, training=None):
            return query, key
    """
    assert_migrates(before, after, rules=[CallSignatures])


def test_tfa_adamw_weight_decay_keeps_its_meaning():
    # TF Addons decays by wd * var; Keras 3 by lr * wd * var (keras-io vit_small_ds).
    before = """
    import tensorflow_addons as tfa
    LEARNING_RATE = 0.001
    a = tfa.optimizers.AdamW(learning_rate=LEARNING_RATE, weight_decay=WD)
    b = tfa.optimizers.AdamW(weight_decay=1e-4)
    c = tfa.optimizers.AdamW(weight_decay=1e-4, learning_rate=schedule)
    """
    after = """
    import keras
    LEARNING_RATE = 0.001
    a = keras.optimizers.AdamW(learning_rate=LEARNING_RATE, weight_decay=WD / LEARNING_RATE)
    b = keras.optimizers.AdamW(weight_decay=1e-4 / 0.001)
    c = keras.optimizers.AdamW(weight_decay=1e-4, learning_rate=schedule)
    """
    assert_migrates(before, after, rules=None, expected_diagnostics=["KM110"])


def test_average_pooling_gets_keras2_default_pool_size():
    # Keras 3's AveragePooling*D require pool_size (TypeError); Keras 2 pooled by 2.
    assert_migrates(
        """
        import keras
        from keras.layers import AvgPool1D
        a = keras.layers.AveragePooling2D()
        b = keras.layers.AveragePooling2D(3)
        c = keras.layers.AveragePooling3D(strides=1)
        d = AvgPool1D(padding="same")
        e = keras.layers.AveragePooling1D(pool_size=4)
        f = keras.layers.MaxPooling2D()
        """,
        """
        import keras
        from keras.layers import AvgPool1D
        a = keras.layers.AveragePooling2D(pool_size=(2, 2))
        b = keras.layers.AveragePooling2D(3)
        c = keras.layers.AveragePooling3D(strides=1, pool_size=(2, 2, 2))
        d = AvgPool1D(padding="same", pool_size=2)
        e = keras.layers.AveragePooling1D(pool_size=4)
        f = keras.layers.MaxPooling2D()
        """,
        rules=[CallSignatures],
    )
