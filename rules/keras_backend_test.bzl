"""keras_backend_test: one test definition, one py_test per Keras 3 backend.

Modelled on JAX's jax_multiplatform_test. For

    load("//rules:keras_backend_test.bzl", "keras_backend_test")

    keras_backend_test(
        name = "model_test",
        srcs = ["model_test.py"],
        deps = [":model"],
        unsupported_backends = {"torch": "uses tf.data inside the model"},
    )

the macro generates, in the calling package:

  * `model_test_jax`, `model_test_tensorflow`, `model_test_torch`: py_test targets with
    env KERAS_BACKEND=<backend> and the tags `keras_backend=<backend>` and `<backend>`
    (so `--test_tag_filters=torch,-gpu` selects one backend across a repository).
  * `model_test`: a test_suite of the supported variants (what the test was before).
  * `keras_jax_tests`, `keras_tensorflow_tests`, `keras_torch_tests`: one test_suite per
    backend per package (made by the first keras_backend_test call of the package),
    selecting every non-manual variant of that backend in the package.
  * `model_test_keras_deps_check`: fails analysis when the deps, transitively, reach a
    target tagged `keras2` (Keras 2 code not migrated yet; see //rules:keras2_test.bzl),
    naming both and the fix; every variant lists it in `data`, so `bazel build`/`bazel
    test` of any variant, or of //..., checks it. No actions, no outputs.

Arguments (the rest, e.g. size, data, args, shard_count, visibility, go to every py_test):

  backends: the variants to generate, a subset of ["jax", "tensorflow", "torch"].
  unsupported_backends: {backend: reason} for backends the code cannot run on (e.g.
      TensorFlow-only code). Those variants are still generated, tagged `manual` and
      `keras_backend_unsupported=<reason>`, and left out of the suites: `bazel test //...`
      skips them, `bazel test //pkg:model_test_torch` still runs them (to see why).
  gpu: the variants need a GPU. They get the tags `gpu` and `requires-gpu-nvidia` and
      exec_properties {"test.Pool": "gpu"}; CPU variants get {"test.Pool": "cpu"}. The
      "test." prefix scopes the property to the test action (the `test` exec group), so
      a remote executor sends only the test run, not the target's build actions, to a GPU
      worker (plain {"Pool": "gpu"} would apply to every action of the target). Bazel
      4.2.3 supports the prefix for test rules. The repository's .bazelrc skips `gpu`
      tests by default (`test --test_tag_filters=-gpu`: built, not run, so machines
      without a GPU stay green; asking for GPU tests alone then ends with Bazel's "No
      test targets were found", exit 4); `--config=gpu` runs only them.
  main: the file to run; default: the only file of srcs, else `<name>.py`.
  env: extra test environment; KERAS_BACKEND is the macro's.
  tags: tags of every variant; not `keras2` (a Keras 2 test is a keras2_test).

Bad arguments (unknown backend, reason for a backend not in backends, ...) are reported
as an analysis error of the targets the call would have made (`<name>` and
`<name>_<backend>`), with a message naming the call, rather than a loading error: the
rest of the package keeps working and analysis tests can check the message.
"""

load(
    "//rules/private:keras_backend_test.bzl",
    _KERAS_BACKENDS = "KERAS_BACKENDS",
    _keras_backend_test = "keras_backend_test",
    _validate = "validate",
)

KERAS_BACKENDS = _KERAS_BACKENDS
keras_backend_test = _keras_backend_test

# keras_backend_test_errors(name, srcs, backends, unsupported_backends, gpu, main, env,
# tags, exec_properties) -> [message]: the checks keras_backend_test applies, for tools
# that generate calls (empty list: valid).
keras_backend_test_errors = _validate
