"""Keras 2's reloads: of a SavedModel directory (for the .keras file that replaces it), and
of a Keras 2 .h5 file with what it was compiled with.

tf_keras 2.21's `load_model("dir")` of a SavedModel came back with the optimizer's
configuration but not its state: iterations 0, no slot variables (measured for Adam,
legacy Adam and SGD with momentum; .h5 and .keras files kept the state). Keras 3's
`.keras` reader restores the state, so training the reloaded model continues from where
the original stopped, and its numbers differ from Keras 2's. The migrator moves such
saves to `.keras` and wraps the reload in keras2_fresh_optimizer(...) where the file then
trains the reloaded model.
"""

__all__ = ["keras2_fresh_optimizer", "keras2_load_model"]


def keras2_fresh_optimizer(model):
    """`model` with its optimizer's state as a new optimizer of the same configuration
    has it (every variable at its initial value, iterations 0), as Keras 2 reloaded it
    from a SavedModel; the learning rate stays the saved one."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(optimizer, "built", False):
        return model
    fresh = optimizer.__class__.from_config(optimizer.get_config())
    fresh.build(model.trainable_variables)
    if len(fresh.variables) != len(optimizer.variables):
        return model  # a layout this helper does not know: left as loaded
    for old, new in zip(optimizer.variables, fresh.variables):
        if old is not getattr(optimizer, "_learning_rate", None):
            old.assign(new)
    return model


def keras2_load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """keras.saving.load_model that also restores what a Keras 2 .h5 file was compiled with.

    Keras 3.15 reads such a file's model and weights, but not its compile arguments: a
    loss saved by name ("mse") raises "Could not deserialize 'keras.metrics.mse'" and
    fails the whole load; a metric saved by name ("mae", "accuracy") comes back as a
    MeanMetricWrapper of a string ("'str' object is not callable" at the first fit); the
    optimizer state, assigned by position in an order Keras 2 did not write, is dropped
    with a warning or fails the first step on TensorFlow. Keras 2 restored all three. An
    .h5 file is read here without compiling and compiled from its training config (the
    loss-by-name failure hits .h5 files Keras 3 wrote too); the optimizer's variables are
    matched by name in a file Keras 2 wrote (its keras_version attribute), by position
    (as Keras 3 does) in others. Every other file goes to keras.saving.load_model."""
    import keras

    version = _h5_version(filepath) if compile else ""
    if not version:
        return keras.saving.load_model(filepath, custom_objects=custom_objects, compile=compile,
                                       safe_mode=safe_mode)
    model = keras.saving.load_model(filepath, custom_objects=custom_objects, compile=False, safe_mode=safe_mode)
    _compile_from_h5(model, filepath, custom_objects or {}, keras2=version.startswith("2."))
    return model


def _h5_version(filepath) -> str:
    """The keras_version of an .h5 model file ("2.21.0", or "?" without one); "" if
    `filepath` is not such a file."""
    import os

    path = os.fspath(filepath) if isinstance(filepath, (str, os.PathLike)) else ""
    if not path.endswith((".h5", ".hdf5")) or not os.path.isfile(path):
        return ""
    import h5py

    with h5py.File(path, mode="r") as f:
        version = f.attrs.get("keras_version")
    return (version.decode("utf-8") if hasattr(version, "decode") else str(version or "")) or "?"


def _compile_value(config, deserialize):
    """A loss / metric entry of a training config: names stay names (compile() resolves
    them), nested dicts and lists are walked, serialized objects are deserialized."""
    if config is None or isinstance(config, str):
        return config
    if isinstance(config, (list, tuple)):
        return [_compile_value(c, deserialize) for c in config]
    if isinstance(config, dict) and "class_name" not in config:
        return {k: _compile_value(v, deserialize) for k, v in config.items()}
    if config.get("class_name") == "function" and isinstance(config.get("config"), str):
        return config["config"]  # a Keras 2 function saved by name
    return deserialize(config)


# Keras 2 optimizer config keys Keras 3's optimizers refuse.
_KERAS2_OPTIMIZER_KEYS = ("is_legacy_optimizer", "jit_compile")


def _optimizer(config):
    """A Keras 2 optimizer config ("Custom>Adam": Keras 2 registered its optimizers so):
    Keras 3 deserializes that name to a string and its compatibility step then makes a
    default optimizer of the class, losing the learning rate, momentum, rho..."""
    import keras

    inner = {k: v for k, v in (config.get("config") or {}).items() if k not in _KERAS2_OPTIMIZER_KEYS}
    return keras.optimizers.deserialize({"class_name": config["class_name"].split(">")[-1], "config": inner})


def _loss(config):
    """A Keras 2 loss config: its `fn` (Keras 2's own key) dropped and reduction "auto" read
    as Keras 3's default, which Keras 3's classes otherwise refuse."""
    import keras

    inner = dict(config.get("config") or {})
    inner.pop("fn", None)
    if inner.get("reduction") == "auto":
        inner["reduction"] = "sum_over_batch_size"
    return keras.losses.deserialize({**config, "config": inner})


def _metric(config):
    """A Keras 2 metric config: MeanMetricWrapper of a function saved by name is rebuilt with
    Keras 3's function of that name (Keras 3 would keep the name as the function)."""
    import keras

    inner = config.get("config") or {}
    if config.get("class_name") == "MeanMetricWrapper" and isinstance(inner.get("fn"), str):
        fn = keras.metrics.get(inner["fn"])
        fn = getattr(fn, "_fn", fn)  # the function behind Keras 3's metric class of that name
        return keras.metrics.MeanMetricWrapper(fn, name=inner.get("name"), dtype=inner.get("dtype"))
    return keras.metrics.deserialize(config)


def _single_output_metrics(model, metrics):
    """Keras 2 saved a model's metrics as one list per output: [[...]] for one output."""
    if isinstance(metrics, list) and len(metrics) == 1 and isinstance(metrics[0], list) \
            and len(model.outputs or ()) <= 1:
        return metrics[0]
    return metrics


# Keras 2's optimizer slot names ("Adam/m/dense/kernel:0") -> Keras 3's ("..._momentum").
_SLOTS = {"m": "momentum", "v": "velocity", "vhat": "velocity_hat", "u": "norm"}


def _set_optimizer_state(model, group, keras2: bool) -> None:
    """Keras 2's optimizer variables (the file's optimizer_weights, named after their
    optimizer, slot, layer and weight) assigned to Keras 3's by name. Keras 3's .h5 reader
    assigns them by position, which Keras 2's order does not match: it warns and starts the
    optimizer afresh, so training after the reload differed from Keras 2's. All or none:
    a name with no match leaves the optimizer as new, with a warning."""
    import logging

    import numpy as np

    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    if not keras2:  # Keras 3's own layout, in its order (its .h5 reader's way)
        from keras.src.legacy.saving import legacy_h5_format

        try:
            optimizer.set_weights(legacy_h5_format.load_optimizer_weights_from_hdf5_group(group.file))
        except ValueError:
            logging.warning("keras2_load_model: the saved optimizer state does not fit this optimizer: it "
                            "starts freshly initialized")
        return
    slots = {v.name: v for v in optimizer.variables}
    owners = {"/".join(v.path.split("/")[-2:]): v.path.replace("/", "_") for v in model.trainable_variables}
    names = [n.decode("utf-8") if isinstance(n, bytes) else n for n in group.attrs.get("weight_names", [])]
    assignments = []
    for name in names:
        value = np.asarray(group[name])
        parts = name[:-2].split("/") if name.endswith(":0") else name.split("/")
        if parts[-1] == "iteration":
            target = optimizer.iterations
        else:
            owner = owners.get("/".join(parts[2:]))
            target = None if owner is None or len(parts) < 4 else slots.get(f"{owner}_{_SLOTS.get(parts[1], parts[1])}")
        if target is None or tuple(target.shape) != value.shape:
            logging.warning("keras2_load_model: the saved optimizer state (%s) has no place in this Keras 3 "
                            "optimizer: it starts freshly initialized", name)
            return
        assignments.append((target, value))
    for target, value in assignments:
        target.assign(value.astype(target.dtype))


def _compile_from_h5(model, filepath, custom_objects, keras2: bool) -> None:
    import json

    import h5py
    import keras
    from keras.src.legacy.saving import saving_utils

    with h5py.File(filepath, mode="r") as f:
        config = f.attrs.get("training_config")
        if config is None:
            return
        config = json.loads(config.decode("utf-8") if hasattr(config, "decode") else config)
        with keras.saving.CustomObjectScope(custom_objects):
            model.compile(
                optimizer=_optimizer(config["optimizer_config"]),
                loss=_compile_value(config.get("loss"), _loss),
                metrics=_single_output_metrics(model, _compile_value(config.get("metrics"), _metric)),
                weighted_metrics=_single_output_metrics(model, _compile_value(config.get("weighted_metrics"),
                                                                              _metric)),
                loss_weights=config.get("loss_weights"),
            )
        saving_utils.try_build_compiled_arguments(model)
        if "optimizer_weights" in f:
            _set_optimizer_state(model, f["optimizer_weights"], keras2)
