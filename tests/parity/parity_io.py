"""Helpers that parity programs import: result output and deterministic weights.

This module is deliberately framework-free (numpy only, duck-typed access to
models and tensors) so that it works unchanged under tf_keras 2, and under
Keras 3 on the TensorFlow, JAX and PyTorch backends. The migrator never needs
to touch it.
"""

import json
import os
import zlib

import numpy as np

__all__ = ["emit", "fill_weights", "seeded_array", "to_numpy"]


def to_numpy(value):
    """Converts a tensor of any backend (or a Python number/list) to numpy."""
    if hasattr(value, "detach"):  # torch tensors (possibly requiring grad)
        value = value.detach().cpu().numpy()
    elif hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()  # tf.Tensor, tf.Variable
    return np.asarray(value)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    array = to_numpy(value)
    if array.dtype.kind in "SUO":
        raise TypeError(f"parity results must be numeric, got {array.dtype}")
    return np.asarray(array, dtype=np.float64).tolist()


def emit(results):
    """Writes a dict of named numeric results to the JSON file $PARITY_OUT.

    Values may be numbers, numpy arrays, tensors of any backend, or
    (nested) lists/tuples/dicts of those. Without PARITY_OUT the results are
    printed, so a program can also be run by hand.
    """
    if not isinstance(results, dict):
        raise TypeError("emit() expects a dict of named results")
    payload = {name: _jsonable(value) for name, value in results.items()}
    path = os.environ.get("PARITY_OUT")
    if not path:
        print(json.dumps(payload, indent=1, sort_keys=True))
        return
    with open(path, "w") as f:
        json.dump(payload, f, sort_keys=True)


def seeded_array(shape, seed, low=-0.5, high=0.5):
    """A float32 array of `shape` drawn from numpy with a fixed seed."""
    rng = np.random.RandomState(seed)
    return rng.uniform(low, high, size=tuple(shape)).astype("float32")


def _short_name(weight):
    # tf_keras: "model/dense/kernel:0"; Keras 3: name "kernel".
    return str(weight.name).split("/")[-1].split(":")[0]


def _weight_value(shape, short_name, key):
    seed = zlib.crc32(key.encode()) & 0x7FFFFFFF
    rng = np.random.RandomState(seed)
    shape = tuple(int(d) for d in shape)
    if "variance" in short_name:
        return rng.uniform(0.5, 1.5, size=shape).astype("float32")
    if len(shape) >= 2:
        fan_in = int(np.prod(shape[:-1])) or 1
        limit = float(np.sqrt(3.0 / fan_in))
        return rng.uniform(-limit, limit, size=shape).astype("float32")
    return rng.uniform(-0.1, 0.1, size=shape).astype("float32")


def _leaf_layers(model):
    sub = getattr(model, "layers", None)
    if not (isinstance(sub, (list, tuple)) and sub):
        yield model  # a single layer
        return
    for layer in sub:
        sub = getattr(layer, "layers", None)
        if isinstance(sub, (list, tuple)) and sub:
            yield from _leaf_layers(layer)
        else:
            yield layer


def fill_weights(model, seed=0):
    """Sets every weight of a built model (or layer) to seeded, portable values.

    Keras 2 and Keras 3 draw different random numbers and even order
    `get_weights()` differently (Keras 2: all trainable weights first; Keras 3:
    layer by layer), so each weight's value is derived from a key that is the
    same in both: the index of its layer among the layers that own weights,
    the weight's short name ("kernel", "bias", ...) and how many weights of
    that name the layer has before it.
    """
    index = 0
    for layer in _leaf_layers(model):
        weights = list(layer.weights)
        if not weights:
            continue
        counts = {}
        values = []
        depthwise = any(c.__name__.removeprefix("Base").startswith("DepthwiseConv") for c in type(layer).__mro__)
        for w in weights:
            short = _short_name(w)
            if depthwise and short == "kernel":
                short = "depthwise_kernel"  # Keras 2's name of a DepthwiseConv weight (Keras 3: kernel)
            ordinal = counts.get(short, 0)
            counts[short] = ordinal + 1
            key = f"{seed}/{index}/{short}/{ordinal}"
            values.append(_weight_value(w.shape, short, key))
        layer.set_weights(values)
        index += 1
