from keras_migrate.testing import assert_migrates


def test_call_unpacked_by_another_rule_gets_the_flag_in_the_first_run():
    # none_in_nested_args turns call(self, inputs) into call(self, values, scale=None) in
    # the same run: the flag is judged on that signature, so a second run finds nothing.
    assert_migrates(
        """
        from tensorflow import keras

        class OptionalScale(keras.layers.Layer):
            def call(self, inputs):
                values, scale = inputs
                if scale is None:
                    return values * 2.0
                return values * scale

        class WithInit(keras.layers.Layer):
            def __init__(self, factor):
                super().__init__()
                self.factor = factor

            def call(self, inputs):
                values, scale = inputs
                return values * (self.factor if scale is None else scale)

        y = OptionalScale()([x, None])
        z = WithInit(2.0)([x, None])
        """,
        """
        import keras

        class OptionalScale(keras.layers.Layer):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                # Keras 2 accepted non-tensor positional arguments in call() (Keras 3 rejects them)
                self._allow_non_tensor_positional_args = True

            def call(self, values, scale=None):
                if scale is None:
                    return values * 2.0
                return values * scale

        class WithInit(keras.layers.Layer):
            def __init__(self, factor):
                super().__init__()
                # Keras 2 accepted non-tensor positional arguments in call() (Keras 3 rejects them)
                self._allow_non_tensor_positional_args = True
                self.factor = factor

            def call(self, values, scale=None):
                return values * (self.factor if scale is None else scale)

        y = OptionalScale()(x)
        z = WithInit(2.0)(x)
        """,
        rules=None,
    )
