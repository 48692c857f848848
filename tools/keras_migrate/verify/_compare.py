"""Compare the record stream of a Keras 3 run with the Keras 2 reference."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from keras_migrate.verify._records import CRASH, EXIT, NOTE, NamedList, Record

__all__ = ["Difference", "Tolerance", "compare_records", "deviation", "summarize"]

# Keys Keras 3 renamed in fit() logs / History (Keras 2 name -> Keras 3 name).
RENAMED_LOG_KEYS = {"lr": "learning_rate"}


@dataclasses.dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-3
    atol: float = 1e-5


@dataclasses.dataclass
class Difference:
    index: int  # position of the record in the stream (NOTE records excluded)
    label: str  # "fit #1 of model #1 (Functional)"
    path: str  # inside the record: "['loss'][1]"
    message: str
    keras2: Any = None
    keras3: Any = None
    where_keras2: str = ""
    where_keras3: str = ""

    def as_dict(self) -> dict:
        return {
            "record": self.index, "label": self.label, "path": self.path, "message": self.message,
            "keras2": summarize(self.keras2), "keras3": summarize(self.keras3),
            "where_keras2": self.where_keras2, "where_keras3": self.where_keras3,
        }


def summarize(value: Any, limit: int = 8) -> Any:
    """A JSON-able, short rendering of a value for the report."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return float(f"{value:.7g}")
    if isinstance(value, dict):
        return {str(k): summarize(v, limit) for k, v in list(value.items())[:limit]}
    if isinstance(value, (list, tuple)):
        return [summarize(v, limit) for v in value[:limit]] + (["..."] if len(value) > limit else [])
    array = np.asarray(value)
    if array.dtype.kind in "fciub":
        flat = array.astype(np.float64).ravel()
        head = [float(f"{v:.7g}") for v in flat[:limit]]
        if array.ndim == 0:
            return head[0]
        return {"shape": list(array.shape), "values": head + (["..."] if flat.size > limit else [])}
    return repr(array)[:200]


def _normalize_keys(value: Dict[str, Any]) -> Dict[str, Any]:
    return {RENAMED_LOG_KEYS.get(k, k): v for k, v in value.items()}


def _unnamed(ref: Any, got: Any) -> Any:
    """Keras 2's evaluate() list as Keras 3's result reads it: by name for a dict."""
    if isinstance(ref, NamedList):
        return dict(zip(ref.names, ref.values)) if isinstance(got, dict) else ref.values
    return ref


