"""Each keras_backend_test variant runs with its own KERAS_BACKEND (no Keras import)."""

import os
import unittest

BACKENDS = ("jax", "tensorflow", "torch")


class BackendEnvTest(unittest.TestCase):
    def test_keras_backend_matches_the_target_name(self):
        backend = os.environ.get("KERAS_BACKEND")
        self.assertIn(backend, BACKENDS)
        # TEST_TARGET is set by Bazel (e.g. //tests/bazel7:backend_env_test_jax).
        target = os.environ.get("TEST_TARGET", "")
        if target:
            self.assertTrue(target.endswith("_" + backend), (target, backend))


if __name__ == "__main__":
    unittest.main()
