"""spec.KERAS2_COMPILE_PARAMETERS is tf_keras's Model.compile() signature, in order (rules read
positional compile() arguments by these positions)."""

import inspect

import pytest

from keras_migrate.spec._keras3_renames import KERAS2_COMPILE_KEYWORDS, KERAS2_COMPILE_PARAMETERS

tf_keras = pytest.importorskip("tf_keras")


def test_positions_are_tf_keras_compile_signature():
    parameters = [p for p in inspect.signature(tf_keras.Model.compile).parameters.values()
                  if p.name != "self" and p.kind is not inspect.Parameter.VAR_KEYWORD]
    assert tuple(p.name for p in parameters) == KERAS2_COMPILE_PARAMETERS
    assert set(KERAS2_COMPILE_PARAMETERS) <= KERAS2_COMPILE_KEYWORDS
