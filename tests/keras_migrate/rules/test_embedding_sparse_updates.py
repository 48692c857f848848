"""KM121 embedding_sparse_updates: Embedding -> the runtime's dense-gradient subclass only
where an adaptive optimizer trains embeddings; subclasses reported."""

import pytest

from keras_migrate.rules.embedding_sparse_updates import EmbeddingSparseUpdates
from keras_migrate.testing import assert_migrates

HEAD = "import tensorflow as tf\nemb = tf.keras.layers.Embedding(100, 8)\n"
REWRITTEN = ("import tensorflow as tf\nfrom keras_migrate_runtime import Embedding as Keras2Embedding\n"
             "emb = Keras2Embedding(100, 8)\n")
SUBCLASS = "import tensorflow as tf\nclass Tokens(tf.keras.layers.Embedding):\n    pass\n"


@pytest.mark.parametrize("optimizer", [
    "opt = tf.keras.optimizers.Adam(1e-3)",
    "opt = tf.keras.optimizers.RMSprop()",
    "opt = tf.keras.optimizers.SGD(0.1, momentum=0.9)",
    "model.compile('adam', loss='mse')",
    "model.compile(optimizer='Adagrad', loss='mse')",
    "import tensorflow_addons as tfa\nopt = tfa.optimizers.AdamW(1e-4, 1e-3)",
])
def test_rewritten(optimizer):
    expected = REWRITTEN if "tf.keras" in optimizer else REWRITTEN.replace("import tensorflow as tf\n", "")  # unused
    assert_migrates(HEAD + optimizer + "\n", expected + optimizer + "\n", rules=[EmbeddingSparseUpdates])
    assert_migrates(SUBCLASS + optimizer + "\n", rules=[EmbeddingSparseUpdates], expected_diagnostics=["KM121"])


@pytest.mark.parametrize("import_line, call, kept", [
    ("from tensorflow.keras.layers import Embedding", "Embedding(10, 2)", ""),
    ("from tensorflow.keras import layers", "layers.Embedding(10, 2)", ""),
    ("from tensorflow import keras", "keras.layers.Embedding(input_dim=10, output_dim=2, mask_zero=True)",
     "from tensorflow import keras\n"),
])
def test_import_styles(import_line, call, kept):
    """The import that only bound Embedding goes; arguments are kept as written."""
    tail = "opt = tf.keras.optimizers.Adam()\n"
    arguments = call[call.index("("):]
    assert_migrates(f"{import_line}\nimport tensorflow as tf\nlayer = {call}\n{tail}",
                    f"{kept}import tensorflow as tf\nfrom keras_migrate_runtime import Embedding as Keras2Embedding\n"
                    f"layer = Keras2Embedding{arguments}\n{tail}", rules=[EmbeddingSparseUpdates])


@pytest.mark.parametrize("optimizer", [
    "opt = tf.keras.optimizers.SGD(0.1)",
    "opt = tf.keras.optimizers.SGD(0.1, momentum=0.0)",
    "model.compile('sgd', loss='mse')",
    "",
])
def test_left_alone(optimizer):
    assert_migrates(HEAD + optimizer + "\n", rules=[EmbeddingSparseUpdates])
    assert_migrates(SUBCLASS + optimizer + "\n", rules=[EmbeddingSparseUpdates])
