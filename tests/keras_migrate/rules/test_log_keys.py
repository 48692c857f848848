from keras_migrate.rules.log_keys import LogKeys
from keras_migrate.testing import assert_migrates

RULES = [LogKeys]


def test_callback_hooks_read_and_write_the_renamed_key():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras import backend as K

        class LearningRateLogger(tf.keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                logs["lr"] = K.get_value(self.model.optimizer.lr)

        class Printer(LearningRateLogger):
            def on_epoch_end(self, epoch, logs=None):
                if "lr" in logs:
                    print(logs.get('lr', 0.0), {k: v for k, v in logs.items() if k != "lr"})
                fmt = lambda: logs["lr"]
        """,
        """
        import tensorflow as tf
        from tensorflow.keras import backend as K

        class LearningRateLogger(tf.keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                logs["learning_rate"] = K.get_value(self.model.optimizer.lr)

        class Printer(LearningRateLogger):
            def on_epoch_end(self, epoch, logs=None):
                if "learning_rate" in logs:
                    print(logs.get('learning_rate', 0.0), {k: v for k, v in logs.items() if k != "lr"})
                fmt = lambda: logs["learning_rate"]
        """,
        rules=RULES,
    )


def test_lambda_callbacks():
    assert_migrates(
        """
        from tensorflow import keras
        rates = []
        def record(epoch, logs):
            rates.append(logs["lr"])
        cb1 = keras.callbacks.LambdaCallback(on_epoch_end=record)
        cb2 = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: rates.append(logs["lr"]))
        """,
        """
        from tensorflow import keras
        rates = []
        def record(epoch, logs):
            rates.append(logs["learning_rate"])
        cb1 = keras.callbacks.LambdaCallback(on_epoch_end=record)
        cb2 = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: rates.append(logs["learning_rate"]))
        """,
        rules=RULES,
    )


def test_history_dicts():
    assert_migrates(
        """
        import pandas as pd
        from tensorflow import keras
        history = model.fit(x, y, epochs=5, callbacks=[keras.callbacks.LearningRateScheduler(schedule)])
        plt.plot(history.history["lr"])
        hist = history.history
        print(hist["lr"][-1], model.history.history["lr"])
        frame = pd.DataFrame(history.history)
        frame["lr"].plot()
        pd.DataFrame(history.history)["lr"].plot()
        recorder = keras.callbacks.History()
        self.run = model.fit_generator(gen, callbacks=[recorder])
        print(recorder.history["lr"], self.run.history["lr"])
        """,
        """
        import pandas as pd
        from tensorflow import keras
        history = model.fit(x, y, epochs=5, callbacks=[keras.callbacks.LearningRateScheduler(schedule)])
        plt.plot(history.history["learning_rate"])
        hist = history.history
        print(hist["learning_rate"][-1], model.history.history["learning_rate"])
        frame = pd.DataFrame(history.history)
        frame["learning_rate"].plot()
        pd.DataFrame(history.history)["learning_rate"].plot()
        recorder = keras.callbacks.History()
        self.run = model.fit_generator(gen, callbacks=[recorder])
        print(recorder.history["learning_rate"], self.run.history["learning_rate"])
        """,
        rules=RULES,
    )


def test_other_dicts_keep_lr():
    assert_migrates(
        """
        from tensorflow import keras
        config = {"lr": 1e-3}
        opt = keras.optimizers.SGD(config["lr"])
        def log(step, logs):
            return logs["lr"]
        class Trainer:  # not a Keras callback
            def on_epoch_end(self, epoch, logs=None):
                return logs["lr"]
        class Callback(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                def inner(logs):
                    return logs["lr"]
        history = load_history()
        print(history.history["lr"], args.history["lr"])
        """,
        """
        from tensorflow import keras
        config = {"lr": 1e-3}
        opt = keras.optimizers.SGD(config["lr"])
        def log(step, logs):
            return logs["lr"]
        class Trainer:  # not a Keras callback
            def on_epoch_end(self, epoch, logs=None):
                return logs["lr"]
        class Callback(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                def inner(logs):
                    return logs["lr"]
        history = load_history()
        print(history.history["lr"], args.history["lr"])
        """,
        rules=RULES,
    )
    assert_migrates('import torch\nhistory = trainer.fit(x)\nprint(history.history["lr"])\n', rules=RULES)


def test_metric_class_names_are_pinned_to_keras2_names():
    # keras-io tweet classification spelling, then dict / positional / variable forms.
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras
        model_1.compile(metrics=["Accuracy", "Recall", "Precision", "AUC"])
        model_2.compile("adam", "mse", ['MeanAbsoluteError', "mae"])
        model_3.compile(optimizer="sgd", loss={"a": "mse", "b": "mse"},
                        metrics={"a": ["RootMeanSquaredError"], "b": "KLDivergence"},
                        weighted_metrics=["LogCoshError"])
        METRICS = ["AUC", "FBetaScore", keras.metrics.Precision()]
        model_4.compile(loss="binary_crossentropy", metrics=METRICS)
        """,
        """
        import tensorflow as tf
        from tensorflow import keras
        import keras
        model_1.compile(metrics=["Accuracy", "recall", "precision", "auc"])
        model_2.compile("adam", "mse", ['mean_absolute_error', "mae"])
        model_3.compile(optimizer="sgd", loss={"a": "mse", "b": "mse"},
                        metrics={"a": ["root_mean_squared_error"], "b": keras.metrics.KLDivergence(name="kullback_leibler_divergence")},
                        weighted_metrics=[keras.metrics.LogCoshError(name="logcosh")])
        METRICS = ["auc", "FBetaScore", keras.metrics.Precision()]
        model_4.compile(loss="binary_crossentropy", metrics=METRICS)
        """,
        rules=RULES,
        # a shared list would share one FBetaScore object between models: diagnosed
        expected_diagnostics=("KM130",),
    )


def test_metric_lists_built_by_concatenation():
    assert_migrates(
        """
        import tensorflow as tf
        EXTRA = ("Recall",)
        model = tf.keras.Sequential(layers)
        model.compile("sgd", "mse", ["accuracy", "AUC"] + list(EXTRA))
        """,
        """
        import tensorflow as tf
        EXTRA = ("recall",)
        model = tf.keras.Sequential(layers)
        model.compile("sgd", "mse", ["accuracy", "auc"] + list(EXTRA))
        """,
        rules=RULES,
    )


def test_metric_strings_elsewhere_unchanged():
    assert_migrates(
        """
        from tensorflow import keras
        names = ["AUC", "Precision"]
        model.compile(loss="mse", metrics=["mse", "accuracy", keras.metrics.AUC()])
        """,
        rules=RULES,
    )
