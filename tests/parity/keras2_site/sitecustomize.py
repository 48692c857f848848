"""On the path only when references of a `keras2_extras=1` program are recorded: Keras 2
libraries (TF Addons) `import keras`, which meant Keras 2 then, i.e. tf_keras now (as
keras-migrate verify does for its Keras 2 runs)."""
import importlib
import importlib.abc
import importlib.util
import os
import sys


class _KerasIsTfKeras(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == "keras" or fullname.startswith("keras."):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module("tf_keras" + spec.name[len("keras"):])

    def exec_module(self, module):
        return None


if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
    sys.meta_path.insert(0, _KerasIsTfKeras())
