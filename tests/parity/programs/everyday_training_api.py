# parity: section=everyday.training_api
"""Everyday Keras 2 training code: legacy optimizer lr=, optimizer.lr, LeakyReLU(alpha=),
Lambda without output_shape, training passed positionally and the
*_generator methods."""
import random

import numpy as np
import tensorflow as tf
import tensorflow.keras.backend as K
from tensorflow.keras.layers import BatchNormalization, Dense, Dropout, Lambda, LeakyReLU
from tensorflow.keras.models import Sequential
# tf_keras >= 2.11 silently ignores lr= on the new optimizers; the legacy ones
# honour it, as every Keras 2 release did before.
from tensorflow.keras.optimizers.legacy import Adam

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

model = Sequential(
    [
        Dense(8, input_shape=(4,)),
        LeakyReLU(alpha=0.2),
        Lambda(lambda t: t * 0.5 + K.square(t) * 0.1),
        Dense(1),
    ]
)
fill_weights(model, seed=29)
model.compile(optimizer=Adam(lr=0.01), loss="mse")

rng = np.random.RandomState(19)
x = rng.uniform(-1, 1, (32, 4)).astype("float32")
y = (x[:, :1] * x[:, 1:2] + x[:, 2:3]).astype("float32")


def batches():
    while True:
        for i in range(0, 32, 8):
            yield x[i : i + 8], y[i : i + 8]


first = model.fit_generator(batches(), steps_per_epoch=4, epochs=2, verbose=0)
lr_before = K.get_value(model.optimizer.lr)
K.set_value(model.optimizer.lr, 0.005)
second = model.fit_generator(batches(), steps_per_epoch=4, epochs=1, verbose=0)
evaluation = model.evaluate_generator(batches(), steps=4, verbose=0)
predictions = model.predict_generator(batches(), steps=1)
hidden = model.layers[1](model.layers[0](x[:3]))
normalized = BatchNormalization()(hidden, True)
not_dropped = Dropout(0.5)(hidden, False)
emit(
    {
        "first_loss_history": first.history["loss"],
        "lr_before": lr_before,
        "lr_after": K.get_value(model.optimizer.lr),
        "second_loss_history": second.history["loss"],
        "evaluation": evaluation,
        "predictions": predictions,
        "leaky_hidden": hidden,
        "batchnorm_training_positional": normalized,
        "dropout_inference_positional": not_dropped,
    }
)
