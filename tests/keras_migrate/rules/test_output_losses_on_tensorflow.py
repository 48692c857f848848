"""KM255 output_losses_on_tensorflow: warned at compile() with one loss (or weight) per output."""

import pytest

from keras_migrate.rules.output_losses_on_tensorflow import OutputLossesOnTensorflow
from keras_migrate.testing import assert_migrates


@pytest.mark.parametrize("call", [
    'model.compile("adam", ["mse", "mae"])',
    'model.compile(optimizer="adam", loss=("mse", "mae"))',
    'model.compile("adam", "mse", ["mae"], [1.0, 0.2])',
    'model.compile("adam", loss="mse", loss_weights={"a": 1.0, "b": 2.0})',
])
def test_warned(call):
    assert_migrates(f"import keras\n{call}\n", rules=[OutputLossesOnTensorflow], expected_diagnostics=["KM255"])


@pytest.mark.parametrize("call", [
    'model.compile("adam", "mse", metrics=["mae", "mse"])',
    'model.compile("adam", {"only": "mse"})',
    "compile(source, 'exec')",
    'gan.compile(d_optimizer=d, g_optimizer=g, loss_weights={"gradient_penalty": 10, "drift": 0.001})',
])
def test_not_warned(call):
    assert_migrates(f"import keras\n{call}\n", rules=[OutputLossesOnTensorflow])
