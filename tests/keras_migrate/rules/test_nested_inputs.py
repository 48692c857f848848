from keras_migrate.rules.nested_inputs import NestedInputs
from keras_migrate.testing import assert_migrates

RULES = [NestedInputs]


def test_feeding_variable_flattened_with_its_uses():
    assert_migrates(
        """
        import keras

        def build():
            inputs = {"a": keras.Input((1,)), "b": {"c": keras.Input((1,))}}
            model = keras.Model(inputs=inputs, outputs=inputs["a"] + inputs["b"]["c"])
            data = {"a": x, "b": {"c": y}}
            print(data["b"]["c"][:2])
            model.fit(data, t)
        """,
        """
        import keras

        def build():
            inputs = {"a": keras.Input((1,)), "b_c": keras.Input((1,))}
            model = keras.Model(inputs=inputs, outputs=inputs["a"] + inputs["b_c"])
            data = {"a": x, "b_c": y}
            print(data["b_c"][:2])
            model.fit(data, t)
        """,
        rules=RULES,
    )


def test_other_uses_keep_everything_nested():
    # `inputs["b"]` alone is not a leaf: flattening would change what it means; and the
    # data fed to the model must then stay nested too.
    assert_migrates(
        """
        import keras

        inputs = {"a": keras.Input((1,)), "b": {"c": keras.Input((1,))}}
        inner = inputs["b"]
        model = keras.Model(inputs, inputs["a"])
        model.predict({"a": x, "b": {"c": y}})
        """,
        rules=RULES,
    )


def test_unknown_feeding_is_diagnosed_with_flat_keys():
    assert_migrates(
        """
        import keras

        inputs = {"a": keras.Input((1,)), "b": {"c": keras.Input((1,))}}
        model = keras.Model(inputs, inputs["a"] + inputs["b"]["c"])
        model.fit(dataset)
        """,
        rules=RULES,
        expected_diagnostics=["KM142"],
    )
