# parity: section=libraries.tensorflow_probability keras2_extras=1
"""Sampling class indices through TF Probability's Categorical, as keras.io's VQ-VAE
samples PixelCNN codes: `tfp.layers.DistributionLambda(tfp.distributions.Categorical)` on
a trained model's logits inside a sampler Model, filled in pixel by pixel with predict().

Variants: the class passed as the distribution (sampled); a lambda building
`tfd.Categorical(logits=t)` converted by `tfd.Distribution.mode` (exact, so the
autoregressive fill is compared value by value); a standalone Categorical from probs
(log_prob, prob, entropy, mode; samples by frequency). Samples are compared by shape,
range and frequencies (TFP and Keras draw different numbers).
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

tfd = tfp.distributions
classes = 5
rng = np.random.RandomState(0)
codes = rng.randint(0, classes, size=(48, 4, 4))

# a small per-pixel classifier over integer code maps, trained on the codes themselves
inputs = keras.Input(shape=(4, 4), dtype="int32")
hidden = layers.Embedding(classes, 6)(inputs)
hidden = layers.Conv2D(8, 3, padding="same", activation="relu")(hidden)
logits = layers.Conv2D(classes, 1)(hidden)
pixel_model = keras.Model(inputs, logits)
fill_weights(pixel_model, seed=21)
# (plain SGD: adaptive optimizers update Embedding rows sparsely on Keras 3's TensorFlow, KM121)
pixel_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
history = pixel_model.fit(codes, codes, batch_size=16, epochs=2, shuffle=False, verbose=0)

# the sampler: a sample per pixel
sampler_inputs = layers.Input(shape=pixel_model.input_shape[1:])
outputs = pixel_model(sampler_inputs, training=False)
outputs = tfp.layers.DistributionLambda(tfp.distributions.Categorical)(outputs)
sampler = keras.Model(sampler_inputs, outputs)
samples = sampler.predict(np.repeat(codes[:1], 400, axis=0), verbose=0)
expected = tf.nn.softmax(pixel_model.predict(codes[:1], verbose=0)).numpy()[0]  # (4, 4, classes)
frequencies = np.stack([(samples == k).mean(axis=0) for k in range(classes)], axis=-1)

# the greedy sampler, filled in pixel by pixel as keras.io does
greedy_head = tfp.layers.DistributionLambda(lambda t: tfd.Categorical(logits=t),
                                           convert_to_tensor_fn=tfd.Distribution.mode)
greedy = keras.Model(sampler_inputs, greedy_head(pixel_model(sampler_inputs)))
priors = np.zeros((3, 4, 4), dtype="int32")
priors[:, 0, 0] = [0, 1, 2]
for row in range(4):
    for col in range(4):
        if row == 0 and col == 0:
            continue
        predicted = greedy.predict(priors, verbose=0)
        priors[:, row, col] = predicted[:, row, col]

categorical = tfd.Categorical(probs=[[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
draws = np.asarray(categorical.sample(3000))

emit({
    "loss": history.history["loss"],
    "accuracy": history.history["accuracy"],
    "sample_shape": samples.shape,
    "sample_range": [int(samples.min()) >= 0, int(samples.max()) < classes],
    # within 0.1 of the softmax probabilities (about 4 standard errors at 400 draws)
    "sample_frequencies": np.abs(frequencies - expected) < 0.1,
    "greedy_fill": priors,
    "log_prob": categorical.log_prob([2, 0]),
    "prob": categorical.prob([1, 1]),
    "entropy": categorical.entropy(),
    "mode": categorical.mode(),
    "draws_shape": draws.shape,
    "draw_frequencies": np.abs(np.stack([(draws == k).mean(axis=0) for k in range(3)], axis=-1)
                               - [[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]) < 0.05,
})
