"""What verify records as a model's final weights: per leaf layer, minus bookkeeping."""

import numpy as np

from keras_migrate.verify._recorder import model_weights


class _Weight:
    def __init__(self, name, value):
        self.name, self.path, self.value = name, name, np.asarray(value)

    def numpy(self):
        return self.value


class Normalization:  # named like the Keras layer: the check goes by class name
    def __init__(self, count_name):
        self.trainable_weights = []
        self.non_trainable_weights = [_Weight("norm/mean", [0.5]), _Weight("norm/variance", [2.0]),
                                      _Weight(count_name, 64)]


class Dense:
    def __init__(self):
        self.trainable_weights = [_Weight("dense/kernel", [[1.0]])]
        self.non_trainable_weights = [_Weight("dense/count", 3)]


class _Model:
    def __init__(self, *layers):
        self.layers = list(layers)


def test_normalization_count_is_not_compared_other_weights_are():
    # Keras 2 names it "count:0", Keras 3's path ends in "/count".
    for name in ("normalization/count:0", "normalization/count"):
        out = model_weights(_Model(Normalization(name), Dense()))
        assert [len(entry["non_trainable"]) for entry in out] == [2, 1]
        assert out[0]["non_trainable"][1] == 2.0
