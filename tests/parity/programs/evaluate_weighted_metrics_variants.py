# parity: section=everyday.training_api
"""Variants of evaluate() read as a list for single-output models compiled with
weighted_metrics (stop 35, after evaluate_weighted_metrics_list): a functional model
with metric objects, a subclassed model printed in place, unpacking into names, a
sample_weight array, names that do not repeat (Keras 3's list already Keras 2's), and
one model name rebound to a model compiled without weighted metrics, a model a
factory function compiles (read in a comprehension).
"""
import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

rng = np.random.RandomState(5)
x = rng.randn(80, 5).astype("float32")
y = (x[:, :1] * 0.7 - x[:, 1:2]).astype("float32")
labels = np.digitize(x[:, 2], [-0.5, 0.5])
w = rng.uniform(0.2, 2.0, size=(80,)).astype("float32")
results = {}

inputs = tf.keras.Input((5,))
hidden = tf.keras.layers.Dense(7, activation="tanh")(inputs)
model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(hidden))
fill_weights(model, seed=1)
model.compile(optimizer="sgd", loss="mse",
              metrics=[tf.keras.metrics.MeanAbsoluteError(), "mse"],
              weighted_metrics=[tf.keras.metrics.MeanAbsoluteError()])
model.fit(x, y, sample_weight=w, epochs=2, batch_size=16, verbose=0, shuffle=False)
loss, mae, mse, weighted_mae = model.evaluate(x, y, sample_weight=w, verbose=0)
results["functional"] = [loss, mae, mse, weighted_mae]


class Classifier(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = tf.keras.layers.Dense(6, activation="relu")
        self.out = tf.keras.layers.Dense(3, activation="softmax")

    def call(self, inputs):
        return self.out(self.hidden(inputs))


clf = Classifier()
clf(x[:1])
fill_weights(clf, seed=2)
clf.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
            metrics=["acc"], weighted_metrics=["acc"])
clf.fit(x, labels, class_weight={0: 1.0, 1: 3.0, 2: 0.5}, epochs=2, batch_size=20, verbose=0, shuffle=False)
results["subclassed"] = clf.evaluate(x, labels, verbose=0)
print(clf.evaluate(x, labels, verbose=0))

seq = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu", input_shape=(5,)), tf.keras.layers.Dense(1)])
fill_weights(seq, seed=3)
seq.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mse"])
seq.fit(x, y, sample_weight=w, epochs=1, batch_size=16, verbose=0, shuffle=False)
results["distinct_names"] = seq.evaluate(x, y, sample_weight=w, verbose=0)

model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(5,))])
fill_weights(model, seed=4)
model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"])
model.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
results["rebound"] = model.evaluate(x, y, verbose=0)


def make_model(seed):
    m = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="softmax", input_shape=(5,))])
    fill_weights(m, seed=seed)
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
              metrics=["sparse_categorical_accuracy"], weighted_metrics=["sparse_categorical_accuracy"])
    return m


made = make_model(5)
made.fit(x, labels, sample_weight=w, epochs=1, batch_size=16, verbose=0, shuffle=False)
results["factory"] = [round(float(v), 5) for v in made.evaluate(x, labels, sample_weight=w, verbose=0)]
emit(results)
