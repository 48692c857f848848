# parity: section=everyday.training_api
"""A model trains with the trainable flags of its last compile() (Keras 2); Keras 3
reads them at each call. Variants: the classic GAN (discriminator compiled, frozen
before the combined model is compiled, trained with train_on_batch), the tutorial
layout (define_* functions, train() defined first, the discriminator trained with fit()
and a frozen BatchNormalization-free stack), explicit toggling before each call (same in
both), a forgotten recompile after freezing one layer of a Sequential model, and
keras.io's fine-tuning with a recompile (same in both).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

rng = np.random.RandomState(11)
REAL = (rng.normal(size=(48, 6)) + 1.5).astype("float32")
NOISE = rng.normal(size=(48, 4)).astype("float32")


def define_discriminator():
    model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(6,)),
                              layers.Dense(1, activation="sigmoid")])
    fill_weights(model, seed=1)
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  metrics=["accuracy"])
    return model


def define_generator():
    model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)), layers.Dense(6)])
    fill_weights(model, seed=2)
    return model


def train(g_model, d_model, gan_model, steps, with_fit):
    losses = []
    for i in range(steps):
        x_real = REAL[i * 6:(i + 1) * 6]
        x_fake = g_model.predict(NOISE[i * 6:(i + 1) * 6], verbose=0)
        if with_fit:
            x = np.concatenate([x_real, x_fake])
            y = np.concatenate([np.ones((6, 1)), np.zeros((6, 1))])
            d_loss = d_model.fit(x, y, batch_size=6, epochs=1, verbose=0, shuffle=False).history["loss"]
        else:
            d_loss = [d_model.train_on_batch(x_real, np.ones((6, 1)))[0],
                      d_model.train_on_batch(x_fake, np.zeros((6, 1)))[0]]
        g_loss = gan_model.train_on_batch(NOISE[i * 6:(i + 1) * 6], np.ones((6, 1)))
        losses.append([d_loss, g_loss])
    return losses


def define_gan(g_model, d_model):
    d_model.trainable = False
    model = keras.Sequential([g_model, d_model])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.01))
    return model


# The classic GAN, train_on_batch.
d1, g1 = define_discriminator(), define_generator()
gan1 = define_gan(g1, d1)
gan_losses = train(g1, d1, gan1, 4, with_fit=False)

# The same layout, the discriminator trained with fit().
d2, g2 = define_discriminator(), define_generator()
gan2 = define_gan(g2, d2)
fit_losses = train(g2, d2, gan2, 3, with_fit=True)

# Explicit toggling before each call.
d3, g3 = define_discriminator(), define_generator()
gan3 = define_gan(g3, d3)
toggled = []
for i in range(3):
    d3.trainable = True
    toggled.append(d3.train_on_batch(REAL[:8], np.ones((8, 1)))[0])
    d3.trainable = False
    toggled.append(gan3.train_on_batch(NOISE[:8] * (i + 1), np.ones((8, 1))))

# A forgotten recompile: Keras 2 still trains the frozen layer.
x = np.linspace(0, 1, 160).reshape(20, 8).astype("float32")
y = (x[:, :1] * 3 - x[:, 1:2]).astype("float32")
head = keras.Sequential([layers.Dense(4, activation="relu", input_shape=(8,)), layers.Dense(1)])
fill_weights(head, seed=3)
head.compile(optimizer="sgd", loss="mse")
head.layers[0].trainable = False
head_losses = [head.train_on_batch(x[:10], y[:10]) for _ in range(3)]
head_fit = head.fit(x, y, epochs=2, batch_size=5, verbose=0, shuffle=False).history

# Fine-tuning with a recompile.
base = keras.Sequential([layers.Dense(6, activation="relu", input_shape=(8,)), layers.Dense(6)])
base.trainable = False
tuned = keras.Sequential([base, layers.Dense(1)])
fill_weights(tuned, seed=4)
tuned.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
first = tuned.fit(x, y, epochs=2, batch_size=5, verbose=0, shuffle=False).history
base.trainable = True
tuned.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse", metrics=["mae"])
second = tuned.fit(x, y, epochs=2, batch_size=5, verbose=0, shuffle=False).history

emit(
    {
        "gan_losses": gan_losses,
        "gan_d_weights": d1.weights,
        "gan_g_weights": g1.weights,
        "fit_losses": fit_losses,
        "fit_d_weights": d2.weights,
        "toggled": toggled,
        "toggled_d_weights": d3.weights,
        "head_losses": head_losses,
        "head_fit": head_fit,
        "head_weights": head.weights,
        "head_trainable_count": len(head.trainable_weights),
        "d_trainable_counts": [len(d1.trainable_weights), len(gan1.trainable_weights)],
        "tuned": [first, second],
        "tuned_weights": tuned.weights,
    }
)
