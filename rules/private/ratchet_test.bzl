"""Implementation of keras_migrate_test (the ratchet); public entry: //rules:ratchet.bzl."""

load("//rules:aspects.bzl", "keras_migrate")
load(":migrate_aspect.bzl", "KerasMigrateInfo")

_ALL_BACKENDS = ["jax", "tensorflow", "torch"]

def _impl(ctx):
    for backend in ctx.attr.backends:
        if backend not in _ALL_BACKENDS:
            fail("keras_migrate_test: unknown backend %r (one of %s)" % (backend, ", ".join(_ALL_BACKENDS)))
    reports = []
    for target in ctx.attr.targets:
        report = target[KerasMigrateInfo].report
        if report == None:
            fail(("keras_migrate_test: %s is not migrated by keras_migrate (not a py_library/py_binary/" +
                  "py_test of this repository, or tagged no-keras-migrate): nothing to guard") % target.label)
        reports.append(report)
    checker = ctx.attr._checker[DefaultInfo].files_to_run.executable
    args = ["--backends", ",".join(ctx.attr.backends)]
    runfiles = ctx.runfiles(files = reports)
    if ctx.file.allowlist:
        args.extend(["--allowlist", ctx.file.allowlist.short_path])
        runfiles = runfiles.merge(ctx.runfiles(files = [ctx.file.allowlist]))
    # Tests run in runfiles/<main repository>: short paths resolve there (another
    # repository's files, such as @keras_migrate's checker, are at ../<repository>/).
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.write(
        script,
        "#!/bin/bash\nexec %s %s %s \"$@\"\n" % (
            checker.short_path,
            " ".join(args),
            " ".join([r.short_path for r in reports]),
        ),
        is_executable = True,
    )
    runfiles = runfiles.merge(ctx.attr._checker[DefaultInfo].default_runfiles)
    return [DefaultInfo(executable = script, runfiles = runfiles)]

keras_migrate_test = rule(
    implementation = _impl,
    test = True,
    attrs = {
        "targets": attr.label_list(
            aspects = [keras_migrate],
            mandatory = True,
            doc = "Migrated py_library/py_binary/py_test targets that must stay migrated.",
        ),
        "backends": attr.string_list(
            default = _ALL_BACKENDS,
            doc = "Backends every target must keep supporting.",
        ),
        "allowlist": attr.label(
            allow_single_file = True,
            doc = "Checked-in file of exempt labels, one per line, `# reason` after each.",
        ),
        "_checker": attr.label(
            default = Label("//tools:ratchet_check"),
            executable = True,
            cfg = "target",
        ),
    },
    doc = "Fails when a guarded target regains Keras 2 code (tf.keras, ...) or loses a backend.",
)
