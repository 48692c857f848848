"""KM236 legacy_iterator_reads: random augmentation and shuffling of Keras 2's data
iterators draw other random numbers under Keras 3.

ImageDataGenerator, its iterators (`flow`, `flow_from_directory`, `flow_from_dataframe`)
and TimeseriesGenerator become keras_migrate_runtime's (Keras 3's own legacy code, same
numbers as tf_keras for the same reads; the Imports rule). Their random draws depend on
how often and when they are read: an iterator reseeds NumPy from its count of batches
served and draws a new order in on_epoch_end. Keras 2's fit() read batch 0 once ahead of
each pass and called on_epoch_end once per epoch; Keras 3 reads ahead otherwise on each
backend (measured with keras 3.15.1: JAX reads a batch and calls on_epoch_end before the
first epoch) and shuffles the batch order with its own generator. Deterministic use
(no random transforms, `shuffle=False`) reproduces Keras 2; random transforms and
shuffled flows give the same distribution but other numbers, which is said here.
"""

from __future__ import annotations

from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._keras import Part
from keras_migrate.rules._util import code, keyword_arg

__all__ = ["LegacyIteratorReads"]

# ImageDataGenerator's random transforms (keyword: its "off" values).
_RANDOM = {
    "rotation_range": ("0", "0.0", "0."), "width_shift_range": ("0", "0.0", "0."),
    "height_shift_range": ("0", "0.0", "0."), "brightness_range": ("None",),
    "shear_range": ("0", "0.0", "0."), "zoom_range": ("0", "0.0", "0."),
    "channel_shift_range": ("0", "0.0", "0."), "horizontal_flip": ("False",), "vertical_flip": ("False",),
}
_FLOWS = ("flow", "flow_from_directory", "flow_from_dataframe")
_GENERATOR = "preprocessing.image.ImageDataGenerator"
_TIMESERIES = "preprocessing.sequence.TimeseriesGenerator"
_FIX = ("expected where the data is meant to be random; to compare numbers with Keras 2 (keras-migrate "
        "verify), train once without random transforms and with shuffle=False")


class LegacyIteratorReads(Rule):
    id = "KM236"
    name = "legacy_iterator_reads"
    description = ("Random transforms and shuffled flows of ImageDataGenerator / TimeseriesGenerator draw other "
                   "random numbers under Keras 3 (it reads batches in another order and number): said where used.")
    part = Part.TENSORFLOW
    TRIGGERS = ("ImageDataGenerator", "TimeseriesGenerator")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow.keras.preprocessing.image import ImageDataGenerator

            augment = ImageDataGenerator(rescale=1 / 255, rotation_range=15, horizontal_flip=True)
            plain = ImageDataGenerator(rescale=1 / 255, horizontal_flip=False)
            model.fit(augment.flow(x, y, batch_size=32, shuffle=False))
            model.fit(plain.flow(x, y, batch_size=32), validation_data=plain.flow(vx, vy, shuffle=False))
            """,
            diagnostics=("KM236", "KM236"),
        ),
        Example(
            before="""
            import tensorflow as tf

            series = tf.keras.preprocessing.sequence.TimeseriesGenerator(data, targets, length=5, shuffle=True)
            ordered = tf.keras.preprocessing.sequence.TimeseriesGenerator(data, targets, length=5)
            batches = tf.keras.preprocessing.image.ImageDataGenerator().flow_from_directory("images/")
            """,
            diagnostics=("KM236", "KM236"),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._generators: Set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and self.ctx.keras_path(node.value.func) == _GENERATOR:
            self._generators.update(code(target.target) for target in node.targets)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        path = self.ctx.keras_path(original.func)
        if path == _GENERATOR:
            random = [arg.keyword.value for arg in original.args
                      if arg.keyword is not None and arg.keyword.value in _RANDOM
                      and code(arg.value) not in _RANDOM[arg.keyword.value]]
            if random:
                self.report(original, f"random transforms ({', '.join(random)}) draw other random numbers under "
                            "Keras 3, which reads the iterator's batches in another order and number than Keras 2: "
                            "the same augmentation distribution, other numbers", _FIX)
        elif path == _TIMESERIES:
            shuffle = keyword_arg(original, "shuffle")
            if shuffle is not None and code(shuffle.value) != "False":
                self._report_shuffle(original, "TimeseriesGenerator(shuffle=True)")
        elif isinstance(original.func, cst.Attribute) and original.func.attr.value in _FLOWS:
            receiver = original.func.value
            known = (code(receiver) in self._generators
                     or (isinstance(receiver, cst.Call) and self.ctx.keras_path(receiver.func) == _GENERATOR))
            shuffle = keyword_arg(original, "shuffle")
            if known and (shuffle is None or code(shuffle.value) != "False") and file_uses_keras(self.ctx):
                self._report_shuffle(original, f"{original.func.attr.value}() (shuffle=True by default)")
        return updated

    def _report_shuffle(self, node: cst.Call, what: str) -> None:
        self.report(node, f"{what} draws the order of its samples from NumPy's random state as it is read: "
                    "Keras 3 reads it in another order and number than Keras 2, so the order (and the numbers "
                    "trained on it) differ from the Keras 2 run", _FIX)
