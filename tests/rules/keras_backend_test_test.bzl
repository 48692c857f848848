"""Analysis tests of //rules:keras_backend_test.bzl (bazel-skylib unittest / analysistest).

keras_backend_test_test_suite() declares the subjects (keras_backend_test calls) and the
tests in the calling package. The valid subjects are real tests too: their py_tests run
tests/rules/testdata/backend_env_test.py, which checks KERAS_BACKEND at run time.
"""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts", "unittest")
load(":testing.bzl", _failure_test = "failure_test")
load("//rules:keras_backend_test.bzl", "KERAS_BACKENDS", "keras_backend_test", "keras_backend_test_errors")

_SRC = "backend_env_test.py"

# The subjects live in a package of their own: the per-backend test_suites
# keras_backend_test makes select every test of their package, so analysis tests of
# them in the same package would depend on themselves.
_SUBJECTS_PKG = "//tests/rules/keras_backend_test_subjects:"

# --- reading the attributes of generated targets ------------------------------------------

_AttrsInfo = provider(doc = "Attributes of a generated target, read by _attrs_aspect.", fields = ["label", "kind", "tags", "env", "exec_properties", "tests", "main"])

# On Bazel 7 the py rules come from rules_python 0.x (//rules:python.bzl), whose macros
# add this tag to every target; not the macro's doing, so left out of the comparisons.
_RULES_PYTHON_TAG = "__PYTHON_RULES_MIGRATION_DO_NOT_USE_WILL_BREAK__"

def _attrs_aspect_impl(target, ctx):
    attr = ctx.rule.attr
    return [_AttrsInfo(
        label = target.label,
        kind = ctx.rule.kind,
        tags = [t for t in getattr(attr, "tags", []) if t != _RULES_PYTHON_TAG],
        env = getattr(attr, "env", {}),
        exec_properties = getattr(attr, "exec_properties", {}),
        tests = [t.label.name for t in getattr(attr, "tests", [])],
        main = attr.main.label.name if getattr(attr, "main", None) else None,
    )]

_attrs_aspect = aspect(implementation = _attrs_aspect_impl)

def _by_name(ctx):
    return {t[_AttrsInfo].label.name: t[_AttrsInfo] for t in ctx.attr.subjects}

_SUBJECTS = {"subjects": attr.label_list(aspects = [_attrs_aspect])}

def _variant_names(name, backends = KERAS_BACKENDS):
    return ["%s_%s" % (name, b) for b in backends]

# --- valid calls ----------------------------------------------------------------------------

def _default_variants_test_impl(ctx):
    env = unittest.begin(ctx)
    targets = _by_name(ctx)
    for backend in KERAS_BACKENDS:
        t = targets["kbt_default_" + backend]
        asserts.equals(env, "py_test", t.kind)
        asserts.equals(env, {"KERAS_BACKEND": backend}, t.env)
        asserts.true(env, "keras_backend=" + backend in t.tags, "backend tag missing: %s" % t.tags)
        asserts.true(env, backend in t.tags, "plain backend tag missing: %s" % t.tags)
        for tag in ["manual", "gpu", "requires-gpu-nvidia"]:
            asserts.false(env, tag in t.tags, "unexpected tag %s: %s" % (tag, t.tags))
        asserts.equals(env, {"test.Pool": "cpu"}, t.exec_properties)
        asserts.equals(env, "backend_env_test.py", t.main)
    suite = targets["kbt_default"]
    asserts.equals(env, "test_suite", suite.kind)
    asserts.equals(env, _variant_names("kbt_default"), suite.tests)
    asserts.equals(env, [], suite.tags)
    return unittest.end(env)

_default_variants_test = unittest.make(_default_variants_test_impl, attrs = _SUBJECTS)

def _per_backend_suites_test_impl(ctx):
    env = unittest.begin(ctx)
    targets = _by_name(ctx)
    for backend in KERAS_BACKENDS:
        suite = targets["keras_%s_tests" % backend]
        asserts.equals(env, "test_suite", suite.kind)
        asserts.equals(env, ["keras_backend=" + backend], suite.tags)
        asserts.equals(env, [], suite.tests, "selects by tag, not by list")
    return unittest.end(env)

_per_backend_suites_test = unittest.make(_per_backend_suites_test_impl, attrs = _SUBJECTS)

def _unsupported_backend_test_impl(ctx):
    env = unittest.begin(ctx)
    targets = _by_name(ctx)
    torch = targets["kbt_unsupported_torch"]
    asserts.true(env, "manual" in torch.tags, "unsupported variant must be manual: %s" % torch.tags)
    asserts.true(
        env,
        "keras_backend_unsupported=uses tf.data in the model" in torch.tags,
        "reason not recorded: %s" % torch.tags,
    )
    asserts.equals(env, {"KERAS_BACKEND": "torch"}, torch.env)
    for backend in ["jax", "tensorflow"]:
        asserts.false(env, "manual" in targets["kbt_unsupported_" + backend].tags)
    asserts.equals(env, _variant_names("kbt_unsupported", ["jax", "tensorflow"]), targets["kbt_unsupported"].tests)
    return unittest.end(env)

