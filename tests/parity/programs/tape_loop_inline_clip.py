# parity: section=custom_train_step.optimization
"""A custom loop written differently: no tf.function, `from tensorflow.keras.layers import`
spelling, the gradient and apply_gradients inside the tape block, per-tensor
tf.clip_by_norm, a Mean metric for the loss and a subclassed model built before the loop."""
import random

import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import BatchNormalization, Dense
from tensorflow.keras.losses import MeanSquaredError
from tensorflow.keras.metrics import Mean
from tensorflow.keras.optimizers import SGD

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Regressor(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = Dense(6, activation="relu")
        self.norm = BatchNormalization()
        self.out = Dense(1)

    def call(self, x, training=False):
        return self.out(self.norm(self.hidden(x), training=training))


net = Regressor()
net.build((None, 3))
fill_weights(net, seed=121)
opt = SGD(learning_rate=0.05)
mse = MeanSquaredError()
loss_metric = Mean()

rng = np.random.RandomState(121)
features = rng.uniform(-1, 1, (24, 3)).astype("float32")
targets = (features @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")

history = []
for epoch in range(3):
    loss_metric.reset_states()
    for start in range(0, 24, 6):
        xb, yb = features[start:start + 6], targets[start:start + 6]
        with tf.GradientTape() as tape:
            pred = net(xb, training=True)
            loss = mse(yb, pred)
            grads = tape.gradient(loss, net.trainable_variables)
            grads = [tf.clip_by_norm(g, 0.5) for g in grads]
            opt.apply_gradients(zip(grads, net.trainable_variables))
        loss_metric.update_state(loss)
    history.append(float(loss_metric.result()))

emit({"history": history, "weights": net.get_weights(), "pred": net(features[:4], training=False)})
