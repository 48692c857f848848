# parity: section=everyday.training_api
"""TextVectorization with a custom standardize function written with tf.strings ops, as
keras.io's text examples write it (active_learning_review_classification, fnet text
generation, masked language modeling): adapted on a tf.data pipeline, mapped over one,
then called eagerly.

Variants: a named function with regex_replace (HTML breaks and punctuation) adapted on a
batched Dataset of strings and used in Dataset.map for fit(); a positional lambda
with output_mode="multi_hot", adapted on a Python list; the first vectorizer called
eagerly on a tf.constant, a list and a NumPy array; a vectorizer built with the first
one's vocabulary.
"""
import random
import re
import string

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

words = ["good", "bad", "Movie", "plot", "ACTING", "great", "boring", "story", "fun", "slow"]
rng = np.random.RandomState(0)
texts = []
for i in range(40):
    picked = rng.choice(words, size=rng.randint(3, 9))
    sentence = " ".join(picked)
    if i % 3 == 0:
        sentence = sentence.replace(" ", " <br /> ", 1)
    if i % 4 == 0:
        sentence += "!!"
    texts.append(sentence)
labels = np.array([int("good" in t or "great" in t) for t in texts], dtype="float32")


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")


vectorizer = layers.TextVectorization(20, standardize=custom_standardization, output_sequence_length=8)
vectorizer.adapt(tf.data.Dataset.from_tensor_slices(texts).batch(8))

multi_hot = layers.TextVectorization(12, lambda t: tf.strings.lower(t), output_mode="multi_hot")
multi_hot.adapt(texts)


def vectorize_text(text, label):
    return vectorizer(text), label


train = tf.data.Dataset.from_tensor_slices((texts, labels)).batch(8).map(vectorize_text, num_parallel_calls=tf.data.AUTOTUNE)

model = keras.Sequential([
    layers.Embedding(20, 4, input_length=8),
    layers.GlobalAveragePooling1D(),
    layers.Dense(1, activation="sigmoid"),
])
model.build((None, 8))
fill_weights(model, seed=3)
# SGD: Keras 3 applies Adam to an Embedding row by row on TensorFlow (KM121)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
history = model.fit(train, epochs=3, verbose=0)

rebuilt = layers.TextVectorization(max_tokens=20, standardize=custom_standardization, output_sequence_length=8,
                                   vocabulary=vectorizer.get_vocabulary()[2:])

emit({
    "vocabulary_size": vectorizer.vocabulary_size(),
    "train_ids": np.concatenate([x.numpy() for x, _ in train]),
    "eager_tensor": vectorizer(tf.constant(["GOOD <br />Movie!!", "slow, slow plot"])),
    "eager_list": vectorizer(["Great story <br />fun"]),
    "eager_numpy": vectorizer(np.array(["boring ACTING."])),
    "multi_hot": multi_hot(tf.constant(["good MOVIE", "Slow plot fun"])),
    "rebuilt": rebuilt(tf.constant(["good <br />plot!"])),
    "loss": history.history["loss"],
    "predictions": model.predict(vectorizer(tf.constant(texts[:6])), verbose=0),
})
