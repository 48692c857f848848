"""Every spelling under which Keras 2 code reaches the Keras API."""

from __future__ import annotations

import functools
from typing import Optional

__all__ = ["KERAS_ALIAS_MARKERS", "KERAS_ALIASES", "KERAS_ROOTS", "keras_path", "is_tensorflow_name"]

# Longest first: "tensorflow.compat.v1.keras" must win over "tensorflow".
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

_ALIASED = tuple(KERAS_ALIASES)
# Text that reveals a use of those aliases (a file's cheap "uses Keras" filter).
KERAS_ALIAS_MARKERS = tuple(f"{tf}.{module}" for tf in ("tf", "tensorflow") for module in sorted(set(KERAS_ALIASES.values())))


@functools.lru_cache(maxsize=8192)  # pure; asked for every call and attribute of every file
def keras_path(qualified: str) -> Optional[str]:
    """"tensorflow.keras.layers.Dense" -> "layers.Dense"; the root itself -> "";
    "tensorflow.metrics.AUC" -> "metrics.AUC"; else None."""
    if qualified.startswith(_ALIASED):
        for alias, module in KERAS_ALIASES.items():
            if qualified == alias or qualified.startswith(alias + "."):
                return module + qualified[len(alias):]
    for root in KERAS_ROOTS:
        if qualified == root:
            return ""
        if qualified.startswith(root) and qualified[len(root)] == ".":
            return qualified[len(root) + 1 :]
    return None


def is_tensorflow_name(qualified: str) -> bool:
    return qualified == "tensorflow" or qualified.startswith("tensorflow.")
