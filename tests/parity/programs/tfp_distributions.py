# parity: section=libraries.tensorflow_probability keras2_extras=1
"""TensorFlow Probability's normal distributions as latent priors, as keras.io's real_nvp
writes its flow: `tfp.distributions.MultivariateNormalDiag(loc, scale_diag)` held by a
model, its log_prob in a custom train_step (GradientTape) and test_step, samples pushed
back through the model.

Variants: the flow trained with fit (train and validation loss); log_prob, prob, mean,
stddev and entropy of a MultivariateNormalDiag and of a batch of Normals (`tfd` alias);
a Normal prior's log_prob as a Gaussian negative log-likelihood loss in compile().
Samples are compared by shape and moments (TFP and Keras draw different numbers).
"""
import random

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Coupling(keras.Model):
    def __init__(self):
        super().__init__()
        self.s = layers.Dense(2, activation="tanh")
        self.t = layers.Dense(2)

    def call(self, x):
        return self.s(x), self.t(x)


class Flow(keras.Model):
    def __init__(self):
        super().__init__()
        self.distribution = tfp.distributions.MultivariateNormalDiag(loc=[0.0, 0.0], scale_diag=[1.0, 1.0])
        self.masks = np.array([[0, 1], [1, 0]], dtype="float32")
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.couplings = [Coupling(), Coupling()]

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, x):
        log_det = 0
        for i, coupling in enumerate(self.couplings):
            mask = self.masks[i]
            s, t = coupling(x * mask)
            s *= 1 - mask
            t *= 1 - mask
            x = (1 - mask) * (x - t) * tf.exp(-s) + x * mask
            log_det -= tf.reduce_sum(s, [1])
        return x, log_det

    def log_loss(self, x):
        y, log_det = self(x)
        return -tf.reduce_mean(self.distribution.log_prob(y) + log_det)

    def train_step(self, data):
        with tf.GradientTape() as tape:
            loss = self.log_loss(data)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}

    def test_step(self, data):
        self.loss_tracker.update_state(self.log_loss(data))
        return {"loss": self.loss_tracker.result()}


rng = np.random.RandomState(0)
points = rng.normal(size=(64, 2)).astype("float32") * [1.0, 0.5] + [0.3, -0.2]

flow = Flow()
flow(points[:1])
fill_weights(flow, seed=11)
flow.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
history = flow.fit(points, batch_size=16, epochs=2, shuffle=False, verbose=0, validation_split=0.25)
z, log_det = flow(points[:5])

tfd = tfp.distributions
prior = tfp.distributions.MultivariateNormalDiag(loc=[0.5, -1.0], scale_diag=[1.0, 2.0])
normals = tfd.Normal(loc=[0.0, 1.0, -1.0], scale=[1.0, 0.5, 2.0])
samples = np.asarray(prior.sample(4000))


def gaussian_nll(y_true, y_pred):
    return -tfp.distributions.Normal(loc=y_pred, scale=1.0).log_prob(y_true)


regressor = keras.Sequential([layers.Dense(1, input_shape=(2,))])
fill_weights(regressor, seed=12)
regressor.compile(optimizer="sgd", loss=gaussian_nll)
regression = regressor.fit(points, points[:, :1] * 2.0, batch_size=16, epochs=2, shuffle=False, verbose=0)

emit({
    "flow_loss": history.history["loss"],
    "flow_val_loss": history.history["val_loss"],
    "latent": z,
    "log_det": log_det,
    "log_prob": prior.log_prob(points[:6]),
    "prob": prior.prob(points[:6]),
    "mean": prior.mean(),
    "stddev": prior.stddev(),
    "entropy": prior.entropy(),
    "normals_log_prob": normals.log_prob(np.tile(points[:4, :1], (1, 3))),
    "normals_entropy": normals.entropy(),
    "sample_shape": samples.shape,
    # within 0.2 of the distribution's moments (about 5 standard errors at 4000 samples)
    "sample_moments": np.abs(np.concatenate([samples.mean(axis=0) - [0.5, -1.0], samples.std(axis=0) - [1.0, 2.0]]))
    < 0.2,
    "regression_loss": regression.history["loss"],
})
