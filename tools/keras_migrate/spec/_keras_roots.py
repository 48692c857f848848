"""Every spelling under which Keras 2 code reaches the Keras API."""

from __future__ import annotations

import functools
from typing import Optional

__all__ = ["KERAS_ALIAS_MARKERS", "KERAS_ALIASES", "KERAS_ROOTS", "keras_path", "is_tensorflow_name"]

# The modules Keras 2 code reaches Keras through (keras_path tries longer prefixes first).
KERAS_ROOTS = (
    "tensorflow.compat.v1.keras",
    "tensorflow.compat.v2.keras",
    "tensorflow.python.keras",
    "tensorflow.keras",
    "tf_keras",
    "keras",
)

# TensorFlow 2's top-level aliases of Keras modules: `tf.metrics` is `tf.keras.metrics`
# (tf_keras's under TF_USE_LEGACY_KERAS=1). Not under compat.v1, where these names are
# TensorFlow 1's own losses, metrics and initializers.
KERAS_ALIASES = {
    f"{tf}.{module}": module
    for tf in ("tensorflow", "tensorflow.compat.v2")
    for module in ("losses", "metrics", "optimizers", "initializers")
}

# Text that reveals a use of those aliases (a file's cheap "uses Keras" filter).
KERAS_ALIAS_MARKERS = tuple(f"{tf}.{module}" for tf in ("tf", "tensorflow")
                            for module in sorted(set(KERAS_ALIASES.values())))
# Every dotted prefix that reaches Keras, with the Keras path it stands for; longest first.
_PREFIXES = tuple(sorted([(root, "") for root in KERAS_ROOTS] + list(KERAS_ALIASES.items()),
                         key=lambda item: -len(item[0])))


@functools.lru_cache(maxsize=8192)  # pure; asked for every call and attribute of every file
def keras_path(qualified: str) -> Optional[str]:
    """"tensorflow.keras.layers.Dense" -> "layers.Dense"; the root itself -> "";
    "tensorflow.metrics.AUC" -> "metrics.AUC"; else None."""
    for prefix, path in _PREFIXES:
        if qualified == prefix:
            return path
        if qualified.startswith(prefix) and qualified[len(prefix)] == ".":
            rest = qualified[len(prefix) + 1 :]
            return f"{path}.{rest}" if path else rest
    return None


def is_tensorflow_name(qualified: str) -> bool:
    return qualified == "tensorflow" or qualified.startswith("tensorflow.")