_unsupported_backend_test = unittest.make(_unsupported_backend_test_impl, attrs = _SUBJECTS)

def _subset_of_backends_test_impl(ctx):
    env = unittest.begin(ctx)
    targets = _by_name(ctx)
    asserts.equals(env, ["kbt_subset_tensorflow"], targets["kbt_subset"].tests)
    asserts.equals(env, {"KERAS_BACKEND": "tensorflow"}, targets["kbt_subset_tensorflow"].env)
    return unittest.end(env)

_subset_of_backends_test = unittest.make(_subset_of_backends_test_impl, attrs = _SUBJECTS)

def _gpu_test_impl(ctx):
    env = unittest.begin(ctx)
    targets = _by_name(ctx)
    for backend in KERAS_BACKENDS:
        t = targets["kbt_gpu_" + backend]
        for tag in ["gpu", "requires-gpu-nvidia", "keras_backend=" + backend]:
            asserts.true(env, tag in t.tags, "tag %s missing: %s" % (tag, t.tags))
        asserts.false(env, "manual" in t.tags, "gpu variants are skipped by --test_tag_filters, not manual")
        asserts.equals(env, {"test.Pool": "gpu"}, t.exec_properties)
    return unittest.end(env)

_gpu_test = unittest.make(_gpu_test_impl, attrs = _SUBJECTS)

def _passes_through_test_impl(ctx):
    env = unittest.begin(ctx)
    targets = _by_name(ctx)
    t = targets["kbt_extras_jax"]
    asserts.equals(env, {"EXTRA": "1", "KERAS_BACKEND": "jax"}, t.env)
    asserts.equals(env, sorted(["extra_tag", "keras_backend=jax", "jax"]), sorted(t.tags))
    asserts.equals(env, {"OSFamily": "Linux", "test.Pool": "cpu"}, t.exec_properties)
    asserts.equals(env, "backend_env_test.py", t.main)
    return unittest.end(env)

_passes_through_test = unittest.make(_passes_through_test_impl, attrs = _SUBJECTS)

def _manual_call_test_impl(ctx):
    env = unittest.begin(ctx)
    targets = _by_name(ctx)

    # A manual call keeps its suite manual too (a suite runs what it lists).
    asserts.equals(env, ["manual"], targets["kbt_manual"].tags)
    asserts.true(env, "manual" in targets["kbt_manual_jax"].tags)
    return unittest.end(env)

_manual_call_test = unittest.make(_manual_call_test_impl, attrs = _SUBJECTS)

# --- keras_backend_test_errors() (pure) ------------------------------------------------------------------

_VALID_ARGS = dict(
    name = "t",
    srcs = ["t.py"],
    backends = ["jax", "tensorflow", "torch"],
    unsupported_backends = {},
    gpu = False,
    main = None,
    env = {},
    tags = [],
    exec_properties = {},
)

def _check_validate(test_env, expected, **overrides):
    """keras_backend_test_errors() with _VALID_ARGS + overrides: no error (expected None) or one containing expected."""
    args = dict(_VALID_ARGS)
    args.update(overrides)
    errors = keras_backend_test_errors(**args)
    if expected == None:
        asserts.equals(test_env, [], errors)
        return
    asserts.equals(test_env, 1, len(errors), "expected one error containing %r, got %r" % (expected, errors))
    if errors:
        asserts.true(test_env, expected in errors[0], "%r not in %r" % (expected, errors[0]))
        asserts.true(test_env, errors[0].startswith("keras_backend_test(name = \"t\"): "), errors[0])

def _validate_test_impl(ctx):
    env = unittest.begin(ctx)
    check = _check_validate
    check(env, None)
    check(env, None, unsupported_backends = {"torch": "tf.data"}, gpu = True)
    check(env, None, srcs = ["a.py", "b.py"], main = "a.py")
    check(env, None, srcs = ["a.py", "t.py"])
    check(env, "unknown backend \"mxnet\"", backends = ["jax", "mxnet"])
    check(env, "listed twice", backends = ["jax", "jax"])
    check(env, "non-empty list of backend names", backends = [])
    check(env, "non-empty list of backend names", backends = "jax")
    check(env, "which is not in backends", backends = ["jax", "torch"], unsupported_backends = {"tensorflow": "x"})
    check(env, "non-empty reason", unsupported_backends = {"torch": ""})
    check(env, "must be a dict", unsupported_backends = ["torch"])
    check(env, "at least one must run", backends = ["torch"], unsupported_backends = {"torch": "x"})
    check(env, "gpu must be True or False", gpu = "yes")
    check(env, "srcs must be a non-empty list", srcs = [])
    check(env, "main is required", srcs = ["a.py", "b.py"])
    check(env, "must not set KERAS_BACKEND", env = {"KERAS_BACKEND": "jax"})
    check(env, "is reserved", tags = ["keras_backend=jax"])
    check(env, "set gpu = True instead", tags = ["requires-gpu-nvidia"])
    check(env, "must not set \"test.Pool\"", exec_properties = {"test.Pool": "big"})
    return unittest.end(env)

