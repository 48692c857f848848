from keras_migrate.rules.reset_states import ResetStates
from keras_migrate.testing import assert_migrates

RULES = [ResetStates]


def test_metrics_models_and_callbacks():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras.metrics import Mean

        loss_tracker = Mean(name="loss")
        self_made = tf.keras.metrics.AUC()

        def end_of_epoch(model, stateful_lstm):
            loss_tracker.reset_states()
            self_made.reset_states()
            model.reset_states()
            stateful_lstm.reset_states()
            tf.keras.metrics.Mean().reset_states()

        class CustomModel(tf.keras.Model):
            def reset_metrics(self):
                for m in self.metrics:
                    m.reset_states()

        class StatefulReset(tf.keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.model.reset_states()
        """,
        """
        import tensorflow as tf
        from tensorflow.keras.metrics import Mean
        from keras_migrate_runtime import keras2_reset_states

        loss_tracker = Mean(name="loss")
        self_made = tf.keras.metrics.AUC()

        def end_of_epoch(model, stateful_lstm):
            loss_tracker.reset_state()
            self_made.reset_state()
            keras2_reset_states(model)
            keras2_reset_states(stateful_lstm)
            tf.keras.metrics.Mean().reset_state()

        class CustomModel(tf.keras.Model):
            def reset_metrics(self):
                for m in self.metrics:
                    m.reset_state()

        class StatefulReset(tf.keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                keras2_reset_states(self.model)
        """,
        rules=RULES,
    )


def test_metric_subclass_overrides():
    assert_migrates(
        """
        from tensorflow import keras

        class Total(keras.metrics.Metric):
            def reset_states(self):
                self.total.assign(0.0)

        class Weighted(Total):
            def reset_states(self):
                super().reset_states()
                self.weights_seen.assign(0.0)

            def clear(self):
                self.reset_states()

        class Both(keras.metrics.Metric):
            def reset_state(self):
                self.total.assign(0.0)

            def reset_states(self):
                self.reset_state()

        t = Total()
        t.reset_states()
        """,
        """
        from tensorflow import keras

        class Total(keras.metrics.Metric):
            def reset_state(self):
                self.total.assign(0.0)

        class Weighted(Total):
            def reset_state(self):
                super().reset_state()
                self.weights_seen.assign(0.0)

            def clear(self):
                self.reset_state()

        class Both(keras.metrics.Metric):
            def reset_state(self):
                self.total.assign(0.0)

            def reset_states(self):
                self.reset_state()

        t = Total()
        t.reset_state()
        """,
        rules=RULES,
    )


def test_states_argument_is_diagnosed_and_other_libraries_untouched():
    assert_migrates(
        """
        from tensorflow import keras
        lstm.reset_states(states=[h, c])
        """,
        rules=RULES,
        expected_diagnostics=("KM133",),
    )
    assert_migrates("import torch\nrnn.reset_states()\n", rules=RULES)
