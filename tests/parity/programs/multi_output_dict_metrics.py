# parity: section=multi_output_evaluate
"""compile() with losses and metrics keyed by output name, evaluate() unpacked in order.

Written with `from tensorflow.keras import ...`: the class ids of the "label" head are
rank 1, the loss object is a variable, and the "label" head also reports a regression
metric (Keras 2 fed it (batch, 1) labels). Keras 2's evaluate() lists the metrics per
output in output order; Keras 3 sorts them by name.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras import Input, Model, layers, losses, metrics, optimizers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = Input(shape=(5,))
shared = layers.Dense(8, activation="relu")(inputs)
score = layers.Dense(2, name="score")(shared)
label = layers.Dense(4, name="label")(shared)  # logits
model = Model(inputs=inputs, outputs=[score, label])
fill_weights(model, seed=62)
label_loss = losses.SparseCategoricalCrossentropy(from_logits=True)
model.compile(
    optimizer=optimizers.SGD(learning_rate=0.05),
    loss={"score": "mse", "label": label_loss},
    loss_weights={"score": 0.5, "label": 1.0},
    metrics={"score": ["mae", metrics.RootMeanSquaredError(name="rmse")],
             "label": ["acc", metrics.MeanSquaredError(name="label_mse")]},
)

rng = np.random.RandomState(62)
x = rng.uniform(-1, 1, (20, 5)).astype("float32")
y_score = np.stack([x[:, 0] * x[:, 1], x[:, 2]], axis=1).astype("float32")
y_label = rng.randint(0, 4, (20,))
history = model.fit(x, [y_score, y_label], batch_size=10, epochs=2, shuffle=False, verbose=0)
loss, score_loss, label_loss_value, score_mae, score_rmse, label_acc, label_mse = model.evaluate(
    x, [y_score, y_label], batch_size=20, verbose=0)
emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "evaluate": [loss, score_loss, label_loss_value, score_mae, score_rmse, label_acc, label_mse],
    }
)
