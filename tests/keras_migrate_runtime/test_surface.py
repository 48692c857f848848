"""What code touches on the runtime's layers besides their numbers (Keras 3, current backend)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import keras_migrate_runtime as runtime  # noqa: E402

X = np.random.RandomState(0).uniform(-1, 1, (5, 3, 2)).astype("float32")  # (time, batch, features)


def _numpy(x):
    return keras.ops.convert_to_numpy(x)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_time_major_classes_keep_name_class_weights_and_config(name):
    base = getattr(keras.layers, name)
    layer = getattr(runtime, name)(4, time_major=True, return_sequences=True, name="encoder")
    reference = base(4, return_sequences=True)
    out = layer(X)
    reference(np.swapaxes(X, 0, 1))
    reference.set_weights(layer.get_weights())
    assert type(layer).__name__ == name and layer.name == "encoder"
    assert [w.name for w in layer.weights] == [w.name for w in reference.weights]
    np.testing.assert_allclose(_numpy(out), np.swapaxes(_numpy(reference(np.swapaxes(X, 0, 1))), 0, 1), atol=1e-6)
    config = layer.get_config()
    assert config["time_major"] is True
    assert set(config) - {"time_major"} == set(reference.get_config())
    again = type(layer).from_config(config)
    again(X)
    again.set_weights(layer.get_weights())
    np.testing.assert_allclose(_numpy(again(X)), _numpy(out), atol=1e-6)


def test_time_major_masks_are_time_major_and_states_batch_major():
    layer = runtime.LSTM(3, time_major=True, return_sequences=True, return_state=True)
    mask = np.ones((5, 3), bool)
    mask[3:, 0] = False
    sequences, h, c = layer(X, mask=mask)
    assert tuple(sequences.shape) == (5, 3, 3) and tuple(h.shape) == (3, 3) and tuple(c.shape) == (3, 3)
    # Masked steps repeat the last unmasked output (Keras' default for masked RNN steps).
    np.testing.assert_allclose(_numpy(sequences)[4, 0], _numpy(sequences)[2, 0], atol=1e-6)


def test_output_and_input_shape_as_keras2_had_them():
    inputs = keras.Input((6, 3))
    layer = runtime.LocallyConnected1D(2, 3, name="local")
    outputs = layer(inputs)
    keras.Model(inputs, outputs)
    assert layer.output_shape == (None, 4, 2) and layer.input_shape == (None, 6, 3)
    rnn = runtime.LSTM(4, time_major=True, return_sequences=True, return_state=True)
    rnn(keras.Input(batch_shape=(5, None, 2)))
    assert rnn.output_shape == [(5, None, 4), (None, 4), (None, 4)]
    with pytest.raises(AttributeError):
        runtime.RandomFourierFeatures(3).output_shape


class _ContextCell(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))

    def call(self, inputs, states, constants=None, training=None):
        out = keras.ops.matmul(inputs, self.kernel) + states[0] + constants[0]
        return (out * 2.0 if training else out), [out]


def test_rnn_constants_keep_the_users_cell_and_count_constants():
    cell = _ContextCell(2, name="context_cell")
    rnn = runtime.RNN(cell, name="rnn")
    sequence, context = keras.Input((4, 3)), keras.Input((2,))
    out = rnn(sequence, constants=[context])
    assert rnn.cell is cell and [w.name for w in rnn.weights] == ["kernel"]
    assert rnn.get_config()["num_constants"] == 1 and rnn.get_config()["time_major"] is False
    assert rnn.output_shape == (None, 2)
    model = keras.Model([sequence, context], out)
    x = np.ones((2, 4, 3), "float32")
    c = np.ones((2, 2), "float32")
    assert not np.allclose(_numpy(model([x, c], training=True)), _numpy(model([x, c], training=False)))


def test_add_symbolic_loss_keeps_output_names():
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(2, name="hidden")(inputs)
    a = keras.layers.Dense(1, name="a")(hidden)
    b = keras.layers.Dense(1, name="b")(hidden)
    model = runtime.add_symbolic_loss(keras.Model(inputs, [a, b]), lambda h: keras.ops.mean(h), hidden)
    assert model.output_names == ["a", "b"]
    model.compile(optimizer="sgd", loss={"a": "mse", "b": "mae"})
    history = model.fit(np.ones((4, 3)), {"a": np.ones((4, 1)), "b": np.ones((4, 1))}, verbose=0)
    assert {"a_loss", "b_loss"} <= set(history.history)


class TwoDense(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = keras.layers.Dense(3)
        self.second = keras.layers.Dense(2)

    def call(self, x):
        return self.second(keras.ops.relu(self.first(x)))


class TwoDenseNet(keras.Model):
    def __init__(self):
        super().__init__()
        self.block = TwoDense()

    def build(self, input_shape):
        runtime.build_by_calling(self, input_shape)

    def call(self, x, training):
        return self.block(x)


def test_build_by_calling_creates_every_weight_before_the_first_call():
    net = TwoDenseNet()
    net.build((None, 4))
    assert [tuple(w.shape) for w in net.weights] == [(4, 3), (3,), (3, 2), (2,)]
    net.set_weights([np.ones(w.shape, "float32") for w in net.weights])
    np.testing.assert_allclose(_numpy(net(np.ones((1, 4), "float32"), training=False)), [[16.0, 16.0]])
