"""A ranker over a fixed-length feature sequence, using layers Keras 3 removed."""

from tensorflow import keras
from tensorflow.keras import layers


def build_ranker(length=6, features=3):
    inputs = keras.Input(shape=(length, features))
    x = layers.LocallyConnected1D(2, 3, kernel_initializer="ones", bias_initializer="zeros")(inputs)
    x = layers.ThresholdedReLU(theta=0.5)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(1, kernel_initializer="ones")(x)
    return keras.Model(inputs, outputs)
