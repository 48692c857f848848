from keras_migrate.rules.imports import Imports
from keras_migrate.testing import assert_migrates

RULES = [Imports]


def test_alias_module_import():
    assert_migrates(
        """
        import tensorflow.keras as K
        import tensorflow.keras.backend as B
        m = K.models.Sequential()
        """,
        """
        import keras as K
        import keras.backend as B
        m = K.models.Sequential()
        """,
        rules=RULES,
    )


def test_compat_v1_and_module_alias_assignment():
    assert_migrates(
        """
        import tensorflow as tf
        keras = tf.keras
        layer = tf.compat.v1.keras.layers.Dense(3)
        """,
        """
        import tensorflow as tf
        import keras
        layer = keras.layers.Dense(3)
        """,
        rules=RULES,
    )


def test_mixed_from_import_is_split():
    assert_migrates(
        """
        from tensorflow import keras, nn  # both
        y = nn.relu
        """,
        """
        import keras  # both
        from tensorflow import nn
        y = nn.relu
        """,
        rules=RULES,
    )


def test_tensorflow_addons_adamw():
    assert_migrates(
        """
        import tensorflow_addons as tfa
        opt = tfa.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-4)
        """,
        """
        import keras
        opt = keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-4)
        """,
        rules=RULES,
    )


def test_star_import_is_diagnosed():
    assert_migrates(
        """
        from tensorflow.keras.layers import *
        x = Dense(3)
        """,
        expected_diagnostics=["KM100"],
        rules=RULES,
    )


def test_file_without_keras_untouched():
    src = "import numpy as np\n\nprint(np.ones(3))  # keras-free\n".replace("keras-free", "plain")
    assert_migrates(src, rules=RULES)


def test_removed_symbols_are_reported_at_their_import():
    from keras_migrate import migrate_source

    source = ("import os; from tensorflow.keras.layers import DenseFeatures\n"
              "from tensorflow.keras.wrappers.scikit_learn import KerasClassifier\n"
              "from tensorflow.keras.layers import (\n"
              "    Dense,\n"
              "    DenseFeatures as F,\n"
              ")\n")
    found = [(d.rule_id, d.line, d.column) for d in migrate_source(source, "m.py", rules=RULES).diagnostics]
    assert found == [("KM100", 1, 12), ("KM100", 2, 1), ("KM100", 3, 1)]


def test_normalize_keeps_keras2_axis():
    """Keras 3's normalize reads `axis or -1` (axis=0 becomes -1): Keras 2's from the runtime,
    however it is reached."""
    assert_migrates(
        "import numpy as np\n"
        "from tensorflow.keras.utils import normalize\n"
        "import tensorflow as tf\n"
        "m = np.ones((3, 2))\n"
        "a = normalize(m, axis=0, order=1)\n"
        "b = tf.keras.utils.normalize(m, 0)\n",
        "import numpy as np\n"
        "from keras_migrate_runtime import normalize\n"
        "import tensorflow as tf\n"
        "m = np.ones((3, 2))\n"
        "a = normalize(m, axis=0, order=1)\n"
        "b = normalize(m, 0)\n",
        rules=[Imports],
    )
