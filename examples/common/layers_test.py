import unittest

import numpy as np
from tensorflow import keras

from examples.common.layers import ScaledResidual


class ScaledResidualTest(unittest.TestCase):
    def test_matches_numpy(self):
        x = np.arange(12, dtype="float32").reshape(3, 4) / 7.0
        y = ScaledResidual()(x).numpy()
        mean = x.mean(-1, keepdims=True)
        expected = x + (x - mean) / np.sqrt(x.var(-1, keepdims=True) + 1e-6)
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)

    def test_in_a_model(self):
        inputs = keras.Input(shape=(4,))
        model = keras.Model(inputs, ScaledResidual()(inputs))
        self.assertEqual(model.output_shape, (None, 4))
        self.assertEqual(len(model.trainable_weights), 1)


if __name__ == "__main__":
    unittest.main()
