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


def test_none_nested_deeper_in_results_is_diagnosed():
    assert_migrates(
        """
        import keras

        class Deep(keras.layers.Layer):
            def call(self, x):
                return [x, [None, x]]

        class Dict(keras.layers.Layer):
            def call(self, x):
                return {"out": x, "extra": {"aux": None}}
        """,
        rules=RULES,
        expected_diagnostics=["KM147", "KM147"],
    )


def test_none_through_names_and_conditional_expressions_is_diagnosed():
    assert_migrates(
        """
        import keras

        class Attention(keras.layers.Layer):
            def call(self, x, return_scores=False):
                scores = keras.ops.softmax(x) if return_scores else None
                return x, scores

        class Cell(keras.layers.Layer):
            def call(self, x, training=None):
                return x, (x * 2.0 if training else None)
        """,
        rules=RULES,
        expected_diagnostics=["KM147", "KM147"],
    )


def test_tensor_only_results_and_plain_none_returns_are_fine():
    assert_migrates(
        """
        import keras

        class Fine(keras.layers.Layer):
            def call(self, x, mask=None):
                state = keras.ops.zeros_like(x)
                if mask is None:
                    return x, state
                return x * mask, state

        class Helper:
            def call(self, x):
                return x, None

        class Empty(keras.layers.Layer):
            def call(self, x):
                def inner():
                    return x, None
                return None
        """,
        rules=RULES,
    )