_validate_test = unittest.make(_validate_test_impl)

# --- invalid calls fail analysis with the message ------------------------------------------


# name -> (keras_backend_test overrides, expected message fragment)
_INVALID_CALLS = {
    "kbt_bad_backend": (
        {"backends": ["jax", "mxnet"]},
        "keras_backend_test(name = \"kbt_bad_backend\"): unknown backend \"mxnet\" in backends; known backends: jax, tensorflow, torch",
    ),
    "kbt_bad_unsupported": (
        {"backends": ["jax", "torch"], "unsupported_backends": {"tensorflow": "tf only"}},
        "unsupported_backends names \"tensorflow\", which is not in backends",
    ),
    "kbt_bad_reason": (
        {"unsupported_backends": {"torch": ""}},
        "unsupported_backends[\"torch\"] must be a non-empty reason string",
    ),
    "kbt_bad_all_unsupported": (
        {"backends": ["torch"], "unsupported_backends": {"torch": "x"}},
        "every backend is in unsupported_backends",
    ),
    "kbt_bad_gpu": (
        {"gpu": "yes"},
        "gpu must be True or False",
    ),
    "kbt_bad_env": (
        {"env": {"KERAS_BACKEND": "jax"}},
        "env must not set KERAS_BACKEND",
    ),
    "kbt_bad_pool": (
        {"exec_properties": {"test.Pool": "tpu"}},
        "exec_properties must not set \"test.Pool\"",
    ),
}

# --- the suite ---------------------------------------------------------------------------

def keras_backend_test_subjects(name = None):
    """Declares the keras_backend_test calls under test (in their own package, see BUILD).

    Args:
      name: unused (the subjects have fixed names the tests refer to).
    """
    keras_backend_test(name = "kbt_default", srcs = [_SRC])
    keras_backend_test(
        name = "kbt_unsupported",
        srcs = [_SRC],
        unsupported_backends = {"torch": "uses tf.data in the model"},
    )
    keras_backend_test(name = "kbt_subset", srcs = [_SRC], backends = ["tensorflow"])
    keras_backend_test(name = "kbt_gpu", srcs = [_SRC], gpu = True)
    keras_backend_test(
        name = "kbt_extras",
        srcs = [_SRC],
        env = {"EXTRA": "1"},
        tags = ["extra_tag"],
        exec_properties = {"OSFamily": "Linux"},
        size = "small",
    )
    keras_backend_test(name = "kbt_manual", srcs = [_SRC], tags = ["manual"])

    for subject, (overrides, _) in _INVALID_CALLS.items():
        kwargs = dict(name = subject, srcs = [_SRC], tags = ["manual"])
        kwargs.update(overrides)
        keras_backend_test(**kwargs)

def _in_subjects(names):
    return [_SUBJECTS_PKG + n for n in names]

def keras_backend_test_test_suite(name):
    """Declares the tests of keras_backend_test.

    Args:
      name: name of the test_suite of all of them.
    """
    _default_variants_test(
        name = "default_variants_test",
        subjects = _in_subjects(_variant_names("kbt_default") + ["kbt_default"]),
    )
    _per_backend_suites_test(
        name = "per_backend_suites_test",
        subjects = _in_subjects(["keras_%s_tests" % b for b in KERAS_BACKENDS]),
    )
    _unsupported_backend_test(
        name = "unsupported_backend_test",
        subjects = _in_subjects(_variant_names("kbt_unsupported") + ["kbt_unsupported"]),
    )
    _subset_of_backends_test(
        name = "subset_of_backends_test",
        subjects = _in_subjects(["kbt_subset", "kbt_subset_tensorflow"]),
    )
    _gpu_test(name = "gpu_test", subjects = _in_subjects(_variant_names("kbt_gpu")))
    _passes_through_test(name = "passes_through_test", subjects = _in_subjects(["kbt_extras_jax"]))
    _manual_call_test(name = "manual_call_test", subjects = _in_subjects(["kbt_manual", "kbt_manual_jax"]))
    _validate_test(name = "validate_test")

    failure_tests = []
    for subject, (_, expected) in _INVALID_CALLS.items():
        _failure_test(
            name = subject + "_fails_test",
            target_under_test = _SUBJECTS_PKG + subject,
            expected = expected,
        )
        failure_tests.append(":%s_fails_test" % subject)

    # Every target an invalid call would have made carries the error, not just <name>.
    _failure_test(
        name = "kbt_bad_backend_variant_fails_test",
        target_under_test = _SUBJECTS_PKG + "kbt_bad_backend_jax",
        expected = "unknown backend \"mxnet\"",
    )
    failure_tests.append(":kbt_bad_backend_variant_fails_test")

    native.test_suite(
        name = name,
        tests = [
            ":default_variants_test",
            ":per_backend_suites_test",
            ":unsupported_backend_test",
            ":subset_of_backends_test",
            ":gpu_test",
            ":passes_through_test",
            ":manual_call_test",
            ":validate_test",
        ] + failure_tests,
    )
