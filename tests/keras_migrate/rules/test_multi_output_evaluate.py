from keras_migrate import migrate_source
from keras_migrate.rules.multi_output_evaluate import MultiOutputEvaluate
from keras_migrate.rules.output_losses_on_tensorflow import OutputLossesOnTensorflow
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


def test_unknown_output_names_take_keras2s_names_from_the_model_at_run_time():
    # Output layers without names: the list is picked in the order of
    # keras_migrate_runtime.keras2_metrics_names(model), Keras 2's.
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
        from keras_migrate_runtime import keras2_metrics_names

        def run(x, y):
            model = keras.Model(inp, outputs=(keras.layers.Dense(1)(h), keras.layers.Dense(1)(h)))
            model.compile(loss="mse", metrics=[["mse", "mae"], ["mse", "mae"]])
            return [logs[k] for logs in [model.evaluate(x, y, return_dict=True)] for k in keras2_metrics_names(model)]

        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics=[["mse", "mae"], ["mse", "mae"]])
        model_logs = model.evaluate(x, y, return_dict=True)
        total, l1, l2, m1, m2, m3, m4 = [model_logs[k] for k in keras2_metrics_names(model)]
        """,
        rules=RULES,
        # each compile: TensorFlow per-output losses (info)
        expected_diagnostics=["KM145", "KM145"],
    )


def test_evaluate_lists_read_in_expressions_keep_keras2_order():
    # keras-migrate's own multi-output probe: print(two.evaluate(...)) swapped the last
    # two numbers (Keras 3: cls_acc before reg_mse).
    assert_migrates(
        """
        import keras

        reg = keras.layers.Dense(1, name="reg")(h)
        cls = keras.layers.Dense(1, activation="sigmoid", name="cls")(h)
        two = keras.Model(inputs, [reg, cls])
        two.compile(optimizer="sgd", loss=["mae", "binary_crossentropy"], metrics=[["mse"], ["acc"]])
        print(two.evaluate(x, [y_reg, y_cls], verbose=0))
        scores.append(two.evaluate(x, [y_reg, y_cls]))
        two.evaluate(x, [y_reg, y_cls])
        a = b = two.evaluate(x, [y_reg, y_cls])
        """,
        """
        import keras

        reg = keras.layers.Dense(1, name="reg")(h)
        cls = keras.layers.Dense(1, activation="sigmoid", name="cls")(h)
        two = keras.Model(inputs, [reg, cls])
        two.compile(optimizer="sgd", loss=["mae", "binary_crossentropy"], metrics=[["mse"], ["acc"]])
        print([logs[k] for logs in [two.evaluate(x, [y_reg, y_cls], verbose=0, return_dict=True)] for k in ["loss", "reg_loss", "cls_loss", "reg_mse", "cls_acc"]])
        scores.append([logs[k] for logs in [two.evaluate(x, [y_reg, y_cls], return_dict=True)] for k in ["loss", "reg_loss", "cls_loss", "reg_mse", "cls_acc"]])
        two.evaluate(x, [y_reg, y_cls])
        a = b = [logs[k] for logs in [two.evaluate(x, [y_reg, y_cls], return_dict=True)] for k in ["loss", "reg_loss", "cls_loss", "reg_mse", "cls_acc"]]
        """,
        rules=RULES,
    )


def test_shared_metric_instance_is_copied_per_output():
    # Keras 2 gave each output a from_config() copy of a Metric instance (never the
    # instance itself); a function passes through the copy unchanged.
    assert_migrates(
        """
        import keras

        auc = keras.metrics.AUC()
        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics=[auc, keras.metrics.mae, custom_fn])
        """,
        """
        import keras
        from keras_migrate_runtime import keras2_copy_metric

        auc = keras.metrics.AUC()
        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics=[[keras2_copy_metric(auc), keras.metrics.mae, keras2_copy_metric(custom_fn)], [keras2_copy_metric(auc), keras.metrics.mae, keras2_copy_metric(custom_fn)]])
        """,
        rules=RULES,
    )


def test_metrics_expression_broadcast_at_runtime():
    assert_migrates(
        """
        import keras

        METRICS = [keras.metrics.AUC(name="auc"), "mae"]
        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics=METRICS)
        single = keras.Model(inp, a)
        single.compile(loss="mse", metrics=METRICS)
        """,
        """
        import keras
        from keras_migrate_runtime import keras2_broadcast_metrics

        METRICS = [keras.metrics.AUC(name="auc"), "mae"]
        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics=keras2_broadcast_metrics(METRICS, 2))
        single = keras.Model(inp, a)
        single.compile(loss="mse", metrics=METRICS)
        """,
        rules=RULES,
    )


def test_single_metric_goes_to_every_output():
    assert_migrates(
        """
        import keras

        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics="mae", weighted_metrics=keras.metrics.MeanSquaredError())
        """,
        """
        import keras

        model = keras.Model(inp, [a, b])
        model.compile(loss="mse", metrics=[["mae"], ["mae"]], weighted_metrics=[[keras.metrics.MeanSquaredError()], [keras.metrics.MeanSquaredError()]])
        """,
        rules=RULES,
    )


def test_sparse_label_outputs_get_keras2_labels():
    # Keras 2 expanded rank-1 labels to (batch, 1) before every metric: "mae" broadcast
    # the class ids against the (batch, k) probabilities; Keras 3 would fail (or
    # broadcast otherwise). accuracy and the sparse_* metrics read both shapes alike.
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras

        ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        reg = keras.layers.Dense(1, name="reg")(h)
        cls = keras.layers.Dense(3, name="cls")(h)
        model = keras.Model(inp, [reg, cls])
        model.compile(loss=["mse", ce], metrics=["mae", "accuracy"])
        model.compile(loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                      metrics={"reg": ["mae"], "cls": ["acc", keras.metrics.MeanSquaredError()]})
        model.compile(loss=["mse", ce], metrics=[["mae"], [keras.metrics.SparseCategoricalAccuracy(), "mse"]])
        classifier = keras.Model(inp, cls)
        classifier.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy", "mae"])
        """,
        """
        import tensorflow as tf
        from tensorflow import keras
        from keras_migrate_runtime import Keras2Metric

        ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        reg = keras.layers.Dense(1, name="reg")(h)
        cls = keras.layers.Dense(3, name="cls")(h)
        model = keras.Model(inp, [reg, cls])
        model.compile(loss=["mse", ce], metrics=[["mae", "accuracy"], [Keras2Metric("mae"), "accuracy"]])
        model.compile(loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                      metrics={"reg": ["mae"], "cls": ["acc", Keras2Metric(keras.metrics.MeanSquaredError())]})
        model.compile(loss=["mse", ce], metrics=[["mae"], [keras.metrics.SparseCategoricalAccuracy(), Keras2Metric("mse")]])
        classifier = keras.Model(inp, cls)
        classifier.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy", Keras2Metric("mae")])
        """,
        rules=RULES,
    )


