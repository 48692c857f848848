from keras_migrate.rules.padding_case import PaddingCase
from keras_migrate.testing import assert_migrates

RULES = [PaddingCase]


def test_layers_imported_by_name_and_mixed_case():
    assert_migrates(
        """
        from tensorflow.keras.layers import Conv1D, MaxPooling2D
        conv = Conv1D(8, 3, padding='Causal')
        pool = MaxPooling2D((2, 2), None, u"Same", name="SAME")
        """,
        """
        from tensorflow.keras.layers import Conv1D, MaxPooling2D
        conv = Conv1D(8, 3, padding='causal')
        pool = MaxPooling2D((2, 2), None, u"same", name="SAME")
        """,
        rules=RULES,
    )


def test_what_is_not_a_padding_literal_stays():
    # bytes, f-strings, names, other words, a partial of something else
    assert_migrates(
        """
        import functools
        from tensorflow import keras
        a = keras.layers.Conv2D(4, 3, padding=b"SAME")
        b = keras.layers.Conv2D(4, 3, padding=f"{mode}")
        c = keras.layers.Conv2D(4, 3, padding=MODE)
        d = keras.layers.Conv2D(4, 3, padding="same")
        e = functools.partial(make_conv, padding="SAME")
        f = keras.layers.Lambda(lambda x: x, name="VALID")
        """,
        rules=RULES,
    )
