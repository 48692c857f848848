"""The one place BUILD and .bzl files load py_library, py_binary, py_test and PyInfo from.

They come from `@rules_python//python:defs.bzl` in both worlds:
Bazel 4 (WORKSPACE, what Debian ships): a stand-in repository (third_party/rules_python)
  passing Bazel's native rules and providers through unchanged;
Bazel 7+ (bzlmod, MODULE.bazel): the real rules_python module.
Nothing else in the repository names the rule set.
"""

load(
    "@rules_python//python:defs.bzl",
    _PyInfo = "PyInfo",
    _py_binary = "py_binary",
    _py_library = "py_library",
    _py_test = "py_test",
)

# The provider py_library/py_binary/py_test targets return (e.g. for aspects).
PyInfo = _PyInfo

def py_library(**attrs):
    _py_library(**attrs)

def py_binary(**attrs):
    _py_binary(**attrs)

def py_test(**attrs):
    _py_test(**attrs)
