"""KM209 gradient_tape (and the tape conversion KM205 shares): before/after and blockers."""

import pytest

from keras_migrate import MigrationOptions, migrate_source
from keras_migrate.rules.gradient_tape import GradientTapeLoops
from keras_migrate.rules.train_step import TrainStep
from keras_migrate.testing import assert_migrates

RULES = [GradientTapeLoops]


def test_loop_with_regularization_losses_and_metrics():
    assert_migrates(
        """
        from tensorflow import keras
        import tensorflow as tf

        for epoch in range(2):
            for step, (x_batch, y_batch) in enumerate(train_dataset):
                with tf.GradientTape() as tape:
                    logits = model(x_batch, training=True)
                    loss_value = loss_fn(y_batch, logits)
                    loss_value += sum(model.losses)
                grads = tape.gradient(loss_value, model.trainable_weights)
                optimizer.apply_gradients(zip(grads, model.trainable_weights))
                train_acc_metric.update_state(y_batch, logits)
            print(float(loss_value))
        """,
        """
        from tensorflow import keras
        from keras_migrate_runtime import value_and_grad

        for epoch in range(2):
            for step, (x_batch, y_batch) in enumerate(train_dataset):
                def forward():
                    logits = model(x_batch, training=True)
                    loss_value = loss_fn(y_batch, logits)
                    loss_value += sum(model.losses)
                    return loss_value, logits
                (loss_value, logits), grads = value_and_grad(forward, model.trainable_weights)
                optimizer.apply_gradients(zip(grads, model.trainable_weights))
                train_acc_metric.update_state(y_batch, logits)
            print(float(loss_value))
        """,
        rules=RULES, expected_diagnostics=["KM209"], tensorflow_only=False,
    )


def test_gradient_taken_inside_the_block_and_inline_apply():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras

        def step(x):
            with tf.GradientTape() as tape:
                loss = keras.losses.mse(x, net(x))
                opt.apply_gradients(zip(tape.gradient(loss, net.trainable_variables), net.trainable_variables))
            return loss
        """,
        """
        from tensorflow import keras
        from keras_migrate_runtime import value_and_grad

        def step(x):
            def forward():
                loss = keras.losses.mse(x, net(x))
                return loss
            loss, tape_gradients = value_and_grad(forward, net.trainable_variables)
            opt.apply_gradients(zip(tape_gradients, net.trainable_variables))
            return loss
        """,
        rules=RULES, expected_diagnostics=["KM209"],
    )


def test_two_tapes_over_one_block_become_value_and_grads():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        def train_step(images, noise):
            with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
                generated = generator(noise, training=True)
                real_output = discriminator(images, training=True)
                fake_output = discriminator(generated, training=True)
                gen_loss = generator_loss(fake_output)
                disc_loss = discriminator_loss(real_output, fake_output)
            gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
            gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)
            g_opt.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
            d_opt.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
            return gen_loss, disc_loss
        """,
        """
        import keras
        from keras_migrate_runtime import value_and_grads

        def train_step(images, noise):
            def forward():
                generated = generator(noise, training=True)
                real_output = discriminator(images, training=True)
                fake_output = discriminator(generated, training=True)
                gen_loss = generator_loss(fake_output)
                disc_loss = discriminator_loss(real_output, fake_output)
                return gen_loss, disc_loss
            (gen_loss, disc_loss), (gradients_of_generator, gradients_of_discriminator) = value_and_grads(forward, [(0, generator.trainable_variables), (1, discriminator.trainable_variables)])
            g_opt.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
            d_opt.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))
            return gen_loss, disc_loss
        """,
        rules=RULES, expected_diagnostics=["KM209"],
    )


