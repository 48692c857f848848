import unittest

import numpy as np

from examples.vision.classifier import build_classifier


class ClassifierTest(unittest.TestCase):
    def test_trains(self):
        rng = np.random.RandomState(0)
        images = rng.randint(0, 255, size=(32, 16, 16, 1)).astype("float32")
        labels = (images.mean(axis=(1, 2, 3)) > 127).astype("int32")
        model = build_classifier()
        initial = model.evaluate(images, labels, verbose=0)[0]
        # Zero output kernel: every class equally likely at first.
        np.testing.assert_allclose(initial, np.log(3.0), rtol=1e-5)
        model.fit(images, labels, epochs=3, batch_size=8, verbose=0)
        self.assertLess(model.evaluate(images, labels, verbose=0)[0], initial)
        self.assertEqual(model.predict(images[:2], verbose=0).shape, (2, 3))


if __name__ == "__main__":
    unittest.main()
