"""KM226 sequence_batches: Sequence subclasses derive from Keras2Sequence."""

from keras_migrate.rules.sequence_batches import SequenceBatches
from keras_migrate.testing import assert_migrates


def test_whole_rule_set_depth_estimation_generator():
    assert_migrates(
        """
        import numpy as np
        import tensorflow as tf

        class DataGenerator(tf.keras.utils.Sequence):
            def __init__(self, data, batch_size=6):
                self.data = data
                self.batch_size = batch_size

            def __len__(self):
                return int(np.ceil(len(self.data) / self.batch_size))

            def __getitem__(self, index):
                image = tf.image.convert_image_dtype(np.empty((self.batch_size, 4)), tf.float32)
                return image, np.empty((self.batch_size, 1))

        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        model.fit(DataGenerator(np.zeros(12)), epochs=2)
        """,
        # data code stays TensorFlow (tf.image in __getitem__), also on a second run
        """
        import numpy as np
        import tensorflow as tf
        import keras
        from keras_migrate_runtime import Keras2Sequence

        class DataGenerator(Keras2Sequence):
            def __init__(self, data, batch_size=6):
                self.data = data
                self.batch_size = batch_size

            def __len__(self):
                return int(np.ceil(len(self.data) / self.batch_size))

            def __getitem__(self, index):
                image = tf.image.convert_image_dtype(np.empty((self.batch_size, 4)), tf.float32)
                return image, np.empty((self.batch_size, 1))

        model = keras.Sequential([keras.layers.Dense(1)])
        model.fit(DataGenerator(np.zeros(12)), epochs=2)
        """,
    )


def test_steps_per_epoch_over_a_sequence_is_diagnosed_in_the_first_run():
    result = assert_migrates(
        """
        import tensorflow as tf

        class Generator(tf.keras.utils.Sequence):
            def __len__(self):
                return 10

        def train(model):
            loader = Generator()
            model.fit(loader, steps_per_epoch=3, epochs=2)
            model.fit(x=Generator(), steps_per_epoch=None)
            model.fit(arrays, steps_per_epoch=3)
        """,
        """
        from keras_migrate_runtime import Keras2Sequence

        class Generator(Keras2Sequence):
            def __len__(self):
                return 10

        def train(model):
            loader = Generator()
            model.fit(loader, steps_per_epoch=3, epochs=2)
            model.fit(x=Generator(), steps_per_epoch=None)
            model.fit(arrays, steps_per_epoch=3)
        """,
        rules=[SequenceBatches],
        expected_diagnostics=["KM226"],
    )
    (diagnostic,) = result.diagnostics
    assert diagnostic.line == 9 and "loader" in diagnostic.message and "batch 0" in diagnostic.message
    assert "__len__" in diagnostic.fix
