"""Installed in every Python process of a verified command (see __init__.py).

Reads KERAS_MIGRATE_VERIFY_CONFIG, installs the recorder (and, in Keras 3 runs, the
import hook that serves migrated sources), records a crash from an uncaught exception,
and writes the final records at exit. Then runs the sitecustomize it shadows, if any.
"""

import os
import sys


def _install() -> None:
    from keras_migrate.verify import _child

    recorder = _child.prepare_process(os.environ["KERAS_MIGRATE_VERIFY_CONFIG"])
    if recorder is None:
        return
    import atexit

    state = {"exc": None}
    previous_hook = sys.excepthook

    def excepthook(kind, value, tb):
        state["exc"] = value
        previous_hook(kind, value, tb)

    sys.excepthook = excepthook
    atexit.register(lambda: _child.finish_process(recorder, state["exc"]))


def _chain() -> None:
    """The sitecustomize this one shadows (a distribution's own) still runs."""
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        if os.path.abspath(entry or ".") == here:
            continue
        candidate = os.path.join(entry or ".", "sitecustomize.py")
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_keras_migrate_chained_sitecustomize", candidate)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return


if os.environ.get("KERAS_MIGRATE_VERIFY_CONFIG"):
    _install()
_chain()
