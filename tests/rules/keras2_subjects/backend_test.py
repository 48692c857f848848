"""Run by the passing keras_backend_test subject: checks it is not on Keras 2."""

import os
import sys


def main() -> int:
    if os.environ.get("TF_USE_LEGACY_KERAS"):
        print("a Keras 3 test runs with TF_USE_LEGACY_KERAS set", file=sys.stderr)
        return 1
    print(f"KERAS_BACKEND={os.environ.get('KERAS_BACKEND')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
