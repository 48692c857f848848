from keras_migrate.rules.train_step import TrainStep
from keras_migrate.testing import assert_migrates

RULES = [TrainStep]


def test_renamed_variables_get_a_prologue_and_sample_weight():
    assert_migrates(
        """
        import keras
        import tensorflow as tf

        class M(keras.Model):
            def train_step(self, batch):
                images, labels, weights = batch
                with tf.GradientTape() as tape:
                    preds = self(images, training=True)
                    loss = keras.ops.mean(keras.losses.mse(labels, preds) * weights)
                    loss += 0.1 * keras.ops.sum(preds ** 2)
                variables = self.trainable_weights
                grads = tape.gradient(loss, variables)
                self.optimizer.apply_gradients(zip(grads, variables))
                for metric in self.metrics:
                    metric.update_state(labels, preds)
                return {m.name: m.result() for m in self.metrics}
        """,
        """
        import keras

        class M(keras.Model):
            def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                images = x
                labels = y
                preds = y_pred
                weights = sample_weight
                loss = keras.ops.mean(keras.losses.mse(labels, preds) * weights)
                loss += 0.1 * keras.ops.sum(preds ** 2)
                return loss
        """,
        rules=RULES, expected_diagnostics=["KM205"], tensorflow_only=False,
    )


def test_default_train_and_test_step_are_removed():
    assert_migrates(
        """
        import keras
        import tensorflow as tf

        class M(keras.Model):
            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
                gradients = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
                self.compiled_metrics.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}

            def test_step(self, data):
                x, y = data
                y_pred = self(x, training=False)
                self.compiled_loss(y, y_pred, regularization_losses=self.losses)
                self.compiled_metrics.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}

            def get_config(self):
                return {}
        """,
        """
        import keras

        class M(keras.Model):
            def get_config(self):
                return {}
        """,
        rules=RULES,
    )


def test_metric_trackers_mean_the_optimisation_is_custom():
    result = assert_migrates(
        """
        import keras
        import tensorflow as tf

        class M(keras.Model):
            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = keras.ops.mean((y - y_pred) ** 2)
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                tracker.update_state(loss)
                return {"loss": tracker.result()}
        """,
        """
        import keras
        import tensorflow as tf

        class M(keras.Model):
            def train_step(self, *args, **kwargs):
                if keras.backend.backend() == "tensorflow":
                    return self._tensorflow_train_step(*args, **kwargs)
                raise NotImplementedError(f"M.train_step has no {keras.backend.backend()} implementation yet")

            def _tensorflow_train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = keras.ops.mean((y - y_pred) ** 2)
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                tracker.update_state(loss)
                return {"loss": tracker.result()}
        """,
        rules=RULES, expected_diagnostics=["KM205", "KM205"], tensorflow_only=True,
    )
    assert "_jax_train_step" in result.diagnostics[0].fix


def test_non_keras_class_untouched():
    assert_migrates(
        """
        import keras

        class Trainer:
            def train_step(self, data):
                return data
        """,
        rules=RULES,
    )


def test_metric_trackers_move_into_compute_loss():
    assert_migrates(
        """
        import keras
        import tensorflow as tf

        class VAE(keras.Model):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.total_loss_tracker = keras.metrics.Mean(name="total_loss")

            @property
            def metrics(self):
                return [self.total_loss_tracker]

            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    total_loss = keras.ops.mean((y - y_pred) ** 2)
                grads = tape.gradient(total_loss, self.trainable_weights)
                self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
                self.total_loss_tracker.update_state(total_loss)
                return {"total_loss": self.total_loss_tracker.result()}
        """,
        """
        import keras

        class VAE(keras.Model):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.total_loss_tracker = keras.metrics.Mean(name="total_loss")

            @property
            def metrics(self):
                return [self.total_loss_tracker]

            def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                total_loss = keras.ops.mean((y - y_pred) ** 2)
                self.total_loss_tracker.update_state(total_loss)
                return total_loss
        """,
        rules=RULES, expected_diagnostics=["KM205"], tensorflow_only=False,
    )


def test_tracker_updates_using_gradients_are_custom():
    assert_migrates(
        """
        import keras
        import tensorflow as tf

        class M(keras.Model):
            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = keras.ops.mean((y - y_pred) ** 2)
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                self.norm_tracker.update_state(keras.ops.norm(grads[0]))
                return {"norm": self.norm_tracker.result()}
        """,
        """
        import keras
        import tensorflow as tf

        class M(keras.Model):
            def train_step(self, *args, **kwargs):
                if keras.backend.backend() == "tensorflow":
                    return self._tensorflow_train_step(*args, **kwargs)
                raise NotImplementedError(f"M.train_step has no {keras.backend.backend()} implementation yet")

            def _tensorflow_train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = keras.ops.mean((y - y_pred) ** 2)
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                self.norm_tracker.update_state(keras.ops.norm(grads[0]))
                return {"norm": self.norm_tracker.result()}
        """,
        rules=RULES, expected_diagnostics=["KM205", "KM205"], tensorflow_only=True,
    )


def test_comments_do_not_hide_the_standard_pattern():
    assert_migrates(
        """
        import keras
        import tensorflow as tf

        class M(keras.Model):
            def train_step(self, data):
                # Unpack the data.
                x, y = data

                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)  # Forward pass
                    # the loss configured in compile()
                    loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)

                # Compute gradients
                trainable_vars = self.trainable_variables
                gradients = tape.gradient(loss, trainable_vars)
                self.optimizer.apply_gradients(zip(gradients, trainable_vars))  # update
                self.compiled_metrics.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}
        """,
        """
        import keras

        class M(keras.Model):
            pass
        """,
        rules=RULES,
    )
