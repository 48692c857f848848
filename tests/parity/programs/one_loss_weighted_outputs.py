# parity: section=everyday.compile
"""One loss for a model with two outputs, weighted per output (handson-ml2 ch. 10's
WideAndDeepModel: compile(loss="mse", loss_weights=[0.9, 0.1])), and a loss function
given by reference for three outputs: Keras 2 applied the loss to every output."""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

np.random.seed(0)
tf.random.set_seed(0)


class WideAndDeep(keras.models.Model):
    def __init__(self, units=6, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(units, activation="relu")
        self.main_output = keras.layers.Dense(1)
        self.aux_output = keras.layers.Dense(1)

    def call(self, inputs):
        hidden = self.hidden(inputs)
        return self.main_output(keras.layers.concatenate([inputs, hidden])), self.aux_output(hidden)


rng = np.random.RandomState(2)
x = rng.uniform(-1, 1, size=(24, 4)).astype("float32")
y = (x[:, :1] - 0.5 * x[:, 1:2]).astype("float32")

model = WideAndDeep()
model(x[:1])
fill_weights(model, seed=9)
model.compile(loss="mse", loss_weights=[0.9, 0.1], optimizer=keras.optimizers.SGD(learning_rate=0.05))
history = model.fit(x, (y, y), batch_size=8, epochs=2, shuffle=False, verbose=0)

inputs = keras.Input((4,))
hidden = keras.layers.Dense(5, activation="tanh")(inputs)
three = keras.Model(inputs, [keras.layers.Dense(1)(hidden) for _ in range(3)])
fill_weights(three, seed=10)
three.compile("sgd", keras.losses.mean_squared_error, loss_weights=(1.0, 0.5, 0.25))
three_history = three.fit(x, [y, 2 * y, -y], batch_size=8, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "loss": history.history["loss"],
        "predictions": [p.tolist() for p in model.predict(x[:3], verbose=0)],
        "three_loss": three_history.history["loss"],
        "three_eval": three.evaluate(x, [y, 2 * y, -y], batch_size=8, verbose=0)[0],
    }
)
