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
        from keras_migrate_runtime import keras2_compiled_loss

        class M(keras.Model):
            def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                if not training:  # Keras 2 evaluated with its default test_step: the compiled loss
                    return keras2_compiled_loss(self, y, y_pred, sample_weight, regularization_losses=self.losses, update_loss_tracker=False)
                images = x
                labels = y
                preds = y_pred
                weights = sample_weight
                loss = keras.ops.mean(keras.losses.mse(labels, preds) * weights)
                loss += 0.1 * keras.ops.sum(preds ** 2)
                return loss
        """,
        rules=RULES, tensorflow_only=False,
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
    # A module-level tracker without a `metrics` property: Keras would not report it from
    # compute_loss(); the step is kept as written, its tape through value_and_grad.
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
                tracker.update_state(loss)
                return {"loss": tracker.result()}
        """,
        """
        import keras
        from keras_migrate_runtime import value_and_grad
        from keras_migrate_runtime import BackendAgnosticSteps

        class M(BackendAgnosticSteps, keras.Model):
            def train_step(self, data):
                x, y = data
                def forward():
                    y_pred = self(x, training=True)
                    loss = keras.ops.mean((y - y_pred) ** 2)
                    return loss
                loss, grads = value_and_grad(forward, lambda: self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                tracker.update_state(loss)
                return {"loss": tracker.result()}
        """,
        rules=RULES, expected_diagnostics=["KM205"],
    )


def test_a_step_the_tape_conversion_refuses_is_dispatched_and_named():
    result = assert_migrates(
        """
        import keras
        import tensorflow as tf

        class M(keras.Model):
            def train_step(self, data):
                x, y = data
                with tf.GradientTape(watch_accessed_variables=False) as tape:
                    loss = keras.ops.mean((y - self(x, training=True)) ** 2)
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                return {"loss": loss}
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
                with tf.GradientTape(watch_accessed_variables=False) as tape:
                    loss = keras.ops.mean((y - self(x, training=True)) ** 2)
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                return {"loss": loss}
        """,
        rules=RULES, expected_diagnostics=["KM205", "KM205"], tensorflow_only=True,
    )
    assert "tf.GradientTape(watch_accessed_variables=False)" in result.diagnostics[0].message
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
        from keras_migrate_runtime import keras2_compiled_loss

        class VAE(keras.Model):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.total_loss_tracker = keras.metrics.Mean(name="total_loss")

            @property
            def metrics(self):
                return [self.total_loss_tracker]

            def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                if not training:  # Keras 2 evaluated with its default test_step: the compiled loss
                    return keras2_compiled_loss(self, y, y_pred, sample_weight, regularization_losses=self.losses, update_loss_tracker=False)
                total_loss = keras.ops.mean((y - y_pred) ** 2)
                self.total_loss_tracker.update_state(total_loss)
                return total_loss
        """,
        rules=RULES, tensorflow_only=False,
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
        from keras_migrate_runtime import value_and_grad
        from keras_migrate_runtime import BackendAgnosticSteps

        class M(BackendAgnosticSteps, keras.Model):
            def train_step(self, data):
                x, y = data
                def forward():
                    y_pred = self(x, training=True)
                    loss = keras.ops.mean((y - y_pred) ** 2)
                    return loss
                loss, grads = value_and_grad(forward, lambda: self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                self.norm_tracker.update_state(keras.ops.norm(grads[0]))
                return {"norm": self.norm_tracker.result()}
        """,
        rules=RULES, expected_diagnostics=["KM205"],
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



import textwrap  # noqa: E402

from keras_migrate import MigrationOptions, migrate_source  # noqa: E402


def _train(unpack="", loss_args="y, y_pred, regularization_losses=self.losses", metric_args="y, y_pred"):
    return textwrap.dedent(f"""
        import keras
        import tensorflow as tf

        class M(keras.Model):
            def train_step(self, data):
                x, y{unpack} = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = self.compiled_loss({loss_args})
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                self.compiled_metrics.update_state({metric_args})
                return {{m.name: m.result() for m in self.metrics}}
        """)


