import unittest

import numpy as np

from examples.tabular.ranker import build_ranker


class RankerTest(unittest.TestCase):
    def test_scores(self):
        x = np.linspace(-1.0, 1.0, 2 * 6 * 3, dtype="float32").reshape(2, 6, 3)
        model = build_ranker()
        # All-ones kernels: each window sums 9 inputs for each of the 2 filters; values
        # not above theta=0.5 are zeroed; the head sums everything.
        windows = np.stack([x[:, i:i + 3, :].sum(axis=(1, 2)) for i in range(4)], axis=1)
        windows = np.where(windows > 0.5, windows, 0.0)
        expected = 2 * windows.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)


if __name__ == "__main__":
    unittest.main()
