"""Run by the keras2_test subjects: checks the environment keras2_test sets."""

import os
import sys


def main() -> int:
    if os.environ.get("TF_USE_LEGACY_KERAS") != "1":
        print(f"TF_USE_LEGACY_KERAS={os.environ.get('TF_USE_LEGACY_KERAS')!r}, expected '1'", file=sys.stderr)
        return 1
    print("TF_USE_LEGACY_KERAS=1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
