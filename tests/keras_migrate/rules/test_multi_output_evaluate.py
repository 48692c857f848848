from keras_migrate.rules.multi_output_evaluate import MultiOutputEvaluate
from keras_migrate.testing import assert_migrates

RULES = [MultiOutputEvaluate]


def test_single_output_and_per_output_metrics_untouched():
    assert_migrates(
        """
        import keras

        single = keras.Model(inp, out)
        single.compile(loss="mse", metrics=["mae"])
        double = keras.Model(inp, [a, b])
        double.compile(loss="mse", metrics=[["mae"], ["mse"]])
        loss, la, lb = keras.Model(inp, [a, b]).evaluate(x, y)
        """,
        rules=RULES,
    )


def test_unknown_output_names_diagnosed_on_evaluate():
    assert_migrates(
        """
        import keras

        def run(x, y):
            model = keras.Model(inp, outputs=(keras.layers.Dense(1)(h), keras.layers.Dense(1)(h)))
            model.compile(loss="mse", metrics=["mse", "mae"])
            return model.evaluate(x, y)

        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics=["mse", "mae"])
        total, l1, l2, m1, m2, m3, m4 = model.evaluate(x, y)
        """,
        """
        import keras

        def run(x, y):
            model = keras.Model(inp, outputs=(keras.layers.Dense(1)(h), keras.layers.Dense(1)(h)))
            model.compile(loss="mse", metrics=[["mse", "mae"], ["mse", "mae"]])
            return model.evaluate(x, y)

        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics=[["mse", "mae"], ["mse", "mae"]])
        total, l1, l2, m1, m2, m3, m4 = model.evaluate(x, y)
        """,
        rules=RULES,
        expected_diagnostics=["KM145"],
    )


def test_shared_metric_instance_is_diagnosed():
    assert_migrates(
        """
        import keras

        auc = keras.metrics.AUC()
        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics=[auc])
        """,
        rules=RULES,
        expected_diagnostics=["KM145"],
    )