def test_outputs_named_otherwise_by_keras3_are_diagnosed():
    # Dict outputs keyed otherwise than their layers: Keras 3 names results by the keys.
    assert_migrates(
        """
        import keras

        first = keras.layers.Dense(1, name="first")(h)
        other = keras.layers.Dense(1, name="dense_7")(h)
        named = keras.Model(inp, {"first": first, "second": other})
        named.compile(loss="mse")
        same = keras.Model(inp, {"first": first})
        same.compile(loss="mse")
        """,
        rules=RULES,
        expected_diagnostics=["KM145"],
    )


# A subclassed model returning several outputs: Keras 2 named them output_1, output_2
# (History "output_1_loss"); Keras 3 does so when the model lists output_names.
def test_subclassed_outputs_get_keras2_names():
    assert_migrates(
        """
        import keras

        class TwoHeads(keras.Model):
            def call(self, x):
                return self.a(x), self.b(x)

        class Three(keras.Model):
            \"\"\"Three heads.\"\"\"

            # one trunk
            def call(self, x):
                if x is None:
                    return [x, x, x]
                return [self.a(x), self.a(x), self.a(x)]

        class Named(keras.Model):
            def __init__(self):
                super().__init__()
                self.output_names = ["p", "q"]

            def call(self, x):
                return self.a(x), self.b(x)

        class Unused(keras.Model):
            def call(self, x):
                return self.a(x), self.b(x)

        model = TwoHeads()
        model.compile(loss="mse")
        three, named = Three(), Named()
        three = Three()
        named = Named()
        """,
        """
        import keras

        class TwoHeads(keras.Model):
            # Keras 2's names of this model's outputs (History keys "output_1_loss", ...)
            output_names = ["output_1", "output_2"]

            def call(self, x):
                return self.a(x), self.b(x)

        class Three(keras.Model):
            \"\"\"Three heads.\"\"\"
            # Keras 2's names of this model's outputs (History keys "output_1_loss", ...)
            output_names = ["output_1", "output_2", "output_3"]

            # one trunk
            def call(self, x):
                if x is None:
                    return [x, x, x]
                return [self.a(x), self.a(x), self.a(x)]

        class Named(keras.Model):
            def __init__(self):
                super().__init__()
                self.output_names = ["p", "q"]

            def call(self, x):
                return self.a(x), self.b(x)

        class Unused(keras.Model):
            def call(self, x):
                return self.a(x), self.b(x)

        model = TwoHeads()
        model.compile(loss="mse")
        three, named = Three(), Named()
        three = Three()
        named = Named()
        """,
        rules=RULES,
        expected_diagnostics=["KM145", "KM145"],
    )


