"""Run under genuine Keras 2 (TF_USE_LEGACY_KERAS=1) by test_keras2_load_model: trains four
compiled models one epoch, saves each to .h5, reloads it with Keras 2's load_model and
trains one more epoch; writes the files and what Keras 2 computed after the reload."""
import json, sys
import numpy as np
import tensorflow as tf
from tensorflow import keras

out_dir = sys.argv[1]
rng = np.random.RandomState(0)
x = rng.normal(size=(16, 4)).astype("float32")
y_reg = rng.normal(size=(16, 1)).astype("float32")
y_cls = rng.randint(0, 3, size=(16,))
y_bin = rng.randint(0, 2, size=(16, 1)).astype("float32")

def fill(model, seed):
    r = np.random.RandomState(seed)
    model.set_weights([r.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])

def regression():
    m = keras.Sequential([keras.layers.Dense(5, activation="relu", input_shape=(4,)), keras.layers.Dense(1)])
    m.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return m, y_reg

def classifier():
    i = keras.Input((4,))
    m = keras.Model(i, keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(6, activation="tanh")(i)))
    m.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m, y_cls

def logits():
    m = keras.Sequential([keras.layers.Dense(4, input_shape=(4,)), keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    m.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss=keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=[keras.metrics.AUC(name="auc")])
    return m, y_bin

def two_outputs():
    i = keras.Input((4,))
    h = keras.layers.Dense(5, activation="relu")(i)
    m = keras.Model(i, {"a": keras.layers.Dense(1, name="a")(h), "b": keras.layers.Dense(1, activation="sigmoid", name="b")(h)})
    m.compile(optimizer="adam", loss={"a": "mse", "b": "binary_crossentropy"}, loss_weights={"a": 1.0, "b": 0.5})
    return m, {"a": y_reg, "b": y_bin}

results = {}
for seed, (name, make) in enumerate([("regression", regression), ("classifier", classifier), ("logits", logits),
                                     ("two_outputs", two_outputs)]):
    model, y = make()
    fill(model, seed)
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    path = f"{out_dir}/{name}.h5"
    model.save(path)
    again = keras.models.load_model(path)
    history = again.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0).history
    results[name] = {"history": {k: [float(v) for v in vs] for k, vs in history.items()},
                     "weights": [w.tolist() for w in again.get_weights()]}
json.dump(results, open(f"{out_dir}/keras2.json", "w"))
