# parity: section=custom_training.gradient_tape
"""optimizer.minimize (gone from Keras 3's optimizers) and tape.gradient with sources
that are not a flat list. Variants: minimize with a loss function and a variable list
(positional and keyword), with a function returning the variables, on raw variables
and on a model, with SGD, Adam and RMSprop; minimize(loss, variables, tape=tape) on a
loss the caller's tape recorded, in a custom train_step with an extra loss term and in a
top-level loop (Keras 2's own train_step form); tape.gradient of one variable (one gradient
back, not a list), of a tuple, of a dict, and two gradients of a persistent tape, one
of them of a single variable.
"""
import numpy as np
import tensorflow as tf
from tensorflow import keras

from parity_io import emit, fill_weights

rng = np.random.RandomState(3)
X = rng.normal(size=(32, 4)).astype("float32")
Y = (X @ rng.normal(size=(4, 2))).astype("float32")

model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
model.build((None, 4))
fill_weights(model, seed=5)
optimizer = keras.optimizers.Adam(learning_rate=0.01)


def loss_fn():
    return tf.reduce_mean(tf.square(model(X) - Y))


for _ in range(5):
    optimizer.minimize(loss_fn, var_list=model.trainable_variables)
after_minimize = model.predict(X[:4], verbose=0)

opt = keras.optimizers.RMSprop(0.01)
for _ in range(3):
    opt.minimize(loss_fn, lambda: model.trainable_weights)

v = tf.Variable([1.0, -1.0])
sgd = tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.5)
for _ in range(6):
    sgd.minimize(lambda: tf.reduce_sum((v - 3.0) ** 2), [v])

w = tf.Variable(np.linspace(-1.0, 1.0, 8, dtype="float32").reshape(4, 2))
b = tf.Variable(tf.zeros((2,)))
plain = keras.optimizers.SGD(learning_rate=0.1)
for _ in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.matmul(X, w) + b - Y))
    grads = tape.gradient(loss, {"w": w, "b": b})
    plain.apply_gradients([(grads["w"], w), (grads["b"], b)])
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.matmul(X, w) + b - Y))
    gw, gb = tape.gradient(loss, (w, b))
    plain.apply_gradients(zip([gw, gb], [w, b]))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.abs(tf.matmul(X, w) + b - Y))
    gb_only = tape.gradient(loss, b)
    b.assign_sub(0.1 * gb_only)
    with tf.GradientTape(persistent=True) as tape:
        mse = tf.reduce_mean(tf.square(tf.matmul(X, w) + b - Y))
        l2 = 0.01 * tf.reduce_sum(tf.square(w))
    g_mse = tape.gradient(mse, [w, b])
    g_l2 = tape.gradient(l2, w)
    del tape
    plain.apply_gradients(zip([g_mse[0] + g_l2, g_mse[1]], [w, b]))



class Penalised(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred) + 0.01 * tf.reduce_sum(tf.square(y_pred))
        self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
        return {"loss": loss}


step_inputs = keras.Input((4,))
stepped = Penalised(step_inputs, keras.layers.Dense(2)(step_inputs))
fill_weights(stepped, seed=6)
stepped.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
stepped_history = stepped.fit(X, Y, epochs=2, batch_size=8, shuffle=False, verbose=0)

looped = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
fill_weights(looped, seed=7)
loop_optimizer = keras.optimizers.Adam(0.01)
for _ in range(3):
    with tf.GradientTape() as tape:
        loop_loss = tf.reduce_mean(tf.square(looped(X) - Y))
    loop_optimizer.minimize(loop_loss, looped.trainable_variables, tape=tape)

emit(
    {
        "stepped_history": stepped_history.history,
        "stepped_weights": stepped.trainable_weights,
        "looped_weights": looped.trainable_weights,
        "after_minimize": after_minimize,
        "weights": model.trainable_weights,
        "v": v,
        "sgd_iterations": sgd.iterations,
        "w": w,
        "b": b,
        "gb_only_shape": list(gb_only.shape),
    }
)
