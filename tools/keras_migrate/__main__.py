import sys

try:
    from keras_migrate.cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was touched yet
    sys.exit(130)

if __name__ == "__main__":
    sys.exit(main())
