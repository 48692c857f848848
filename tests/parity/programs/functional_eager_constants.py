# parity: section=everyday.training_api
"""Functional models built around eagerly computed values, written from the usual
keras.io shapes (found with keras-migrate verify):

- `emb + Embedding(seq, dim)(tf.range(seq))` at module level: Keras 2 computed the
  position embedding eagerly, a constant of the model (never trained); on PyTorch the
  recorded graph was freed by the first step ("backward through the graph a second time");
- a Sequential with an input shape used inside a functional model with training=False
  (BatchNormalization kept in inference mode), then a feature extractor from
  `base.input` to `base.get_layer(...).output` (Keras 3's `input` was the enclosing
  model's tensor: "not connected to inputs");
- a metric built on tf.math.confusion_matrix (macro F1).
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights


def init(shape, dtype=None):
    size = int(np.prod(shape))
    return np.sin(np.arange(size, dtype="float32") * 0.3).reshape(shape) * 0.5


seq, dim = 6, 8
tokens = keras.Input(shape=(seq,), dtype="int32")
emb = layers.Embedding(20, dim)(tokens)
emb = emb + layers.Embedding(seq, dim, embeddings_initializer=init)(tf.range(start=0, limit=seq, delta=1))
pooled = layers.GlobalAveragePooling1D()(emb)

base = keras.Sequential([layers.Dense(6, activation="relu", input_shape=(dim,), name="b1"),
                         layers.BatchNormalization(name="bn"), layers.Dense(4, name="b2")], name="base")
features = base(pooled, training=False)
out = layers.Dense(3, activation="softmax")(features)
model = keras.Model(tokens, out)
fill_weights(model, seed=3)


class MacroF1(keras.metrics.Metric):
    def __init__(self, num_classes, name="macro_f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_classes = num_classes
        self.cm = self.add_weight(name="cm", shape=(num_classes, num_classes), initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.cast(tf.reshape(y_true, [-1]), tf.int32)
        y_pred = tf.argmax(y_pred, axis=-1, output_type=tf.int32)
        self.cm.assign_add(tf.math.confusion_matrix(y_true, y_pred, num_classes=self.num_classes, dtype=tf.float32))

    def result(self):
        tp = tf.linalg.diag_part(self.cm)
        precision = tp / (tf.reduce_sum(self.cm, axis=0) + 1e-7)
        recall = tp / (tf.reduce_sum(self.cm, axis=1) + 1e-7)
        return tf.reduce_mean(2 * precision * recall / (precision + recall + 1e-7))

    def reset_state(self):
        self.cm.assign(tf.zeros_like(self.cm))


rng = np.random.RandomState(2)
data = rng.randint(1, 20, size=(60, seq))
labels = data[:, 0] % 3
model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", metrics=[MacroF1(3)])
history = model.fit(data, labels, epochs=3, batch_size=12, verbose=0, shuffle=False)
extractor = keras.Model(base.input, base.get_layer("b1").output)
head = keras.Model(base.inputs, base.output)
probe = rng.rand(4, dim).astype("float32")
emit(
    {
        "history": history.history,
        "predictions": model.predict(data[:5], verbose=0),
        "features": extractor.predict(probe, verbose=0),
        "head": head.predict(probe, verbose=0),
        "moving_mean": base.get_layer("bn").moving_mean.numpy(),
    }
)
