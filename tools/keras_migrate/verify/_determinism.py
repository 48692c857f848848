"""Deterministic stand-ins for random numbers, identical under Keras 2 and Keras 3.

Keras 2 (tf_keras) and the three Keras 3 backends draw different random streams, so a
migrated program can only reproduce its Keras 2 numbers when both runs draw the same
"random" values. Every value made here is a pure function of its key (shape, creation
order, distribution parameters): the same in both processes and on every backend.

Two generators with identical output:
- `hash_uniform_np(shape, salt)`: numpy, for static shapes;
- `hash_uniform_ops(ops, shape, salt)`: tensor ops, for shapes only known at run time
  (Keras 2 graphs with a dynamic batch dimension). Integer arithmetic stays below 2**31
  so that int32 backends (JAX without x64) compute the same numbers as TensorFlow.
"""

from __future__ import annotations

import math
import zlib
from typing import Sequence, Tuple, Union

import numpy as np

__all__ = [
    "PRIME",
    "fans",
    "hash_uniform_np",
    "hash_uniform_ops",
    "initializer_values",
    "salt_for",
]

# The largest prime whose square fits in int32: h * h never overflows.
PRIME = 46337
_A, _B, _C, _D = 32749, 7919, 12345, 4093


def salt_for(*parts) -> int:
    return zlib.crc32(repr(parts).encode()) % PRIME


def _mix_np(index: np.ndarray, salt: int) -> np.ndarray:
    a = index % PRIME
    b = (index // PRIME) % PRIME
    h = ((a * _A) % PRIME + (b * _B) % PRIME + (salt * 7) % PRIME + _C) % PRIME
    h = (h * h + _D) % PRIME
    h = (h * h + _C) % PRIME
    return h


def hash_uniform_np(shape: Sequence[int], salt: int) -> np.ndarray:
    """float32 values in (0, 1) of `shape`, a pure function of (shape, salt)."""
    shape = tuple(int(d) for d in shape)
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    index = np.arange(size, dtype=np.int64)
    h = _mix_np(index, salt).astype(np.float32)
    return ((h + np.float32(0.5)) / np.float32(PRIME)).reshape(shape)


def hash_uniform_ops(ops, shape, salt: int):
    """The same values as hash_uniform_np, computed with a tensor module's ops.

    `ops` provides arange, reshape, cast, floor_mod/mod, multiply, add (keras.ops, or a
    small TensorFlow adapter for Keras 2).
    """
    size = ops.prod(shape)
    index = ops.arange(size)
    a = ops.mod(index, PRIME)
    b = ops.mod(ops.floor_divide(index, PRIME), PRIME)
    h = ops.mod(ops.mod(a * _A, PRIME) + ops.mod(b * _B, PRIME) + (salt * 7) % PRIME + _C, PRIME)
    h = ops.mod(h * h + _D, PRIME)
    h = ops.mod(h * h + _C, PRIME)
    u = (ops.cast(h, "float32") + 0.5) / float(PRIME)
    return ops.reshape(u, shape)


def fans(shape: Sequence[int]) -> Tuple[float, float]:
    """Keras' fan-in / fan-out (identical in Keras 2 and Keras 3)."""
    shape = tuple(int(d) for d in shape)
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = float(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


def _uniform(shape, key, low, high):
    rng = np.random.RandomState(zlib.crc32(key.encode()) & 0x7FFFFFFF)
    return rng.uniform(low, high, size=shape)


def perturbed(values: np.ndarray, shape: Sequence[int], ordinal: Union[int, str], relative: float) -> np.ndarray:
    """`values`, each moved by a fixed pseudo-random fraction in [-relative, relative]
    of itself (verify's noise floor: how far the program carries such a nudge)."""
    shape = tuple(int(d) for d in shape)
    return values * (1.0 + _uniform(shape, f"{shape}/{ordinal}/perturb", -relative, relative))


def initializer_values(kind: str, params: dict, shape: Sequence[int], ordinal: Union[int, str]) -> np.ndarray:
    """float64 values for a random initializer, keyed by (shape, ordinal among that shape);
    `ordinal` may name the owning layer too ("dense_4/0").

    Each distribution is replaced by a uniform one with the same mean and variance, so
    training behaves as with the real initializer while both runs start identical.
    """
    shape = tuple(int(d) for d in shape)
    key = f"{shape}/{ordinal}"
    if kind == "uniform":
        return _uniform(shape, key, float(params["minval"]), float(params["maxval"]))
    if kind in ("normal", "truncated_normal"):
        std = float(params["stddev"]) * (0.87962566 if kind == "truncated_normal" else 1.0)
        mean = float(params.get("mean", 0.0))
        half = math.sqrt(3.0) * std
        return _uniform(shape, key, mean - half, mean + half)
    if kind == "variance_scaling":
        fan_in, fan_out = fans(shape)
        mode = params.get("mode", "fan_in")
        n = {"fan_in": fan_in, "fan_out": fan_out}.get(mode, (fan_in + fan_out) / 2.0)
        limit = math.sqrt(3.0 * float(params.get("scale", 1.0)) / max(1.0, n))
        return _uniform(shape, key, -limit, limit)
    if kind == "orthogonal":
        if len(shape) < 2:
            return _uniform(shape, key, -1.0, 1.0)
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        flat = _uniform((max(rows, cols), min(rows, cols)), key, -1.0, 1.0)
        q, r = np.linalg.qr(flat)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return float(params.get("gain", 1.0)) * q.reshape(shape)
    raise ValueError(f"unknown initializer kind {kind!r}")
