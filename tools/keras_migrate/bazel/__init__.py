"""Bazel integration: the action the migration aspect runs, and the driver behind
`bazel run //tools:migrate -- //pkg/...`."""

from keras_migrate.bazel._driver import run_on_targets

__all__ = ["run_on_targets"]
