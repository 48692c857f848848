"""A small image classifier, written for Keras 2 (tf.keras)."""

from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.layers.experimental import preprocessing

from examples.common.layers import ScaledResidual


def build_classifier(image_size=16, num_classes=3):
    inputs = keras.Input(shape=(image_size, image_size, 1))
    x = preprocessing.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(4, 3, padding="same", kernel_initializer="ones")(x)
    x = layers.LeakyReLU(alpha=0.1)(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = ScaledResidual()(x)
    outputs = layers.Dense(num_classes, activation="softmax", kernel_initializer="zeros")(x)
    model = keras.Model(inputs, outputs, name="classifier")
    model.compile(
        optimizer=keras.optimizers.Adam(lr=1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
