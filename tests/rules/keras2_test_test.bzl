"""Analysis tests of //rules:keras2_test.bzl (subjects in //tests/rules/keras2_subjects)."""

load("@bazel_skylib//lib:unittest.bzl", "asserts", "unittest")

_SUBJECTS = "//tests/rules/keras2_subjects:"

_AttrsInfo = provider(doc = "Attributes of a subject, read by _attrs_aspect.", fields = ["kind", "tags", "env", "main"])

# On Bazel 7 the py rules come from rules_python, whose macros add this tag.
_RULES_PYTHON_TAG = "__PYTHON_RULES_MIGRATION_DO_NOT_USE_WILL_BREAK__"

def _attrs_aspect_impl(target, ctx):
    attr = ctx.rule.attr
    return [_AttrsInfo(
        kind = ctx.rule.kind,
        tags = [t for t in getattr(attr, "tags", []) if t != _RULES_PYTHON_TAG],
        env = getattr(attr, "env", {}),
        main = attr.main.label.name if getattr(attr, "main", None) else None,
    )]

_attrs_aspect = aspect(implementation = _attrs_aspect_impl)

_ATTRS = {"subject": attr.label(aspects = [_attrs_aspect])}

def _env_and_tag_impl(ctx):
    env = unittest.begin(ctx)
    t = ctx.attr.subject[_AttrsInfo]
    asserts.equals(env, "py_test", t.kind)
    asserts.equals(env, {"EXTRA": "1", "TF_USE_LEGACY_KERAS": "1"}, t.env)
    asserts.equals(env, ["extra_tag", "keras2"], t.tags)
    return unittest.end(env)

_env_and_tag_test = unittest.make(_env_and_tag_impl, attrs = _ATTRS)

# A keras2_test depending on migrated (untagged) code analyses: the check is one-way.
def _on_untagged_impl(ctx):
    env = unittest.begin(ctx)
    t = ctx.attr.subject[_AttrsInfo]
    asserts.equals(env, "py_test", t.kind)
    asserts.equals(env, {"TF_USE_LEGACY_KERAS": "1"}, t.env)
    asserts.equals(env, ["keras2"], t.tags)
    asserts.equals(env, "legacy_env_test.py", t.main)
    return unittest.end(env)

_on_untagged_test = unittest.make(_on_untagged_impl, attrs = _ATTRS)

def keras2_test_test_suite(name):
    """Declares the tests of keras2_test.

    Args:
      name: name of the test_suite of all of them.
    """
    _env_and_tag_test(name = name + "_env_and_tag", subject = _SUBJECTS + "k2_test")
    _on_untagged_test(name = name + "_on_untagged", subject = _SUBJECTS + "k2_on_plain_test")
    native.test_suite(name = name, tests = [name + "_env_and_tag", name + "_on_untagged"])
