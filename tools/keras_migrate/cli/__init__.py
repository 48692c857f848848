"""Command-line front end (`keras-migrate`, `python -m keras_migrate`, `bazel run //tools:migrate`)."""

from keras_migrate.cli._main import main

__all__ = ["main"]
