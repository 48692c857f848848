from keras_migrate.rules.numpy_method import NumpyMethod
from keras_migrate.testing import assert_migrates

RULES = [NumpyMethod]


def test_parenthesized_receiver_and_chains():
    assert_migrates(
        """
        import keras
        a = (x + y).numpy().tolist()
        b = model.predict(x)[0]
        """,
        """
        import keras
        a = keras.ops.convert_to_numpy(x + y).tolist()
        b = model.predict(x)[0]
        """,
        rules=RULES,
    )


def test_existing_keras_alias_is_used():
    assert_migrates(
        """
        import keras as K
        v = layer(x).numpy()
        """,
        """
        import keras as K
        v = K.ops.convert_to_numpy(layer(x))
        """,
        rules=RULES,
    )


def test_inside_dataset_map_untouched():
    assert_migrates(
        """
        import keras
        ds = ds.map(lambda x: x.numpy())
        """,
        rules=RULES,
    )
