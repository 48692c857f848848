"""keras_migrate_runtime's tf.Variable methods for Keras 3 variables (current backend)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import assign_slice, scatter_nd_add, scatter_nd_sub, scatter_nd_update  # noqa: E402


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_scatter_methods_match_tensorflow_semantics():
    v = keras.Variable(np.zeros((3, 2), "float32"), trainable=False)
    pointer = keras.Variable(4, dtype="int32", trainable=False)
    assert scatter_nd_update(v, [[pointer % 3]], [keras.ops.ones((2,))]) is v
    scatter_nd_add(v, [[0, 1], [0, 1]], [2.0, 3.0])  # repeated indices add up
    scatter_nd_sub(v, [[2, 0]], [1.0])
    np.testing.assert_allclose(_numpy(v), [[0.0, 5.0], [1.0, 1.0], [-1.0, 0.0]])


def test_assign_slice_positions_slices_and_modes():
    v = keras.Variable(np.zeros((3, 2), "float32"), trainable=False)
    pointer = keras.Variable(4, dtype="int32", trainable=False)
    assign_slice(v, 2, [7.0, 8.0])
    assign_slice(v, (slice(0, 2), 0), 1.5, "add")
    assign_slice(v, -1, 1.0, "sub")
    assign_slice(v, pointer - 4, keras.ops.ones((2,)) * 9.0)
    np.testing.assert_allclose(_numpy(v), [[9.0, 9.0], [1.5, 0.0], [6.0, 7.0]])
    with pytest.raises(NotImplementedError):
        assign_slice(v, slice(0, 3, 2), 0.0)


def test_updates_inside_a_trained_layer():
    class Memory(keras.layers.Layer):
        def build(self, input_shape):
            self.memory = self.add_weight(shape=(3, input_shape[-1]), initializer="zeros", trainable=False)
            self.step = self.add_weight(shape=(), dtype="int32", initializer="zeros", trainable=False)

        def call(self, x):
            assign_slice(self.memory, self.step % 3, keras.ops.mean(x, axis=0))
            scatter_nd_update(self.memory, [[(self.step + 1) % 3]], [keras.ops.max(x, axis=0)])
            self.step.assign_add(1)
            return x + keras.ops.sum(self.memory, axis=0)

    inputs = keras.Input((2,))
    memory = Memory()
    model = keras.Model(inputs, keras.layers.Dense(1)(memory(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), batch_size=2, verbose=0)
    assert int(_numpy(memory.step)) == 2
    np.testing.assert_allclose(_numpy(memory.memory), np.ones((3, 2)))
