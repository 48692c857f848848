"""The part-1 section tables name things that exist, with the names Keras really uses."""

import inspect
import re

import pytest

from keras_migrate.spec._guide_part1 import (
    AUTO_NAMED_METRICS,
    METRIC_NAME_EXCEPTIONS,
    SAVEDMODEL_READERS,
    XLA_UNSUPPORTED,
)


def _resolve(module, dotted):
    obj = module
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def test_xla_unsupported_and_savedmodel_readers_exist_in_tensorflow():
    tf = pytest.importorskip("tensorflow")
    for name in XLA_UNSUPPORTED + SAVEDMODEL_READERS:
        name = name.rstrip(".")
        if name.startswith("tensorflow.compat.v1."):
            continue  # not exposed as attributes of the v2 module tree
        assert _resolve(tf, name) is not None, name


def _snake_case(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def test_metric_default_names_match_installed_keras():
    keras = pytest.importorskip("keras")
    for cls_name in dir(keras.metrics):
        cls = getattr(keras.metrics, cls_name)
        if not (inspect.isclass(cls) and issubclass(cls, keras.metrics.Metric)):
            continue
        param = inspect.signature(cls).parameters.get("name")
        default = None if param is None else param.default
        if cls_name in AUTO_NAMED_METRICS:
            assert default is None, cls_name
        else:
            assert default == METRIC_NAME_EXCEPTIONS.get(cls_name, _snake_case(cls_name)), cls_name
