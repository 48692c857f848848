"""The record stream a verified run leaves: what the parent compares.

Framework-free (numpy and the standard library): the child writes it while Keras 2 or a
Keras 3 backend runs, the parent reads it without importing any of them.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from typing import Any, Iterator, List, Optional

__all__ = ["NamedList", "Record", "RecordWriter", "named_evaluate_list", "read_records"]

# Kinds, in the words of the report.
FIT = "fit"
EVALUATE = "evaluate"
PREDICT = "predict"
TRAIN_ON_BATCH = "train_on_batch"
TEST_ON_BATCH = "test_on_batch"
PREDICT_ON_BATCH = "predict_on_batch"
CALL = "call"
WEIGHTS = "weights"
CRASH = "crash"
NOTE = "note"  # what the run neutralised or could not match (not compared)
EXIT = "exit"


@dataclasses.dataclass
class Record:
    kind: str
    label: str  # "fit #2 of model #1 (Functional)"
    value: Any  # nested dict/list of numpy arrays and floats; for CRASH a dict of strings
    where: str = ""  # file:line of the user code that made it


@dataclasses.dataclass
class NamedList:
    """Keras 2's evaluate() list with the model's metrics_names: compared by position
    with a list, by name with a dict (migrated code may ask Keras 3 for return_dict=True
    and read the names in Keras 2's order, KM145)."""

    values: list
    names: list


def named_evaluate_list(value: Any, names) -> Any:
    if isinstance(value, (list, tuple)) and names is not None and len(names) == len(value) and all(
            isinstance(n, str) for n in names):
        return NamedList(list(value), list(names))
    return value


class RecordWriter:
    """Appends records to one file, flushed after each: a crash keeps what came before."""

    def __init__(self, path: str) -> None:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self._handle = open(path, "ab")

    def write(self, record: Record) -> None:
        pickle.dump(record, self._handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def _read_file(path: str) -> Iterator[Record]:
    with open(path, "rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return
            except Exception:  # a record cut short by a kill: what came before stands
                return


def read_records(directory: str) -> List[Record]:
    """Records of every process of one run, processes in the order they started."""
    if not os.path.isdir(directory):
        return []
    # Named "<start time ns>-<pid>.rec" by the child: name order is start order.
    files = sorted(os.path.join(directory, n) for n in os.listdir(directory) if n.endswith(".rec"))
    out: List[Record] = []
    for path in files:
        out.extend(_read_file(path))
    return out


def first(records: List[Record], kind: str) -> Optional[Record]:
    for record in records:
        if record.kind == kind:
            return record
    return None
