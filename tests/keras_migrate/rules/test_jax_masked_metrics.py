from keras_migrate.rules.jax_masked_metrics import JaxMaskedMetrics
from keras_migrate.testing import assert_migrates


def test_mask_sources_and_metric_arguments():
    for source in ("x = keras.layers.Masking(mask_value=0.0)(inputs)",
                   "class Embed(keras.layers.Layer):\n    def compute_mask(self, inputs, mask=None):\n"
                   "        return inputs != 0",
                   "layer.supports_masking = True"):
        assert_migrates(
            f"import keras\n{source}\nmodel.compile('adam', 'mse', ['mae'])\n"
            "model.compile(optimizer='adam', loss='mse', weighted_metrics=['mae'])\n",
            rules=[JaxMaskedMetrics], mode="agnostic", expected_diagnostics=["KM233", "KM233", "KM233"])


def test_no_warning_without_masks_metrics_or_in_tensorflow_mode():
    assert_migrates("import keras\nmodel.compile('adam', 'mse', metrics=['mae'])\n",
                    rules=[JaxMaskedMetrics], mode="agnostic")
    masked = "import keras\nx = keras.layers.Embedding(9, 2, mask_zero=True)(inputs)\n"
    assert_migrates(masked + "model.compile('adam', 'mse', metrics=None)\nmodel.compile('adam', 'mse')\n",
                    rules=[JaxMaskedMetrics], mode="agnostic")
    assert_migrates(masked + "model.compile('adam', 'mse', metrics=['mae'])\n",
                    rules=[JaxMaskedMetrics], mode="tensorflow")
