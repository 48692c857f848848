"""Run by every variant of the keras_backend_test subjects: checks KERAS_BACKEND."""

import os
import sys


def main() -> int:
    backend = os.environ.get("KERAS_BACKEND")
    target = os.environ.get("TEST_TARGET", "")  # e.g. //tests/rules/keras_backend_test_subjects:kbt_default_jax
    if backend not in ("jax", "tensorflow", "torch"):
        print(f"KERAS_BACKEND={backend!r} is not a Keras backend", file=sys.stderr)
        return 1
    if not target.endswith("_" + backend):
        print(f"{target} runs with KERAS_BACKEND={backend}", file=sys.stderr)
        return 1
    print(f"{target}: KERAS_BACKEND={backend}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
