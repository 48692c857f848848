"""KM231 loss_identifiers: every Keras 2 loss identifier Keras 3 rejects is renamed in
compile() (the table itself is checked against both libraries in tests/keras_migrate/spec)."""

import pytest

from keras_migrate.rules.loss_identifiers import LossIdentifiers
from keras_migrate.spec._keras3_renames import LOSS_STRING_RENAMES
from keras_migrate.testing import assert_migrates


@pytest.mark.parametrize("old, new", sorted(LOSS_STRING_RENAMES.items()))
def test_each_identifier(old, new):
    source = (f'import keras\nmodel.compile("adam", "{old}")\nmodel.compile(loss=["mse", "{old}"])\n'
              f'fn = keras.losses.get("{old}")\n')
    assert_migrates(source, source.replace(f'"{old}"', f'"{new}"'), rules=[LossIdentifiers])


def test_elsewhere_warned():
    assert_migrates('import keras\nvariants = [("huber", "huber_loss")]\n', rules=[LossIdentifiers],
                    expected_diagnostics=["KM231"])
