from keras_migrate.rules.variable_tracking import VariableTracking
from keras_migrate.testing import assert_migrates

RULES = [VariableTracking]


def test_numpy_fill_keeps_float64_and_int_literal_keeps_int32():
    assert_migrates(
        """
        import numpy as np
        import tensorflow as tf
        import keras

        class Counter(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.total = tf.Variable(np.zeros((3,)), trainable=False)
                self.steps = tf.Variable(0, trainable=False)
        """,
        """
        import numpy as np
        import tensorflow as tf
        import keras

        class Counter(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.total = self.add_weight(shape=(3,), initializer="zeros", trainable=False, dtype="float64")
                self.steps = self.add_weight(shape=(), initializer=keras.initializers.Constant(0), trainable=False, dtype="int32")
        """,
        rules=RULES,
    )


def test_non_keras_classes_and_plain_variables_untouched():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Tracker(tf.Module):
            def __init__(self):
                self.v = tf.Variable(1.0)

        step = tf.Variable(0)
        """,
        rules=RULES,
    )


def test_unmappable_arguments_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class L(keras.layers.Layer):
            def build(self, shape):
                self.v = tf.Variable(tf.zeros(shape), shape=tf.TensorShape(None))
        """,
        rules=RULES,
        expected_diagnostics=["KM146"],
    )


def test_bool_and_int_variables_keep_their_dtype_untrained():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        class Gate(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.enabled = tf.Variable(True)
                self.steps = tf.Variable(0, name="steps")
                self.ratio = tf.Variable(0, dtype=tf.float32)
        """,
        """
        import tensorflow as tf
        import keras

        class Gate(keras.layers.Layer):
            def __init__(self):
                super().__init__()
                self.enabled = self.add_weight(shape=(), initializer=keras.initializers.Constant(True), trainable=False, dtype="bool")
                self.steps = self.add_weight(shape=(), initializer=keras.initializers.Constant(0), trainable=False, name="steps", dtype="int32")
                self.ratio = self.add_weight(shape=(), initializer=keras.initializers.Constant(0), dtype=tf.float32)
        """,
        rules=[VariableTracking],
    )


def test_tf_only_methods_of_weights_are_rewritten_in_both_modes():
    before = """
        import tensorflow as tf
        import keras

        class Memory(keras.layers.Layer):
            def build(self, input_shape):
                self.memory = tf.Variable(tf.zeros((3, input_shape[-1])), trainable=False)
                self.pointer = self.add_weight(name="pointer", shape=(), dtype="int32", trainable=False)

            def call(self, x):
                self.memory.scatter_nd_update([[self.pointer % 3]], [x[0]])
                self.memory[0].assign(x[1])
                self.memory[self.pointer % 3, :2].assign_add(x[0, :2])
                return x + self.memory.read_value()[0]
        """
    after = """
        import tensorflow as tf
        import keras
        from keras_migrate_runtime import scatter_nd_update
        from keras_migrate_runtime import assign_slice

        class Memory(keras.layers.Layer):
            def build(self, input_shape):
                self.memory = self.add_weight(shape=(3, input_shape[-1]), initializer="zeros", trainable=False)
                self.pointer = self.add_weight(name="pointer", shape=(), dtype="int32", trainable=False)

            def call(self, x):
                scatter_nd_update(self.memory, [[self.pointer % 3]], [x[0]])
                assign_slice(self.memory, 0, x[1])
                assign_slice(self.memory, (self.pointer % 3, slice(None, 2, None)), x[0, :2], "add")
                return x + keras.ops.copy(self.memory)[0]
        """
    assert_migrates(before, after, rules=[VariableTracking], mode="tensorflow")
    assert_migrates(before, after, rules=[VariableTracking])


def test_methods_of_other_objects_are_left_alone():
    assert_migrates(
        """
        import keras

        class Reader(keras.layers.Layer):
            def call(self, x):
                self.cache[0].assign(x)
                return self.table.read_value()
        """,
        rules=[VariableTracking],
    )


def test_optimizer_iterations_read_value():
    # tf_keras' own callbacks: step=self.model.optimizer.iterations.read_value()
    assert_migrates(
        """
        import keras

        class Log(keras.callbacks.Callback):
            def on_batch_end(self, batch, logs=None):
                step = self.model.optimizer.iterations.read_value()
                other = self.model.optimizer.iterations_done.read_value()
        """,
        """
        import keras

        class Log(keras.callbacks.Callback):
            def on_batch_end(self, batch, logs=None):
                step = keras.ops.copy(self.model.optimizer.iterations)
                other = self.model.optimizer.iterations_done.read_value()
        """,
        rules=[VariableTracking],
    )


def test_python_number_initial_values_are_scalars():
    # keras-io vit_small_ds: keras.ops.shape of a Python float fails on JAX.
    assert_migrates(
        """
        import math
        import tensorflow as tf
        import keras

        class Attention(keras.layers.MultiHeadAttention):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.tau = tf.Variable(math.sqrt(float(self._key_dim)), trainable=True)
                self.scale = tf.Variable(float(kwargs["scale"]))
        """,
        """
        import math
        import tensorflow as tf
        import keras

        class Attention(keras.layers.MultiHeadAttention):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                tau_value = math.sqrt(float(self._key_dim))
                self.tau = self.add_weight(shape=(), initializer=keras.initializers.Constant(tau_value), trainable=True)
                scale_value = float(kwargs["scale"])
                self.scale = self.add_weight(shape=(), initializer=keras.initializers.Constant(scale_value))
        """,
        rules=RULES,
    )
