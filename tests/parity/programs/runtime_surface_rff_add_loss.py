# parity: section=removed_features.random_fourier_features
"""What code touches on RandomFourierFeatures and symbolic add_loss models.

A trainable RandomFourierFeatures layer found by name: output_shape,
get_config(), weights set from a list in Keras 2's order (kernel_scale, the
trainable one, first) and which of them train. A two-headed model with a
symbolic add_loss() term compiled with per-output loss dicts: output names,
history keys per output, and the layer list.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, seeded_array

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = keras.Input(shape=(4,), name="features")
mapped = layers.experimental.RandomFourierFeatures(
    output_dim=6, kernel_initializer="gaussian", scale=3.0, trainable=True, name="fourier"
)(inputs)
hidden = layers.Dense(5, activation="tanh", name="hidden")(mapped)
out_a = layers.Dense(1, name="out_a")(hidden)
out_b = layers.Dense(2, name="out_b")(hidden)
model = keras.Model(inputs, [out_a, out_b], name="two_heads")
model.add_loss(0.05 * tf.reduce_mean(tf.square(hidden)))
model.set_weights([seeded_array(w.shape, seed=110 + i, low=0.2, high=1.0) for i, w in enumerate(model.get_weights())])

fourier = model.get_layer("fourier")
config = fourier.get_config()
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss={"out_a": "mse", "out_b": "mae"},
    loss_weights={"out_a": 1.0, "out_b": 0.5},
)
rng = np.random.RandomState(14)
x = rng.uniform(-1, 1, (8, 4)).astype("float32")
targets = {"out_a": rng.uniform(-1, 1, (8, 1)).astype("float32"), "out_b": rng.uniform(-1, 1, (8, 2)).astype("float32")}
history = model.fit(x, targets, batch_size=4, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "fourier_output_shape": [-1 if d is None else d for d in fourier.output_shape],
        "fourier_config": [config["output_dim"], config["scale"], float(config["kernel_initializer"] == "gaussian"),
                           float(config["trainable"])],
        "fourier_weight_shapes": [list(w.shape) for w in fourier.get_weights()],
        "fourier_trainable": [list(w.shape) for w in fourier.trainable_weights],
        "kernel_scale_after_fit": fourier.get_weights()[0],
        "output_names": [float(name == expected) for name, expected in zip(model.output_names, ["out_a", "out_b"])],
        "out_a_loss": history.history["out_a_loss"],
        "out_b_loss": history.history["out_b_loss"],
        "loss_history": history.history["loss"],
        "named_layers_found": [float(model.get_layer(n).name == n) for n in ("fourier", "hidden", "out_a", "out_b")],
        "predictions": model.predict(x, verbose=0),
    }
)
