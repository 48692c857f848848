import unittest

import numpy as np

from examples.serving.parse_model import build_model


class ParseModelTest(unittest.TestCase):
    def test_parses(self):
        model = build_model()
        out = model.predict(np.array([["1.5", "2"], ["3", "-4"]]), verbose=0)
        np.testing.assert_allclose(out, [[3.0, 4.0], [6.0, -8.0]])


if __name__ == "__main__":
    unittest.main()
