"""Activations Keras 3 rejects or computes differently, found by running every
activation string and keras.activations function through tf_keras 2.21 and Keras 3.15
(JAX, TensorFlow, PyTorch) on the same inputs.

- Keras 2 deserialized layer class names as activation strings: "ReLU", "ELU", "Softmax"
  (defaults: plain relu, alpha 1.0, axis -1, i.e. the functions "relu", "elu",
  "softmax"), "LeakyReLU" (alpha 0.3, while keras.activations.leaky_relu defaults to
  0.2), "ThresholdedReLU" (theta 1.0) and "PReLU" (a layer with trainable weights).
  Keras 3 raises "Could not interpret activation function identifier" for all of them.
- "hard_sigmoid" / keras.activations.hard_sigmoid: Keras 2 computes
  clip(0.2 * x + 0.5, 0, 1), Keras 3 relu6(x + 3) / 6 (up to 0.075 apart).
- ConvLSTM1D/2D/3D default to recurrent_activation="hard_sigmoid" in Keras 2 and
  "sigmoid" in Keras 3.
Every other activation string and keras.activations function computes the same
(keras.activations.relu's `alpha` is called `negative_slope`: see KEYWORD_RENAMES).
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Optional

__all__ = ["ActivationString", "ACTIVATION_STRINGS", "HARD_SIGMOID_DEFAULT_LAYERS", "HARD_SIGMOID_RUNTIME"]

HARD_SIGMOID_RUNTIME = "keras2_hard_sigmoid"


@dataclasses.dataclass(frozen=True)
class ActivationString:
    """What Keras 2's `activation="<name>"` becomes: a Keras 3 activation string, a
    keras_migrate_runtime function, or nothing (diagnosed with `fix`)."""

    name: str
    keras3: Optional[str] = None
    runtime: Optional[str] = None
    fix: str = ""

    def keras3_names(self):
        return (f"keras.activations.{self.keras3}",) if self.keras3 else ()


ACTIVATION_STRINGS: Dict[str, ActivationString] = {
    entry.name: entry
    for entry in (
        ActivationString("ReLU", keras3="relu"),
        ActivationString("ELU", keras3="elu"),
        ActivationString("Softmax", keras3="softmax"),
        ActivationString("LeakyReLU", runtime="keras2_leaky_relu"),
        ActivationString("ThresholdedReLU", runtime="keras2_thresholded_relu"),
        ActivationString("hard_sigmoid", runtime=HARD_SIGMOID_RUNTIME),
        ActivationString(
            "PReLU",
            fix="Keras 2 made a PReLU layer (trainable alpha, initialised to 0) the activation: "
                "drop activation= and apply keras.layers.PReLU() to the layer's output"),
    )
}

# Keras-relative layers whose recurrent_activation default was "hard_sigmoid", with the
# parameter's 0-based position in their (same) Keras 2 and Keras 3 signatures.
HARD_SIGMOID_DEFAULT_LAYERS: Dict[str, int] = {
    "layers.ConvLSTM1D": 7,
    "layers.ConvLSTM2D": 7,
    "layers.ConvLSTM3D": 7,
}
