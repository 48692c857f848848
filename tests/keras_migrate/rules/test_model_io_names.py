from keras_migrate.rules.model_io_names import ModelIoNames
from keras_migrate.testing import assert_migrates

RULES = [ModelIoNames]


def test_input_names_on_attribute_receiver():
    assert_migrates(
        """
        import tensorflow as tf
        model = tf.keras.models.load_model(path)
        names = self.model.input_names
        for n in model.input_names:
            print(n)
        """,
        """
        import tensorflow as tf
        model = tf.keras.models.load_model(path)
        names = [t.name for t in self.model.inputs]
        for n in [t.name for t in model.inputs]:
            print(n)
        """,
        rules=RULES,
    )


def test_assignment_targets_and_non_keras_files_untouched():
    assert_migrates("import tensorflow as tf\nmodel.input_names = ['a']\n", rules=RULES)
    assert_migrates("import pandas\nx = frame.input_names\n", rules=RULES)


def test_functional_output_names_kept():
    assert_migrates(
        """
        from tensorflow import keras
        m = keras.Model(inputs, outputs)
        names = m.output_names
        """,
        rules=RULES,
    )
