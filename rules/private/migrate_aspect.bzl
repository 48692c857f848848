"""Implementation of the keras_migrate aspect; the public entry point is //rules:migrate.bzl.

Shaped like rules_lint's aspects: should_visit -> filter_srcs -> declare outputs ->
no-op action when there is nothing to migrate -> run -> providers.
"""

# Targets carrying this tag are never migrated (incremental roll-out: opt out per target).
OPT_OUT_TAG = "no-keras-migrate"

# Rule kinds whose sources are migrated.
VISITED_KINDS = ["py_library", "py_binary", "py_test"]

# Every output is named from this one format (the mode keeps the two aspects' outputs
# apart when both are applied to one target).
OUTPUT_FORMAT = "{name}.keras_migrate_{mode}.{kind}"

# Output groups: human (patch), machine (report), and the rewritten sources.
OUTPUT_GROUP_PATCH = "keras_migrate_patch"
OUTPUT_GROUP_REPORT = "keras_migrate_report"
OUTPUT_GROUP_SOURCES = "keras_migrate_sources"

# The action's mnemonic: .bazelrc selects its strategy (persistent worker) by it.
MNEMONIC = "KerasMigrate"

KerasMigrateInfo = provider(
    doc = "Migration results of a target and of its dependencies.",
    fields = {
        "patch": "File: unified diff of this target's own sources (empty when nothing changes).",
        "report": "File: JSON report of this target (rules fired, diagnostics, backends).",
        "sources": "list of File: this target's sources, migrated.",
        "transitive_reports": "depset of File: reports of this target and everything it depends on.",
        "transitive_patches": "depset of File: patches of this target and everything it depends on.",
    },
)

def output_name(name, mode, kind):
    return OUTPUT_FORMAT.format(name = name, mode = mode, kind = kind)

def should_visit(rule_kind, tags, workspace_root):
    """Whether the aspect migrates a target (pure: unit-tested)."""
    if rule_kind not in VISITED_KINDS:
        return False
    if OPT_OUT_TAG in tags:
        return False

    # External repositories are third-party code: never rewritten.
    return workspace_root == ""

def filter_srcs(srcs):
    """Source files worth migrating: checked-in .py files of the main repository.

    Generated files are outputs of other actions: rewriting them would be undone by the
    next build, so they are left alone.
    """
    return [f for f in srcs if f.is_source and f.extension == "py" and f.owner.workspace_root == ""]

def filter_notebooks(data):
    """Jupyter notebooks a target lists in data: checked-in .ipynb files of the main
    repository (migrated like sources: code cells as one module)."""
    return [f for f in data if f.is_source and f.extension == "ipynb" and f.owner.workspace_root == ""]

def _deps_infos(ctx):
    infos = []
    for attr in ("deps", "data"):
        for dep in getattr(ctx.rule.attr, attr, []):
            if KerasMigrateInfo in dep:
                infos.append(dep[KerasMigrateInfo])
    return infos

def _providers(ctx, patch, report, sources):
    deps = _deps_infos(ctx)
    reports = depset([report] if report else [], transitive = [d.transitive_reports for d in deps])
    patches = depset([patch] if patch else [], transitive = [d.transitive_patches for d in deps])
    return [
        KerasMigrateInfo(
            patch = patch,
            report = report,
            sources = sources,
            transitive_reports = reports,
            transitive_patches = patches,
        ),
        OutputGroupInfo(**{
            OUTPUT_GROUP_PATCH: patches,
            OUTPUT_GROUP_REPORT: reports,
            OUTPUT_GROUP_SOURCES: depset(sources),
        }),
    ]

def _aspect_impl(target, ctx):
    if not should_visit(ctx.rule.kind, ctx.rule.attr.tags, ctx.label.workspace_root):
        return _providers(ctx, None, None, [])

    srcs = filter_srcs(ctx.rule.files.srcs if hasattr(ctx.rule.files, "srcs") else [])
    srcs = srcs + filter_notebooks(ctx.rule.files.data if hasattr(ctx.rule.files, "data") else [])
    name = ctx.label.name
    patch = ctx.actions.declare_file(output_name(name, ctx.attr._mode, "patch"))
    report = ctx.actions.declare_file(output_name(name, ctx.attr._mode, "json"))

    if not srcs:
        # No-op: keep the outputs so every visited target has a report.
        ctx.actions.write(patch, "")
        ctx.actions.write(report, json.encode({
            "label": str(ctx.label),
            "mode": ctx.attr._mode,
            "changed": False,
            "failed": False,
            "backends": ["jax", "tensorflow", "torch"],
            "tensorflow_only": [],
            "runtime_symbols": [],
            "files": [],
        }))
        return _providers(ctx, patch, report, [])

    outputs = []
    args = ctx.actions.args()
    args.add("--label", str(ctx.label))
    args.add("--mode", ctx.attr._mode)
    args.add("--patch", patch)
    args.add("--report", report)
    for src in srcs:
        out = ctx.actions.declare_file(output_name(name, ctx.attr._mode, "srcs") + "/" + src.short_path)
        outputs.append(out)
        args.add("--file", "%s=%s" % (src.path, out.path))

    # Arguments in a params file: required of persistent workers (the file's lines are
    # one WorkRequest); the one-shot action reads it as @file.
    args.use_param_file("@%s", use_always = True)
    args.set_param_file_format("multiline")
    ctx.actions.run(
        executable = ctx.executable._migrator,
        arguments = [args],
        inputs = srcs,
        outputs = outputs + [patch, report],
        mnemonic = MNEMONIC,
        # A persistent worker keeps Python, libcst and the rules loaded between targets
        # (.bazelrc: --strategy=KerasMigrate=worker,sandboxed); other strategies run it
        # one-shot with the same outputs.
        execution_requirements = {"supports-workers": "1"},
        progress_message = "Migrating %s to Keras 3 (%s)" % (ctx.label, ctx.attr._mode),
    )
    return _providers(ctx, patch, report, outputs)

def keras_migrate_aspect_factory(binary, mode = "agnostic"):
    """Makes a migration aspect (assign the result to a global in a .bzl file).

    Args:
      binary: label of the migration action binary (//tools:migrate_action).
      mode: "agnostic" (JAX, TensorFlow, PyTorch) or "tensorflow" (part 1 rules only).

    Returns:
      An aspect that follows deps and data.
    """
    if mode not in ("agnostic", "tensorflow"):
        fail("keras_migrate_aspect: mode must be \"agnostic\" or \"tensorflow\", got %r" % mode)
    return aspect(
        implementation = _aspect_impl,
        attr_aspects = ["deps", "data"],
        attrs = {
            "_migrator": attr.label(
                default = binary,
                executable = True,
                cfg = "exec",
            ),
            "_mode": attr.string(default = mode),
        },
        provides = [KerasMigrateInfo],
    )
