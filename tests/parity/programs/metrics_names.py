# parity: section=everyday.training_api
"""model.metrics_names read with the values they name. Variants: a single-output model
with two compiled metrics (dict(zip(...)), a positional read as tutorials print it,
.index("accuracy")), train_on_batch's list zipped with the names, names read in a
callback, a multi-output functional model with per-output losses, metrics and a weighted
metric (the names follow the migrated evaluate()'s Keras 2 order), and names before
any training (Keras 2: none yet).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

x = np.linspace(-1, 1, 120).reshape(20, 6).astype("float32")
y = (x.sum(axis=1) > 0).astype("int32")

model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(6,)),
                          layers.Dense(2, activation="softmax")])
fill_weights(model, seed=1)
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
              metrics=["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=1, name="top1")])
before_training = {name: 1 for name in model.metrics_names}


class NamesSeen(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = {}

    def on_epoch_end(self, epoch, logs=None):
        for name in self.model.metrics_names:
            self.seen[name] = self.seen.get(name, 0) + 1


seen = NamesSeen()
model.fit(x, y, epochs=2, batch_size=5, verbose=0, shuffle=False, callbacks=[seen])
scores = model.evaluate(x, y, verbose=0)
zipped = dict(zip(model.metrics_names, scores))
second = {model.metrics_names[1]: scores[1] * 100}
accuracy = scores[model.metrics_names.index("accuracy")]
on_batch = dict(zip(model.metrics_names, model.train_on_batch(x[:10], y[:10])))

inp = keras.Input((6,))
h = layers.Dense(4, activation="relu")(inp)
multi = keras.Model(inp, [layers.Dense(1, name="reg")(h), layers.Dense(2, activation="softmax", name="cls")(h)])
fill_weights(multi, seed=2)
multi.compile(optimizer="sgd", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
              metrics={"reg": ["mae"], "cls": ["accuracy"]}, weighted_metrics={"cls": ["accuracy"]})
multi.fit(x, [x[:, :1], y], epochs=1, batch_size=5, verbose=0, shuffle=False)
multi_scores = multi.evaluate(x, [x[:, :1], y], verbose=0)
multi_zipped = dict(zip(multi.metrics_names, multi_scores))
multi_positions = {name: k for k, name in enumerate(multi.metrics_names)}

emit(
    {
        "before_training": before_training,
        "seen_in_callback": seen.seen,
        "zipped": zipped,
        "second": second,
        "accuracy": accuracy,
        "on_batch": on_batch,
        "multi_zipped": multi_zipped,
        "multi_positions": multi_positions,
    }
)
