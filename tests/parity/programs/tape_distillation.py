# parity: section=custom_train_step.optimization
"""keras.io's knowledge distillation (vision/knowledge_distillation.py): a Distiller with
compile(optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha, temperature), a
frozen teacher, softmax with temperature, compiled metrics and a custom test_step.
"""
import random

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

from parity_io import emit, fill_weights

random.seed(0)
np.random.seed(0)
tf.random.set_seed(0)


class Distiller(keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.teacher = teacher
        self.student = student

    def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1, temperature=3):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn
        self.alpha = alpha
        self.temperature = temperature

    def train_step(self, data):
        x, y = data
        teacher_predictions = self.teacher(x, training=False)
        with tf.GradientTape() as tape:
            student_predictions = self.student(x, training=True)
            student_loss = self.student_loss_fn(y, student_predictions)
            distillation_loss = (
                self.distillation_loss_fn(
                    tf.nn.softmax(teacher_predictions / self.temperature, axis=1),
                    tf.nn.softmax(student_predictions / self.temperature, axis=1),
                )
                * self.temperature**2
            )
            loss = self.alpha * student_loss + (1 - self.alpha) * distillation_loss
        trainable_vars = self.student.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, student_predictions)
        results = {m.name: m.result() for m in self.metrics}
        results.update({"student_loss": student_loss, "distillation_loss": distillation_loss})
        return results

    def test_step(self, data):
        x, y = data
        y_prediction = self.student(x, training=False)
        student_loss = self.student_loss_fn(y, y_prediction)
        self.compiled_metrics.update_state(y, y_prediction)
        results = {m.name: m.result() for m in self.metrics}
        results.update({"student_loss": student_loss})
        return results


teacher = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(8, activation="relu"), layers.Dense(3)],
                           name="teacher")
student = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4, activation="relu"), layers.Dense(3)],
                           name="student")
fill_weights(teacher, seed=91)
fill_weights(student, seed=92)

distiller = Distiller(student=student, teacher=teacher)
distiller.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1),
    metrics=[keras.metrics.SparseCategoricalAccuracy()],
    student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    distillation_loss_fn=keras.losses.KLDivergence(),
    alpha=0.1,
    temperature=10,
)
rng = np.random.RandomState(91)
x = rng.uniform(-1, 1, (24, 5)).astype("float32")
y = (x[:, 0] > 0).astype("int32") + (x[:, 1] > 0.3).astype("int32")
history = distiller.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
evaluation = distiller.evaluate(x, y, batch_size=12, verbose=0)
emit(
    {
        "history": {key: history.history[key] for key in sorted(history.history)},
        "evaluation": evaluation,
        "student": student.get_weights(),
        "teacher": teacher.get_weights(),
    }
)
