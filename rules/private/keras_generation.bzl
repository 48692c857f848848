"""Which Keras a target is written for, during a rollout: the `keras2` marker and the
analysis-time check that Keras 3 tests do not depend on Keras 2 code.

In a half-migrated repository, code not migrated yet is tagged `keras2` (by
`bazel run //tools:migrate -- prepare //...`); its tests run under genuine Keras 2 through
keras2_test. A Keras 3 test (a keras_backend_test variant) that depends on such code
would import tf.keras code into Keras 3: keras_backend_test makes it fail analysis, with
both labels and the fix, instead of failing (or, worse, passing) at run time.
"""

# The tag of a target whose code is still Keras 2 (tools/keras_migrate/bazel/_contract.py:
# KERAS2_TAG).
KERAS2_TAG = "keras2"

# The environment variable that makes tf.keras genuine Keras 2 (tf_keras)
# (tools/keras_migrate/bazel/_contract.py: LEGACY_KERAS_ENV).
LEGACY_KERAS_ENV = "TF_USE_LEGACY_KERAS"

Keras2DepsInfo = provider(
    doc = "The keras2-tagged targets in the deps closure of a target (itself included).",
    fields = {"labels": "depset of the labels (strings) of keras2-tagged targets"},
)

def display_label(label):
    """`label` as users write it: //pkg:name in the main repository (str() gives @@//pkg:name
    on Bazel 7), @repo//pkg:name elsewhere.

    Args:
      label: a Label.

    Returns:
      The string.
    """
    repo = "@" + label.workspace_name if label.workspace_name else ""
    return "%s//%s:%s" % (repo, label.package, label.name)

def _keras2_deps_aspect_impl(target, ctx):
    # Cheap: one depset per target, holding only the (few) keras2-tagged labels; no actions.
    direct = [display_label(target.label)] if KERAS2_TAG in getattr(ctx.rule.attr, "tags", []) else []
    transitive = [
        dep[Keras2DepsInfo].labels
        for dep in getattr(ctx.rule.attr, "deps", [])
        if Keras2DepsInfo in dep
    ]
    return [Keras2DepsInfo(labels = depset(direct, transitive = transitive))]

keras2_deps_aspect = aspect(
    implementation = _keras2_deps_aspect_impl,
    attr_aspects = ["deps"],
    doc = "Collects the labels of keras2-tagged targets along `deps`.",
)

# At most this many keras2 dependencies are named in one error (the rest are counted).
_MAX_NAMED = 5

def _migrate_tool():
    # The migrate command as the user types it: //tools:migrate inside this repository,
    # @keras_migrate//tools:migrate in a workspace using it as an external repository.
    return "//tools:migrate" if Label("//tools:migrate").workspace_name == "" else "@keras_migrate//tools:migrate"

def keras3_mixing_error(test, keras2_labels):
    """The analysis error of Keras 3 test `test` depending on keras2-tagged targets.

    Args:
      test: label (string) of the keras_backend_test call (its test_suite).
      keras2_labels: sorted labels (strings) of the keras2-tagged targets in its deps.

    Returns:
      The message (a string).
    """
    tool = _migrate_tool()
    lines = []
    for dep in keras2_labels[:_MAX_NAMED]:
        lines.append(
            ("%s (Keras 3) depends on %s, tagged %s (Keras 2 code not migrated yet): migrate %s first " +
             "(bazel run %s -- %s, or apply the plan's shard containing it: bazel run %s -- apply --shard ID), " +
             "or keep %s on Keras 2 with keras2_test") % (test, dep, KERAS2_TAG, dep, tool, dep, tool, test),
        )
    if len(keras2_labels) > _MAX_NAMED:
        lines.append("... and %d more %s-tagged dependencies of %s" % (
            len(keras2_labels) - _MAX_NAMED,
            KERAS2_TAG,
            test,
        ))
    return "\n".join(lines)

def _keras_deps_check_impl(ctx):
    keras2 = depset(transitive = [dep[Keras2DepsInfo].labels for dep in ctx.attr.deps]).to_list()
    if keras2:
        fail(keras3_mixing_error(ctx.attr.test, sorted(keras2)))
    return [DefaultInfo()]

# Made by keras_backend_test next to its variants (`<name>_keras_deps_check`), which list
# it in `data`: analysing the variants, or `bazel build //...`, analyses it. No actions,
# no outputs.
keras_deps_check = rule(
    implementation = _keras_deps_check_impl,
    attrs = {
        "deps": attr.label_list(aspects = [keras2_deps_aspect]),
        "test": attr.string(mandatory = True, doc = "label of the keras_backend_test call, for the message"),
    },
    doc = "Fails analysis when `deps` reach a keras2-tagged target (see keras_backend_test).",
)