def _diff(ref: Any, got: Any, tol: Tolerance, path: str) -> Optional[Tuple[str, str, Any, Any]]:
    """(path, message, keras2 value, keras3 value) of the first difference, or None."""
    ref, got = _unnamed(ref, got), _unnamed(got, ref)
    if isinstance(ref, dict) and isinstance(got, dict):
        ref, got = _normalize_keys(ref), _normalize_keys(got)
        if set(ref) != set(got):
            missing = sorted(set(ref) - set(got))
            extra = sorted(set(got) - set(ref))
            return path, f"keys differ: only in Keras 2 {missing}, only in Keras 3 {extra}", sorted(ref), sorted(got)
        for key in sorted(ref):
            found = _diff(ref[key], got[key], tol, f"{path}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(ref, (list, tuple)) and isinstance(got, (list, tuple)):
        if _numeric_sequence(ref) and _numeric_sequence(got):
            return _diff_arrays(np.asarray(ref, dtype=np.float64), np.asarray(got, dtype=np.float64), tol, path)
        if len(ref) != len(got):
            return path, f"length {len(got)} in Keras 3, {len(ref)} in Keras 2", ref, got
        for i, (a, b) in enumerate(zip(ref, got)):
            found = _diff(a, b, tol, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(ref, str) or isinstance(got, str):
        return None if ref == got else (path, "values differ", ref, got)
    if ref is None or got is None:
        return None if ref is got else (path, "one value is None", ref, got)
    # A list of one array against a bare array (Keras 3 unwraps single outputs).
    if isinstance(ref, (list, tuple)) and len(ref) == 1:
        return _diff(ref[0], got, tol, path)
    if isinstance(got, (list, tuple)) and len(got) == 1:
        return _diff(ref, got[0], tol, path)
    if isinstance(ref, (dict, list, tuple)) != isinstance(got, (dict, list, tuple)):
        return path, f"structure differs ({type(ref).__name__} in Keras 2, {type(got).__name__} in Keras 3)", ref, got
    try:
        a = np.asarray(ref, dtype=np.float64)
        b = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None if repr(ref) == repr(got) else (path, "values differ", ref, got)
    return _diff_arrays(a, b, tol, path)


def _numeric_sequence(value) -> bool:
    return all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in value)


def _diff_arrays(a: np.ndarray, b: np.ndarray, tol: Tolerance, path: str):
    if a.shape != b.shape:
        if a.size == b.size and a.size == 1:
            a, b = a.reshape(()), b.reshape(())
        else:
            return path, f"shape {list(b.shape)} in Keras 3, {list(a.shape)} in Keras 2", a, b
    close = np.isclose(b, a, rtol=tol.rtol, atol=tol.atol, equal_nan=True)
    if close.all():
        return None
    diff = np.abs(b - a)
    diff = np.where(np.isnan(diff), np.inf, diff)
    # The value shown is one that fails the tolerance, the furthest beyond it (the largest
    # absolute difference can be a large value within its relative tolerance).
    with np.errstate(divide="ignore", invalid="ignore"):
        excess = np.where(close, -np.inf, diff / (tol.atol + tol.rtol * np.abs(a)))
    excess = np.where(np.isnan(excess), np.inf, excess)
    worst = np.unravel_index(int(np.argmax(excess)), excess.shape) if excess.ndim else ()
    at = "".join(f"[{int(i)}]" for i in worst)
    return (
        path + at,
        f"{int((~close).sum())} of {close.size} values differ (rtol={tol.rtol:g}, atol={tol.atol:g}); "
        f"max abs difference {float(diff.max()):.4g}",
        float(a[worst]) if a.ndim else float(a),
        float(b[worst]) if b.ndim else float(b),
    )


def compared(records: List[Record]) -> List[Record]:
    return [r for r in records if r.kind not in (NOTE, EXIT, CRASH)]


def compare_records(reference: List[Record], actual: List[Record], tol: Tolerance) -> Optional[Difference]:
    """The first diverging record of `actual` against `reference`, or None if identical."""
    ref, got = compared(reference), compared(actual)
    for i, (a, b) in enumerate(zip(ref, got)):
        if a.kind != b.kind:
            return Difference(i, a.label, "", f"Keras 2 recorded {a.label}, Keras 3 {b.label}",
                              where_keras2=a.where, where_keras3=b.where)
        found = _diff(a.value, b.value, tol, "")
        if found:
            path, message, va, vb = found
            return Difference(i, a.label, path, message, va, vb, a.where, b.where)
    if len(ref) != len(got):
        i = min(len(ref), len(got))
        longer = ref if len(ref) > len(got) else got
        who = "Keras 2" if longer is ref else "Keras 3"
        return Difference(i, longer[i].label, "",
                          f"{who} recorded more: {len(ref)} records in Keras 2, {len(got)} in Keras 3 "
                          f"(first extra: {longer[i].label})",
                          where_keras2=longer[i].where if longer is ref else "",
                          where_keras3=longer[i].where if longer is got else "")
    return None


def deviation(ref: Any, got: Any) -> float:
    """The largest absolute difference between two values of one record (inf where their
    structures differ): how far apart two runs are at a record, not just whether."""
    ref, got = _unnamed(ref, got), _unnamed(got, ref)
    if isinstance(ref, dict) and isinstance(got, dict):
        ref, got = _normalize_keys(ref), _normalize_keys(got)
        if set(ref) != set(got):
            return float("inf")
        return max((deviation(ref[k], got[k]) for k in ref), default=0.0)
    if isinstance(ref, (list, tuple)) and isinstance(got, (list, tuple)) and not (
            _numeric_sequence(ref) and _numeric_sequence(got)):
        if len(ref) != len(got):
            return float("inf")
        return max((deviation(a, b) for a, b in zip(ref, got)), default=0.0)
    if isinstance(ref, str) or isinstance(got, str) or ref is None or got is None:
        return 0.0 if ref == got else float("inf")
    try:
        a = np.asarray(ref, dtype=np.float64)
        b = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return 0.0 if repr(ref) == repr(got) else float("inf")
    if a.shape != b.shape:
        if a.size != b.size:
            return float("inf")
        a, b = a.reshape(-1), b.reshape(-1)
    if a.size == 0:
        return 0.0
    diff = np.abs(a - b)
    both_nan = np.isnan(a) & np.isnan(b)
    return float(np.max(np.where(both_nan, 0.0, np.where(np.isnan(diff), np.inf, diff))))


def record_deviation(reference: List[Record], actual: List[Record], index: int) -> float:
    """deviation() at the index-th compared record of two streams (inf when one lacks it)."""
    ref, got = compared(reference), compared(actual)
    if index >= len(ref) or index >= len(got) or ref[index].kind != got[index].kind:
        return float("inf")
    return deviation(ref[index].value, got[index].value)


# Metrics counting correct predictions (a prediction at a decision boundary, a tie between
# classes or a probability at the threshold, flips with the last bit of rounding).
_COUNTING = re.compile(r"^(val_)?(\w*_)?(acc|accuracy)$")
# The most a few flipped predictions move such a metric (a fraction of a batch's samples).
_FLIP_LIMIT = 0.05


def _without_counting_metrics(value: Any) -> Any:
    if isinstance(value, NamedList):
        kept = [(n, v) for n, v in zip(value.names, value.values) if not _COUNTING.match(n)]
        return NamedList([v for _, v in kept], [n for n, _ in kept])
    if isinstance(value, dict):
        return {k: _without_counting_metrics(v) for k, v in value.items()
                if not (isinstance(k, str) and _COUNTING.match(k))}
    if isinstance(value, (list, tuple)):
        return type(value)(_without_counting_metrics(v) for v in value) if isinstance(value, list) else tuple(
            _without_counting_metrics(v) for v in value)
    return value


def counting_metric_flip(reference: List[Record], actual: List[Record], tol: Tolerance,
                         difference: Difference) -> Optional[str]:
    """Why a difference is only predictions flipping at a decision boundary, or None.

    So when the first difference is an accuracy-type metric of a history or evaluation
    dict, it moves by at most _FLIP_LIMIT, and with such metrics left out every record
    (each loss, the weights, predictions, later fits) is identical within tolerance."""
    key = re.match(r"^\['([^']+)'\]", difference.path or "")
    if key is None or not _COUNTING.match(key.group(1)):
        return None
    try:
        moved = float(np.max(np.abs(np.asarray(difference.keras3, dtype=np.float64)
                                    - np.asarray(difference.keras2, dtype=np.float64))))
    except (TypeError, ValueError):
        return None
    if not moved <= _FLIP_LIMIT:
        return None
    strip = [dataclasses.replace(r, value=_without_counting_metrics(r.value)) for r in compared(reference)]
    got = [dataclasses.replace(r, value=_without_counting_metrics(r.value)) for r in compared(actual)]
    if len(strip) != len(got) or compare_records(strip, got, tol) is not None:
        return None
    return (f"only {key.group(1)!r} differs (by {moved:.3g}: a few predictions at a decision boundary flip with "
            "rounding); every loss, weight and prediction recorded is identical within tolerance")
