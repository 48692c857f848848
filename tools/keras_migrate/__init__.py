"""keras_migrate: migrate TensorFlow-only Keras 2 code to multi-backend Keras 3."""

__all__ = ["Diagnostic", "MigrationOptions", "MigrationResult", "Severity", "migrate_source"]
__version__ = "0.1.0"


def __getattr__(name):
    # Lazy: `keras-migrate verify` runs programs with keras_migrate.verify imported in
    # the child, where the migrator (libcst) is neither needed nor wanted.
    if name == "migrate_source":  # with the Keras rules; the engine itself knows none
        from keras_migrate.migrator import migrate_source

        return migrate_source
    if name in __all__:
        from keras_migrate import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'keras_migrate' has no attribute {name!r}")