def test_a_persistent_tape_differentiates_one_forward_pass_several_times():
    # keras.io gan_ada / cyclegan: two losses of one block, then `del tape`.
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        def train_step(images, noise):
            with tf.GradientTape(persistent=True) as tape:
                fake = generator(noise, training=True)
                g_loss, d_loss = losses(discriminator(images), discriminator(fake))
            g_grads = tape.gradient(g_loss, generator.trainable_variables)
            d_grads = tape.gradient(d_loss, discriminator.trainable_variables)
            del tape
            g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
            d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        """,
        """
        import keras
        from keras_migrate_runtime import value_and_grads

        def train_step(images, noise):
            def forward():
                fake = generator(noise, training=True)
                g_loss, d_loss = losses(discriminator(images), discriminator(fake))
                return g_loss, d_loss
            (g_loss, d_loss), (g_grads, d_grads) = value_and_grads(forward, [(0, generator.trainable_variables), (1, discriminator.trainable_variables)])
            g_opt.apply_gradients(zip(g_grads, generator.trainable_variables))
            d_opt.apply_gradients(zip(d_grads, discriminator.trainable_variables))
        """,
        rules=RULES, expected_diagnostics=["KM209"],
    )


def test_persistent_false_and_one_gradient_of_a_persistent_tape():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        with tf.GradientTape(persistent=False) as tape:
            loss = f(x)
        g = tape.gradient(loss, v)
        with tf.GradientTape(persistent=True) as tape:
            loss = f(x)
        h = tape.gradient(loss, v)
        """,
        """
        import keras
        from keras_migrate_runtime import value_and_grad

        def forward():
            loss = f(x)
            return loss
        loss, g = value_and_grad(forward, v)
        def forward():
            loss = f(x)
            return loss
        loss, h = value_and_grad(forward, v)
        """,
        rules=RULES, expected_diagnostics=["KM209"],
    )


@pytest.mark.parametrize("source, construct", [
    ("""
     with tf.GradientTape(watch_accessed_variables=False) as tape:
         loss = f(x)
     g = tape.gradient(loss, v)
     """, "tf.GradientTape(watch_accessed_variables=False)"),
    ("""
     with tf.GradientTape() as tape:
         y = g(x)
         tape.watch(y)
         loss = f(y)
     g = tape.gradient(loss, [y])
     """, "tape.watch(y)"),
    ("""
     with tf.GradientTape() as tape:
         tape.watch(x)
         loss = f(x)
     g = tape.gradient(loss, [x, v])
     """, "tape.gradient(loss, [x, v])"),
    ("""
     with tf.GradientTape() as tape:
         tape.watch(x)
         x = h(x)
         loss = f(x)
     g = tape.gradient(loss, x)
     """, "x"),
    ("""
     with tf.GradientTape() as outer:
         with tf.GradientTape() as inner:
             loss = f(x)
         g = inner.gradient(loss, v)
     h = outer.gradient(g, v)
     """, "nested tf.GradientTape"),
    ("""
     with tf.GradientTape() as tape:
         probs = model(x)
         action = np.random.choice(3, p=np.squeeze(probs))
         loss = -probs[0, action]
     g = tape.gradient(loss, v)
     """, "np.random.choice(3, p=np.squeeze(probs))"),
    ("""
     with tf.GradientTape() as tape:
         loss = f(x)
         print(loss.numpy())
     g = tape.gradient(loss, v)
     """, "loss.numpy()"),
    ("""
     with tf.GradientTape() as tape:
         y = tf.py_function(f, [x], tf.float32)
         loss = y * 2
     g = tape.gradient(loss, v)
     """, "tf.py_function"),
    ("""
     with tf.GradientTape() as tape:
         if flag:
             extra = f(x)
         loss = f(x)
     g = tape.gradient(loss, v)
     print(extra)
     """, "`extra`"),
    ("""
     with tf.GradientTape() as tape:
         loss = f(x)
     g = tape.gradient(loss, v, unconnected_gradients=tf.UnconnectedGradients.ZERO)
     """, "unconnected_gradients"),
])
def test_blocked_tapes_name_the_construct(source, construct):
    import textwrap

    body = textwrap.indent(textwrap.dedent(source).strip("\n"), "    ")
    result = migrate_source(f"import numpy as np\nimport tensorflow as tf\nimport keras\n\ndef step(x, v):\n{body}\n", "t.py",
                            MigrationOptions(), rules=RULES)
    assert "tf.GradientTape(" in result.code
    assert "value_and_grad" not in result.code
    assert result.tensorflow_only
    warnings = [d for d in result.diagnostics if d.severity.value == "warning"]
    assert warnings and construct in warnings[0].message, [d.message for d in result.diagnostics]