def _compute_loss(*lines):
    """The compute_loss() the rule writes: the evaluation gate, then `lines`."""
    body = "".join(f"        {line}\n" for line in lines)
    return (
        "import keras\n"
        "from keras_migrate_runtime import keras2_compiled_loss\n"
        "\n"
        "class M(keras.Model):\n"
        "    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n"
        "        if not training:  # Keras 2 evaluated with its default test_step: the compiled loss\n"
        "            return keras2_compiled_loss(self, y, y_pred, sample_weight, "
        "regularization_losses=self.losses, update_loss_tracker=False)\n" + body
    )


def test_default_step_with_sample_weights_is_removed():
    assert_migrates(
        _train(", sw", "y, y_pred, sample_weight=sw, regularization_losses=self.losses", "y, y_pred, sw"),
        "import keras\n\nclass M(keras.Model):\n    pass\n",
        rules=RULES,
    )


def test_sample_weights_left_out_of_the_loss_keep_keras2_loss():
    # Keras 2 trained on the unweighted loss; Keras 3's default step would weight it.
    assert_migrates(
        _train(", sw", "y, y_pred, regularization_losses=self.losses", "y, y_pred, sw"),
        _compute_loss(
            "sw = sample_weight",
            "loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=None, training=training)",
            "return loss",
        ),
        rules=RULES,
    )


def test_compiled_loss_on_other_predictions_keeps_its_arguments():
    assert_migrates(
        _train(loss_args="y, y_pred[0], regularization_losses=self.losses"),
        _compute_loss(
            "loss = super().compute_loss(x=x, y=y, y_pred=y_pred[0], sample_weight=None, training=training)",
            "return loss",
        ),
        rules=RULES,
    )


def test_tracker_next_to_the_default_loss_is_kept():
    source = _train().replace(
        "self.compiled_metrics.update_state(y, y_pred)", "self.seen.update_state(loss)")
    assert_migrates(
        source,
        _compute_loss(
            "loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=None, training=training)",
            "self.seen.update_state(loss)",
            "return loss",
        ),
        rules=RULES,
    )


def test_compiled_metrics_with_other_arguments_keep_the_custom_step():
    out = migrate_source(_train(metric_args="y, keras.ops.softmax(y_pred)"), "t.py", MigrationOptions())
    assert "class M(Keras2Training, BackendAgnosticSteps, keras.Model):" in out.code
    assert "def train_step(self, data):" in out.code
    assert "keras2_update_compiled_metrics(self, y, keras.ops.softmax(y_pred))" in out.code
    assert "loss = keras2_compiled_loss(self, y, y_pred, regularization_losses=self.losses)" in out.code
    assert "(loss, y_pred), grads = value_and_grad(forward, lambda: self.trainable_variables)" in out.code
    assert "return keras2_metrics_results(self)" in out.code
    assert not out.tensorflow_only


def test_other_calls_to_compute_loss_keep_the_custom_step():
    # Keras 2 code calling self.compute_loss() meant Keras' own: no override may replace it.
    source = _train(loss_args="y, y_pred") + textwrap.indent(textwrap.dedent("""
        def test_step(self, data):
            x, y = data
            return {"loss": self.compute_loss(x, y, self(x, training=False), None)}
        """), "    ")
    out = migrate_source(source, "t.py", MigrationOptions(), rules=RULES)
    assert "class M(BackendAgnosticSteps, keras.Model):" in out.code
    assert "def test_step(self, data):" in out.code
    assert "def compute_loss" not in out.code


def test_custom_test_step_next_to_a_converted_train_step_is_kept_stateful():
    source = _train() + textwrap.indent(textwrap.dedent("""
        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            self.compiled_loss(y, y_pred)
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}
        """), "    ")
    out = migrate_source(source, "t.py", MigrationOptions())
    assert "def train_step" not in out.code
    assert "class M(Keras2Training, BackendAgnosticSteps, keras.Model):" in out.code
    assert "def test_step(self, data):" in out.code
    assert "keras2_compiled_loss(self, y, y_pred)" in out.code
    assert not out.tensorflow_only
    again = migrate_source(out.code, "t.py", MigrationOptions())
    assert again.code == out.code and not again.tensorflow_only


