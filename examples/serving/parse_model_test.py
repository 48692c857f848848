import unittest

import numpy as np
import tensorflow as tf

from examples.serving.parse_model import build_model


class ParseModelTest(unittest.TestCase):
    def test_parses(self):
        model = build_model()
        out = model(tf.constant([["1.5", "2"], ["3", "-4"]]))
        np.testing.assert_allclose(np.asarray(out), [[3.0, 4.0], [6.0, -8.0]])


if __name__ == "__main__":
    unittest.main()
