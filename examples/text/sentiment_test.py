import unittest

import numpy as np

from examples.text.sentiment import build_model, train


class SentimentTest(unittest.TestCase):
    def test_fit_from_generator(self):
        rng = np.random.RandomState(1)
        tokens = rng.randint(1, 50, size=(32, 10))
        labels = (tokens[:, 0] > 25).astype("float32")
        model = build_model()
        losses = train(model, tokens, labels, epochs=2)
        self.assertEqual(len(losses), 2)
        self.assertTrue(np.all(np.isfinite(losses)))
        self.assertEqual(model.predict(tokens[:3], verbose=0).shape, (3, 1))


if __name__ == "__main__":
    unittest.main()
