"""Offline stand-in for @rules_python//python:defs.bzl on Bazel 4 (WORKSPACE).

WORKSPACE maps @rules_python here; MODULE.bazel maps it to the real rules_python module
on Bazel 7+. So //rules:python.bzl loads the py rules and PyInfo from one label in both
worlds: Bazel's native rules and providers here, rules_python's there (which, up to
rules_python 0.x, are the same native rules behind a macro).
"""

load("//python/private:native.bzl", "native_py_info", "native_py_runtime_info")

PyInfo = native_py_info
PyRuntimeInfo = native_py_runtime_info

def py_library(**attrs):
    native.py_library(**attrs)

def py_binary(**attrs):
    native.py_binary(**attrs)

def py_test(**attrs):
    native.py_test(**attrs)

def py_runtime(**attrs):
    native.py_runtime(**attrs)
