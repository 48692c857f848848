from keras_migrate.rules.thresholded_relu import ThresholdedRelu
from keras_migrate.testing import assert_migrates

RULES = [ThresholdedRelu]


def test_tf_keras_spelling_gets_keras_import():
    assert_migrates(
        """
        import tensorflow as tf
        act = tf.keras.layers.ThresholdedReLU(theta=2.0, name="act")
        """,
        """
        import tensorflow as tf
        import keras
        act = keras.layers.ReLU(threshold=2.0, name="act")
        """,
        rules=RULES,
    )


def test_layers_module_alias_is_kept():
    assert_migrates(
        """
        from tensorflow.keras import layers as L
        act = L.ThresholdedReLU()
        """,
        """
        from tensorflow.keras import layers as L
        act = L.ReLU(threshold=1.0)
        """,
        rules=RULES,
    )


def test_aliased_class_import_full_pipeline():
    assert_migrates(
        """
        from tensorflow.keras.layers import ThresholdedReLU as TR
        from tensorflow.keras.models import Sequential

        model = Sequential([
            TR(
                theta=0.3,
            ),
        ])
        """,
        """
        from keras.models import Sequential
        import keras

        model = Sequential([
            keras.layers.ReLU(
                threshold=0.3,
            ),
        ])
        """,
    )


def test_variable_theta_and_other_keywords():
    assert_migrates(
        """
        import keras
        t = 0.5
        act = keras.layers.ThresholdedReLU(t, input_shape=(3,))
        """,
        """
        import keras
        t = 0.5
        act = keras.layers.ReLU(threshold=t, input_shape=(3,))
        """,
        rules=RULES,
    )


def test_unpacked_kwargs_are_diagnosed():
    assert_migrates(
        """
        import keras
        act = keras.layers.ThresholdedReLU(**config)
        """,
        None,
        rules=RULES,
        expected_diagnostics=["KM170"],
    )


def test_subclass_and_isinstance_are_diagnosed():
    result = assert_migrates(
        """
        from tensorflow.keras.layers import ThresholdedReLU

        class Shifted(ThresholdedReLU):
            pass

        ok = isinstance(layer, ThresholdedReLU)
        """,
        None,
        rules=RULES,
        expected_diagnostics=["KM170", "KM170"],
    )
    assert all(d.fix and "threshold" in d.fix for d in result.diagnostics)


def test_unrelated_names_untouched():
    assert_migrates(
        """
        import keras
        class ThresholdedReLU:
            pass
        a = ThresholdedReLU()
        b = keras.layers.ReLU(threshold=1.0)
        """,
        None,
        rules=RULES,
    )
