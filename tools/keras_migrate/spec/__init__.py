"""API tables (data only). Rules read these; nothing here traverses code."""

from keras_migrate.spec import _activations, _log_keys, _tf_values
from keras_migrate.spec._backend_functions import BACKEND_FUNCTIONS, KEPT_BACKEND_FUNCTIONS
from keras_migrate.spec._keras_roots import KERAS_ALIAS_MARKERS, KERAS_ROOTS, is_tensorflow_name, keras_path
from keras_migrate.spec._keras3_missing import KERAS3_MISSING, KERAS3_MISSING_APPLICATIONS
from keras_migrate.spec._keras3_renames import (
    ATTRIBUTE_RENAMES,
    KEYWORD_RENAMES,
    METHOD_RENAMES,
    MODULE_RENAMES,
    POSITIONAL_TO_KEYWORD,
    REMOVED_KEYWORDS,
    REMOVED_SYMBOLS,
    RUNTIME_SYMBOLS,
    SYMBOL_RENAMES,
)
from keras_migrate.spec._types import (
    AttributeRename,
    BackendFunction,
    KeywordRename,
    MethodRename,
    ModuleRename,
    PositionalToKeyword,
    RemovedKeyword,
    RemovedSymbol,
    SymbolRename,
)

__all__ = [
    "KERAS3_MISSING",
    "KERAS3_MISSING_APPLICATIONS",
    "ATTRIBUTE_RENAMES",
    "AttributeRename",
    "BACKEND_FUNCTIONS",
    "BackendFunction",
    "KEPT_BACKEND_FUNCTIONS",
    "SPEC_TABLES",
    "keras3_names",
    "KERAS_ALIAS_MARKERS",
    "KERAS_ROOTS",
    "KEYWORD_RENAMES",
    "KeywordRename",
    "METHOD_RENAMES",
    "MODULE_RENAMES",
    "MethodRename",
    "ModuleRename",
    "POSITIONAL_TO_KEYWORD",
    "PositionalToKeyword",
    "REMOVED_KEYWORDS",
    "REMOVED_SYMBOLS",
    "RUNTIME_SYMBOLS",
    "RemovedKeyword",
    "RemovedSymbol",
    "SYMBOL_RENAMES",
    "SymbolRename",
    "is_tensorflow_name",
    "keras_path",
    "map_keras_name",
]


def map_keras_name(qualified: str):
    """Keras 3 location ("keras.layers.Rescaling") of a Keras 2 qualified name, or None
    when the name is not a Keras name. Symbol renames win over module renames."""
    path = keras_path(qualified)
    if path is None:
        for entry in SYMBOL_RENAMES:
            if not entry.keras and (qualified == entry.old):
                return "keras." + entry.new
        return None
    for entry in SYMBOL_RENAMES:
        if entry.keras and path == entry.old:
            return "keras." + entry.new
    for entry in MODULE_RENAMES:
        if path == entry.old or path.startswith(entry.old + "."):
            return "keras." + entry.new + path[len(entry.old):]
    return "keras." + path if path else "keras"


# Every table whose entries produce Keras 3 names, by name. Each entry type has a
# `keras3_names()` method returning "keras.a.B" (must exist) or "keras.a.B(kw)" (the
# callable must accept keyword `kw`); tests/keras_migrate/spec/test_tables.py checks
# them all against the installed keras. Register new tables here.
SPEC_TABLES = {
    "MODULE_RENAMES": MODULE_RENAMES,
    "SYMBOL_RENAMES": SYMBOL_RENAMES,
    "KEYWORD_RENAMES": KEYWORD_RENAMES,
    "POSITIONAL_TO_KEYWORD": POSITIONAL_TO_KEYWORD,
    "REMOVED_KEYWORDS": REMOVED_KEYWORDS,
    "REMOVED_SYMBOLS": REMOVED_SYMBOLS,
    "METHOD_RENAMES": METHOD_RENAMES,
    "ATTRIBUTE_RENAMES": ATTRIBUTE_RENAMES,
    "BACKEND_FUNCTIONS": BACKEND_FUNCTIONS,
    "TF_VALUES": _tf_values.TF_VALUES,
    "ACTIVATION_STRINGS": tuple(_activations.ACTIVATION_STRINGS.values()),
    "METRIC_CLASS_KEYS": tuple(_log_keys.METRIC_CLASS_KEYS.values()),
}


def keras3_names():
    """(table name, entry, Keras 3 name) for every name the spec tables produce."""
    for table_name, table in SPEC_TABLES.items():
        for entry in table:
            for name in entry.keras3_names():
                yield table_name, entry, name
