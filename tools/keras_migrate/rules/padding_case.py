"""KM262 padding_case: `padding="SAME"` / `"VALID"` in Keras layers -> lower case.

Keras 2 lower-cased a layer's padding (conv_utils.normalize_padding), so code written
next to tf.nn (`padding="SAME"`, handson-ml2's ResNet-34) built. Keras 3's pooling layers
keep the string as given and compare it with "same" / "valid": MaxPool2D(padding="SAME")
raises when the model is built, on every backend. String literals given as a Keras
layer's padding (keyword, or a positional "SAME" / "VALID" / "CAUSAL"), also through
functools.partial(<layer>, ...), are written in lower case.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._keras import Part

__all__ = ["PaddingCase"]

_MODES = frozenset({"same", "valid", "causal"})
_PARTIAL = "functools.partial"


class PaddingCase(Rule):
    id = "KM262"
    name = "padding_case"
    description = ("A Keras layer's padding string in upper case (\"SAME\", \"VALID\": Keras 2 lower-cased it, "
                   "Keras 3's pooling layers raise) -> lower case.")
    part = Part.TENSORFLOW
    TRIGGERS = ("SAME", "VALID", "CAUSAL", "Same", "Valid", "Causal")
    EXAMPLES = (
        Example(
            before="""
            from functools import partial
            from tensorflow import keras
            DefaultConv2D = partial(keras.layers.Conv2D, kernel_size=3, padding="SAME", use_bias=False)
            pool = keras.layers.MaxPool2D(pool_size=3, strides=2, padding="SAME")
            down = keras.layers.AveragePooling1D(2, 2, 'VALID')
            """,
            after="""
            from functools import partial
            from tensorflow import keras
            DefaultConv2D = partial(keras.layers.Conv2D, kernel_size=3, padding="same", use_bias=False)
            pool = keras.layers.MaxPool2D(pool_size=3, strides=2, padding="same")
            down = keras.layers.AveragePooling1D(2, 2, 'valid')
            """,
        ),
        # tf.nn takes upper case only; other strings and non-Keras calls stay.
        Example(before="""
            import tensorflow as tf
            from tensorflow import keras
            y = tf.nn.max_pool2d(x, 3, 2, padding="SAME")
            label = keras.layers.Dense(3, name="SAME")
            """),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not self._keras_layer(original):
            return updated
        args = list(updated.args)
        changed = False
        for i, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value != "padding":
                continue
            value = arg.value
            if not isinstance(value, cst.SimpleString) or value.prefix.lower() not in ("", "u"):
                continue
            text = value.evaluated_value
            if not isinstance(text, str) or text.lower() not in _MODES or text == text.lower():
                continue
            quote = value.quote
            args[i] = arg.with_changes(value=value.with_changes(value=f"{value.prefix}{quote}{text.lower()}{quote}"))
            changed = True
        if not changed:
            return updated
        self.fired()
        return updated.with_changes(args=args)

    def _keras_layer(self, call: cst.Call) -> bool:
        path = self.ctx.keras_path(call.func)
        if path is None and self.ctx.qualified_name(call.func) == _PARTIAL and call.args:
            path = self.ctx.keras_path(call.args[0].value)
        return path is not None and path.startswith("layers.")
