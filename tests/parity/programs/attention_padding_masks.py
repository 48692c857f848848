# parity: section=everyday.multi_input_mask
# parity: key=explicit_weights atol=1e-4 rtol=1e-3 reason=trained attention weights: Keras 2 itself moves them by up to 2e-5 between CPUs (oneDNN kernels; the bug this program guards moved them by 0.016)
"""MultiHeadAttention with masks that leave query rows without any key (padding):
an explicit query x key padding mask, a Keras mask from Embedding(mask_zero=True),
that mask with use_causal_mask, returned attention scores, and no mask at all."""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(5)
features = rng.normal(size=(16, 6, 8)).astype("float32")
lengths = np.array([6, 4, 3, 5] * 4)
padding = (np.arange(6)[None, :] < lengths[:, None]).astype("float32")
tokens = (rng.randint(1, 20, size=(16, 6)) * padding).astype("int32")
targets = rng.normal(size=(16, 2)).astype("float32")
results = {}

# 1. explicit padding mask over queries and keys; 4. scores returned
q = keras.Input((6, 8))
m = keras.Input((6,))
pair_mask = m[:, :, None] * m[:, None, :]
h, scores = layers.MultiHeadAttention(num_heads=2, key_dim=4)(q, q, attention_mask=pair_mask,
                                                               return_attention_scores=True)
out = layers.Dense(2)(layers.Flatten()(layers.LayerNormalization()(h + q)))
explicit = keras.Model([q, m], out)
fill_weights(explicit, seed=1)
explicit.compile(keras.optimizers.Adam(0.01), "mse")
results["explicit_loss"] = explicit.fit([features, padding], targets, batch_size=8, epochs=3, shuffle=False,
                                        verbose=0).history["loss"]
results["explicit_weights"] = explicit.get_weights()
results["explicit_scores"] = keras.Model([q, m], scores).predict([features[:4], padding[:4]], verbose=0)

# 2. Keras mask from the embedding; 3. with a causal mask too
t = keras.Input((6,), dtype="int32")
e = layers.Embedding(20, 8, mask_zero=True)(t)
a = layers.MultiHeadAttention(num_heads=2, key_dim=4)(e, e)
c = layers.MultiHeadAttention(num_heads=1, key_dim=8, value_dim=4)(a, a, use_causal_mask=True)
out = layers.Dense(2)(layers.GlobalAveragePooling1D()(layers.Dense(8)(c)))
masked = keras.Model(t, out)
fill_weights(masked, seed=2)
masked.compile(keras.optimizers.SGD(0.05), "mse")
results["keras_mask_loss"] = masked.fit(tokens, targets, batch_size=4, epochs=2, shuffle=False,
                                        verbose=0).history["loss"]
results["keras_mask_weights"] = masked.get_weights()
results["keras_mask_predictions"] = masked.predict(tokens[:4], verbose=0)

# 5. no mask
plain_in = keras.Input((6, 8))
plain_out = layers.Dense(2)(layers.GlobalMaxPooling1D()(layers.MultiHeadAttention(2, 4)(plain_in, plain_in)))
plain = keras.Model(plain_in, plain_out)
fill_weights(plain, seed=3)
plain.compile(keras.optimizers.SGD(0.05), "mse")
results["plain_loss"] = plain.fit(features, targets, batch_size=8, epochs=2, shuffle=False,
                                  verbose=0).history["loss"]
results["plain_weights"] = plain.get_weights()
emit(results)
