from keras_migrate.rules.rnn_constants import RnnConstants
from keras_migrate.testing import assert_migrates

RULES = [RnnConstants]


def test_cell_with_keyword_only_constants_is_reported_with_fix():
    result = assert_migrates(
        """
        import tensorflow as tf

        class AttentionCell(tf.keras.layers.AbstractRNNCell):
            def call(self, inputs, states, training=None, *, constants):
                return inputs, states
        """,
        None,
        rules=RULES,
        expected_diagnostics=["KM173"],
    )
    diagnostic = result.diagnostics[0]
    assert diagnostic.line == 4 and "AttentionCell" in diagnostic.message
    assert "keras.ops.concatenate" in diagnostic.fix


def test_generic_rnn_with_constants_uses_runtime_rnn_and_silences_km110():
    result = assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras.layers import RNN, Dense

        class Cell(tf.keras.layers.Layer):
            state_size = 2

            def call(self, inputs, states, constants):
                return inputs, states

        y = RNN(Cell())(x, constants=[context])
        other = tf.keras.layers.RNN(Cell(), unroll=True)
        """,
        """
        from keras.layers import Dense
        import keras
        from keras_migrate_runtime import RNN as RNNWithConstants

        class Cell(keras.layers.Layer):
            state_size = 2

            def call(self, inputs, states, constants):
                return inputs, states

        y = RNNWithConstants(Cell())(x, constants=[context])
        other = RNNWithConstants(Cell(), unroll=True)
        """,
        rules=None,
    )
    assert result.runtime_imports


def test_constants_on_lstm_left_to_call_signatures_and_cells_reported():
    result = assert_migrates(
        """
        import keras

        class Cell(keras.layers.Layer):
            def call(self, inputs, states, constants=None):
                return inputs, states

        lstm = keras.layers.LSTM(4)
        y = lstm(x, constants=[context])
        rnn = keras.layers.RNN(Cell())
        """,
        None,
        rules=None,
        expected_diagnostics=["KM173", "KM110"],
    )
    assert not result.runtime_imports


def test_functions_outside_classes_ignored():
    assert_migrates(
        """
        def call(inputs, constants):
            return inputs
        """,
        None,
        rules=RULES,
    )
