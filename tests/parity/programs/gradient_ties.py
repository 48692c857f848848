# parity: section=keras_ops.tf_ops_long_tail
"""Kinks hit exactly: TensorFlow gives a tie a fixed gradient (leaky_relu at 0: alpha;
clip_by_value at a bound: 1; Keras 2's hard_sigmoid: clip_by_value), and exact ties are
ordinary in real data (zero feature rows with zero biases, values already at a bound).
Variants: tf.nn.leaky_relu on the symbolic tensors of a functional model, tf.nn.leaky_relu
as an activation value and "LeakyReLU" as an activation string; tf.clip_by_value inside a
subclassed layer whose input sits on both bounds; activation="hard_sigmoid" at exactly
2.5, in a layer calling keras.activations.hard_sigmoid, with K.clip in a custom loss; a
GradientTape train_step clipping its predictions and its gradients.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K
from tensorflow.keras import layers

from parity_io import emit

rng = np.random.RandomState(3)


def constant(*shape, scale=0.5):
    return keras.initializers.Constant(rng.normal(scale=scale, size=shape).astype("float32"))


# Half the rows are all zeros: with zero biases every unit's pre-activation there is 0.
x = rng.normal(size=(16, 6)).astype("float32")
x[::2] = 0.0
y = rng.normal(size=(16, 1)).astype("float32")

inputs = keras.Input((6,))
h = layers.Dense(5, kernel_initializer=constant(6, 5), bias_initializer="zeros")(inputs)
h = tf.nn.leaky_relu(h, alpha=0.1)
h = layers.Dense(4, activation=tf.nn.leaky_relu, kernel_initializer=constant(5, 4))(h)
h = layers.Dense(3, activation="LeakyReLU", kernel_initializer=constant(4, 3))(h)
outputs = layers.Dense(1, kernel_initializer=constant(3, 1))(h)
functional = keras.Model(inputs, outputs)
functional.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
functional_history = functional.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)


class Band(layers.Layer):
    """Clips to [0, 1]."""

    def build(self, input_shape):
        kernel = rng.normal(scale=0.5, size=(input_shape[-1], 4)).astype("float32")
        kernel[0] = 1.0  # an input row (1, 0, ..., 0) lands on the upper bound
        self.kernel = self.add_weight(shape=kernel.shape, initializer=keras.initializers.Constant(kernel),
                                      name="kernel")
        self.bias = self.add_weight(shape=(4,), initializer="zeros", name="bias")

    def call(self, inputs):
        return tf.clip_by_value(tf.matmul(inputs, self.kernel) + self.bias, 0.0, 1.0)


# Rows of zeros (lower bound) and rows (1, 0, ..., 0) (upper bound, at the first step).
band_x = x.copy()
band_x[1::4] = 0.0
band_x[3::4] = np.eye(6, dtype="float32")[0]
band_inputs = keras.Input((6,))
band_out = layers.Dense(1, kernel_initializer=constant(4, 1))(Band()(band_inputs))
band = keras.Model(band_inputs, band_out)
band.compile(optimizer=keras.optimizers.Adam(0.01), loss="mae")
band_history = band.fit(band_x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)

# hard_sigmoid = clip(0.2 * x + 0.5, 0, 1) reaches its upper bound at exactly 2.5. (Not
# -2.5: XLA fuses 0.2 * x + 0.5 into one multiply-add, which leaves -7e-9 there, not 0.)
sig_x = np.array([[2.5, -3.0, 0.0], [-3.0, 0.0, 2.5], [1.0, 2.5, -1.0], [0.0, -3.0, 2.5]], "float32")
sig_inputs = keras.Input((3,))
sig_out = layers.Dense(3, activation="hard_sigmoid", kernel_initializer="identity",
                       bias_initializer="zeros")(sig_inputs)
sig = keras.Model(sig_inputs, layers.Dense(1, kernel_initializer=constant(3, 1))(sig_out))
sig.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
sig_history = sig.fit(sig_x, y[:4], batch_size=4, epochs=3, shuffle=False, verbose=0)




class HardGate(layers.Layer):
    """keras.activations.hard_sigmoid called on an identity projection: at exactly 2.5."""

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], input_shape[-1]), initializer="identity",
                                      name="kernel")

    def call(self, inputs):
        return keras.activations.hard_sigmoid(tf.matmul(inputs, self.kernel))


def clipped_mse(y_true, y_pred):
    # zero rows predict exactly the zero bias at the first step: K.clip's lower bound
    return K.mean(K.square(K.clip(y_pred, 0.0, None) - y_true))


gate_inputs = keras.Input((3,))
gate_out = layers.Dense(1, kernel_initializer=constant(3, 1), bias_initializer="zeros")(HardGate()(gate_inputs))
gate = keras.Model(gate_inputs, gate_out)
gate.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
gate_history = gate.fit(sig_x, y[:4], batch_size=4, epochs=3, shuffle=False, verbose=0)

floor_inputs = keras.Input((6,))
floor = keras.Model(floor_inputs, layers.Dense(1, kernel_initializer=constant(6, 1),
                                               bias_initializer="zeros")(floor_inputs))
floor.compile(optimizer=keras.optimizers.SGD(0.1), loss=clipped_mse)
floor_history = floor.fit(x, np.abs(y), batch_size=8, epochs=3, shuffle=False, verbose=0)


class ClippedRegressor(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(4, kernel_initializer=constant(6, 4), bias_initializer="zeros")
        self.head = layers.Dense(1, kernel_initializer=constant(4, 1))
        self.tracker = keras.metrics.Mean(name="loss")

    def call(self, inputs):
        return self.head(tf.nn.leaky_relu(self.hidden(inputs)))

    def train_step(self, data):
        features, targets = data
        with tf.GradientTape() as tape:
            # zero rows predict exactly the head's initial bias, 0: the lower bound
            prediction = tf.clip_by_value(self(features, training=True), 0.0, 1.0)
            loss = tf.reduce_mean(tf.square(prediction - targets))
        grads = tape.gradient(loss, self.trainable_variables)
        grads = [tf.clip_by_value(g, -0.05, 0.05) for g in grads]
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.tracker.update_state(loss)
        return {"loss": self.tracker.result()}

    @property
    def metrics(self):
        return [self.tracker]


regressor = ClippedRegressor()
regressor.compile(optimizer=keras.optimizers.SGD(0.2))
regressor_history = regressor.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)

emit(
    {
        "functional_loss": functional_history.history["loss"],
        "functional_weights": functional.get_weights(),
        "band_loss": band_history.history["loss"],
        "band_weights": band.get_weights(),
        "sig_loss": sig_history.history["loss"],
        "sig_weights": sig.get_weights(),
        "gate_loss": gate_history.history["loss"],
        "gate_weights": gate.get_weights(),
        "floor_loss": floor_history.history["loss"],
        "floor_weights": floor.get_weights(),
        "regressor_loss": regressor_history.history["loss"],
        # (Keras 2's get_weights() of a subclassed model also lists its metric's variables)
        "regressor_weights": regressor.hidden.get_weights() + regressor.head.get_weights(),
    }
)
