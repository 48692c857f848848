"""KM226 sequence_batches: a keras.utils.Sequence's float batches as Keras 2 fed them.

Keras 2's fit() / evaluate() / predict() cast every floating NumPy array a Sequence's
__getitem__ returned to the float type (float32). Keras 3's PyDataset passes float64
arrays on: keras.io depth_estimation fills its batches with np.empty (float64) and its
loss mixes them with the model's float32 outputs, which raises on TensorFlow and
computes in float64 on PyTorch. The class's Sequence base becomes keras_migrate_runtime's
Keras2Sequence (a keras.utils.PyDataset): Keras reads the batches cast as Keras 2 did;
the program's own `sequence[i]` and iteration are unchanged.

fit(sequence, steps_per_epoch=k) with k below len(sequence) is diagnosed: Keras 2 began
every epoch at batch 0, Keras 3 goes on where the last epoch stopped and cuts short the
epoch that reaches the end (measured: batches 0,1,2 | 0,1,2 vs 0,1,2 | 3,4,5); the same
for validation_steps over a Sequence given as validation_data. ImageDataGenerator's
flows and TimeseriesGenerator were Sequences too (an independent program: 5 batches,
steps_per_epoch=4, epoch 2 trained on 4 batches in Keras 2 and on 1 in Keras 3).

A __getitem__ that changes an attribute __len__ reads is diagnosed: Keras 2 read len()
again at every epoch and fit read that many batches; Keras 3 fixes the batches per epoch
when fit starts (measured, keras.io depth_estimation's last-batch `self.batch_size = ...`
over 10 rows in batches of 4: epochs of 3 then 5 batches in Keras 2, 3 and 3 in Keras 3).
(Keras 3 on TensorFlow also reads batch 1 ahead of the first pass: the runtime class
serves that read from a copy, so it changes nothing.)
"""

from __future__ import annotations

import ast
from typing import FrozenSet

import libcst as cst

from keras_migrate.engine import Example, Rule, iter_nodes
from keras_migrate.rules import _scan
from keras_migrate.rules._agnostic import drop_replaced_keras_import
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._util import code, keyword_arg_value

__all__ = ["SequenceBatches"]

RUNTIME_CLASS = "Keras2Sequence"
_SEQUENCE = frozenset({"utils.Sequence", "utils.data_utils.Sequence"})
# Keras 2's other Sequences: ImageDataGenerator's iterators and TimeseriesGenerator
# (keras_migrate_runtime's after migration, the same classes by name).
_IMAGE_GENERATOR = "ImageDataGenerator"
_FLOWS = frozenset({"flow", "flow_from_directory", "flow_from_dataframe"})
_TIMESERIES = "TimeseriesGenerator"


