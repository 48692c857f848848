# parity: section=custom_training.gradient_tape
"""A custom training loop whose step is a `@tf.function(input_signature=[...])` (the TF2
tutorials' way to avoid retracing), written from that description: the signature only
fixes the step's tracing, so the step runs on every backend (traced with its signature on
TensorFlow). Variants: a functional model with LayerNormalization, label smoothing, an AUC
metric from logits, one-hot labels from to_categorical (Keras 2: float32, which the
float32 signature requires), an evaluation step with a signature too, and a plain
@tf.function step next to them.
"""
import numpy as np
import tensorflow as tf

from parity_io import emit, fill_weights

rng = np.random.RandomState(17)
x = rng.normal(size=(72, 6)).astype("float32")
labels = (x[:, 0] - x[:, 2] > 0).astype("int32")
y = tf.keras.utils.to_categorical(labels, 2)

inputs = tf.keras.Input(shape=(6,))
h = tf.keras.layers.Dense(10, activation="elu")(inputs)
h = tf.keras.layers.LayerNormalization()(h)
model = tf.keras.Model(inputs, tf.keras.layers.Dense(2)(h))
fill_weights(model, seed=17)

loss_object = tf.keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)
optimizer = tf.keras.optimizers.RMSprop(learning_rate=0.005)
auc = tf.keras.metrics.AUC(from_logits=True)
mean_loss = tf.keras.metrics.Mean()
val_loss = tf.keras.metrics.Mean()
SPEC = [tf.TensorSpec([None, 6], tf.float32), tf.TensorSpec([None, 2], tf.float32)]


@tf.function(input_signature=SPEC)
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        logits = model(xb, training=True)
        loss = loss_object(yb, logits)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    auc.update_state(yb, logits)
    mean_loss.update_state(loss)
    return loss


@tf.function(input_signature=SPEC)
def eval_step(xb, yb):
    val_loss.update_state(loss_object(yb, model(xb, training=False)))


@tf.function
def predict_step(xb):
    return tf.nn.softmax(model(xb, training=False))


dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(24)
history = []
for epoch in range(3):
    auc.reset_state()
    mean_loss.reset_state()
    val_loss.reset_state()
    for xb, yb in dataset:
        train_step(xb, yb)
    eval_step(x[:24], y[:24])
    history.append([mean_loss.result(), auc.result(), val_loss.result()])

emit({"history": history, "weights": model.get_weights(), "probabilities": predict_step(x[:5]),
      "float32_labels": float(y.dtype == np.float32)})
