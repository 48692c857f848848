# parity: section=everyday.training_api
"""evaluate() of a multi-output model with per-output metrics, its list read where it is
made: printed, appended to a list of scores, returned from a function, and assigned to
two names at once. (A model passed in as a parameter is not known to be multi-output: not
covered.) Keras 2 listed the loss, each output's loss, then each output's
metrics in output order; Keras 3 lists the metrics by name (here `cls_acc` before
`reg_mse`, `a_mae` before `b_mae`). Variants: sigmoid + regression heads with list
losses and loss_weights; three heads with a dict of losses and two metrics each.
"""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

rng = np.random.RandomState(5)
x = rng.normal(size=(64, 4)).astype("float32")
y_reg = (x[:, :1] * 2 - x[:, 1:2]).astype("float32")
y_cls = (x[:, 0] + x[:, 2] > 0).astype("float32")[:, None]

inputs = keras.Input((4,))
h = layers.Dense(8, activation="tanh")(inputs)
reg = layers.Dense(1, name="reg")(h)
cls = layers.Dense(1, activation="sigmoid", name="cls")(h)
two = keras.Model(inputs, [reg, cls])
fill_weights(two, seed=51)
two.compile(optimizer="sgd", loss=["mae", "binary_crossentropy"], loss_weights=[2.0, 0.3], metrics=[["mse"], ["acc"]])
two.fit(x, [y_reg, y_cls], epochs=2, batch_size=16, shuffle=False, verbose=0)

scores = []
scores.append(two.evaluate(x, [y_reg, y_cls], verbose=0))
print(two.evaluate(x, [y_reg, y_cls], verbose=0))


def score():
    return two.evaluate(x, [y_reg, y_cls], batch_size=16, verbose=0)


first = second = two.evaluate(x[:32], [y_reg[:32], y_cls[:32]], verbose=0)

c = layers.Dense(2, name="c")(h)
b = layers.Dense(1, name="b")(h)
a = layers.Dense(1, name="a")(h)
three = keras.Model(inputs, [c, b, a])
fill_weights(three, seed=52)
three.compile(optimizer="adam", loss={"c": "mse", "b": "mae", "a": "mse"}, metrics=["mae", "mse"])
y3 = [np.concatenate([y_reg, y_cls], axis=1), y_cls, y_reg]
three.fit(x, y3, epochs=2, batch_size=16, shuffle=False, verbose=0)

emit(
    {
        "scores": scores,
        "returned": score(),
        "first": first,
        "second": second,
        "three": [three.evaluate(x, y3, verbose=0)],
    }
)
