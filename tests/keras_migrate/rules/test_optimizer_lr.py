from keras_migrate.rules.optimizer_lr import OptimizerLr
from keras_migrate.testing import assert_migrates

RULES = [OptimizerLr]


def test_reads_and_writes_on_optimizer_receivers():
    assert_migrates(
        """
        import tensorflow as tf
        class Cb(tf.keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs["lr"] = self.model.optimizer.lr
                self.model.optimizer.lr = self.model.optimizer.lr * 0.5
        gen_optimizer.lr = 1e-4
        """,
        """
        import tensorflow as tf
        class Cb(tf.keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs["lr"] = self.model.optimizer.learning_rate
                self.model.optimizer.learning_rate = self.model.optimizer.learning_rate * 0.5
        gen_optimizer.learning_rate = 1e-4
        """,
        rules=RULES,
    )


def test_variable_bound_to_keras_optimizer():
    assert_migrates(
        """
        from tensorflow.keras.optimizers import Adam
        a = Adam(1e-3)
        print(a.lr)
        """,
        """
        from tensorflow.keras.optimizers import Adam
        a = Adam(1e-3)
        print(a.learning_rate)
        """,
        rules=RULES,
    )


def test_non_optimizers_and_non_keras_files_untouched():
    assert_migrates("import keras\nx = args.lr + cfg.lr\n", rules=RULES)
    assert_migrates("import torch\nprint(optimizer.lr)\n", rules=RULES)