def test_a_tape_used_outside_a_with_statement_is_tensorflow_only():
    result = migrate_source("import tensorflow as tf\nimport keras\n\ntape = tf.GradientTape()\n", "t.py",
                            MigrationOptions(), rules=RULES)
    assert result.tensorflow_only


def test_gan_train_step_with_two_optimizers_gets_the_mixin():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class GAN(keras.Model):
            def compile(self, d_optimizer, g_optimizer, loss_fn):
                super().compile()
                self.d_optimizer = d_optimizer
                self.g_optimizer = g_optimizer
                self.loss_fn = loss_fn

            def train_step(self, real_images):
                batch_size = tf.shape(real_images)[0]
                z = tf.random.normal(shape=(batch_size, self.latent_dim))
                fake = self.generator(z)
                combined = tf.concat([fake, real_images], axis=0)
                labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
                with tf.GradientTape() as tape:
                    predictions = self.discriminator(combined)
                    d_loss = self.loss_fn(labels, predictions)
                grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
                self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
                misleading = tf.zeros((batch_size, 1))
                with tf.GradientTape() as tape:
                    predictions = self.discriminator(self.generator(z))
                    g_loss = self.loss_fn(misleading, predictions)
                grads = tape.gradient(g_loss, self.generator.trainable_weights)
                self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
                return {"d_loss": d_loss, "g_loss": g_loss}
        """,
        """
        import tensorflow as tf
        import keras
        from keras_migrate_runtime import value_and_grad
        from keras_migrate_runtime import BackendAgnosticSteps

        class GAN(BackendAgnosticSteps, keras.Model):
            def compile(self, d_optimizer, g_optimizer, loss_fn):
                super().compile()
                self.d_optimizer = d_optimizer
                self.g_optimizer = g_optimizer
                self.loss_fn = loss_fn

            def train_step(self, real_images):
                batch_size = tf.shape(real_images)[0]
                z = tf.random.normal(shape=(batch_size, self.latent_dim))
                fake = self.generator(z)
                combined = tf.concat([fake, real_images], axis=0)
                labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
                def forward():
                    predictions = self.discriminator(combined)
                    d_loss = self.loss_fn(labels, predictions)
                    return d_loss, predictions
                (d_loss, predictions), grads = value_and_grad(forward, lambda: self.discriminator.trainable_weights)
                self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
                misleading = tf.zeros((batch_size, 1))
                def forward():
                    predictions = self.discriminator(self.generator(z))
                    g_loss = self.loss_fn(misleading, predictions)
                    return g_loss, predictions
                (g_loss, predictions), grads = value_and_grad(forward, lambda: self.generator.trainable_weights)
                self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
                return {"d_loss": d_loss, "g_loss": g_loss}
        """,
        rules=[TrainStep, GradientTapeLoops], expected_diagnostics=["KM205"],
    )


def test_migrated_code_is_stable_and_tensorflow_free():
    source = """
import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])

@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_weights)
    grads, _ = tf.clip_by_global_norm(grads, 1.0)
    opt.apply_gradients(zip(grads, model.trainable_weights))
    return loss