# Item 11.3n: notebook-style files rebind one name to several models; each compile()
# and evaluate() belongs to the model bound at that point.
def test_rebound_name_single_output_after_multi_output():
    before = """
    import keras

    a = keras.layers.Dense(2, name="a")(x)
    b = keras.layers.Dense(3, name="b")(x)
    model = keras.Model(inp, [a, b])
    model.compile(loss="mse", metrics=["mae"])
    model.fit(x_train, [y_a, y_b])

    model = keras.Model(inp, a)
    model.compile(loss="mse", metrics=["mae"])
    loss, mae = model.evaluate(x_test, y_a)
    """
    after = """
    import keras

    a = keras.layers.Dense(2, name="a")(x)
    b = keras.layers.Dense(3, name="b")(x)
    model = keras.Model(inp, [a, b])
    model.compile(loss="mse", metrics=[["mae"], ["mae"]])
    model.fit(x_train, [y_a, y_b])

    model = keras.Model(inp, a)
    model.compile(loss="mse", metrics=["mae"])
    loss, mae = model.evaluate(x_test, y_a)
    """
    assert_migrates(before, after, rules=[MultiOutputEvaluate])


def test_rebound_name_multi_output_after_single_output_and_other_values():
    before = """
    import keras

    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(loss="mse", metrics=["mae"])
    model = build()
    model.compile(loss="mse", metrics=["mae"])
    b = keras.layers.Dense(3, name="b")(x)
    a = keras.layers.Dense(2, name="a")(x)
    model = keras.Model(inp, [b, a])
    model.compile(loss="mse", metrics=["mse", "mae"])
    results = model.evaluate(x_test, y_test)
    model, other = make_pair()
    results = model.evaluate(x_test, y_test)
    """
    after = """
    import keras

    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(loss="mse", metrics=["mae"])
    model = build()
    model.compile(loss="mse", metrics=["mae"])
    b = keras.layers.Dense(3, name="b")(x)
    a = keras.layers.Dense(2, name="a")(x)
    model = keras.Model(inp, [b, a])
    model.compile(loss="mse", metrics=[["mse", "mae"], ["mse", "mae"]])
    results = model.evaluate(x_test, y_test, return_dict=True)
    results = [results[k] for k in ["loss", "b_loss", "a_loss", "b_mse", "b_mae", "a_mse", "a_mae"]]
    model, other = make_pair()
    results = model.evaluate(x_test, y_test)
    """
    assert_migrates(before, after, rules=[MultiOutputEvaluate])


