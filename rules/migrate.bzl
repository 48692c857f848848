"""Public API of the Keras 2 -> 3 migration aspect.

    load("@keras_migrate//rules:migrate.bzl", "keras_migrate_aspect")
    keras3 = keras_migrate_aspect(binary = Label("@keras_migrate//tools:migrate_action"))

Run it with `bazel build --aspects=//path:file.bzl%keras3 --output_groups=keras_migrate_patch //pkg/...`
or, simpler, `bazel run //tools:migrate -- //pkg/...`, which builds the aspect and
applies the result. Per target it emits the migrated sources, a unified-diff patch and a
JSON report (output groups keras_migrate_sources, keras_migrate_patch,
keras_migrate_report). Targets tagged "no-keras-migrate" are skipped.
"""

load(
    "//rules/private:migrate_aspect.bzl",
    _KerasMigrateInfo = "KerasMigrateInfo",
    _OPT_OUT_TAG = "OPT_OUT_TAG",
    _factory = "keras_migrate_aspect_factory",
)

keras_migrate_aspect = _factory
KerasMigrateInfo = _KerasMigrateInfo
KERAS_MIGRATE_OPT_OUT_TAG = _OPT_OUT_TAG
