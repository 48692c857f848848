# parity: section=multi_output_evaluate
"""A regression head and a softmax head with sparse class ids, one flat metrics list.

Keras 2 applies ["mae", "accuracy"] to both outputs and expands the rank-1 labels to
(batch, 1) before every metric: "cls_mae" broadcasts the class ids against the three
probabilities. Keras 3 would match the two-element list one metric per output and fail
on (batch,) against (batch, 3). A single-output classifier with the same metrics too.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

inputs = keras.Input(shape=(4,))
hidden = keras.layers.Dense(6, activation="tanh")(inputs)
reg = keras.layers.Dense(1, name="reg")(hidden)
cls = keras.layers.Dense(3, activation="softmax", name="cls")(hidden)
model = keras.Model(inputs, [reg, cls])
fill_weights(model, seed=61)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss=["mse", "sparse_categorical_crossentropy"],
    metrics=["mae", "accuracy"],
)

rng = np.random.RandomState(61)
x = rng.uniform(-1, 1, (16, 4)).astype("float32")
y_reg = (x[:, 0] - 0.5 * x[:, 1]).astype("float32")  # rank 1, like the class ids
y_cls = (x[:, 2] > 0).astype("int32") + (x[:, 3] > 0.3).astype("int32")
history = model.fit(x, [y_reg, y_cls], batch_size=8, epochs=2, shuffle=False, verbose=0)
evaluation = model.evaluate(x, [y_reg, y_cls], batch_size=16, verbose=0, return_dict=True)

classifier = keras.Model(inputs, cls)
classifier.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
                   loss="sparse_categorical_crossentropy", metrics=["accuracy", "mse"])
single = classifier.fit(x, y_cls, batch_size=8, epochs=2, shuffle=False, verbose=0)
emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "evaluation": {key: evaluation[key] for key in sorted(evaluation)},
        "single_history": {key: single.history[key] for key in sorted(single.history)},
    }
)
