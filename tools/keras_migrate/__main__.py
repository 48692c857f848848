import sys

from keras_migrate.cli import main

if __name__ == "__main__":
    sys.exit(main())
