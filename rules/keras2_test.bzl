"""keras2_test: a test of Keras 2 code that is not migrated yet, run under genuine Keras 2.

While a monorepo migrates to Keras 3 shard by shard, the Python environment has Keras 3
(`import keras`, and `tf.keras` is Keras 3 too from TensorFlow 2.16 on). Code not migrated
yet is Keras 2 code: its tests keep running, unchanged, under genuine Keras 2 (tf_keras),
which TensorFlow selects for `tf.keras` when TF_USE_LEGACY_KERAS=1. For

    load("//rules:keras2_test.bzl", "keras2_test")

    keras2_test(
        name = "model_test",
        srcs = ["model_test.py"],
        deps = [":model"],
    )

the macro makes one py_test `model_test` with env TF_USE_LEGACY_KERAS=1 (plus the
caller's env) and the tag `keras2` (plus the caller's tags), which marks the target as
Keras 2 code waiting for migration:

  * `bazel run //tools:migrate -- prepare //...` writes these calls (every pending Keras
    py_test becomes a keras2_test; pending libraries get the tag `keras2`);
  * `bazel run //tools:migrate -- //pkg:model_test` (or applying the plan's shard that
    contains it) migrates the code and turns the call into a keras_backend_test, one
    py_test per Keras 3 backend, dropping the tag;
  * a keras_backend_test (Keras 3) whose deps reach a `keras2`-tagged target fails
    analysis, naming both targets and the fix; a keras2_test depending on migrated code
    is fine (the normal state of a dependencies-first rollout).

Arguments (the rest, e.g. size, data, args, visibility, go to the py_test):

  main: the file to run; default: the only file of srcs, else `<name>.py` (as
      keras_backend_test).
  env: extra test environment; TF_USE_LEGACY_KERAS is the macro's.
  tags: extra tags; `keras2` is the macro's.
"""

load("//rules/private:keras2_test.bzl", _keras2_test = "keras2_test")

keras2_test = _keras2_test
