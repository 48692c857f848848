# parity: section=savedmodel.save_load_for_training
"""Whole models saved as legacy .h5 and reloaded in the same program.

Keras 2 idioms: model.save("model.h5") of a model compiled with metrics,
reloaded with load_model() to evaluate and keep training; a functional model
with a Lambda layer and a TF-op layer saved to .h5 and reloaded; the best
model written by ModelCheckpoint("best_model.h5", save_best_only=True) and
reloaded.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers
from tensorflow.keras.callbacks import ModelCheckpoint
from tensorflow.keras.models import Model, Sequential, load_model

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(3)
x = rng.uniform(-1, 1, size=(20, 4)).astype("float32")
y = (np.sin(x[:, :1] * 2.0) + x[:, 3:4]).astype("float32")

classifier = Sequential(
    [
        layers.Dense(8, activation="relu", input_shape=(4,)),
        layers.Dense(1),
    ]
)
fill_weights(classifier, seed=41)
classifier.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"])
classifier.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0)
classifier.save("classifier.h5")

reloaded = load_model("classifier.h5")
reloaded_eval = reloaded.evaluate(x, y, verbose=0)
reloaded.fit(x, y, batch_size=5, epochs=1, shuffle=False, verbose=0)

inputs = layers.Input(shape=(4,))
scaled = layers.Lambda(lambda t: t * 0.5 + 1.0)(inputs)
hidden = layers.Dense(6)(scaled)
activated = tf.nn.relu(hidden)
outputs = layers.Dense(1)(activated)
functional = Model(inputs, outputs)
fill_weights(functional, seed=43)
functional.compile(optimizer="sgd", loss="mse")
functional.fit(x, y, batch_size=5, epochs=1, shuffle=False, verbose=0)
functional.save("functional.h5")
functional_reloaded = load_model("functional.h5")

best = Sequential([layers.Dense(3, activation="tanh", input_shape=(4,)), layers.Dense(1)])
fill_weights(best, seed=47)
best.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.2), loss="mse")
best.fit(
    x, y, batch_size=5, epochs=4, shuffle=False, verbose=0,
    validation_data=(x[:8], y[:8]),
    callbacks=[ModelCheckpoint("best_model.h5", monitor="val_loss", save_best_only=True)],
)
best_reloaded = load_model("best_model.h5")

emit(
    {
        "reloaded_evaluate": reloaded_eval,
        "continued_predictions": reloaded.predict(x[:4], verbose=0),
        "functional_predictions": functional_reloaded.predict(x[:4], verbose=0),
        "functional_evaluate": functional_reloaded.evaluate(x, y, verbose=0),
        "best_predictions": best_reloaded.predict(x[:4], verbose=0),
        "best_evaluate": best_reloaded.evaluate(x[:8], y[:8], verbose=0),
    }
)
