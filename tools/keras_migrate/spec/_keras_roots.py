"""Every spelling under which Keras 2 code reaches the Keras API."""

from __future__ import annotations

import functools
from typing import Optional

__all__ = ["KERAS_ROOTS", "keras_path", "is_tensorflow_name"]

# Longest first: "tensorflow.compat.v1.keras" must win over "tensorflow".
KERAS_ROOTS = (
    "tensorflow.compat.v1.keras",
    "tensorflow.compat.v2.keras",
    "tensorflow.python.keras",
    "tensorflow.keras",
    "tf_keras",
    "keras",
)


@functools.lru_cache(maxsize=8192)  # pure; asked for every call and attribute of every file
def keras_path(qualified: str) -> Optional[str]:
    """"tensorflow.keras.layers.Dense" -> "layers.Dense"; the root itself -> ""; else None."""
    for root in KERAS_ROOTS:
        if qualified == root:
            return ""
        if qualified.startswith(root) and qualified[len(root)] == ".":
            return qualified[len(root) + 1 :]
    return None


def is_tensorflow_name(qualified: str) -> bool:
    return qualified == "tensorflow" or qualified.startswith("tensorflow.")
