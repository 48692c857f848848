# parity: section=everyday.preprocessing_and_tf_data
"""keras.preprocessing's ImageDataGenerator, Tokenizer, TimeseriesGenerator and image
functions, which Keras 3 dropped from its API (the migrator takes them from
keras_migrate_runtime, Keras 3's own legacy code). Deterministic uses, whose numbers
Keras 3 reproduces: a generator that rescales and standardises feature-wise (fit on the
data) feeding fit, evaluate and predict through unshuffled flows; the transforms called
directly with fixed parameters or a seeded NumPy state; a Tokenizer's sequences,
matrices and JSON round trip; a TimeseriesGenerator for fit and predict; a text model
trained on padded sequences. (Random transforms and shuffled flows are diagnosed,
KM236: Keras 3 reads the iterators in another order and number than Keras 2.)
"""
import json

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.preprocessing.image import ImageDataGenerator, apply_affine_transform
from tensorflow.keras.preprocessing.sequence import TimeseriesGenerator, pad_sequences
from tensorflow.keras.preprocessing.text import Tokenizer, text_to_word_sequence, tokenizer_from_json

from parity_io import emit, fill_weights

rng = np.random.RandomState(0)
x = rng.uniform(0, 255, size=(24, 8, 8, 3)).astype("float32")
y = keras.utils.to_categorical(np.arange(24) % 3, 3)

datagen = ImageDataGenerator(rescale=1.0 / 255, featurewise_center=True, featurewise_std_normalization=True)
datagen.fit(x)
plain = tf.keras.preprocessing.image.ImageDataGenerator(rescale=1.0 / 255, samplewise_center=True)
model = keras.Sequential([
    keras.Input((8, 8, 3)),
    keras.layers.Conv2D(4, 3, activation="relu"),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(3, activation="softmax"),
])
fill_weights(model, seed=11)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(datagen.flow(x, y, batch_size=8, shuffle=False), epochs=2, shuffle=False,
                    validation_data=plain.flow(x[:8], y[:8], batch_size=4, shuffle=False), verbose=0)
first_batch = datagen.flow(x, y, batch_size=8, shuffle=False)[0][0]

rotated = apply_affine_transform(x[0], theta=20, tx=1, zx=1.1, zy=0.9, row_axis=0, col_axis=1, channel_axis=2)
np.random.seed(3)
random_rotated = tf.keras.preprocessing.image.random_rotation(x[1], 30, row_axis=0, col_axis=1, channel_axis=2)

texts = ["the cat sat on the mat", "the dog ate my homework", "a cat and a dog", "my mat is red"] * 3
tokenizer = Tokenizer(num_words=16, oov_token="<unk>")
tokenizer.fit_on_texts(texts)
sequences = tokenizer.texts_to_sequences(texts + ["an unseen cat"])
padded = pad_sequences(sequences, maxlen=6, padding="post")
restored = tokenizer_from_json(tokenizer.to_json())
text_model = keras.Sequential([keras.Input((6,)), keras.layers.Embedding(16, 4),
                               keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")])
fill_weights(text_model, seed=12)
text_model.compile(optimizer=keras.optimizers.SGD(0.5), loss="binary_crossentropy")
text_history = text_model.fit(padded[:12], np.array([0, 1, 0, 1] * 3), epochs=3, batch_size=4, shuffle=False,
                              verbose=0)

series = np.sin(np.arange(40) / 4.0).astype("float32")[:, None]
windows = TimeseriesGenerator(series, series, length=4, batch_size=6)
series_model = keras.Sequential([keras.Input((4, 1)), keras.layers.SimpleRNN(3), keras.layers.Dense(1)])
fill_weights(series_model, seed=13)
series_model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
series_history = series_model.fit(windows, epochs=2, shuffle=False, verbose=0)

emit(
    {
        "history": history.history,
        "weights": model.trainable_weights,
        "evaluate": model.evaluate(plain.flow(x, y, batch_size=8, shuffle=False), verbose=0),
        "predict": model.predict(datagen.flow(x[:8], batch_size=4, shuffle=False), verbose=0),
        "first_batch": first_batch,
        "generator_mean": datagen.mean,
        "rotated": rotated,
        "random_rotated": random_rotated,
        "padded": padded,
        "word_index": [tokenizer.word_index[w] for w in text_to_word_sequence("The cat, the MAT!")],
        "matrix_tfidf": tokenizer.texts_to_matrix(texts[:2], mode="tfidf"),
        "matrix_count": restored.texts_to_matrix(texts[2:4], mode="count"),
        "roundtrip": restored.sequences_to_texts(sequences[:2]) == tokenizer.sequences_to_texts(sequences[:2]),
        "text_history": text_history.history,
        "series_history": series_history.history,
        "series_predict": series_model.predict(windows, verbose=0),
    }
)