def test_default_test_step_with_sample_weights_is_removed():
    source = _train(", sw", "y, y_pred, sw, regularization_losses=self.losses", "y, y_pred, sw") + \
        textwrap.indent(textwrap.dedent("""
        def test_step(self, data):
            x, y, sw = data
            y_pred = self(x, training=False)
            self.compiled_loss(y, y_pred, sample_weight=sw, regularization_losses=self.losses)
            self.compiled_metrics.update_state(y, y_pred, sample_weight=sw)
            return {m.name: m.result() for m in self.metrics}
        """), "    ")
    out = migrate_source(source, "t.py", MigrationOptions())
    assert "class M(keras.Model):\n    pass\n" in out.code and not out.tensorflow_only


def test_tensorflow_mode_keeps_the_step_with_keras2_containers():
    assert_migrates(
        _train(),
        """
        import keras
        import tensorflow as tf
        from keras_migrate_runtime import keras2_compiled_loss
        from keras_migrate_runtime import keras2_update_compiled_metrics
        from keras_migrate_runtime import keras2_metrics_results
        from keras_migrate_runtime import Keras2Training

        class M(Keras2Training, keras.Model):
            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = keras2_compiled_loss(self, y, y_pred, regularization_losses=self.losses)
                grads = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                keras2_update_compiled_metrics(self, y, y_pred)
                return keras2_metrics_results(self)
        """,
        mode="tensorflow",
    )


def test_gradients_taken_inside_apply_gradients():
    source = _train().replace(
        "grads = tape.gradient(loss, self.trainable_variables)\n"
        "        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))",
        "self.optimizer.apply_gradients(zip(tape.gradient(loss, self.trainable_variables), self.trainable_variables))")
    assert "zip(tape.gradient(" in source
    assert_migrates(source, "import keras\n\nclass M(keras.Model):\n    pass\n", rules=RULES)


# -- decisions look at the class and resolve names, not at the file's text ---------------
_VAE = textwrap.dedent("""
    import keras
    import tensorflow as tf

    class VAE(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total_loss_tracker = keras.metrics.Mean({name})

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
            return {{"total_loss": self.total_loss_tracker.result()}}
    """)


def test_logged_key_must_be_the_trackers_own_name():
    converted = migrate_source(_VAE.format(name='name="total_loss"'), "t.py", MigrationOptions(), rules=RULES)
    assert "def compute_loss(" in converted.code
    # The same `name="total_loss"` elsewhere (another class, a comment) does not name this
    # tracker: Keras 3 would log it as "mean", so the custom step stays.
    elsewhere = _VAE.format(name="") + textwrap.dedent("""
        class Other:
            def __init__(self):
                self.total_loss_tracker = keras.metrics.Mean(name="total_loss")  # name="total_loss"
        """)
    kept = migrate_source(elsewhere, "t.py", MigrationOptions(), rules=RULES)
    assert "def compute_loss(" not in kept.code and "def train_step(self, data):" in kept.code


def test_weighted_metrics_only_when_code_may_compile_them():
    removed = "import keras\n\nclass M(keras.Model):\n    pass\n"
    source = _train(", sw", "y, y_pred, sample_weight=sw, regularization_losses=self.losses")
    # A comment mentioning weighted_metrics is not a compile() argument.
    assert_migrates(source + "# no weighted_metrics here\n", removed + "# no weighted_metrics here\n", rules=RULES)
    for compile_call in ('model.compile(loss="mse", weighted_metrics=["mae"])\n',
                         'model.compile("adam", "mse", None, None, ["mae"])\n',
                         'model.compile(**settings)\n'):
        out = migrate_source(source + compile_call, "t.py", MigrationOptions(), rules=RULES)
        assert "class M(keras.Model):\n    pass" not in out.code, compile_call


def test_tape_resolved_through_imports():
    source = _train().replace("import tensorflow as tf\n", "import tensorflow as tf\nfrom tensorflow import GradientTape as Tape\n")
    source = source.replace("tf.GradientTape()", "Tape()")
    out = migrate_source(source, "t.py", MigrationOptions(), rules=RULES)
    assert "class M(keras.Model):\n    pass" in out.code
    # Not TensorFlow's tape: the step is not recognised.
    other = _train().replace("tf.GradientTape()", "recorder.GradientTape()")
    out = migrate_source(other, "t.py", MigrationOptions(), rules=RULES)
    assert "class M(keras.Model):\n    pass" not in out.code
