# parity: section=savedmodel.save_load_for_training
"""ModelCheckpoint filepath templates, and the files they wrote read back by name.

Keras 2 idioms: ModelCheckpoint("ckpt/epoch_{epoch:02d}") writing one SavedModel
per epoch, then load_model("ckpt/epoch_02"); a weights-only checkpoint whose
template is an f-string with {{epoch}}, read back with os.path.join; a template
variable read back with .format(epoch=...); a best-only weights checkpoint read
back through the same variable.
"""
import os
import random

import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)

rng = np.random.RandomState(11)
x = rng.uniform(-1, 1, size=(16, 4)).astype("float32")
y = (x @ np.array([[0.5], [-1.0], [0.25], [2.0]], dtype="float32")).astype("float32")
x_val, y_val = x[:6] * 0.5, y[:6] * 0.5


def make_model():
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(5, activation="relu", input_shape=(4,)),
            tf.keras.layers.Dense(1),
        ]
    )
    fill_weights(model, seed=23)
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
    return model


ckpt_dir = "training_runs"
weights_template = os.path.join(ckpt_dir, "weights", "cp-{epoch:03d}.ckpt")
best_weights = os.path.join(ckpt_dir, "best", "weights")

callbacks = [
    tf.keras.callbacks.ModelCheckpoint("ckpt/epoch_{epoch:02d}"),
    tf.keras.callbacks.ModelCheckpoint(f"{ckpt_dir}/w_{{epoch}}", save_weights_only=True),
    tf.keras.callbacks.ModelCheckpoint(weights_template, save_weights_only=True),
    tf.keras.callbacks.ModelCheckpoint(
        best_weights, monitor="val_loss", save_best_only=True, save_weights_only=True
    ),
]
model = make_model()
model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, validation_data=(x_val, y_val),
          callbacks=callbacks)

second_epoch = tf.keras.models.load_model("ckpt/epoch_02")

from_fstring = make_model()
from_fstring.load_weights(os.path.join(ckpt_dir, "w_1"))

from_template = make_model()
from_template.load_weights(weights_template.format(epoch=2))

best = make_model()
best.load_weights(best_weights)

emit(
    {
        "epoch_2_predictions": second_epoch.predict(x[:4], verbose=0),
        "epoch_2_evaluate": second_epoch.evaluate(x, y, verbose=0),
        "epoch_1_predictions": from_fstring.predict(x[:4], verbose=0),
        "epoch_2_weights_predictions": from_template.predict(x[:4], verbose=0),
        "best_predictions": best.predict(x[:4], verbose=0),
        "final_predictions": model.predict(x[:4], verbose=0),
    }
)
