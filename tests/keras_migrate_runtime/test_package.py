"""Static checks of the keras_migrate_runtime package (no keras import needed)."""

import ast
import os
import sys

from keras_migrate.spec import RUNTIME_SYMBOLS

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                       "tools", "keras_migrate_runtime")


# Keras, numpy (which Keras needs) and the standard library: nothing else.
_ALLOWED = {"keras", "numpy"} | set(sys.stdlib_module_names)


def _modules():
    return sorted(n for n in os.listdir(PACKAGE) if n.endswith(".py"))


def _exports():
    tree = ast.parse(open(os.path.join(PACKAGE, "__init__.py")).read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "__all__":
            return set(ast.literal_eval(node.value))
    raise AssertionError("__init__.py has no __all__")


def test_every_symbol_the_migrator_imports_is_exported():
    exports = _exports()
    assert set(RUNTIME_SYMBOLS.values()) <= exports
    assert "add_symbolic_loss" in exports  # used by the symbolic_add_loss rule


# A backend's own package, imported inside a function that runs on that backend only.
_BACKENDS = {"tensorflow", "torch", "jax"}
# Keras' own requirements, imported where they are needed (h5py: reading .h5 files).
_KERAS_REQUIREMENTS = {"h5py"}


def _function_level_imports(tree):
    return {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
            for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}


def test_flat_package_depending_only_on_keras_and_numpy():
    # `--runtime copy` copies the top-level .py files only; copies must import as they are.
    assert not [n for n in os.listdir(PACKAGE) if os.path.isdir(os.path.join(PACKAGE, n)) and n != "__pycache__"]
    for name in _modules():
        tree = ast.parse(open(os.path.join(PACKAGE, name)).read())
        lazy = _function_level_imports(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: fine
                    continue
                roots = {node.module.split(".")[0]}
            else:
                continue
            allowed = _ALLOWED | (_BACKENDS | _KERAS_REQUIREMENTS if id(node) in lazy else set())
            assert roots <= allowed, (name, roots)


def test_one_public_module_per_symbol_with_explicit_all():
    for name in _modules():
        tree = ast.parse(open(os.path.join(PACKAGE, name)).read())
        assert any(isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__all__"
                   for n in tree.body), name