def test_function_sees_the_module_binding_and_shadows_it_locally():
    before = """
    import keras

    a = keras.layers.Dense(2, name="a")(x)
    b = keras.layers.Dense(3, name="b")(x)
    model = keras.Model(inp, [a, b])

    def train():
        model.compile(loss="mse", metrics=["mae"])

    def other():
        model = keras.Sequential([keras.layers.Dense(1)])
        model.compile(loss="mse", metrics=["mae"])
    """
    after = """
    import keras

    a = keras.layers.Dense(2, name="a")(x)
    b = keras.layers.Dense(3, name="b")(x)
    model = keras.Model(inp, [a, b])

    def train():
        model.compile(loss="mse", metrics=[["mae"], ["mae"]])

    def other():
        model = keras.Sequential([keras.layers.Dense(1)])
        model.compile(loss="mse", metrics=["mae"])
    """
    assert_migrates(before, after, rules=[MultiOutputEvaluate])



def test_multi_output_compile_with_a_loss_notes_tensorflow_per_output_losses():
    # One note: the two-output compile with one loss for both; not the single output, not
    # compile() without a loss.
    assert_migrates(
        "import keras\nmodel = keras.Model(inp, [a, b])\nmodel.compile('sgd', 'mse')\n"
        "single = keras.Model(inp, a)\nsingle.compile('sgd', 'mse')\nmodel.compile('sgd')\n",
        rules=RULES, expected_diagnostics=["KM145"])


def test_one_loss_per_output_is_said_once_by_km255():
    # A loss per output (or loss_weights per output): KM255's warning, not also KM145's
    # note on the same compile(); a list with one loss: neither (no per-output loss logged).
    rules = RULES + [OutputLossesOnTensorflow]
    model = "import keras\nmodel = keras.Model(inp, [a, b])\n"
    for compile_call in ("model.compile('sgd', ['mse', 'mae'])", "model.compile('sgd', loss={'a': 'mse', 'b': 'mae'})",
                         "model.compile('sgd', 'mse', loss_weights=[1.0, 0.5])"):
        result = migrate_source(model + compile_call + "\n", "t.py", rules=rules)
        assert [d.rule_id for d in result.diagnostics] == ["KM255"], compile_call
    result = migrate_source(model + "model.compile('sgd', ['mse', None])\n", "t.py", rules=rules)
    assert [d.rule_id for d in result.diagnostics if "TensorFlow backend" in d.message] == []


def test_one_loss_on_a_multi_output_model_is_said_where_its_key_is_read():
    model = ("import keras\nmodel = keras.Model(inp, [a, b])\n"
             "model.compile('sgd', {LOSS})\nhistory = model.fit(x, y)\n")
    for loss in ('["mse", None]', 'loss=[None, "mae"]', '{"a": "mse"}'):
        assert_migrates(model.replace("{LOSS}", loss) + "print(history.history['dense_1_loss'])\n",
                        rules=RULES, expected_diagnostics=["KM145"])
    # Not read: an info (History keys differ); two losses: nothing (KM255 warns).
    assert_migrates(model.replace("{LOSS}", '["mse", None]'), rules=RULES, expected_diagnostics=["KM145"])
    # Dict outputs the file does not spell out as a list: said from the loss alone.
    assert_migrates("import keras\na = keras.layers.Dense(1, name='a')(h)\nb = keras.layers.Dense(1, name='b')(h)\n"
                    "model = keras.Model(inp, {'a': a, 'b': b})\n"
                    "model.compile('sgd', loss={'a': 'mse', 'b': None})\n", rules=RULES,
                    expected_diagnostics=["KM145"])
    assert_migrates(model.replace("{LOSS}", '["mse", "mae"]') + "h = history.history['val_a_loss']\n",
                    rules=RULES, expected_diagnostics=[])
