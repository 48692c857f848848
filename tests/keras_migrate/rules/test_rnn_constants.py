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


def test_call_site_is_left_to_call_signatures():
    # KM110 reports `constants=` at the RNN call; this rule must not report it twice.
    result = assert_migrates(
        """
        import keras
        rnn = keras.layers.RNN(cell)
        y = rnn(x, constants=[context])
        """,
        None,
        rules=None,
        expected_diagnostics=["KM110"],
    )
    assert all(d.rule_id != "KM173" for d in result.diagnostics)


def test_functions_outside_classes_ignored():
    assert_migrates(
        """
        def call(inputs, constants):
            return inputs
        """,
        None,
        rules=RULES,
    )
