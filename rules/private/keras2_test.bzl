"""Implementation of keras2_test; the public entry point is //rules:keras2_test.bzl."""

load("//rules:python.bzl", "py_test")
load(":keras_generation.bzl", "KERAS2_TAG", "LEGACY_KERAS_ENV")

def keras2_attrs(env, tags):
    """The env and tags of a keras2_test's py_test.

    Args:
      env: the caller's env.
      tags: the caller's tags.

    Returns:
      struct(env, tags): the caller's, plus TF_USE_LEGACY_KERAS=1 and the keras2 tag.
    """
    test_env = dict(env)
    test_env[LEGACY_KERAS_ENV] = "1"
    test_tags = list(tags)
    if KERAS2_TAG not in test_tags:
        test_tags.append(KERAS2_TAG)
    return struct(env = test_env, tags = test_tags)

def keras2_test(name, srcs, deps = [], main = None, env = {}, tags = [], **kwargs):
    """A py_test of Keras 2 code, run under genuine Keras 2; see //rules:keras2_test.bzl.

    Args:
      name: the test's name.
      srcs: the test's sources.
      deps: the test's dependencies.
      main: the file to run; default: the only file of srcs, else `<name>.py` (as
          keras_backend_test, so migrating the call keeps the file it runs).
      env: extra test environment (TF_USE_LEGACY_KERAS is the macro's).
      tags: the test's tags (keras2 is added).
      **kwargs: passed to the py_test (size, data, args, ...).
    """
    attrs = keras2_attrs(env, tags)
    if main == None:
        main = srcs[0] if type(srcs) == type([]) and len(srcs) == 1 else name + ".py"
    py_test(
        name = name,
        srcs = srcs,
        deps = deps,
        main = main,
        env = attrs.env,
        tags = attrs.tags,
        **kwargs
    )
