"""`prepare`, the keras2 markers and the analysis-time check, end to end in a throw-away
user workspace with keras_migrate as @keras_migrate (about a minute and a half):

prepare marks the Keras 2 code (and is idempotent); its keras2_test runs under genuine
Keras 2; a Keras 3 test depending on the marked code fails analysis with the message;
migrating the code drops the marks and the workspace analyses again."""

import os
import shutil
import subprocess

import pytest

import examples_workspace  # tests/e2e is on sys.path (rootdir-relative import)

BAZEL = os.environ.get("BAZEL", "bazel")
MIGRATE = [BAZEL, "run", "@keras_migrate//tools:migrate", "--"]

pytestmark = pytest.mark.skipif(shutil.which(BAZEL) is None, reason="bazel not installed")

LIB_BUILD = '''load("@keras_migrate//rules:python.bzl", "py_library", "py_test")

package(default_visibility = ["//visibility:public"])

py_library(
    name = "model",
    srcs = ["model.py"],
)

py_test(
    name = "model_test",
    srcs = ["model_test.py"],
    deps = [":model"],
)

py_library(
    name = "util",
    srcs = ["util.py"],
)
'''
MODEL = '''from tensorflow import keras


def make():
    return keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
'''
MODEL_TEST = '''import sys

from lib.model import make

model = make()
print("MODEL CLASS MODULE", type(model).__module__)
# Under keras2_test, tf.keras is tf_keras (Keras 2); once migrated, Keras 3.
sys.exit(0 if model.output_shape == (None, 2) else 1)
'''
UTIL = "def double(x):\n    return 2 * x\n"
APP_BUILD = '''load("@keras_migrate//rules:keras_backend_test.bzl", "keras_backend_test")

keras_backend_test(
    name = "app_test",
    srcs = ["app_test.py"],
    backends = ["jax"],
    deps = ["//lib:model"],
)
'''
APP_TEST = "from lib.model import make\n\nmake()\n"

EXPECTED_ERROR = (
    "//app:app_test (Keras 3) depends on //lib:model, tagged keras2 (Keras 2 code not migrated yet): "
    "migrate //lib:model first (bazel run @keras_migrate//tools:migrate -- //lib:model, or apply the plan's "
    "shard containing it: bazel run @keras_migrate//tools:migrate -- apply --shard ID), or keep //app:app_test "
    "on Keras 2 with keras2_test")


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def _run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _workspace(root):
    _write(os.path.join(root, "WORKSPACE"), examples_workspace.USER_WORKSPACE.format(root=examples_workspace.ROOT))
    shutil.copy2(os.path.join(examples_workspace.ROOT, ".bazelrc"), os.path.join(root, ".bazelrc"))
    _write(os.path.join(root, "BUILD"), "")
    _write(os.path.join(root, ".bazelignore"), ".venv\n")  # TensorFlow ships BUILD files
    os.symlink(os.path.realpath(os.path.join(examples_workspace.ROOT, ".venv")), os.path.join(root, ".venv"))
    _write(os.path.join(root, "lib", "BUILD"), LIB_BUILD)
    _write(os.path.join(root, "lib", "model.py"), MODEL)
    _write(os.path.join(root, "lib", "model_test.py"), MODEL_TEST)
    _write(os.path.join(root, "lib", "util.py"), UTIL)


def test_prepare_then_check_then_migrate(tmp_path):
    ws = str(tmp_path / "user")
    _workspace(ws)
    try:
        _scenario(ws)
    finally:
        _run([BAZEL, "shutdown"], ws)


def _scenario(ws):
    check = _run(MIGRATE + ["prepare", "--check", "//..."], ws)
    assert check.returncode == 1, check.stdout[-4000:]
    diff = _run(MIGRATE + ["prepare", "--diff", "//..."], ws)
    assert diff.returncode == 0 and '+    tags = ["keras2"],' in diff.stdout, diff.stdout[-4000:]
    assert "//lib:util" not in diff.stdout  # no Keras in it
    assert open(os.path.join(ws, "lib", "BUILD")).read() == LIB_BUILD  # --diff writes nothing

    first = _run(MIGRATE + ["prepare", "//..."], ws)
    assert first.returncode == 0, first.stdout[-4000:]
    build = open(os.path.join(ws, "lib", "BUILD")).read()
    assert build == LIB_BUILD.replace(
        'load("@keras_migrate//rules:python.bzl", "py_library", "py_test")',
        'load("@keras_migrate//rules:python.bzl", "py_library")\n'
        'load("@keras_migrate//rules:keras2_test.bzl", "keras2_test")').replace(
        '    srcs = ["model.py"],\n', '    srcs = ["model.py"],\n    tags = ["keras2"],\n').replace(
        "py_test(", "keras2_test("), build

    again = _run(MIGRATE + ["prepare", "--check", "//..."], ws)
    assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout[-4000:]

    # The unmigrated test runs under genuine Keras 2.
    test = _run([BAZEL, "test", "--test_output=all", "//lib:model_test"], ws)
    assert test.returncode == 0 and "MODEL CLASS MODULE tf_keras" in test.stdout, test.stdout[-4000:]

    # A Keras 3 test of the Keras 2 code fails analysis, naming both and the fix.
    _write(os.path.join(ws, "app", "BUILD"), APP_BUILD)
    _write(os.path.join(ws, "app", "app_test.py"), APP_TEST)
    broken = _run([BAZEL, "build", "//..."], ws)
    assert broken.returncode != 0 and EXPECTED_ERROR in broken.stdout, broken.stdout[-4000:]

    # Migrating the library drops its marks: everything analyses again.
    migrated = _run(MIGRATE + ["//lib/..."], ws)
    assert migrated.returncode == 0, migrated.stdout[-4000:]
    build = open(os.path.join(ws, "lib", "BUILD")).read()
    assert "keras2" not in build and "keras_backend_test(" in build, build
    fixed = _run([BAZEL, "build", "//..."], ws)
    assert fixed.returncode == 0, fixed.stdout[-4000:]
