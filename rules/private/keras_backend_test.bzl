"""Implementation of keras_backend_test; the public entry point is //rules:keras_backend_test.bzl."""

load("//rules:python.bzl", "py_test")
load(":keras_generation.bzl", "KERAS2_TAG", "keras_deps_check")

# Order is the order targets are generated and listed in.
KERAS_BACKENDS = ["jax", "tensorflow", "torch"]

# Tags (see the public file for what each is for).
BACKEND_TAG_PREFIX = "keras_backend="
UNSUPPORTED_TAG_PREFIX = "keras_backend_unsupported="
GPU_TAGS = ["gpu", "requires-gpu-nvidia"]

# Exec properties of the test action (the "test" exec group): remote executors route on
# them. Keyed by exec group, so only the test action goes to a GPU worker, not the
# target's build actions. Bazel 4.2.3 honours the "test." prefix (verified with
# --execution_log_json_file: the TestRunner spawn carries Pool=gpu).
POOL_PROPERTY = "test.Pool"
GPU_POOL = "gpu"
CPU_POOL = "cpu"

def _suite_name(backend):
    # One per package, selecting every keras_backend_test variant of that backend.
    return "keras_%s_tests" % backend

def validate(name, srcs, backends, unsupported_backends, gpu, main, env, tags, exec_properties):
    """Checks keras_backend_test's arguments (same meaning as there).

    Args:
      name: see keras_backend_test.
      srcs: see keras_backend_test.
      backends: see keras_backend_test.
      unsupported_backends: see keras_backend_test.
      gpu: see keras_backend_test.
      main: see keras_backend_test.
      env: see keras_backend_test.
      tags: see keras_backend_test.
      exec_properties: the exec_properties passed in **kwargs ({} when none).

    Returns:
      A list of error messages (empty when the arguments are valid). Pure, so that
      unit tests can call it; the macro turns errors into an analysis-time failure.
    """
    errors = _errors(name, srcs, backends, unsupported_backends, gpu, main, env, tags, exec_properties)
    return ["keras_backend_test(name = %r): %s" % (name, e) for e in errors]

def _errors(name, srcs, backends, unsupported_backends, gpu, main, env, tags, exec_properties):
    errors = []
    if type(backends) != type([]) or not backends:
        return ["backends must be a non-empty list of backend names (from %s), got %r" % (
            ", ".join(KERAS_BACKENDS),
            backends,
        )]
    seen = {}
    for backend in backends:
        if backend not in KERAS_BACKENDS:
            errors.append("unknown backend %r in backends; known backends: %s" % (
                backend,
                ", ".join(KERAS_BACKENDS),
            ))
        elif backend in seen:
            errors.append("backend %r is listed twice in backends" % backend)
        seen[backend] = True

    if type(unsupported_backends) != type({}):
        errors.append("unsupported_backends must be a dict {backend: reason}, got %r" % (unsupported_backends,))
        unsupported_backends = {}
    for backend, reason in unsupported_backends.items():
        if backend not in seen:
            errors.append("unsupported_backends names %r, which is not in backends %r" % (backend, backends))
        if type(reason) != type("") or not reason.strip():
            errors.append("unsupported_backends[%r] must be a non-empty reason string, got %r" % (backend, reason))
    if not errors and len(unsupported_backends) == len(backends):
        errors.append("every backend is in unsupported_backends; at least one must run")

    if type(gpu) != type(True):
        errors.append("gpu must be True or False, got %r" % (gpu,))
    if type(srcs) != type([]) or not srcs:
        errors.append("srcs must be a non-empty list")
    elif main == None and len(srcs) != 1 and (name + ".py") not in srcs:
        errors.append("main is required when srcs has several files and none is %s.py" % name)
    if type(env) != type({}):
        errors.append("env must be a dict, got %r" % (env,))
    elif "KERAS_BACKEND" in env:
        errors.append("env must not set KERAS_BACKEND: keras_backend_test sets it per variant")
    if type(tags) != type([]):
        errors.append("tags must be a list, got %r" % (tags,))
    else:
        for tag in tags:
            if type(tag) != type(""):
                errors.append("tags must be strings, got %r" % (tag,))
            elif tag.startswith(BACKEND_TAG_PREFIX) or tag.startswith(UNSUPPORTED_TAG_PREFIX):
                errors.append("tag %r is reserved for keras_backend_test" % tag)
            elif tag == KERAS2_TAG:
                errors.append("tag %r marks Keras 2 code: a Keras 2 test is a keras2_test (//rules:keras2_test.bzl)" % tag)
            elif tag in GPU_TAGS:
                # The tag alone would skip the test by default yet route it to CPU workers.
                errors.append("tag %r: set gpu = True instead" % tag)
    if type(exec_properties) != type({}):
        errors.append("exec_properties must be a dict, got %r" % (exec_properties,))
    elif POOL_PROPERTY in exec_properties:
        errors.append("exec_properties must not set %r: keras_backend_test sets it from gpu" % POOL_PROPERTY)
    return errors

