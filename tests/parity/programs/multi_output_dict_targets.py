# parity: section=everyday.training_api
"""Targets and sample weights given as dicts keyed by output name, written from the
Keras 2 guide's multi-output examples (found with keras-migrate verify: Keras 3 took the
dict for a list of outputs, but failed with KeyError: 0 once sample_weight= was given,
and took it as the target itself for one output). Variants:

- two named outputs (a list), losses / loss weights / metrics as dicts, dict targets
  and one sample-weight array; validation data with dict targets;
- the same model, sample weights as a dict per output, evaluate(y={...});
- one output, named: a dict target with its one key, train_on_batch / test_on_batch.
A KLDivergence metric object logs as "kullback_leibler_divergence" in Keras 2 (Keras 3:
"kl_divergence"): the history keys and evaluate()'s list order must stay Keras 2's.
"""
import numpy as np
from tensorflow import keras

from parity_io import emit, fill_weights

rng = np.random.RandomState(17)
x = rng.randn(64, 6).astype("float32")
a = rng.rand(64, 3).astype("float32")
a = a / a.sum(axis=1, keepdims=True)
b = np.tanh(x[:, 3:])
w = np.linspace(1.0, 2.0, 64).astype("float32")


def make_model(seed):
    inp = keras.Input((6,))
    h = keras.layers.Dense(8, activation="relu")(inp)
    dist = keras.layers.Dense(3, activation="softmax", name="dist")(h)
    vec = keras.layers.Dense(3, name="vec")(h)
    model = keras.Model(inp, [dist, vec])
    fill_weights(model, seed=seed)
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss={"dist": keras.losses.KLDivergence(), "vec": "mse"},
                  loss_weights={"dist": 1.0, "vec": 0.5},
                  metrics={"dist": [keras.metrics.KLDivergence()], "vec": ["mae"]})
    return model


# Variant 1: one sample-weight array, dict validation targets.
first = make_model(1)
h1 = first.fit(x, {"dist": a, "vec": b}, sample_weight=w, validation_data=(x[:16], {"dist": a[:16], "vec": b[:16]}),
               epochs=2, batch_size=16, verbose=0, shuffle=False)

# Variant 2: sample weights per output, evaluate with y=.
second = make_model(2)
h2 = second.fit(x, {"vec": b, "dist": a}, sample_weight={"dist": w, "vec": w[::-1].copy()},
                epochs=2, batch_size=16, verbose=0, shuffle=False)
scores = second.evaluate(x, y={"dist": a, "vec": b}, verbose=0)

# Variant 3: one named output.
inp = keras.Input((6,))
single = keras.Model(inp, keras.layers.Dense(3, name="only")(keras.layers.Dense(5, activation="tanh")(inp)))
fill_weights(single, seed=3)
single.compile(keras.optimizers.SGD(0.05), "mse")
steps = [single.train_on_batch(x[i:i + 16], {"only": b[i:i + 16]}) for i in range(0, 64, 16)]
tested = single.test_on_batch(x[:16], {"only": b[:16]})

emit(
    {
        "h1": h1.history,
        "h2": h2.history,
        "scores": scores,
        "steps": steps,
        "tested": tested,
        "weights": [first.get_weights(), second.get_weights(), single.get_weights()],
    }
)
