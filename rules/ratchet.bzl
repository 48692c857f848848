"""The migration ratchet: keep migrated targets migrated.

    load("@keras_migrate//rules:ratchet.bzl", "keras_migrate_test")

    keras_migrate_test(
        name = "keras3_ratchet",
        targets = [":model", ":model_lib_test"],
        backends = ["jax", "tensorflow", "torch"],   # the default
        allowlist = "keras3_allowlist.txt",           # optional: `//pkg:target  # reason`
    )

`bazel test //pkg:keras3_ratchet` fails when a listed target's sources would be migrated
again (tf.keras, tensorflow.keras or another Keras 2-only API came back), fail to
migrate, or stop supporting one of `backends`. The targets' migration reports come from
the keras_migrate aspect, cached per target.
"""

load("//rules/private:ratchet_test.bzl", _keras_migrate_test = "keras_migrate_test")

keras_migrate_test = _keras_migrate_test
