"""KM121 embedding_sparse_updates: warned only where an adaptive optimizer trains embeddings."""

import pytest

from keras_migrate.rules.embedding_sparse_updates import EmbeddingSparseUpdates
from keras_migrate.testing import assert_migrates

HEAD = "import tensorflow as tf\nemb = tf.keras.layers.Embedding(100, 8)\n"


@pytest.mark.parametrize("optimizer", [
    "opt = tf.keras.optimizers.Adam(1e-3)",
    "opt = tf.keras.optimizers.RMSprop()",
    "opt = tf.keras.optimizers.SGD(0.1, momentum=0.9)",
    "model.compile('adam', loss='mse')",
    "model.compile(optimizer='Adagrad', loss='mse')",
])
def test_warned(optimizer):
    assert_migrates(HEAD + optimizer + "\n", rules=[EmbeddingSparseUpdates], expected_diagnostics=["KM121"])


@pytest.mark.parametrize("optimizer", [
    "opt = tf.keras.optimizers.SGD(0.1)",
    "opt = tf.keras.optimizers.SGD(0.1, momentum=0.0)",
    "model.compile('sgd', loss='mse')",
    "",
])
def test_not_warned(optimizer):
    assert_migrates(HEAD + optimizer + "\n", rules=[EmbeddingSparseUpdates])
