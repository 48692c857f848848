from keras_migrate.rules.none_in_nested_args import NoneInNestedArgs
from keras_migrate.testing import assert_migrates

RULES = [NoneInNestedArgs]


def test_mask_parameter_name_is_diagnosed_not_rewritten():
    # `mask` would be filled in by Keras itself once it is a call() parameter.
    assert_migrates(
        """
        import keras

        class MaybeMask(keras.layers.Layer):
            def call(self, inputs):
                values, mask = inputs
                return values if mask is None else values * mask

        out = MaybeMask()([x, None])
        """,
        rules=RULES,
        expected_diagnostics=["KM147"],
    )


def test_other_call_shapes_block_the_rewrite():
    assert_migrates(
        """
        import keras

        class Pair(keras.layers.Layer):
            def call(self, inputs):
                a, b = inputs
                return a if b is None else a + b

        layer = Pair()
        y = layer([x, None])
        z = layer(pair_list)
        """,
        rules=RULES,
        expected_diagnostics=["KM147"],
    )


def test_without_none_sites_nothing_changes_and_docstring_kept():
    assert_migrates(
        """
        import keras

        class Pair(keras.layers.Layer):
            def call(self, inputs):
                \"\"\"Adds.\"\"\"
                a, b = inputs
                return a + b

        y = Pair()([x, z])
        """,
        rules=RULES,
    )
