"""KM145 follows a model name in source order: notebooks and scripts reuse `model` for
one model after another (Deep Learning with Python's chapter 7 builds a two-output
model, then several single-output ones, all named `model`). Only the compile()/evaluate()
of the multi-output model it holds at that point may be rewritten."""

import pytest

from keras_migrate.rules.multi_output_evaluate import MultiOutputEvaluate
from keras_migrate.testing import assert_migrates

RULES = [MultiOutputEvaluate]

TWO_OUTPUTS = """
import keras
from keras import layers

inputs = keras.Input(shape=(4,))
a = layers.Dense(1, name="a")(inputs)
b = layers.Dense(1, name="b")(inputs)
"""


def test_rebinding_to_a_function_result_forgets_the_outputs():
    before = TWO_OUTPUTS + """
model = keras.Model(inputs, [a, b])
model.compile(loss="mse", metrics=["mae"])

def get_model():
    x = keras.Input(shape=(4,))
    return keras.Model(x, layers.Dense(1)(x))

model = get_model()
model.compile(loss="mse", metrics=["mae"])
test_metrics = model.evaluate(x, y)
"""
    after = before.replace('metrics=["mae"])\n\ndef', 'metrics=[["mae"], ["mae"]])\n\ndef', 1)
    assert_migrates(before, after, rules=RULES)


def test_rebinding_to_another_model_class_or_sequential():
    for rebind in ("model = keras.Sequential([layers.Dense(1)])",
                   "model = keras.models.load_model('m.keras')",
                   "model, history = train()",
                   "for model in candidates:\n    pass",
                   "with strategy.scope() as model:\n    pass"):
        before = TWO_OUTPUTS + f"""
model = keras.Model(inputs, [a, b])
{rebind}
model.compile(loss="mse", metrics=["mae"])
results = model.evaluate(x, y)
"""
        assert_migrates(before, rules=RULES)


def test_the_multi_output_model_bound_second_is_still_rewritten():
    before = TWO_OUTPUTS + """
model = keras.Sequential([layers.Dense(1)])
model.compile(loss="mse", metrics=["mae"])
model = keras.Model(inputs, [a, b])
model.compile(loss="mse", metrics=["mae", "mse"])
"""
    after = before.replace('metrics=["mae", "mse"]', 'metrics=[["mae", "mse"], ["mae", "mse"]]')
    assert_migrates(before, after, rules=RULES)


def test_a_global_bound_twice_is_not_guessed_from_a_function():
    before = TWO_OUTPUTS + """
model = keras.Model(inputs, [a, b])
model = keras.Sequential([layers.Dense(1)])

def train():
    model.compile(loss="mse", metrics=["mae"])
"""
    assert_migrates(before, rules=RULES)


@pytest.mark.xfail(strict=True, reason="main's BindingVersions resolves a global read in a function to the "
                                       "binding current where the def stands; the model is bound below it")
def test_a_global_bound_once_is_known_in_a_function():
    before = TWO_OUTPUTS + """
def train():
    model.compile(loss="mse", metrics=["mae"])

model = keras.Model(inputs, [a, b])
train()
"""
    after = before.replace('metrics=["mae"]', 'metrics=[["mae"], ["mae"]]')
    assert_migrates(before, after, rules=RULES)
