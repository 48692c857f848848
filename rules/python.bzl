"""The one place BUILD and .bzl files load py_library, py_binary and py_test from.

Bazel 4 (WORKSPACE, what Debian ships): Bazel's native rules, passed through unchanged.
Bazel 7+ with rules_python: make these three forward to `@rules_python//python:defs.bzl`
instead; nothing else in the repository names the rule set, so that is the only edit.
"""

def py_library(**attrs):
    native.py_library(**attrs)

def py_binary(**attrs):
    native.py_binary(**attrs)

def py_test(**attrs):
    native.py_test(**attrs)
