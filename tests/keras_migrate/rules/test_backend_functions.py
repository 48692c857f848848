from keras_migrate.rules.backend_functions import BackendFunctions
from keras_migrate.testing import assert_migrates

RULES = [BackendFunctions]


def test_defaults_that_changed_are_written_out():
    assert_migrates(
        """
        import keras
        from keras import backend as K
        a = K.argmax(x)
        b = K.expand_dims(x)
        c = K.cumsum(x)
        d = K.constant([1, 2])
        e = K.arange(4)
        f = K.l2_normalize(x, axis=-1)
        """,
        """
        import keras
        a = keras.ops.argmax(x, axis=-1)
        b = keras.ops.expand_dims(x, axis=-1)
        c = keras.ops.cumsum(x, axis=0)
        d = keras.ops.convert_to_tensor([1, 2], dtype=keras.config.floatx())
        e = keras.ops.arange(4, dtype="int32")
        f = keras.ops.normalize(x, axis=-1, epsilon=1e-6)
        """,
        rules=RULES,
    )


def test_renamed_parameters_and_order():
    assert_migrates(
        """
        import tensorflow as tf
        y = tf.keras.backend.relu(x, alpha=0.1, max_value=6.0)
        z = tf.keras.backend.permute_dimensions(x, (0, 2, 1))
        w = tf.keras.backend.pow(x, 2)
        c = tf.keras.backend.categorical_crossentropy(t, p, from_logits=True)
        """,
        """
        import tensorflow as tf
        import keras
        y = keras.activations.relu(x, negative_slope=0.1, max_value=6.0)
        z = keras.ops.transpose(x, (0, 2, 1))
        w = keras.ops.power(x, 2)
        c = keras.ops.categorical_crossentropy(t, p, from_logits=True)
        """,
        rules=RULES,
    )


def test_templates_keep_exact_keras2_numbers():
    assert_migrates(
        """
        import keras
        from keras import backend as K
        a = K.sqrt(x - 1)
        b = 2 * K.hard_sigmoid(x)
        c = K.flatten(x)
        K.update_add(v, 1.0)
        """,
        """
        import keras
        from keras_migrate_runtime import keras2_hard_sigmoid
        a = keras.ops.sqrt(keras.ops.maximum(x - 1, 0.0))
        b = 2 * keras2_hard_sigmoid(x)
        c = keras.ops.reshape(x, (-1,))
        v.assign_add(1.0)
        """,
        rules=RULES,
    )


def test_clip_keeps_keras2_bounds_and_tensorflows_gradient():
    # K.clip was tf.clip_by_value after Keras 2's own bound rules (None = unbounded);
    # keras.ops.clip's gradient at a bound differs on JAX
    assert_migrates(
        """
        from tensorflow.keras import backend as K
        a = K.clip(x, 0.0, None)
        b = K.clip(y_pred, K.epsilon(), 1 - K.epsilon())
        c = K.clip(x, min_value=-1, max_value=1)
        """,
        """
        from tensorflow.keras import backend as K
        from keras_migrate_runtime import keras2_clip
        a = keras2_clip(x, 0.0, None)
        b = keras2_clip(y_pred, K.epsilon(), 1 - K.epsilon())
        c = keras2_clip(x, min_value=-1, max_value=1)
        """,
        rules=RULES,
    )


def test_kept_functions_untouched_and_import_kept():
    assert_migrates(
        """
        from tensorflow.keras import backend as K
        K.clear_session()
        eps = K.epsilon()
        fmt = K.image_data_format()
        """,
        rules=RULES,
    )


def test_not_provably_equivalent_is_diagnosed():
    assert_migrates(
        """
        import keras
        from keras import backend as K
        b = K.shape(x)
        c = K.rnn(step, x, [])
        d = K.learning_phase()
        e = K.constant(1.0, shape=(2,))
        """,
        rules=RULES,
        expected_diagnostics=["KM116"] * 4,
    )