class SequenceBatches(Rule):
    id = "KM226"
    name = "sequence_batches"
    description = ("A keras.utils.Sequence subclass derives from keras_migrate_runtime's Keras2Sequence: Keras "
                   "reads its float64 batches as float32, as Keras 2 did.")
    TRIGGERS = ("Sequence", "ImageDataGenerator", "TimeseriesGenerator")
    _STEPS = (("steps_per_epoch", "x", 0), ("validation_steps", "validation_data", None))
    EXAMPLES = (
        Example(
            before="""
            from keras_migrate_runtime import Keras2Sequence

            class Batches(Keras2Sequence):
                def __len__(self):
                    return 10

            train = Batches()
            model.fit(train, epochs=3, steps_per_epoch=4)
            model.fit(Batches(), validation_data=Batches(), validation_steps=2)
            model.fit(train, epochs=3)
            """,
            diagnostics=("KM226", "KM226"),
        ),
        Example(
            # Keras 2's own Sequences: ImageDataGenerator flows, TimeseriesGenerator.
            before="""
            from tensorflow.keras.preprocessing.image import ImageDataGenerator
            from tensorflow.keras.preprocessing.sequence import TimeseriesGenerator

            flow = ImageDataGenerator(rescale=1 / 255).flow(x, y, batch_size=32, shuffle=False)
            model.fit(flow, steps_per_epoch=4, epochs=2)
            model.fit(ImageDataGenerator().flow_from_directory("images/"), steps_per_epoch=10)
            series = TimeseriesGenerator(data, targets, length=5, batch_size=8)
            model.fit(series, epochs=3, steps_per_epoch=2, validation_data=series, validation_steps=1)
            model.fit(flow, epochs=2)
            """,
            diagnostics=("KM226", "KM226", "KM226", "KM226"),
        ),
        Example(
            before="""
            import numpy as np
            import tensorflow as tf

            class DataGenerator(tf.keras.utils.Sequence):
                def __len__(self):
                    return 4

                def __getitem__(self, index):
                    return np.empty((8, 32, 32, 3)), np.empty((8, 32, 32, 1))
            """,
            after="""
            import numpy as np
            from keras_migrate_runtime import Keras2Sequence

            class DataGenerator(Keras2Sequence):
                def __len__(self):
                    return 4

                def __getitem__(self, index):
                    return np.empty((8, 32, 32, 3)), np.empty((8, 32, 32, 1))
            """,
        ),
        # keras.io depth_estimation: the last batch shrinks self.batch_size for good.
        Example(
            before="""
            import numpy as np
            from keras_migrate_runtime import Keras2Sequence

            class DataGenerator(Keras2Sequence):
                def __len__(self):
                    return int(np.ceil(len(self.data) / self.batch_size))

                def __getitem__(self, index):
                    if (index + 1) * self.batch_size > len(self.indices):
                        self.batch_size = len(self.indices) - index * self.batch_size
                    self.reads += 1
                    return self.data[index * self.batch_size:(index + 1) * self.batch_size]
            """,
            diagnostics=("KM226",),
        ),
        Example(
            before="""
            from tensorflow.keras.utils import Sequence
            from typing import Sequence as Seq

            class Pairs(Sequence):
                pass

            class Other(Seq):
                pass
            """,
            after="""
            from typing import Sequence as Seq
            from keras_migrate_runtime import Keras2Sequence

            class Pairs(Keras2Sequence):
                pass

            class Other(Seq):
                pass
            """,
        ),
    )

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        bases = list(updated.bases)
        changed = False
        for index, arg in enumerate(original.bases):
            if arg.keyword is None and self.ctx.keras_path(arg.value) in _SEQUENCE:
                drop_replaced_keras_import(self.ctx, arg.value)
                bases[index] = bases[index].with_changes(value=cst.Name(RUNTIME_CLASS))
                changed = True
        if changed or original.name.value in _sequence_classes(self.ctx):
            self._check_length_changes(original)
        if not changed:
            return updated
        self.ctx.use_runtime(RUNTIME_CLASS)
        self.fired()
        return updated.with_changes(bases=bases)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if not (isinstance(original.func, cst.Attribute) and original.func.attr.value == "fit"):
            return updated
        for steps_name, data_name, position in self._STEPS:
            steps = keyword_arg_value(original, steps_name)
            if steps is None or (isinstance(steps, cst.Name) and steps.value == "None"):
                continue
            data = keyword_arg_value(original, data_name)
            if data is None and position is not None and len(original.args) > position \
                    and original.args[position].keyword is None:
                data = original.args[position].value
            if data is not None and _makes_sequence(self.ctx, data):
                self.report(original, f"fit({steps_name}=...) over a keras.utils.Sequence ({code(data)}): Keras 2 "
                                      "began every epoch at its batch 0; Keras 3 goes on where the last epoch "
                                      "stopped and cuts short the epoch that reaches its end, so the epochs read "
                                      "other batches",
                            f"drop {steps_name}= and let the Sequence's __len__ return the batches per epoch "
                            "(or build one Sequence per epoch), as Keras 2 read it")
        return updated


    def _check_length_changes(self, cls: cst.ClassDef) -> None:
        methods = {stmt.name.value: stmt for stmt in cls.body.body if isinstance(stmt, cst.FunctionDef)}
        length, getitem = methods.get("__len__"), methods.get("__getitem__")
        if length is None or getitem is None:
            return
        read = {node.attr.value for node in iter_nodes(length.body) if _self_attribute(node)}
        for node in iter_nodes(getitem.body, stop=(cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            targets = ([t.target for t in node.targets] if isinstance(node, cst.Assign)
                       else [node.target] if isinstance(node, (cst.AugAssign, cst.AnnAssign)) else [])
            for target in targets:
                if _self_attribute(target) and target.attr.value in read:
                    name = target.attr.value
                    self.report(target, f"{cls.name.value}.__getitem__ changes self.{name}, which __len__ reads: "
                                        "Keras 2 read len() again at every epoch and fit read that many batches; "
                                        "Keras 3 fixes the batches per epoch when fit starts, so later epochs read "
                                        "other batches",
                                f"leave self.{name} as it is in __getitem__ (slice the last batch short "
                                "instead, e.g. up to min((index + 1) * batch_size, number of samples))")


def _self_attribute(node: cst.CSTNode) -> bool:
    return (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self")


def _makes_sequence(ctx, node: cst.BaseExpression) -> bool:
    """`node` is `SomeSequence(...)`, an ImageDataGenerator flow, a TimeseriesGenerator
    (Sequences in Keras 2, read alike), or a name the file binds to one."""
    if isinstance(node, cst.Call):
        func = node.func
        return _is_sequence_call(ctx, func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", ""))
    return isinstance(node, cst.Name) and node.value in _sequence_names(ctx)


def _is_sequence_call(ctx, called: str) -> bool:
    if called in _sequence_classes(ctx) or called == _TIMESERIES:
        return True
    return called in _FLOWS and _IMAGE_GENERATOR in ctx.source


@per_file
def _sequence_classes(ctx) -> FrozenSet[str]:
    # (a migrated file's classes derive from the runtime's Keras2Sequence)
    return frozenset().union(*(_scan.keras_subclasses(ctx, path, RUNTIME_CLASS) for path in _SEQUENCE))


@per_file
def _sequence_names(ctx) -> FrozenSet[str]:
    """Names assigned a Sequence (see _makes_sequence) somewhere in the file."""
    return frozenset(target.id for node in _scan.nodes(ctx, ast.Assign)
                     if isinstance(node.value, ast.Call) and _is_sequence_call(ctx, _scan.called_name(node.value))
                     for target in node.targets if isinstance(target, ast.Name))