"""
    out = migrate_source(source, "t.py", MigrationOptions())
    assert "import tensorflow as" not in out.code and "from tensorflow" not in out.code and "tf." not in out.code and not out.tensorflow_only, out.code
    assert "@tensorflow_function\n" in out.code
    assert migrate_source(out.code, "t.py", MigrationOptions()).code == out.code


def test_a_total_started_before_the_block_is_a_parameter_and_the_step_after_the_gradient_moves_out():
    # generative/adain.py and stylegan.py spell it this way.
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        def step(style, content):
            loss_style = 0.0
            with tf.GradientTape() as tape:
                for a, b in zip(enc(style), enc(content)):
                    loss_style += loss_fn(a, b)
                loss = loss_style * 2.0
                grads = tape.gradient(loss, net.trainable_weights)
                opt.apply_gradients(zip(grads, net.trainable_weights))
            return loss_style
        """,
        """
        import keras
        from keras_migrate_runtime import value_and_grad

        def step(style, content):
            loss_style = 0.0
            def forward(loss_style=loss_style):
                for a, b in zip(enc(style), enc(content)):
                    loss_style += loss_fn(a, b)
                loss = loss_style * 2.0
                return loss, loss_style
            (loss, loss_style), grads = value_and_grad(forward, net.trainable_weights)
            opt.apply_gradients(zip(grads, net.trainable_weights))
            return loss_style
        """,
        rules=RULES, expected_diagnostics=["KM209"],
    )


def test_every_tape_of_a_step_is_examined_after_a_converted_one():
    # generative/stylegan.py: the generator's tape converts, the discriminator's
    # gradient-penalty tape (a watched tensor on one of two tapes) keeps the whole step
    # on TensorFlow.
    result = migrate_source('''
import tensorflow as tf
import keras

class G(keras.Model):
    def train_step(self, real):
        with tf.GradientTape() as g_tape:
            g_loss = self.loss_fn(self.generator(real))
            weights = self.generator.trainable_weights
            gradients = g_tape.gradient(g_loss, weights)
            self.g_optimizer.apply_gradients(zip(gradients, weights))
        with tf.GradientTape() as gradient_tape, tf.GradientTape() as total_tape:
            gradient_tape.watch(real)
            d_loss = self.discriminator(real)
            penalty = gradient_tape.gradient(d_loss, [real])
            gradients = total_tape.gradient(d_loss + penalty, self.discriminator.trainable_weights)
        return {"g_loss": g_loss}
''', "t.py", MigrationOptions(), rules=[TrainStep])
    assert "def _tensorflow_train_step(self, real):" in result.code
    assert result.tensorflow_only
    assert "gradient_tape.watch" in result.diagnostics[0].message


def test_a_step_kept_for_tensorflow_is_left_alone_on_the_second_run():
    source = '''
import tensorflow as tf
import keras

class G(keras.Model):
    def train_step(self, real):
        with tf.GradientTape() as g_tape:
            g_loss = self.generator(real)
        gradients = g_tape.gradient(g_loss, self.generator.trainable_weights)
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            d_loss = self.discriminator(real)
        gradients = tape.gradient(d_loss, self.discriminator.trainable_weights)
        return {"g_loss": g_loss}
'''
    first = migrate_source(source, "t.py", MigrationOptions())
    assert "def _tensorflow_train_step(self, real):" in first.code
    assert migrate_source(first.code, "t.py", MigrationOptions()).code == first.code


@pytest.mark.parametrize("use", [
    "concrete = train_step.get_concrete_function()",
    "tf.saved_model.save(model, 'out', signatures={'step': train_step})",
])
def test_an_input_signature_the_file_exports_or_inspects_stays_on_tensorflow(use):
    source = (
        "import tensorflow as tf\n"
        "import keras\n\n"
        "@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])\n"
        "def train_step(x):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = model(x, training=True)\n"
        "    grads = tape.gradient(loss, model.trainable_weights)\n"
        "    optimizer.apply_gradients(zip(grads, model.trainable_weights))\n"
        "    return loss\n\n"
        f"{use}\n"
    )
    result = migrate_source(source, "step.py", MigrationOptions(mode="agnostic"))
    assert "@tf.function(input_signature=" in result.code
    assert result.tensorflow_only
