# parity: section=everyday.layers
"""Keras 2 code reads `layer.output_shape` / `layer.input_shape` (Keras 3's layers lost
them; its models kept them). Variants: every layer of a Sequential model in a loop, a
layer fetched by name and sliced (`[1:]`) to size a second model that is then trained,
an LSTM returning its states (a list of shapes), a layer shared by two inputs of equal
shape, a functional model's input layer, and the model's own output_shape.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights


def dims(shape):
    """Shapes as numbers (None -> -1), nested lists kept."""
    if isinstance(shape, list):
        return [dims(s) for s in shape]
    return [-1 if d is None else d for d in shape]


sequential = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, name="hidden"),
                               keras.layers.Reshape((5, 1)), keras.layers.Conv1D(3, 2, name="conv")])
loop_shapes = [dims(layer.output_shape) for layer in sequential.layers]
loop_inputs = [dims(layer.input_shape) for layer in sequential.layers]

encoder_input = keras.Input((8,))
hidden = keras.layers.Dense(4, activation="tanh", name="code")(encoder_input)
encoder = keras.Model(encoder_input, hidden)
code_dims = encoder.get_layer("code").output_shape[1:]
decoder = keras.Sequential([keras.Input(code_dims), keras.layers.Dense(8)])
autoencoder = keras.Sequential([encoder, decoder])
fill_weights(autoencoder, seed=31)
autoencoder.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
data = np.linspace(-1.0, 1.0, 64, dtype="float32").reshape(8, 8)
history = autoencoder.fit(data, data, epochs=2, batch_size=4, shuffle=False, verbose=0)

sequence_input = keras.Input((5, 3))
lstm = keras.layers.LSTM(4, return_state=True, name="lstm")
outputs, state_h, state_c = lstm(sequence_input)
shared = keras.layers.Dense(2, name="shared")
left, right = keras.Input((3,)), keras.Input((3,))
merged = keras.layers.Add()([shared(left), shared(right)])
pair = keras.Model([left, right], merged)

emit(
    {
        "loop_shapes": loop_shapes,
        "loop_inputs": loop_inputs,
        "code_dims": list(code_dims),
        "history": history.history,
        "weights": autoencoder.trainable_weights,
        "lstm_output_shape": dims(lstm.output_shape),
        "shared_output_shape": dims(pair.get_layer("shared").output_shape),
        "input_layer_shape": dims(pair.layers[0].output_shape if isinstance(pair.layers[0].output_shape, tuple)
                                  else pair.layers[0].output_shape[0]),
        "model_output_shape": dims(pair.output_shape),
    }
)
