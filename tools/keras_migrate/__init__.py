"""keras_migrate: migrate TensorFlow-only Keras 2 code to multi-backend Keras 3."""

from keras_migrate.engine import (
    Diagnostic,
    MigrationOptions,
    MigrationResult,
    Severity,
    migrate_source,
)

__all__ = ["Diagnostic", "MigrationOptions", "MigrationResult", "Severity", "migrate_source"]
__version__ = "0.1.0"
