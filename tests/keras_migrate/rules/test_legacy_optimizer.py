from keras_migrate.rules.legacy_optimizer import LegacyOptimizer
from keras_migrate.testing import assert_migrates

RULES = [LegacyOptimizer]


def test_custom_loop_is_found_in_code_not_in_comments():
    # The file's code applies gradients: warned.
    assert_migrates(
        "from tensorflow import keras\nopt = keras.optimizers.legacy.SGD()\nstep = opt.apply_gradients\n",
        rules=RULES, expected_diagnostics=["KM122"],
    )
    # Only a comment or a string mentions apply_gradients: compile()/fit() own the optimizer.
    assert_migrates(
        "from tensorflow import keras\n"
        "# fit() calls apply_gradients for us\n"
        "model.compile(optimizer=keras.optimizers.legacy.Adam(1e-3), loss=\"mse\")\n"
        "print(\"no apply_gradients here\")\n",
        rules=RULES, expected_diagnostics=[],
    )
