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


def test_lr_keyword_on_new_optimizers_is_warned_about():
    # keras-io text_extraction_with_bert: keras.optimizers.Adam(lr=5e-5) trained at 0.001 in Keras 2.
    result = assert_migrates(
        """
        from tensorflow import keras
        from tensorflow.keras.optimizers import SGD
        optimizer = keras.optimizers.Adam(lr=5e-5)
        sgd = SGD(lr=0.1, momentum=0.9)
        legacy = keras.optimizers.legacy.Adam(lr=5e-5)
        """,
        """
        import keras
        from keras.optimizers import SGD
        optimizer = keras.optimizers.Adam(learning_rate=5e-5)
        sgd = SGD(learning_rate=0.1, momentum=0.9)
        legacy = keras.optimizers.Adam(learning_rate=5e-5)
        """,
        expected_diagnostics=("KM112", "KM112"),
    )
    messages = [d.message for d in result.diagnostics]
    assert "default learning rate 0.001" in messages[0] and "default learning rate 0.01" in messages[1]


def test_both_lr_and_learning_rate_keep_what_keras2_used():
    assert_migrates(
        """
        import tensorflow as tf
        a = tf.keras.optimizers.Adam(learning_rate=0.01, lr=0.1)
        b = tf.keras.optimizers.Adam(0.01, lr=0.1)
        c = tf.keras.optimizers.legacy.Adam(learning_rate=0.01, lr=0.1)
        d = tf.keras.optimizers.legacy.RMSprop(0.01, lr=0.1, rho=0.8)
        """,
        """
        import tensorflow as tf
        import keras
        a = keras.optimizers.Adam(learning_rate=0.01)
        b = keras.optimizers.Adam(0.01)
        c = keras.optimizers.Adam(learning_rate=0.1)
        d = keras.optimizers.RMSprop(learning_rate=0.1, rho=0.8)
        """,
    )


SCHEDULED = ("import tensorflow as tf\n"
             "schedule = tf.keras.optimizers.schedules.PiecewiseConstantDecay([2], [0.1, 0.01])\n"
             "opt = tf.keras.optimizers.SGD(schedule)\n")


def test_scheduled_rate_reads_give_the_last_steps_rate():
    source = SCHEDULED + ("print(opt.learning_rate, float(model.optimizer.lr))\n"
                          "rates = [tf.keras.backend.get_value(m.optimizer.learning_rate) for m in models]\n")
    assert_migrates(source, source.replace("import tensorflow as tf\n", "import tensorflow as tf\n"
                                           "from keras_migrate_runtime import keras2_learning_rate\n")
                    .replace("opt.learning_rate", "keras2_learning_rate(opt)")
                    .replace("model.optimizer.lr", "keras2_learning_rate(model.optimizer)")
                    .replace("m.optimizer.learning_rate", "keras2_learning_rate(m.optimizer)"),
                    rules=[OptimizerLr])


def test_scheduled_rate_writes_and_unscheduled_files_are_renamed_only():
    writes = SCHEDULED + ("opt.learning_rate = 0.5\nopt.lr.assign(0.1)\ntf.keras.backend.set_value(opt.lr, 0.2)\n"
                          "del opt.learning_rate\n")
    assert_migrates(writes, writes.replace(".lr", ".learning_rate"), rules=[OptimizerLr])
    plain = "import tensorflow as tf\nopt = tf.keras.optimizers.SGD(0.1)\nprint(opt.lr, opt.learning_rate)\n"
    assert_migrates(plain, plain.replace("opt.lr", "opt.learning_rate"), rules=[OptimizerLr])
    legacy = SCHEDULED + "old = tf.keras.optimizers.legacy.SGD(schedule)\nprint(old.learning_rate)\n"
    assert_migrates(legacy, rules=[OptimizerLr])


def test_schedule_subclass_counts():
    source = ("import tensorflow as tf\n"
              "class Warmup(tf.keras.optimizers.schedules.LearningRateSchedule):\n"
              "    def __call__(self, step):\n        return 0.1\n"
              "optimizer = tf.keras.optimizers.Adam(Warmup())\nnow = optimizer.learning_rate\n")
    assert_migrates(source, source.replace("import tensorflow as tf\n", "import tensorflow as tf\n"
                                           "from keras_migrate_runtime import keras2_learning_rate\n")
                    .replace("now = optimizer.learning_rate", "now = keras2_learning_rate(optimizer)"),
                    rules=[OptimizerLr])
