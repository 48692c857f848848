"""keras_migrate_runtime's optimizer state lists: Keras 2's order (tf_keras 2.21's, as
tests/parity/programs/optimizer_state_lists.py checks numerically on every backend)."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from keras_migrate_runtime import (  # noqa: E402
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