def test_switch_of_an_unknown_condition_is_keras2_switch():
    """A condition whose shape is not provably the branches' (a name, a comparison with
    a parameter, a lower-rank mask), callable branches, K.switch as a value: the runtime's
    keras2_switch (found with keras-migrate verify: a smooth-L1 loss factory)."""
    assert_migrates(
        """
        import keras
        from keras import backend as K
        a = K.switch(cond, x, y)
        b = K.switch(diff < delta, 0.5 * K.square(diff) / delta, diff - 0.5 * delta)
        c = K.switch(K.greater(mask, 0), lambda: x, lambda: K.zeros_like(x))
        pick = K.switch
        """,
        """
        import keras
        from keras_migrate_runtime import keras2_switch
        a = keras2_switch(cond, x, y)
        b = keras2_switch(diff < delta, 0.5 * keras.ops.square(diff) / delta, diff - 0.5 * delta)
        c = keras2_switch(keras.ops.greater(mask, 0), lambda: x, lambda: keras.ops.zeros_like(x))
        pick = keras2_switch
        """,
        rules=RULES,
    )


def test_from_import_of_backend_function():
    assert_migrates(
        """
        import keras
        from keras.backend import mean, epsilon
        y = mean(x, 1) + epsilon()
        """,
        """
        import keras
        from keras.backend import epsilon
        y = keras.ops.mean(x, axis=1) + epsilon()
        """,
        rules=RULES,
    )


def test_backend_mode_independent():
    source = """
        import keras
        from keras import backend as K
        y = K.sum(x, axis=1)
        """
    expected = """
        import keras
        y = keras.ops.sum(x, axis=1)
        """
    assert_migrates(source, expected, rules=RULES, mode="tensorflow")
    assert_migrates(source, expected, rules=RULES, mode="agnostic")


def test_switch_with_elementwise_condition():
    assert_migrates(
        """
        import keras
        from keras import backend as K
        y = K.switch(K.greater(x, 0.0), x, K.zeros_like(x))
        z = K.switch(x > 0, x * 2, x)
        """,
        """
        import keras
        y = keras.ops.where(keras.ops.greater(x, 0.0), x, keras.ops.zeros_like(x))
        z = keras.ops.where(x > 0, x * 2, x)
        """,
        rules=RULES,
    )


def test_binary_crossentropy_rewritten_with_info():
    result = assert_migrates(
        """
        import keras
        from keras import backend as K
        loss = K.binary_crossentropy(t, p)
        """,
        """
        import keras
        loss = keras.ops.binary_crossentropy(t, p)
        """,
        rules=RULES,
    )
    assert [d.severity.value for d in result.diagnostics] == ["info"]


def test_backend_module_bound_inside_functions_and_on_self():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras

        def contrastive(y_true, y_pred):
            K = tf.keras.backend
            return K.mean(K.square(y_pred - y_true))

        class Block(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.backend = keras.backend

            def call(self, x):
                return self.backend.sigmoid(x)
        """,
        """
        import tensorflow as tf
        from tensorflow import keras
        import keras

        def contrastive(y_true, y_pred):
            K = tf.keras.backend
            return keras.ops.mean(keras.ops.square(y_pred - y_true))

        class Block(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.backend = keras.backend

            def call(self, x):
                return keras.ops.sigmoid(x)
        """,
        rules=RULES,
    )


def test_backend_module_passed_as_a_value_is_diagnosed():
    # keras_applications-style injection: the callee's kb.sum() cannot be resolved.
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow.keras import backend

        def swish(x, backend=None, **kwargs):
            backend = backend or tf.keras.backend
            return x * backend.sigmoid(x)

        def reduce(x, kb=tf.keras.backend):
            return kb.sum(x)

        y = swish(x, backend=backend)
        modules = {"backend": backend}
        """,
        rules=RULES,
        expected_diagnostics=("KM116", "KM116", "KM116", "KM116"),
    )


def test_parameter_rebound_to_the_backend_inside_the_function():
    assert_migrates(
        """
        import tensorflow.keras.backend as KB
        def loss_fn(y_true, y_pred, K=None):
            K = KB
            return K.mean(K.square(y_true - y_pred))
        """,
        """
        import tensorflow.keras.backend as KB
        import keras
        def loss_fn(y_true, y_pred, K=None):
            K = KB
            return keras.ops.mean(keras.ops.square(y_true - y_pred))
        """,
        rules=RULES,
    )
