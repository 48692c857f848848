# parity: section=keras_ops.tf_ops_long_tail
"""Layer sizes computed with TensorFlow ops (keras.io MolGAN / WGAN-graphs:
`keras.layers.Dense(tf.math.reduce_prod(adjacency_shape))`), which Keras 2 took as scalar
tensors. Variants: a generator whose Dense sizes are the products of the output shapes,
reshaped to them; an Embedding sized by tf.size and tf.reduce_max; a name bound to
tf.reduce_sum used for an LSTM's units and a MultiHeadAttention's key_dim; an
UpSampling1D factor from tf.reduce_max; a Dense(units=...) keyword in a subclassed layer.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

ADJACENCY_SHAPE = (2, 3, 3)
FEATURE_SHAPE = (3, 4)


def generator(latent_dim, adjacency_shape, feature_shape):
    z = keras.Input(shape=(latent_dim,))
    x = layers.Dense(8, activation="tanh")(z)
    x_adjacency = layers.Dense(tf.math.reduce_prod(adjacency_shape))(x)
    x_adjacency = layers.Reshape(adjacency_shape)(x_adjacency)
    x_adjacency = (x_adjacency + tf.transpose(x_adjacency, (0, 1, 3, 2))) / 2
    x_features = layers.Dense(tf.reduce_prod(feature_shape))(x)
    x_features = layers.Reshape(feature_shape)(x_features)
    return keras.Model(z, [x_adjacency, x_features])


class Projection(layers.Layer):
    def __init__(self, shape, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units=tf.reduce_prod(shape) * 1, use_bias=False)

    def call(self, x):
        return self.dense(x)


def sequence_model(vocabulary, widths):
    tokens = keras.Input(shape=(6,), dtype="int32")
    size = tf.reduce_sum(widths)
    x = layers.Embedding(tf.size(vocabulary), tf.reduce_max(widths))(tokens)
    x = layers.LSTM(size, return_sequences=True)(x)
    x = layers.MultiHeadAttention(num_heads=tf.constant(2), key_dim=size // 2)(x, x)
    x = layers.UpSampling1D(tf.reduce_max([1, 2]))(x)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(tokens, Projection((2,))(x))


rng = np.random.RandomState(7)
gen = generator(5, ADJACENCY_SHAPE, FEATURE_SHAPE)
fill_weights(gen, seed=7)
latents = rng.normal(size=(12, 5)).astype("float32")
adjacency_targets = rng.normal(size=(12,) + ADJACENCY_SHAPE).astype("float32")
feature_targets = rng.normal(size=(12,) + FEATURE_SHAPE).astype("float32")
gen.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss=["mse", "mse"])
gen_history = gen.fit(latents, [adjacency_targets, feature_targets], batch_size=4, epochs=2, shuffle=False,
                      verbose=0)

vocabulary = np.arange(11)
seq = sequence_model(vocabulary, [2, 4])
fill_weights(seq, seed=8)
tokens = rng.randint(0, 11, size=(12, 6)).astype("int32")
targets = rng.normal(size=(12, 2)).astype("float32")
# SGD: Adam would turn the key bias's zero gradient (float noise) into full steps
seq.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
seq_history = seq.fit(tokens, targets, batch_size=4, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "generator_loss": gen_history.history["loss"],
        "generator_predict": gen.predict(latents, batch_size=4, verbose=0),
        "generator_weights": gen.get_weights(),
        "sequence_loss": seq_history.history["loss"],
        "sequence_predict": seq.predict(tokens, batch_size=4, verbose=0),
        "sequence_weights": seq.get_weights(),
    }
)
