"""What the Starlark side (rules/private/*.bzl) and the Python side (aspect action,
driver) must agree on, defined once for Python. The Starlark copies cannot import these;
tests/keras_migrate/bazel/test_contract.py pins them equal."""

from __future__ import annotations

from typing import Iterable, List, Sequence

__all__ = [
    "KERAS2_TAG", "KERAS_BACKENDS", "LEGACY_KERAS_ENV", "OPT_OUT_TAG", "OUTPUT_FORMAT", "OUTPUT_GROUPS", "RESTRICTED_BACKENDS", "VISITED_KINDS",
    "backends_for", "output_name", "target_report",
]

# rules/private/migrate_aspect.bzl: OPT_OUT_TAG. Targets with this tag are never migrated.
OPT_OUT_TAG = "no-keras-migrate"
# rules/private/migrate_aspect.bzl: VISITED_KINDS. Rule kinds whose sources are migrated.
VISITED_KINDS = ("py_library", "py_binary", "py_test")
# rules/private/migrate_aspect.bzl: OUTPUT_FORMAT. Every aspect output is named from it.
OUTPUT_FORMAT = "{name}.keras_migrate_{mode}.{kind}"
# rules/private/migrate_aspect.bzl: OUTPUT_GROUP_PATCH, _REPORT, _SOURCES.
OUTPUT_GROUPS = ("keras_migrate_patch", "keras_migrate_report", "keras_migrate_sources")
# rules/private/keras_backend_test.bzl: KERAS_BACKENDS. The per-backend test variants.
KERAS_BACKENDS = ("jax", "tensorflow", "torch")
# rules/private/keras_generation.bzl: KERAS2_TAG. Marks Keras 2 code waiting for migration
# (prepare adds it, migrating removes it; Keras 3 tests must not depend on such targets).
KERAS2_TAG = "keras2"
# rules/private/keras_generation.bzl: LEGACY_KERAS_ENV. Set to 1, tf.keras is genuine Keras 2
# (tf_keras): keras2_test sets it; migrating a test drops it.
LEGACY_KERAS_ENV = "TF_USE_LEGACY_KERAS"
# Where a target some rule kept on TensorFlow runs.
RESTRICTED_BACKENDS = ("tensorflow",)


def output_name(name: str, mode: str, kind: str) -> str:
    """migrate_aspect.bzl's output_name()."""
    return OUTPUT_FORMAT.format(name=name, mode=mode, kind=kind)


def backends_for(tensorflow_only: Sequence[str]) -> List[str]:
    return list(RESTRICTED_BACKENDS if tensorflow_only else KERAS_BACKENDS)


def target_report(label: str, mode: str, files: List[dict], tensorflow_only: List[str],
                  runtime_symbols: Iterable[str]) -> dict:
    """The JSON report of one target (the aspect writes the same for a target without
    sources: pinned by test_contract.py)."""
    return {
        "label": label,
        "mode": mode,
        "changed": any(f["changed"] for f in files),
        "failed": any(f["failed"] for f in files),
        "backends": backends_for(tensorflow_only),
        "tensorflow_only": list(tensorflow_only),
        "runtime_symbols": sorted(runtime_symbols),
        "files": files,
    }
