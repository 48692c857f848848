"""KM175 random_crop_inference: RandomCrop keeps Keras 2's inference output.

Keras 2's RandomCrop returned (height, width) images at inference: the largest centred
window of that aspect ratio, resized (and so in training for images smaller than the
crop). Keras 3 (3.15) returns the image unchanged at inference: a model holding a
RandomCrop predicts and evaluates on full-size images, so the next layer sees another
shape (a crash, or other numbers after global pooling). keras_migrate_runtime's
Keras2RandomCrop is Keras 3's layer with Keras 2's inference path (keras.ops.image.resize
with crop_to_aspect_ratio=True, Keras 2's smart_resize); training crops are unchanged.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._tf_op_emit import runtime_class_call

__all__ = ["RandomCropInference"]

_RUNTIME = "Keras2RandomCrop"
_PATHS = frozenset({"layers.RandomCrop", "layers.experimental.preprocessing.RandomCrop",
                    "layers.preprocessing.image_preprocessing.RandomCrop"})


class RandomCropInference(Rule):
    id = "KM175"
    name = "random_crop_inference"
    description = ("RandomCrop -> keras_migrate_runtime.Keras2RandomCrop: Keras 3 returns the uncropped image at "
                   "inference, Keras 2 a centred crop resized to (height, width).")
    TRIGGERS = ("RandomCrop",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            from tensorflow.keras import layers

            model = keras.Sequential([
                layers.RandomCrop(24, 24, seed=1),
                layers.Flatten(),
                layers.Dense(10),
            ])
            augment = keras.layers.experimental.preprocessing.RandomCrop(height=16, width=16)
            """,
            after="""
            from tensorflow import keras
            from tensorflow.keras import layers
            from keras_migrate_runtime import Keras2RandomCrop

            model = keras.Sequential([
                Keras2RandomCrop(24, 24, seed=1),
                layers.Flatten(),
                layers.Dense(10),
            ])
            augment = Keras2RandomCrop(height=16, width=16)
            """,
        ),
        Example(
            before="""
            from tensorflow.keras.layers import RandomCrop

            crop = RandomCrop(8, 8)
            """,
            after="""
            from tensorflow.keras.layers import RandomCrop
            from keras_migrate_runtime import Keras2RandomCrop

            crop = Keras2RandomCrop(8, 8)
            """,
        ),
        # The file's own name is never shadowed: the call stays, with a warning.
        Example(
            before="""
            from tensorflow import keras

            Keras2RandomCrop = None
            crop = keras.layers.RandomCrop(8, 8)
            """,
            diagnostics=("KM175",),
        ),
        # A subclass keeps Keras 3's layer (its own call may depend on it).
        Example(
            before="""
            from tensorflow import keras

            class Crop(keras.layers.RandomCrop):
                pass
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if (self.ctx.keras_path(original.func) or "") not in _PATHS:
            return updated
        return runtime_class_call(self, original, updated, _RUNTIME,
                                  "RandomCrop keeps Keras 3's inference behaviour (the image unchanged)")
