# parity: section=removed_features.rnn_time_major
"""What code touches on time-major RNN layers besides their numbers.

The layers are found again by name (get_layer), read back through
output_shape, get_config() and get_weights(), set from a weight list in
Keras 2's order, cloned from their config (clone_model), and fed a masked time-major batch.
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

TIME, BATCH, FEATURES = 6, 3, 2


def dims(shape):
    return [-1 if d is None else d for d in shape]


sequences = keras.Input(batch_shape=(TIME, None, FEATURES), name="sequences")
masked = layers.Masking(mask_value=0.0)(sequences)
encoded, state_h, state_c = layers.LSTM(
    4, time_major=True, return_sequences=True, return_state=True, name="encoder"
)(masked)
decoded = layers.GRU(3, time_major=True, return_sequences=True, name="decoder")(encoded)
summary_vector = layers.SimpleRNN(2, time_major=True, name="summarizer")(decoded)
model = keras.Model(sequences, [summary_vector, state_h])

for i, name in enumerate(["encoder", "decoder", "summarizer"]):
    layer = model.get_layer(name)
    layer.set_weights([seeded_array(w.shape, seed=80 + 10 * i + k) for k, w in enumerate(layer.get_weights())])

lines = []
model.summary(line_length=160, print_fn=lambda line, *args, **kwargs: lines.append(line))

rng = np.random.RandomState(11)
x = rng.uniform(-1, 1, (TIME, BATCH, FEATURES)).astype("float32")
x[4:, 0, :] = 0.0  # the first sequence ends after 4 steps: masked
summary_out, state_out = model(x)

encoder = model.get_layer("encoder")
config = encoder.get_config()
clone = keras.models.clone_model(model)
clone.set_weights(model.get_weights())
emit(
    {
        "encoder_output_shape": [dims(s) for s in encoder.output_shape],
        "decoder_output_shape": dims(model.get_layer("decoder").output_shape),
        "summarizer_output_shape": dims(model.get_layer("summarizer").output_shape),
        "summary_rows": [float(any(f"{n} ({c})" in line for line in lines))
                         for n, c in [("encoder", "LSTM"), ("decoder", "GRU"), ("summarizer", "SimpleRNN")]],
        "config": [float(config["time_major"]), config["units"], float(config["return_state"])],
        "weight_shapes": [list(w.shape) for w in model.get_weights()],
        "encoder_weight_names": [float(w.name.split("/")[-1].split(":")[0] == expected)
                                 for w, expected in zip(encoder.weights, ["kernel", "recurrent_kernel", "bias"])],
        "summary_out": summary_out,
        "state_out": state_out,
        "clone_summary_out": clone(x)[0],
    }
)
