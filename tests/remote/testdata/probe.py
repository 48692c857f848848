"""Cheap probe run remotely by tests/remote (a py_test main, not a pytest file: it needs
the Bazel test environment). It imports no ML framework, so it is fast.

Checks what a per-backend test variant must see wherever it runs: its backend in
KERAS_BACKEND and a Bazel test environment. Which worker ran it is recorded by
the bot (tools/remote/bot.py), not here: the action must not depend on it.
"""

import os
import unittest


class ProbeTest(unittest.TestCase):
    def test_backend_is_set(self):
        self.assertIn(os.environ.get("KERAS_BACKEND"), {"jax", "tensorflow", "torch"})

    def test_runs_as_a_bazel_test(self):
        self.assertTrue(os.environ.get("TEST_TARGET", "").startswith("//tests/remote/testdata:"))
        self.assertTrue(os.path.isdir(os.environ["TEST_TMPDIR"]))


if __name__ == "__main__":
    unittest.main()
