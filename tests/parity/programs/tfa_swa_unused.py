# parity: section=libraries.tensorflow_addons keras2_extras=1
"""TF Addons' stochastic weight averaging as keras.io's consistency-training example uses
it: `SWA = tfa.optimizers.SWA`, `compile(optimizer=SWA(tf.keras.optimizers.Adam()))`, and
the averaged weights never assigned to the model. Training is then the wrapped
optimizer's; the migrated program compiles with that optimizer.

Variants: the alias called with the optimizer (ReduceLROnPlateau lowering the rate
through the wrapper); `tfa.optimizers.SWA(optimizer=..., start_averaging=..., average_period=...)`
with keywords; the trained models evaluated and their predictions compared.
"""
import random

import numpy as np
import tensorflow as tf
import tensorflow_addons as tfa
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

# Initialize SWA from TF Addons.
SWA = tfa.optimizers.SWA

rng = np.random.RandomState(3)
x = rng.uniform(-1, 1, (48, 5)).astype("float32")
y = (x @ rng.uniform(-1, 1, (5, 1))).astype("float32")


def regressor(seed):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
    fill_weights(model, seed=seed)
    return model


teacher = regressor(51)
teacher.compile(optimizer=SWA(tf.keras.optimizers.legacy.Adam(learning_rate=0.05)), loss="mse", metrics=["mae"])
reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
taught = teacher.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, callbacks=[reduce_lr])

student = regressor(52)
student.compile(optimizer=tfa.optimizers.SWA(optimizer=keras.optimizers.legacy.SGD(learning_rate=0.1), start_averaging=2,
                                             average_period=2), loss="mse")
studied = student.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)

emit({
    "teacher_loss": taught.history["loss"],
    "teacher_mae": taught.history["mae"],
    "teacher_evaluate": teacher.evaluate(x, y, verbose=0),
    "student_loss": studied.history["loss"],
    "student_predictions": student.predict(x[:4], verbose=0),
    "teacher_weights": teacher.get_weights(),
})
