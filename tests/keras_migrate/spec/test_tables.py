"""Every Keras 3 name the spec tables produce exists in the installed keras.

Names come from spec.keras3_names(): "keras.a.B" must resolve; "keras.a.B(kw)" must
resolve to a callable (a class: its __init__) that accepts the keyword `kw`.
"""

import inspect
import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from keras_migrate import spec  # noqa: E402

ENTRIES = sorted({(table, name) for table, _entry, name in spec.keras3_names()})


def _resolve(dotted):
    import importlib

    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part)
    return obj


def _accepts(obj, keyword):
    target = obj.__init__ if inspect.isclass(obj) else obj
    params = inspect.signature(target).parameters
    return keyword in params and params[keyword].kind is not inspect.Parameter.POSITIONAL_ONLY


@pytest.mark.parametrize("table,name", ENTRIES, ids=[f"{t}:{n}" for t, n in ENTRIES])
def test_keras3_name_exists(table, name):
    pytest.importorskip("keras")
    if name.endswith(")"):
        callable_name, keyword = name[:-1].split("(")
        obj = _resolve(callable_name)
        assert _accepts(obj, keyword), f"{callable_name} has no parameter {keyword!r} ({table})"
    else:
        _resolve(name)


def test_every_table_entry_declares_its_names():
    for table_name, table in spec.SPEC_TABLES.items():
        for entry in table:
            assert callable(getattr(entry, "keras3_names", None)), f"{table_name}: {type(entry).__name__}"


def test_tables_produce_names():
    assert len(ENTRIES) > 50


def test_backend_table_is_consistent():
    names = [entry.name for entry in spec.BACKEND_FUNCTIONS]
    assert len(names) == len(set(names)), "duplicate K.* entries"
    for entry in spec.BACKEND_FUNCTIONS:
        assert entry.name not in spec.KEPT_BACKEND_FUNCTIONS, entry.name
        assert len(entry.keywords) in (0, len(entry.params)), entry.name
        if entry.target is None and entry.template is None and not entry.runtime:
            assert entry.message and entry.fix, entry.name
        for param, _ in entry.require + entry.reject:
            assert param in entry.params, entry.name


def test_plain_tables_name_existing_keras3_things():
    keras = pytest.importorskip("keras")
    from keras_migrate.spec import _keras3_renames as renames

    # Keras 2 class names (some, e.g. RandomWidth, are gone from Keras 3): where the
    # class exists in Keras 3, `training` must still be among its first call() params.
    for name in renames.TRAINING_SECOND_POSITIONAL:
        layer = getattr(keras.layers, name, None)
        if layer is None:
            continue
        params = list(inspect.signature(layer.call).parameters)
        assert "training" in params[:3], (name, params)
    for value in renames.REDUCTION_VALUES.values():
        keras.losses.MeanSquaredError(reduction=value)  # raises on an unknown reduction
    for func, keyword, _source, _position in renames.DEFAULT_CHANGES:
        # (Keras 3-relative entries name Keras 3's own callable)
        mapped = spec.map_keras_name(func) or f"keras.{func}"
        assert _accepts(_resolve(mapped), keyword), (func, mapped, keyword)


def test_default_changes_write_keras2_defaults():
    import inspect

    tf_keras = pytest.importorskip("tf_keras")
    from keras_migrate.spec import _keras3_renames as renames

    for func, keyword, source, position in renames.DEFAULT_CHANGES:
        if func.startswith("layers."):
            parameters = inspect.signature(getattr(tf_keras.layers, func.split(".")[1]).__init__).parameters
            assert repr(parameters[keyword].default) == source, func
            assert list(parameters).index(keyword) - 1 == position, func  # (self)


# metrics.get() resolves these in tf_keras 2.21, but compile(metrics=[name]) raised there
# ("'str' object is not callable", measured): nothing to migrate.
_KERAS2_BROKEN_METRIC_STRINGS = {"kld", "binary_focal_crossentropy", "categorical_focal_crossentropy"}


def test_keras2_loss_and_metric_strings_resolve_after_migration():
    # Every function name Keras 2's losses.get / metrics.get accepted resolves in Keras 3,
    # as itself or through the tables the migrator rewrites it with.
    tf_keras = pytest.importorskip("tf_keras")
    keras = pytest.importorskip("keras")
    from keras_migrate.spec._keras3_renames import LOSS_STRING_RENAMES
    from keras_migrate.spec._log_keys import METRIC_CLASS_KEYS, METRIC_FUNCTION_STRINGS

    for kind in ("losses", "metrics"):
        keras2, keras3 = getattr(tf_keras, kind), getattr(keras, kind)
        for name in dir(keras2):
            if name.startswith("_") or not name[0].islower() or name in ("get", "serialize", "deserialize") \
                    or not inspect.isfunction(getattr(keras2, name)):
                continue
            try:
                keras2.get(name)
            except Exception:
                continue  # not an identifier in Keras 2 either
            if kind == "losses":
                keras3.get(LOSS_STRING_RENAMES.get(name, name))
            elif name in METRIC_FUNCTION_STRINGS:
                entry = METRIC_FUNCTION_STRINGS[name]
                assert getattr(keras3, entry.cls)(name=entry.key).name == entry.key
            elif name not in METRIC_CLASS_KEYS and name not in _KERAS2_BROKEN_METRIC_STRINGS:
                keras3.get(name)
