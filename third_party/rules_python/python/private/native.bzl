"""Bazel's built-in Python providers, under names defs.bzl can re-export.

(A .bzl file that assigns `PyInfo` at top level cannot also read the built-in of that
name, hence this separate file.)
"""

native_py_info = PyInfo
native_py_runtime_info = PyRuntimeInfo
