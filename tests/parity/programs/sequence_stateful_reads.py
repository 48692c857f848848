# parity: section=everyday.training_api
"""keras.utils.Sequence objects whose __getitem__ changes their own state, read by fit,
evaluate and predict. keras.io depth_estimation's generator shrinks self.batch_size for
good when it reaches the last batch; another doubles a scale each time it serves batch 1
(a hand-made curriculum). Keras 2 read batch 0 once ahead of a pass; Keras 3 on
TensorFlow reads batches 0 and 1 ahead, so without care a two-batch validation set is
read with the shrunk batch size (or the doubled scale) from its first pass on. Variants:
validation data of two batches (whose length changes after the first pass: Keras 2 and
3 both read it again for each validation), training data of three, evaluate and predict
on fresh sequences, and the program's own reads afterwards. (Training data whose length
changes between epochs is diagnosed, KM226: Keras 3 keeps the first epoch's count.)
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights


class Shrinking(tf.keras.utils.Sequence):
    def __init__(self, rows, batch_size=4):
        self.rows, self.batch_size = rows, batch_size

    def __len__(self):
        return int(np.ceil(self.rows / self.batch_size))

    def __getitem__(self, index):
        if (index + 1) * self.batch_size > self.rows:
            self.batch_size = self.rows - index * self.batch_size
        k = np.arange(index * self.batch_size, (index + 1) * self.batch_size, dtype="float32")[:, None]
        x = np.concatenate([np.cos(k * 0.7), np.sin(k * 0.3), k / 10.0], axis=1)
        return x, np.tanh(x.sum(axis=1, keepdims=True))


class Curriculum(tf.keras.utils.Sequence):
    def __init__(self, batches=2):
        self.batches, self.scale = batches, 1.0

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        if index == 1:
            self.scale *= 2.0
        k = np.arange(index * 3, index * 3 + 3, dtype="float32")[:, None]
        x = np.concatenate([np.cos(k), np.sin(k), k / 5.0], axis=1) * self.scale
        return x, np.cos(x[:, :1]) * 0.5


def build(seed):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)])
    fill_weights(model, seed=seed)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    return model


model = build(41)
validation = Shrinking(6)
history = model.fit(Shrinking(12), epochs=3, validation_data=validation, shuffle=False, verbose=0)

curriculum = build(42)
curriculum_validation = Curriculum()
curriculum_history = curriculum.fit(Curriculum(3), epochs=2, validation_data=curriculum_validation,
                                    shuffle=False, verbose=0)

emit(
    {
        "history": history.history,
        "weights": model.trainable_weights,
        "evaluate": model.evaluate(Shrinking(6), verbose=0),
        "predict": model.predict(Shrinking(6), verbose=0),
        "validation_batch_size_after": validation.batch_size,
        "curriculum_history": curriculum_history.history,
        "curriculum_weights": curriculum.trainable_weights,
        "curriculum_evaluate": curriculum.evaluate(Curriculum(), verbose=0),
        "curriculum_scale_after": curriculum_validation.scale,
    }
)
