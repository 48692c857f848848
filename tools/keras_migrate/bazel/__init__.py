"""Bazel integration: the action the migration aspect runs, and the driver behind
`bazel run //tools:migrate -- //pkg/...`."""

__all__ = ["run_on_targets"]


def __getattr__(name):
    # Lazy: the ratchet check imports _contract alone (no libcst, no rules).
    if name == "run_on_targets":
        from keras_migrate.bazel._driver import run_on_targets

        return run_on_targets
    raise AttributeError(f"module 'keras_migrate.bazel' has no attribute {name!r}")
