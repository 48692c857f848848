"""The Keras side of the rule context: what rules share beyond the generic engine.

The engine's RuleContext knows imports, scopes and results; KerasContext (the context
class of the Keras rule set, see keras_migrate.migrator) adds Keras name resolution and
the `keras` import rules emit code against.
"""

from __future__ import annotations

import enum
from typing import Optional

import libcst as cst

from keras_migrate.engine import RuleContext
from keras_migrate.spec import keras_path

__all__ = ["KerasContext", "Part"]


class Part(str, enum.Enum):
    """Which part of the Keras 3 migration guide a rule implements (its Rule.part)."""

    # Part 1 of the guide: needed to run on Keras 3 at all (TensorFlow backend).
    TENSORFLOW = "tensorflow"
    # Part 2 of the guide: makes the code backend-agnostic (JAX, PyTorch).
    AGNOSTIC = "agnostic"


class KerasContext(RuleContext):
    def keras_path(self, node: cst.CSTNode) -> Optional[str]:
        """Path inside Keras ("layers.Dense") of a name, whatever import spelled it."""
        qualified = self.names.qualified_name(node)
        return None if qualified is None else keras_path(qualified)

    def require_keras(self) -> str:
        """Local name under which the `keras` module is reachable; imports it if needed."""
        return self.require_module("keras")
