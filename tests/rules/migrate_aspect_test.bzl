"""Analysis tests of //rules:migrate.bzl (the migration aspect) and its private helpers."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts", "unittest")
load("//rules:aspects.bzl", "keras_migrate", "keras_migrate_tensorflow")
load("//rules:migrate.bzl", "KerasMigrateInfo")
load("//rules/private:migrate_aspect.bzl", "OPT_OUT_TAG", "output_name", "should_visit")

_PKG = "tests/rules/migrate_aspect_subjects"
_SUBJECTS = "//" + _PKG + ":"

# Debian's bazel-skylib (Bazel 4) has no extra_target_under_test_aspects: the subject is
# also given through an attribute that applies the aspect, and read from there.
_WITH_ASPECT = {"subject": attr.label(aspects = [keras_migrate])}
_WITH_TF_ASPECT = {"subject": attr.label(aspects = [keras_migrate_tensorflow])}

def _subject(ctx):
    return ctx.attr.subject

def _basenames(files):
    return sorted([f.short_path[len(_PKG) + 1:] for f in files])

def _outputs_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = _subject(ctx)
    info = target[KerasMigrateInfo]
    asserts.equals(env, "lib.keras_migrate_agnostic.patch", info.patch.basename)
    asserts.equals(env, "lib.keras_migrate_agnostic.json", info.report.basename)
    asserts.equals(
        env,
        ["lib.keras_migrate_agnostic.srcs/%s/a.py" % _PKG, "lib.keras_migrate_agnostic.srcs/%s/b.py" % _PKG],
        _basenames(info.sources),
    )

    # Reports of the deps come along (transitively), each target's once.
    asserts.equals(
        env,
        ["dep.keras_migrate_agnostic.json", "lib.keras_migrate_agnostic.json"],
        _basenames(info.transitive_reports.to_list()),
    )
    groups = target[OutputGroupInfo]
    for group in ["keras_migrate_patch", "keras_migrate_report", "keras_migrate_sources"]:
        asserts.true(env, hasattr(groups, group), "missing output group " + group)

    return analysistest.end(env)

_outputs_test = analysistest.make(
    _outputs_test_impl,
    attrs = _WITH_ASPECT,
)

def _tensorflow_mode_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = _subject(ctx)[KerasMigrateInfo]
    asserts.equals(env, "lib.keras_migrate_tensorflow.json", info.report.basename)
    return analysistest.end(env)

_tensorflow_mode_test = analysistest.make(
    _tensorflow_mode_test_impl,
    attrs = _WITH_TF_ASPECT,
)

def _no_sources_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = _subject(ctx)
    info = target[KerasMigrateInfo]
    asserts.equals(env, [], info.sources)
    asserts.equals(env, "empty.keras_migrate_agnostic.json", info.report.basename)
    asserts.equals(env, "empty.keras_migrate_agnostic.patch", info.patch.basename)
    return analysistest.end(env)

_no_sources_test = analysistest.make(
    _no_sources_test_impl,
    attrs = _WITH_ASPECT,
)

def _opted_out_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = _subject(ctx)[KerasMigrateInfo]
    asserts.equals(env, None, info.report)
    asserts.equals(env, None, info.patch)
    asserts.equals(env, [], info.sources)
    return analysistest.end(env)

_opted_out_test = analysistest.make(
    _opted_out_test_impl,
    attrs = _WITH_ASPECT,
)

def _generated_sources_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = _subject(ctx)[KerasMigrateInfo]
    asserts.equals(env, ["with_generated.keras_migrate_agnostic.srcs/%s/a.py" % _PKG], _basenames(info.sources))
    return analysistest.end(env)

_generated_sources_test = analysistest.make(
    _generated_sources_test_impl,
    attrs = _WITH_ASPECT,
)

def _notebooks_in_data_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = _subject(ctx)[KerasMigrateInfo]
    asserts.equals(
        env,
        ["with_notebook.keras_migrate_agnostic.srcs/%s/a.py" % _PKG, "with_notebook.keras_migrate_agnostic.srcs/%s/nb.ipynb" % _PKG],
        _basenames(info.sources),
    )
    return analysistest.end(env)

_notebooks_in_data_test = analysistest.make(
    _notebooks_in_data_test_impl,
    attrs = _WITH_ASPECT,
)

def _tests_are_visited_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = _subject(ctx)[KerasMigrateInfo]
    asserts.equals(env, ["a_test.keras_migrate_agnostic.srcs/%s/a.py" % _PKG], _basenames(info.sources))
    asserts.equals(
        env,
        ["a_test.keras_migrate_agnostic.json", "dep.keras_migrate_agnostic.json", "lib.keras_migrate_agnostic.json"],
        _basenames(info.transitive_reports.to_list()),
    )
    return analysistest.end(env)

_tests_are_visited_test = analysistest.make(
    _tests_are_visited_test_impl,
    attrs = _WITH_ASPECT,
)

def _pure_functions_test_impl(ctx):
    env = unittest.begin(ctx)
    asserts.true(env, should_visit("py_library", [], ""))
    asserts.true(env, should_visit("py_test", ["small"], ""))
    asserts.false(env, should_visit("py_library", [OPT_OUT_TAG], ""), "opt-out tag")
    asserts.false(env, should_visit("py_library", [], "external/foo"), "external repository")
    asserts.false(env, should_visit("cc_library", [], ""), "other languages")
    asserts.equals(env, "x.keras_migrate_agnostic.patch", output_name("x", "agnostic", "patch"))
    return unittest.end(env)

_pure_functions_test = unittest.make(_pure_functions_test_impl)

def migrate_aspect_test_suite(name):
    _outputs_test(name = name + "_outputs", target_under_test = _SUBJECTS + "lib", subject = _SUBJECTS + "lib")
    _tensorflow_mode_test(name = name + "_tensorflow_mode", target_under_test = _SUBJECTS + "lib", subject = _SUBJECTS + "lib")
    _no_sources_test(name = name + "_no_sources", target_under_test = _SUBJECTS + "empty", subject = _SUBJECTS + "empty")
    _opted_out_test(name = name + "_opted_out", target_under_test = _SUBJECTS + "opted_out", subject = _SUBJECTS + "opted_out")
    _generated_sources_test(name = name + "_generated_sources", target_under_test = _SUBJECTS + "with_generated", subject = _SUBJECTS + "with_generated")
    _tests_are_visited_test(name = name + "_tests_are_visited", target_under_test = _SUBJECTS + "a_test", subject = _SUBJECTS + "a_test")
    _notebooks_in_data_test(name = name + "_notebooks_in_data", target_under_test = _SUBJECTS + "with_notebook", subject = _SUBJECTS + "with_notebook")
    _pure_functions_test(name = name + "_pure_functions")
    native.test_suite(
        name = name,
        tests = [
            name + "_outputs",
            name + "_tensorflow_mode",
            name + "_no_sources",
            name + "_opted_out",
            name + "_generated_sources",
            name + "_tests_are_visited",
            name + "_notebooks_in_data",
            name + "_pure_functions",
        ],
    )
