# parity: section=everyday.training_api
"""keras.utils.to_categorical, written from its Keras 2 description: float32 one-hot labels
(Keras 3: float64 for NumPy input, and no dtype argument). Variants: labels mixed with
float32 tensors in a tf.data map (`y * tf.constant(...)` refuses float64), an explicit
dtype="int32" (Keras 3: TypeError), the (n, 1) label shape squeezed, np_utils' path, and the
dtype itself reported.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras.utils import to_categorical

from parity_io import emit, fill_weights

rng = np.random.RandomState(3)
x = rng.normal(size=(40, 4)).astype("float32")
labels = (x[:, 0] > 0).astype("int64") + (x[:, 1] > 0.5).astype("int64")

y = keras.utils.to_categorical(labels, 3)
smoothing = tf.constant([0.9, 0.9, 0.9])
dataset = tf.data.Dataset.from_tensor_slices((x, y)).map(lambda a, b: (a, b * smoothing + 0.1 / 3)).batch(10)

model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
fill_weights(model, seed=4)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(dataset, epochs=2, verbose=0)

counts = to_categorical(labels[:, None], num_classes=4, dtype="int32")
column = to_categorical(np.array([[2], [0]]))
emit(
    {
        "history": history.history,
        "weights": model.get_weights(),
        "float32": float(y.dtype == np.float32),
        "int_counts": counts.sum(axis=0),
        "int32": float(counts.dtype == np.int32),
        "column": column,
        "column_shape": list(column.shape),
    }
)
