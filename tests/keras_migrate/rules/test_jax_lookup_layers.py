from keras_migrate.rules.jax_lookup_layers import JaxLookupLayers
from keras_migrate.testing import assert_migrates


def test_lookups_on_model_tensors_in_functions_and_sequences_of_calls():
    source = ("import keras\n"
              "def build(vocabulary):\n"
              "    lookup = keras.layers.IntegerLookup(vocabulary=vocabulary)\n"
              "    inputs = keras.Input((1,), dtype='int64')\n"
              "    x = keras.layers.Embedding(10, 4)(lookup(inputs))\n"
              "    y = keras.layers.IntegerLookup(vocabulary=vocabulary)(inputs)\n"
              "    return keras.Model(inputs, x)\n")
    assert_migrates(source, rules=[JaxLookupLayers], mode="agnostic", expected_diagnostics=["KM234", "KM234"],
                    tensorflow_only=True)


def test_nothing_in_tensorflow_mode_for_data_or_for_a_rebound_name():
    model = ("import keras\nlookup = keras.layers.IntegerLookup()\ninputs = keras.Input((1,))\n"
             "x = lookup(inputs)\n")
    assert_migrates(model, rules=[JaxLookupLayers], mode="tensorflow")
    rebound = ("import keras\nlookup = keras.layers.IntegerLookup()\nlookup = keras.layers.Dense(2)\n"
               "inputs = keras.Input((1,))\nx = lookup(inputs)\n")
    assert_migrates(rebound, rules=[JaxLookupLayers], mode="agnostic")
    strings = ("import keras\nlookup = keras.layers.StringLookup(vocabulary=['a'])\n"
               "inputs = keras.Input((1,), dtype='string')\nx = lookup(inputs)\n")
    assert_migrates(strings, rules=[JaxLookupLayers], mode="agnostic", tensorflow_only=False)
    hashed_data = ("import keras\nhasher = keras.layers.Hashing(num_bins=4)\ncodes = hasher(raw_codes)\n")
    assert_migrates(hashed_data, rules=[JaxLookupLayers], mode="agnostic", tensorflow_only=False)