def variant_attrs(backend, unsupported_backends, gpu, env, tags, exec_properties):
    """The tags, env and exec_properties of the `<name>_<backend>` py_test.

    Args:
      backend: the variant's backend.
      unsupported_backends: {backend: reason} of the call.
      gpu: whether the variants need a GPU.
      env: the call's env (without KERAS_BACKEND).
      tags: the call's tags.
      exec_properties: the call's exec_properties (without test.Pool).

    Returns:
      struct(tags, env, exec_properties).
    """
    variant_tags = list(tags) + [BACKEND_TAG_PREFIX + backend, backend]
    if backend in unsupported_backends:
        variant_tags += ["manual", UNSUPPORTED_TAG_PREFIX + unsupported_backends[backend]]
    if gpu:
        variant_tags += GPU_TAGS
    variant_env = dict(env)
    variant_env["KERAS_BACKEND"] = backend
    variant_exec_properties = dict(exec_properties)
    variant_exec_properties[POOL_PROPERTY] = GPU_POOL if gpu else CPU_POOL
    return struct(
        tags = _dedup(variant_tags),
        env = variant_env,
        exec_properties = variant_exec_properties,
    )

def _dedup(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out

def _invalid_test_impl(ctx):
    fail("\n".join(ctx.attr.errors))

# Stands in for every target an invalid keras_backend_test call would have made, so the
# error surfaces when any of them is built or tested (and analysis tests can expect it),
# without breaking the loading of the rest of the package.
keras_backend_invalid_test = rule(
    implementation = _invalid_test_impl,
    attrs = {"errors": attr.string_list(mandatory = True)},
    test = True,
)

def keras_backend_test(
        name,
        srcs,
        deps = [],
        backends = KERAS_BACKENDS,
        unsupported_backends = {},
        gpu = False,
        main = None,
        tags = [],
        env = {},
        **kwargs):
    """Generates `<name>_<backend>` py_tests and their suites; see //rules:keras_backend_test.bzl.

    Args:
      name: base name of the generated targets; `<name>` is the test_suite.
      srcs: the test's sources.
      deps: the test's dependencies.
      backends: variants to generate (subset of KERAS_BACKENDS).
      unsupported_backends: {backend: reason}: generated as manual, left out of suites.
      gpu: the variants need a GPU (tags and exec_properties for GPU executors).
      main: the file to run; default: the only file of srcs, else `<name>.py`.
      tags: tags of every variant (plus the backend tags).
      env: environment of every variant (plus KERAS_BACKEND).
      **kwargs: passed to every py_test (size, data, args, exec_properties, ...).
    """
    exec_properties = kwargs.pop("exec_properties", {})
    errors = validate(name, srcs, backends, unsupported_backends, gpu, main, env, tags, exec_properties)
    if errors:
        names = [name]
        if type(backends) == type([]):
            names += ["%s_%s" % (name, b) for b in backends if b in KERAS_BACKENDS]
        passed_tags = [t for t in tags if type(t) == type("")] if type(tags) == type([]) else []
        for target in _dedup(names):
            keras_backend_invalid_test(
                name = target,
                errors = errors,
                tags = passed_tags,
                visibility = kwargs.get("visibility"),
            )
        return

    if main == None:
        main = srcs[0] if len(srcs) == 1 else name + ".py"

    # Keras 3 tests must not reach Keras 2 (keras2-tagged) code: this target fails
    # analysis when they do. Not manual (unless the call is), so `bazel build //...` and
    # `bazel test //...` analyse it; every variant lists it in data, so building one
    # variant does too.
    check = "%s_keras_deps_check" % name
    keras_deps_check(
        name = check,
        deps = deps,
        test = "//%s:%s" % (native.package_name(), name),
        tags = ["manual"] if "manual" in tags else [],
        testonly = True,
        visibility = kwargs.get("visibility"),
    )
    data = kwargs.pop("data", [])
    suite_tests = []
    for backend in backends:
        variant = variant_attrs(backend, unsupported_backends, gpu, env, tags, exec_properties)
        test_name = "%s_%s" % (name, backend)
        py_test(
            name = test_name,
            srcs = srcs,
            main = main,
            deps = deps,
            data = data + [":" + check],
            env = variant.env,
            tags = variant.tags,
            exec_properties = variant.exec_properties,
            python_version = "PY3",
            srcs_version = "PY3",
            **kwargs
        )
        if backend not in unsupported_backends:
            suite_tests.append(":" + test_name)

    # Lists only the supported variants: a test_suite runs what it lists even when it is
    # tagged manual. "manual" is the one tag passed on (other tags would filter it).
    native.test_suite(
        name = name,
        tests = suite_tests,
        tags = ["manual"] if "manual" in tags else [],
        visibility = kwargs.get("visibility"),
    )

    for backend in backends:
        suite = _suite_name(backend)
        if native.existing_rule(suite) == None:
            native.test_suite(
                name = suite,
                tags = [BACKEND_TAG_PREFIX + backend],
            )
