"""spec.KERAS3_MISSING(_APPLICATIONS) is exactly the set of tf_keras public names that the
renames lead to names the installed keras does not have, less what other tables and rules
handle. A new keras (or tf_keras) changes the set: regenerate the table from this test's
`_missing()`."""

import importlib
import os
import types

import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from keras_migrate import spec  # noqa: E402

pytest.importorskip("tf_keras")

# Handled elsewhere: backend functions (KM116 with BACKEND_FUNCTIONS), loss reductions
# (KM113), ThresholdedReLU (its own rule), PreprocessingLayer (a base class users
# subclass: reported by the rules on its subclasses).
_HANDLED_PREFIXES = ("backend.",)
_HANDLED = {"losses.Reduction", "layers.ThresholdedReLU", "layers.experimental.preprocessing.PreprocessingLayer"}


def _public_names(module_name, depth=0):
    try:
        module = importlib.import_module(module_name)
    except ImportError:  # a module attribute that is no importable path (generated protobuf code)
        return
    for attr in dir(module):
        if attr.startswith("_"):
            continue
        value = getattr(module, attr)
        if isinstance(value, types.ModuleType):
            if value.__name__.startswith("tf_keras") and "src" not in value.__name__ and depth < 4:
                yield from _public_names(f"{module_name}.{attr}", depth + 1)
        else:
            yield f"{module_name}.{attr}"


def _exists(dotted):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for part in parts[i:]:
                obj = getattr(obj, part)
        except AttributeError:
            return False
        return True
    return False


def _missing():
    removed = {entry.old for entry in spec.REMOVED_SYMBOLS}
    found = set()
    for name in set(_public_names("tf_keras")):
        path = name[len("tf_keras."):]
        if path.startswith(_HANDLED_PREFIXES) or path in _HANDLED or path in removed or path in spec.RUNTIME_SYMBOLS:
            continue
        mapped = spec.map_keras_name("tensorflow.keras." + path)
        if mapped and mapped.startswith("keras") and not _exists(mapped):
            found.add(path)
    return found


def test_the_table_is_what_the_installed_packages_say():
    found = _missing()
    table = spec.KERAS3_MISSING | spec.KERAS3_MISSING_APPLICATIONS
    assert not found - table, f"renamed to names keras lacks, not in the table: {sorted(found - table)}"
    assert not table - found, f"in the table but present in keras (or handled elsewhere): {sorted(table - found)}"
    assert all(path.startswith("applications.") for path in spec.KERAS3_MISSING_APPLICATIONS)
