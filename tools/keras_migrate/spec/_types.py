"""The shapes of spec entries. Tables are tuples of these; the engine never hard-codes APIs."""

from __future__ import annotations

import dataclasses
from typing import Optional, Tuple

__all__ = [
    "ModuleRename",
    "SymbolRename",
    "KeywordRename",
    "PositionalToKeyword",
    "RemovedKeyword",
    "RemovedSymbol",
    "MethodRename",
    "AttributeRename",
]


@dataclasses.dataclass(frozen=True)
class ModuleRename:
    """Keras module path moved: every name under `old` lives under `new`."""

    old: str  # Keras-relative, e.g. "layers.experimental.preprocessing"
    new: str  # Keras-relative, e.g. "layers"


@dataclasses.dataclass(frozen=True)
class SymbolRename:
    """One fully qualified symbol replaced by another (a Keras-relative `new`
    unless `new_root` says otherwise)."""

    old: str  # fully qualified or Keras-relative when `keras=True`
    new: str  # Keras-relative path in Keras 3
    keras: bool = True  # `old` is Keras-relative (any tf.keras/keras spelling)
    note: Optional[str] = None  # an info diagnostic to attach (behaviour to check)


@dataclasses.dataclass(frozen=True)
class KeywordRename:
    func: str  # Keras-relative callable, e.g. "layers.LeakyReLU"
    old: str
    new: str


@dataclasses.dataclass(frozen=True)
class PositionalToKeyword:
    """Keras 3 made a parameter keyword-only (or moved it): positional use is rewritten."""

    func: str
    index: int  # 0-based position in the Keras 2 signature (excluding self)
    keyword: str
    # when the callable is reached as a method (`self.add_weight(...)`), match by name
    method: bool = False


@dataclasses.dataclass(frozen=True)
class RemovedKeyword:
    func: str
    keyword: str
    message: str
    fix: str
    # drop the argument silently when it carries this (default) value's source text
    drop_if: Tuple[str, ...] = ()
    method: bool = False


@dataclasses.dataclass(frozen=True)
class RemovedSymbol:
    """Gone in Keras 3 without a mechanical replacement: diagnose with a concrete fix."""

    old: str  # Keras-relative
    message: str
    fix: str


@dataclasses.dataclass(frozen=True)
class MethodRename:
    """Model methods renamed in Keras 3 (matched by method name: receivers are untyped)."""

    old: str
    new: str
    note: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class AttributeRename:
    """Attribute access renamed (e.g. `optimizer.lr` -> `optimizer.learning_rate`)."""

    old: str
    new: str
