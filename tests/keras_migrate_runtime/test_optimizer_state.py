"""keras_migrate_runtime's optimizer state lists: Keras 2's order (tf_keras 2.21's, as
tests/parity/programs/optimizer_state_lists.py checks numerically on every backend); the
learning rate a scheduled optimizer reports (scheduled_learning_rate_reads checks it
against tf_keras on every backend)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import (  # noqa: E402
    keras2_learning_rate,
    keras2_optimizer_variables,
    keras2_optimizer_weights,
    keras2_set_optimizer_weights,
)


def _built(optimizer):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="first"),
                              keras.layers.Dense(1, name="second")], name="net")
    optimizer.build(model.trainable_variables)
    return optimizer


def _kinds(variables):
    """Each slot's layer and kind from its path (`adam/net_first_kernel_momentum`): the
    layers are named, so other tests' models do not renumber them."""
    return [v.path.rsplit("/", 1)[-1] for v in variables]


def test_no_learning_rate_and_legacy_slots_grouped_by_kind():
    adam = _built(keras.optimizers.Adam(amsgrad=True))
    new = keras2_optimizer_variables(adam)
    assert new[0] is adam.iterations and len(new) == len(adam.variables) - 1
    legacy = keras2_optimizer_variables(adam, legacy=True)
    slots = [f"net_{layer}_{weight}" for layer in ("first", "second") for weight in ("kernel", "bias")]
    names = _kinds(legacy[1:])
    for kind in ("momentum", "velocity", "velocity_hat"):
        group, names = names[:len(slots)], names[len(slots):]
        assert [n[:-len(kind) - 1] for n in group] == slots and all(n.endswith(kind) for n in group)
    assert names == []


def test_weights_round_trip_and_length_check():
    source = _built(keras.optimizers.RMSprop(momentum=0.5, centered=True))
    for i, v in enumerate(keras2_optimizer_variables(source, legacy=True)):
        v.assign(np.full(v.shape, i, dtype=v.dtype))
    target = _built(keras.optimizers.RMSprop(momentum=0.5, centered=True))
    keras2_set_optimizer_weights(target, keras2_optimizer_weights(source), legacy=True)
    for a, b in zip(source.variables, target.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    with pytest.raises(ValueError, match="Keras 2's count"):
        keras2_set_optimizer_weights(target, keras2_optimizer_weights(source)[:-1])


def test_scheduled_learning_rate_is_the_last_steps():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    optimizer = keras.optimizers.SGD(schedule)
    variable = keras.Variable(np.ones(2, "float32"))
    assert float(keras2_learning_rate(optimizer)) == pytest.approx(0.1)  # before any step: step 0's
    for steps in (1, 2, 3):
        optimizer.apply_gradients([(keras.ops.ones((2,)), variable)])
        assert float(keras2_learning_rate(optimizer)) == pytest.approx(0.1 * 0.5 ** (steps - 1))
        assert float(optimizer.learning_rate) == pytest.approx(0.1 * 0.5 ** steps)  # Keras 3's: one ahead
    plain = keras.optimizers.Adam(0.02)
    assert keras2_learning_rate(plain) is plain.learning_rate
