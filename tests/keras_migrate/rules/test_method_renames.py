from keras_migrate.rules.method_renames import MethodRenames
from keras_migrate.testing import assert_migrates

RULES = [MethodRenames]


def test_fit_generator_positional_arguments_become_keywords():
    assert_migrates(
        """
        from tensorflow import keras
        history = model.fit_generator(gen, 50, 3, 2, [cb], val, 5)
        """,
        """
        from tensorflow import keras
        history = model.fit(gen, steps_per_epoch=50, epochs=3, verbose=2, callbacks=[cb], validation_data=val, validation_steps=5)
        """,
        rules=RULES,
    )


def test_generator_keyword_becomes_x():
    assert_migrates(
        """
        import keras
        p = model.predict_generator(generator=gen, steps=2)
        """,
        """
        import keras
        p = model.predict(gen, steps=2, verbose=0)
        """,
        rules=RULES,
    )


def test_explicit_verbose_kept():
    assert_migrates(
        """
        import keras
        s = model.evaluate_generator(gen, verbose=1)
        """,
        """
        import keras
        s = model.evaluate(gen, verbose=1)
        """,
        rules=RULES,
    )


def test_unbindable_call_diagnosed():
    assert_migrates(
        """
        import keras
        model.fit_generator(*args, **kwargs)
        """,
        rules=RULES,
        expected_diagnostics=["KM111"],
    )


def test_multiline_layout_kept():
    assert_migrates(
        """
        import keras
        model.fit_generator(
            gen,
            steps_per_epoch=10,
            use_multiprocessing=False,
        )
        """,
        """
        import keras
        model.fit(
            gen,
            steps_per_epoch=10,
        )
        """,
        rules=RULES,
    )
