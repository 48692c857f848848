"""The child process of `keras-migrate verify`: install the recorder, run the program.

    python -m keras_migrate.verify._child SCRIPT [ARGS...]

with KERAS_MIGRATE_VERIFY_CONFIG naming a JSON file of _recorder.Config fields. Runs the
script as `python SCRIPT ARGS` would (as __main__, its directory first on sys.path), the
migrated copy of it in Keras 3 runs. Exit status: the program's, or 1 after a crash.
"""

from __future__ import annotations

import json
import os
import sys
import types
from typing import Optional

from keras_migrate.verify._recorder import Config, Recorder, install

__all__ = ["alias_keras_to_tf_keras", "main"]


def alias_keras_to_tf_keras() -> None:
    """Keras 2 runs: `import keras` meant Keras 2 then, i.e. tf_keras now."""
    import importlib.abc
    import importlib.util

    class Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, fullname, path=None, target=None):
            if fullname == "keras" or fullname.startswith("keras."):
                return importlib.util.spec_from_loader(fullname, self)
            return None

        def create_module(self, spec):
            return importlib.import_module("tf_keras" + spec.name[len("keras"):])

        def exec_module(self, module):
            return None

    sys.meta_path.insert(0, Alias())


def prepare_process(config_path: str) -> Recorder:
    """Everything a verified process needs before the program's code runs."""
    with open(config_path, encoding="utf-8") as handle:
        config = Config(**json.load(handle))
    if config.keras == 2:
        alias_keras_to_tf_keras()
    elif config.mirror:
        from keras_migrate.verify import _hook

        _hook.install(config.root, config.mirror)
    recorder = install(config)
    if config.synthetic_data:
        from keras_migrate.verify import _synthetic

        _synthetic.install(recorder, config.keras, config.fixtures, os.getcwd())
    return recorder


def finish_process(recorder: Recorder, exc: Optional[BaseException], script: Optional[str] = None) -> None:
    recorder.finish(exc)
    _write_loaded(recorder.config, script)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        print("usage: python -m keras_migrate.verify._child SCRIPT [ARGS...]", file=sys.stderr)
        return 2
    script = os.path.abspath(argv[0])
    sys.argv = [script] + argv[1:]  # before set-up: fixtures may look at the program's name
    recorder = prepare_process(os.environ["KERAS_MIGRATE_VERIFY_CONFIG"])
    config = recorder.config
    code_path = script
    if config.keras == 3 and config.mirror:
        from keras_migrate.verify import _hook

        code_path = _hook.migrated_path(config.root, config.mirror, script) or script
    with open(code_path, "rb") as handle:
        source = handle.read()
    main_module = types.ModuleType("__main__")
    main_module.__file__ = script
    main_module.__builtins__ = __builtins__
    sys.modules["__main__"] = main_module
    sys.path[0] = os.path.dirname(script)
    try:
        code = compile(source, code_path, "exec", dont_inherit=True)
        exec(code, main_module.__dict__)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finish_process(recorder, None if status == 0 else exc, script)
        return status
    except BaseException as exc:  # the program's crash is the finding: record it
        finish_process(recorder, exc, script)
        import traceback

        traceback.print_exc()
        return 1
    finish_process(recorder, None, script)
    return 0


def _write_loaded(config: Config, script: Optional[str]) -> None:
    """The program's own modules that ran: which migrated files decide the backends."""
    root = os.path.abspath(config.root or os.path.dirname(script or os.getcwd()))
    loaded = {script} if script else set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and not os.path.relpath(os.path.abspath(path), root).startswith(".."):
            loaded.add(os.path.abspath(path))
    # One file per process (a command may start several).
    name = f"loaded-{os.getpid()}.json"
    with open(os.path.join(config.records_dir, name), "w", encoding="utf-8") as handle:
        json.dump(sorted(loaded), handle)


if __name__ == "__main__":
    sys.exit(main())
