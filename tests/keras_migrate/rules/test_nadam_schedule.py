from keras_migrate.rules.nadam_schedule import NadamSchedule
from keras_migrate.testing import assert_migrates


def test_legacy_nadam_spellings_become_the_runtime_class():
    # decay= is dropped: the legacy Nadam overwrote it with schedule_decay, Keras 3 rejects it.
    for before, after in (
        ("import tensorflow as tf\nopt = tf.keras.optimizers.legacy.Nadam(0.01, 0.8)\n",
         "from keras_migrate_runtime import LegacyNadam\nopt = LegacyNadam(0.01, 0.8)\n"),
        ("from tensorflow import keras\nopt = keras.optimizers.legacy.Nadam(\n    learning_rate=0.01, decay=0.1,\n)\n"
         "x = keras.layers.Dense(1)\n",
         "from tensorflow import keras\nfrom keras_migrate_runtime import LegacyNadam\n"
         "opt = LegacyNadam(\n    learning_rate=0.01,\n)\nx = keras.layers.Dense(1)\n"),
        ("from tensorflow.keras.optimizers.legacy import Nadam\nopt = Nadam(decay=0.1, epsilon=1e-4)\n",
         "from keras_migrate_runtime import LegacyNadam\nopt = LegacyNadam(epsilon=1e-4)\n"),
    ):
        result = assert_migrates(before, after, rules=[NadamSchedule])
        assert result.rules_fired.get("KM229")


def test_new_nadam_is_diagnosed_unless_run_eagerly():
    assert_migrates(
        """
        import keras
        from keras.optimizers import Nadam
        model.compile(Nadam(), "mse")
        model.compile(keras.optimizers.experimental.Nadam(1e-3), "mse")
        model.compile("Nadam", "mse")
        optimizer = keras.optimizers.get("nadam")
        model.compile(loss="mse", optimizer="adam")
        """,
        rules=[NadamSchedule], expected_diagnostics=["KM229"] * 4,
    )
    assert_migrates(
        """
        import keras
        model.compile(keras.optimizers.Nadam(), "mse", run_eagerly = True)
        """,
        rules=[NadamSchedule],
    )


def test_legacy_nadam_with_unpacked_arguments_is_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        opt = tf.keras.optimizers.legacy.Nadam(**config)
        """,
        rules=[NadamSchedule], expected_diagnostics=["KM229"],
    )
