"""Installed from outside a verified program: records what it computes, makes runs comparable.

Runs inside the child process (Keras 2 = tf_keras, or Keras 3 on one backend), before the
program's own code. It
- records, in order: fit histories, evaluate / predict / *_on_batch results, outputs of
  model calls made by module-level code, and at the end the weights of every model seen;
- replaces every random initializer by a deterministic function of the variable's shape,
  its layer's name and its creation order among those, the same in both runs (see
  _determinism and _weight_owner);
- neutralises randomness that cannot be matched across Keras versions and backends:
  dropout / noise / random-augmentation layers run in inference mode, RNN and attention
  dropout is set to 0, user-level random ops (tf.random.*, keras.random.*, K.random_*)
  return deterministic values, fit() does not shuffle, tf.data shuffles with a fixed
  seed and the same order on every iteration; and notes each of these as a NOTE record,
  so the report says what was changed;
- caps epochs and steps when asked (corpus runs).
Nothing here imports keras_migrate's migrator (no libcst in the child).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
import sys
import threading
import time
import traceback
from typing import Any, Callable, Dict, List, Optional

import numpy as np

from keras_migrate.verify import _determinism
from keras_migrate.verify._records import (
    CALL, CRASH, EVALUATE, EXIT, FIT, NOTE, PREDICT, PREDICT_ON_BATCH, NamedList, Record, RecordWriter,
    TEST_ON_BATCH, TRAIN_ON_BATCH, WEIGHTS, named_evaluate_list,
)

__all__ = [
    "Config",
    "Recorder",
    "deterministic_random",
    "identity_dropout",
    "install",
    "neutralize_layers",
    "patch_initializers",
    "patch_loaders",
    "patch_layer_call",
    "patch_model_api",
    "to_numpy",
    "zero_dropout_args",
]


@dataclasses.dataclass
class Config:
    keras: int  # 2 or 3
    records_dir: str
    max_epochs: Optional[int] = None
    max_steps: Optional[int] = None
    max_batch: Optional[int] = None  # smaller batches in every run (tf.data: rebatch)
    neutralize: bool = True
    synthetic_data: bool = False
    fixtures: Optional[str] = None  # extra synthetic-data builders (see _synthetic)
    # Keras 3 runs: original root -> migrated mirror (see _hook).
    root: Optional[str] = None
    mirror: Optional[str] = None
    # Relative size of a fixed pseudo-random perturbation of the deterministic initial
    # values (0: none). verify's second noise-floor run: Keras 2 from initial weights a
    # few float32 roundings away.
    perturb: float = 0.0


class _Symbolic(Exception):
    """A value with no concrete numbers (traced, symbolic): not recordable."""


def to_numpy(value: Any) -> Any:
    """Tensors of any framework -> numpy, recursively; raises _Symbolic for traced values."""
    if value is None or isinstance(value, (bool, int, float, str, np.ndarray, np.generic)):
        return value
    if isinstance(value, dict):
        return {str(k): to_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_numpy(v) for v in value]
    module = type(value).__module__
    if module.startswith("torch"):
        return value.detach().cpu().numpy()
    if "Tracer" in type(value).__name__ or "KerasTensor" in type(value).__name__:
        raise _Symbolic()
    if hasattr(value, "numpy"):
        try:
            return np.asarray(value.numpy())
        except Exception as exc:  # graph tensors: no numpy()
            raise _Symbolic() from exc
    if hasattr(value, "__array__"):
        try:
            return np.asarray(value)
        except Exception as exc:
            raise _Symbolic() from exc
    if hasattr(value, "history") and isinstance(getattr(value, "history"), dict):
        return to_numpy(value.history)
    raise _Symbolic()


class _State(threading.local):
    def __init__(self) -> None:
        self.depth = 0  # nested layer calls
        self.in_api = 0  # inside fit / evaluate / predict / ...


class Recorder:
    def __init__(self, config: Config) -> None:
        self.config = config
        name = f"{time.time_ns():020d}-{os.getpid()}.rec"
        self.writer = RecordWriter(os.path.join(config.records_dir, name))
        self.state = _State()
        self.models: List[Any] = []
        self.counts: Dict[str, int] = {}
        self.notes: Dict[str, int] = {}
        self._init_ordinals: Dict[tuple, int] = {}
        self._loading = 0  # load_model calls under way (their layers' initial values are overwritten)
        self._user_roots = [os.path.abspath(p) for p in (config.root, config.mirror) if p]
        self._library_roots = tuple(
            os.path.abspath(p) for p in {sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(__file__))}
        )

    # -- records --------------------------------------------------------------------
    def write(self, kind: str, label: str, value: Any, where: str = "") -> None:
        self.writer.write(Record(kind, label, value, where))

    def note(self, what: str) -> None:
        """Something the run changed or could not match; summarised once at exit."""
        self.notes[what] = self.notes.get(what, 0) + 1

    def model_index(self, model) -> int:
        for i, seen in enumerate(self.models):
            if seen is model:
                return i + 1
        self.models.append(model)
        return len(self.models)

    def label(self, kind: str, model) -> str:
        index = self.model_index(model)
        key = f"{kind}/{index}"
        self.counts[key] = self.counts.get(key, 0) + 1
        return f"{kind} #{self.counts[key]} of model #{index} ({type(model).__name__})"

    def user_frame(self):
        frame = sys._getframe(2)
        while frame is not None:
            filename = os.path.abspath(frame.f_code.co_filename)
            if not filename.startswith(self._library_roots) and not filename.startswith("<frozen"):
                return frame
            frame = frame.f_back
        return None

    def where(self) -> str:
        frame = self.user_frame()
        return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame else ""

    def record_value(self, kind: str, model, value: Any) -> None:
        try:
            data = NamedList(to_numpy(value.values), value.names) if isinstance(value, NamedList) else to_numpy(value)
        except _Symbolic:
            return
        self.write(kind, self.label(kind, model), data, self.where())

    def finish(self, exc: Optional[BaseException] = None) -> None:
        if exc is None:
            for i, model in enumerate(self.models, 1):
                try:
                    self.write(WEIGHTS, f"final weights of model #{i} ({type(model).__name__})", model_weights(model))
                except Exception as err:  # a half-built model: say so, compare the rest
                    self.write(WEIGHTS, f"final weights of model #{i} ({type(model).__name__})",
                               {"unavailable": f"{type(err).__name__}: {err}"})
        if self.notes:
            self.write(NOTE, "neutralised", dict(sorted(self.notes.items())))
        if exc is not None:
            self.write(CRASH, type(exc).__name__, describe_exception(exc, self._user_roots))
        else:
            self.write(EXIT, "exit", 0)
        self.writer.close()


def describe_exception(exc: BaseException, user_roots) -> dict:
    frames = traceback.extract_tb(exc.__traceback__)
    user = [f for f in frames if any(os.path.abspath(f.filename).startswith(r) for r in user_roots)]
    at = (user or frames or [None])[-1]
    return {
        "type": type(exc).__name__,
        "message": str(exc).strip().splitlines()[0][:500] if str(exc).strip() else "",
        "file": at.filename if at else "",
        "line": at.lineno if at else 0,
        "code": (at.line or "") if at else "",
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-6000:],
    }


# -- weights -------------------------------------------------------------------------
def _leaf_layers(layer):
    sub = getattr(layer, "layers", None)
    if not (isinstance(sub, (list, tuple)) and sub) or layer is None:
        yield layer
        return
    for child in sub:
        if child is layer:
            continue
        yield from _leaf_layers(child)


def _bookkeeping(layer, weight) -> bool:
    """Internal counters no output depends on, which the Keras versions keep differently:
    Normalization's `count` (Keras 2's adapt() accumulates it, Keras 3's leaves it at 0;
    mean and variance, which are compared, are what normalises); and Keras 2's handles
    on a lookup layer's vocabulary table (IntegerLookup / StringLookup /
    TextVectorization list a VocabWeightHandler, which holds no array; Keras 3 lists
    none: the vocabulary shows in every output the layer makes)."""
    if type(weight).__name__.endswith("WeightHandler"):
        return True
    name = str(getattr(weight, "path", None) or getattr(weight, "name", ""))
    return type(layer).__name__ == "Normalization" and name.split("/")[-1].split(":")[0] == "count"


def model_weights(model) -> list:
    """Per leaf layer that owns weights: trainable then non-trainable values.

    Keras 2 lists all trainable weights of a model first; Keras 3 goes layer by layer:
    walking the layers makes the two comparable.
    """
    out = []
    for layer in _leaf_layers(model):
        trainable = [to_numpy(w) for w in getattr(layer, "trainable_weights", [])]
        frozen = [to_numpy(w) for w in getattr(layer, "non_trainable_weights", []) if not _bookkeeping(layer, w)]
        if trainable or frozen:
            out.append({"layer": type(layer).__name__, "trainable": trainable, "non_trainable": frozen})
    return out


# -- the patches -----------------------------------------------------------------------
_RECORDER: Optional[Recorder] = None


def _no_autograph(fn: Callable) -> Callable:
    """Our stand-ins run as written inside tf.function: AutoGraph must not rewrite their
    Python control flow (it turns shape checks into graph ops that then hit numpy)."""
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return fn
    return tf.autograph.experimental.do_not_convert(fn)


def _wrap(owner, name: str, make: Callable[[Callable], Callable]) -> None:
    original = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
    if original is None:
        original = getattr(owner, name, None)
    if original is None or getattr(original, "__keras_migrate_verify__", False):
        return
    wrapped = make(original)
    functools.update_wrapper(wrapped, original)
    # Frameworks read argspecs (Keras 3's Operation.__new__ reads __init__'s with
    # getfullargspec, which ignores __wrapped__ but honours __signature__).
    try:
        wrapped.__signature__ = inspect.signature(original)
    except (TypeError, ValueError):
        pass
    outer = _no_autograph(wrapped)
    outer.__keras_migrate_verify__ = wrapped.__keras_migrate_verify__ = True
    setattr(owner, name, outer)


def _cap_array_like(value, n):
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _cap_array_like(v, n) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and value and not np.isscalar(value[0]):
        return type(value)(_cap_array_like(v, n) for v in value)
    if hasattr(value, "iloc"):
        return value.iloc[:n]
    if isinstance(value, np.ndarray) or (hasattr(value, "shape") and hasattr(value, "__getitem__")
                                          and getattr(value, "ndim", 0) > 0 and not _is_dataset(value)):
        return value[:n]
    return value


def _is_dataset(value) -> bool:
    return type(value).__name__.endswith("Dataset") and hasattr(value, "take") and hasattr(value, "element_spec")


def _capped(rec: Recorder, dataset, steps: int):
    """dataset.take(steps), with its number of batches known when the pipeline's was.

    rebatch() (--max-batch) makes the cardinality unknown, and Keras 2 then counts an
    extra optimizer step at the end of the first epoch (model.optimizer.iterations is 7
    after 2 epochs of 3 batches): Adam's bias correction is off by one from the second
    epoch on, a difference the harness made, not the program (keras.io's focal_modulation).
    Counting the capped pipeline costs at most `steps` batches, the same in every run."""
    capped = dataset.take(steps)
    try:
        import tensorflow as tf

        unknown = int(capped.cardinality()) == int(tf.data.UNKNOWN_CARDINALITY)
        if unknown and int(dataset.cardinality()) != int(tf.data.UNKNOWN_CARDINALITY) or (
                unknown and getattr(dataset, "_keras_migrate_rebatched", False)):
            count = sum(1 for _ in capped)
            capped = capped.apply(tf.data.experimental.assert_cardinality(count))
            rec.note("tf.data pipelines capped by --max-steps keep a known number of batches")
    except Exception:  # noqa: BLE001 - leave the pipeline as it was
        return dataset.take(steps)
    return capped


def _small_batches(rec: Recorder, dataset, note: str):
    size = rec.config.max_batch
    if not size or not _batched_alike(dataset):
        return dataset
    try:
        rebatched = dataset.rebatch(size)
    except Exception:  # not a batched dataset: leave it
        return dataset
    rec.note(note)
    try:  # (whether the original's cardinality was known: see _capped)
        rebatched._keras_migrate_rebatched = int(dataset.cardinality()) >= 0
    except Exception:  # noqa: BLE001
        pass
    return rebatched


def _batched_alike(dataset) -> bool:
    """rebatch() splits every component along its first axis: only for elements whose
    components share one (not a batch of graphs merged into one graph, as in MPNN, where
    atoms, bonds and labels have different first sizes). Looks at the first element."""
    try:
        import tensorflow as tf

        element = next(iter(dataset.take(1)))
        sizes = {t.shape[0] if t.shape.rank else None for t in tf.nest.flatten(element) if hasattr(t, "shape")}
    except Exception:  # noqa: BLE001 - not a dataset we can look into: leave it
        return False
    return len(sizes) == 1 and None not in sizes


def _in_memory(x) -> bool:
    return isinstance(x, (np.ndarray, list, tuple, dict)) or hasattr(x, "iloc") or hasattr(x, "shape")


def _cap_inputs(rec: Recorder, bound: inspect.BoundArguments, x_name: str, steps_name: Optional[str],
                extra=("y", "sample_weight"), uncapped_arrays: bool = False) -> Optional[Callable[[], None]]:
    """Caps what one fit / evaluate / predict reads; returns what undoes a change made to
    the program's own object (a capped Sequence), if any."""
    restore = None
    args = bound.arguments
    x = args.get(x_name)
    max_batch = rec.config.max_batch
    if _is_dataset(x):
        x = args[x_name] = _small_batches(rec, x, f"tf.data batches split to {max_batch} (--max-batch)")
    elif max_batch and "batch_size" in bound.signature.parameters and not callable(getattr(x, "__next__", None)):
        if (args.get("batch_size") or 32) > max_batch:
            args["batch_size"] = max_batch
            rec.note(f"batch_size at most {max_batch} (--max-batch)")
    steps = rec.config.max_steps
    if not steps:
        return
    if _is_dataset(x):
        args[x_name] = _capped(rec, x, steps)
        rec.note(f"{x_name}: at most {steps} batches per pass (--max-steps)")
    elif _in_memory(x):
        if uncapped_arrays:
            return
        batch = args.get("batch_size") or 32
        n = batch * steps
        args[x_name] = _cap_array_like(x, n)
        for name in extra:
            if name in args:
                args[name] = _cap_array_like(args[name], n)
        rec.note(f"{x_name}: at most {steps} batches per pass (--max-steps)")
    elif _is_sequence(x):
        restore = _capped_sequence(x, steps)
        rec.note(f"{x_name}: at most {steps} batches per pass (--max-steps)")
    elif steps_name:
        given = args.get(steps_name)
        if given is None and hasattr(x, "__len__"):
            try:
                given = len(x)
            except TypeError:
                given = None
        args[steps_name] = min(given, steps) if given else steps
        rec.note(f"{x_name}: at most {steps} batches per pass (--max-steps)")
    if steps_name and args.get(steps_name):
        args[steps_name] = min(args[steps_name], steps)
    return restore


def _is_sequence(x) -> bool:
    """A keras.utils.Sequence / PyDataset: batches by index."""
    return callable(getattr(type(x), "__getitem__", None)) and callable(getattr(type(x), "__len__", None)) \
        and callable(getattr(x, "on_epoch_end", None))


def _capped_sequence(sequence, steps: int):
    """The Sequence read as its first `steps` batches, every epoch: capping it with
    steps_per_epoch would not do, as Keras 2 starts a Sequence at batch 0 each epoch and
    Keras 3 goes on where the last epoch stopped. Returns what undoes it (the program's
    own len() after the call is unchanged)."""
    cls = type(sequence)

    def __len__(self):
        return min(steps, cls.__len__(self))

    sequence.__class__ = type(cls.__name__, (cls,), {"__len__": __len__, "__module__": cls.__module__,
                                                     "__qualname__": cls.__qualname__})
    return lambda: setattr(sequence, "__class__", cls)


def patch_model_api(rec: Recorder, Model) -> None:
    def api(kind: str, x_name: str = "x", steps_name: Optional[str] = None):
        def make(original):
            signature = inspect.signature(original)

            def method(self, *args, **kwargs):
                state = rec.state
                if state.in_api or state.depth:
                    return original(self, *args, **kwargs)
                try:
                    bound = signature.bind(self, *args, **kwargs)
                except TypeError:
                    return original(self, *args, **kwargs)
                restore = None
                if kind == FIT:
                    restore = _prepare_fit(rec, bound)
                elif kind == EVALUATE:
                    restore = _cap_inputs(rec, bound, x_name, steps_name)
                elif kind == PREDICT:
                    # Arrays are predicted whole: programs index the result by their inputs
                    # (keras.io molecule_generation predicts 1,000 latents and reads row
                    # 999); a pipeline or generator is capped like evaluate's.
                    restore = _cap_inputs(rec, bound, x_name, steps_name, uncapped_arrays=True)
                state.in_api += 1
                try:
                    result = original(*bound.args, **bound.kwargs)
                finally:
                    state.in_api -= 1
                    if restore is not None:
                        restore()
                value = result.history if kind == FIT else result
                if kind == EVALUATE and rec.config.keras == 2:
                    value = named_evaluate_list(value, getattr(self, "metrics_names", None))
                rec.record_value(kind, self, value)
                return result

            return method

        return make

    _wrap(Model, "fit", api(FIT, "x", "steps_per_epoch"))
    _wrap(Model, "evaluate", api(EVALUATE, "x", "steps"))
    _wrap(Model, "predict", api(PREDICT, "x", "steps"))
    _wrap(Model, "train_on_batch", api(TRAIN_ON_BATCH))
    _wrap(Model, "test_on_batch", api(TEST_ON_BATCH))
    _wrap(Model, "predict_on_batch", api(PREDICT_ON_BATCH))


def _prepare_fit(rec: Recorder, bound: inspect.BoundArguments) -> Optional[Callable[[], None]]:
    args = bound.arguments
    if rec.config.neutralize and args.get("shuffle", True) and not _is_dataset(args.get("x")):
        args["shuffle"] = False
        rec.note("fit(shuffle=True) run without shuffling (shuffle order differs across Keras versions)")
    cap = rec.config.max_epochs
    if cap:
        initial = int(args.get("initial_epoch") or 0)
        epochs = int(args.get("epochs", 1) or 1)
        if epochs - initial > cap:
            args["epochs"] = initial + cap
            rec.note(f"fit: at most {cap} epochs (--max-epochs)")
    restore = _cap_inputs(rec, bound, "x", "steps_per_epoch")
    steps = rec.config.max_steps
    validation = args.get("validation_data")
    if _is_dataset(validation):
        validation = args["validation_data"] = _small_batches(
            rec, validation, f"tf.data batches split to {rec.config.max_batch} (--max-batch)")
    if steps and validation is not None:
        if _is_dataset(validation):
            args["validation_data"] = _capped(rec, validation, steps)
        elif isinstance(validation, (tuple, list)):
            batch = args.get("validation_batch_size") or args.get("batch_size") or 32
            args["validation_data"] = tuple(_cap_array_like(v, batch * steps) for v in validation)
        if args.get("validation_steps"):
            args["validation_steps"] = min(args["validation_steps"], steps)
    return restore


def _under_gradient_tape() -> bool:
    """A TensorFlow gradient tape is recording (only where TensorFlow is loaded)."""
    record = sys.modules.get("tensorflow.python.eager.record")
    return record is not None and bool(record.could_possibly_record())


def patch_layer_call(rec: Recorder, Layer, Model) -> None:
    def make(original):
        def __call__(self, *args, **kwargs):
            state = rec.state
            if state.depth or state.in_api or not isinstance(self, Model):
                state.depth += 1
                try:
                    return original(self, *args, **kwargs)
                finally:
                    state.depth -= 1
            state.depth += 1
            try:
                out = original(self, *args, **kwargs)
            finally:
                state.depth -= 1
            # Only calls made by module-level code: calls inside the program's own
            # functions (training loops, often traced) show up in the final weights. So do
            # module-level calls a gradient tape records (a training step written at top
            # level, a function once migrated).
            frame = rec.user_frame()
            if frame is not None and frame.f_code.co_name == "<module>" and kwargs.get("training") is not True \
                    and not _under_gradient_tape():
                rec.record_value(CALL, self, out)
            return out

        return __call__

    _wrap(Layer, "__call__", make)


# -- determinism -------------------------------------------------------------------------
def _initializer_kind(init) -> Optional[tuple]:
    names = [c.__name__ for c in type(init).__mro__]
    if "VarianceScaling" in names:
        return "variance_scaling", {"scale": init.scale, "mode": init.mode}
    if "Orthogonal" in names or "OrthogonalInitializer" in names:
        return "orthogonal", {"gain": getattr(init, "gain", 1.0)}
    if "TruncatedNormal" in names:
        return "truncated_normal", {"mean": init.mean, "stddev": init.stddev}
    if "RandomNormal" in names:
        return "normal", {"mean": init.mean, "stddev": init.stddev}
    if "RandomUniform" in names:
        return "uniform", {"minval": init.minval, "maxval": init.maxval}
    return None


def _weight_owner() -> Optional[str]:
    """The name of the layer whose weight (or tf.Variable's initial value) the running
    initializer call makes, or None outside layers.

    Counting creation order per (layer name, shape) rather than per shape keeps the two
    runs aligned where one builds a layer the other never builds (Keras 2 built a
    Sequential model's added layer at once: handson-ml2's transfer learning discards such
    a model, and every later layer of that shape got another ordinal). Layer names are
    given at construction, alike in Keras 2 and 3. The layer is the nearest `self` that
    is a layer: add_weight's, or build()'s where Keras 2 code called the initializer for
    a tf.Variable that the migrated code makes with add_weight; for a Keras 3 variable
    initialised later (JAX), the last scope of its path."""
    frame = sys._getframe(2)
    for _ in range(48):
        if frame is None:
            return None
        owner = frame.f_locals.get("self")
        if owner is not None:
            if frame.f_code.co_name == "_initialize_with_initializer":
                path = getattr(owner, "_path", None)
                if isinstance(path, str) and "/" in path:
                    return path.split("/")[-2]
            elif hasattr(type(owner), "add_weight") and isinstance(getattr(owner, "name", None), str):
                return owner.name
        frame = frame.f_back
    return None


def patch_initializers(rec: Recorder, classes, to_tensor, throwaway: Callable[[], bool] = lambda: False) -> None:
    """`throwaway()` is true where the framework discards the value (Keras 3 on JAX
    initialises variables made during symbolic tracing a second time): such calls must
    not advance the creation order."""

    def make(original):
        def __call__(self, shape, dtype=None, **kwargs):
            kind = _initializer_kind(self)
            try:
                static = tuple(int(d) for d in shape)
            except (TypeError, ValueError):
                static = None
            if kind is None or static is None:
                return original(self, shape, dtype=dtype, **kwargs)
            if throwaway() or rec._loading:
                ordinal = -1
            else:
                owner = _weight_owner()
                ordinal = rec._init_ordinals.get((owner, static), 0)
                rec._init_ordinals[(owner, static)] = ordinal + 1
                if owner is not None:
                    ordinal = f"{owner}/{ordinal}"
            values = _determinism.initializer_values(kind[0], kind[1], static, ordinal)
            if rec.config.perturb:
                values = _determinism.perturbed(values, static, ordinal, rec.config.perturb)
            rec.note("random initializers replaced by deterministic values (same in both runs)")
            return to_tensor(values, dtype)

        return __call__

    for cls in classes:
        if cls is not None and "__call__" in cls.__dict__:
            _wrap(cls, "__call__", make)


def patch_loaders(rec: Recorder, loaders) -> None:
    """Calls of the (module, function name) `loaders` (the model-file readers that every
    public load_model reaches through a module attribute) do not advance the
    initializers' creation order: the values are overwritten by the file's, and Keras
    2's .h5 loading and Keras 3's .keras loading build different numbers of variables (a
    bidirectional LSTM model: 7 vs 9), which shifted every model made after a reload."""
    for owner, name in loaders:
        original = getattr(owner, name, None)
        if original is None or getattr(original, "_km_loader", False):
            continue

        def make(original):
            @functools.wraps(original)
            def load(*args, **kwargs):
                rec._loading += 1
                try:
                    return original(*args, **kwargs)
                finally:
                    rec._loading -= 1

            load._km_loader = True
            return load

        setattr(owner, name, make(original))


def neutralize_layers(rec: Recorder, classes) -> None:
    """Random layers run as at inference in both runs (identity for dropout and noise)."""
    for cls in classes:
        if cls is None:
            continue

        def make(original, name=cls.__name__):
            # Exactly (inputs, training): Keras 2 reads call()'s argspec to decide what to
            # pass (a **kwargs would make it pass `mask`, which the layer does not take).
            def call(self, inputs, training=None):
                if training is not False:
                    rec.note(f"{name} layers run in inference mode (random)")
                return original(self, inputs, training=False)

            return call

        _wrap(cls, "call", make)


def zero_dropout_args(rec: Recorder, classes) -> None:
    for cls in classes:
        if cls is None:
            continue

        def make(original, name=cls.__name__):
            def __init__(self, *args, **kwargs):
                for key in ("dropout", "recurrent_dropout"):
                    if kwargs.get(key):
                        kwargs[key] = 0.0
                        rec.note(f"{name}({key}=...) set to 0 (random)")
                return original(self, *args, **kwargs)

            return __init__

        _wrap(cls, "__init__", make)


def _static_shape(shape):
    try:
        return tuple(int(d) for d in shape)
    except Exception:
        return None


# Layers that draw random numbers in training (run in inference mode in both runs),
# and layers whose dropout arguments are set to 0: the same names in Keras 2 and 3.
RANDOM_LAYERS = (
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
    "GaussianDropout", "AlphaDropout", "RandomFlip", "RandomRotation", "RandomZoom",
    "RandomTranslation", "RandomCrop", "RandomContrast", "RandomBrightness", "RandomHeight",
    "RandomWidth",
)
DROPOUT_ARG_LAYERS = (
    "LSTM", "GRU", "SimpleRNN", "LSTMCell", "GRUCell", "SimpleRNNCell", "ConvLSTM1D",
    "ConvLSTM2D", "ConvLSTM3D", "Attention", "AdditiveAttention",
)


# User-level random functions: (distribution, parameter names in positional order).
# One table for tf.random, keras.random and keras.backend (K.random_*).
RANDOM_SPECS = {
    "normal": ("normal", ("shape", "mean", "stddev", "dtype", "seed")),
    "uniform": ("uniform", ("shape", "minval", "maxval", "dtype", "seed")),
    "truncated_normal": ("truncated_normal", ("shape", "mean", "stddev", "dtype", "seed")),
    "random_normal": ("normal", ("shape", "mean", "stddev", "dtype", "seed")),
    "random_uniform": ("uniform", ("shape", "minval", "maxval", "dtype", "seed")),
    "stateless_normal": ("normal", ("shape", "seed", "mean", "stddev", "dtype")),
    "stateless_uniform": ("uniform", ("shape", "seed", "minval", "maxval", "dtype")),
    "stateless_truncated_normal": ("truncated_normal", ("shape", "seed", "mean", "stddev", "dtype")),
    "randint": ("uniform", ("shape", "minval", "maxval", "dtype", "seed")),
    "shuffle": ("shuffle", ("x", "axis", "seed")),
    # (tf.random and keras.random; TF Probability's Categorical samples through the stateless one)
    "categorical": ("categorical", ("logits", "num_samples", "dtype", "seed")),
    "stateless_categorical": ("categorical", ("logits", "num_samples", "seed", "dtype")),
}
_DEFAULTS = {"mean": 0.0, "stddev": 1.0, "minval": 0.0, "maxval": None, "dtype": None, "axis": 0}


def _param_key(value) -> str:
    """A random op's parameter as its values' key: a number as written; a scalar tensor
    by its value (its str() names the backend's tensor type: `tf.random.normal(shape,
    stddev=tf.sqrt(...))` drew other values on each backend, handson-ml2)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return str(value)
    try:
        return str(float(value))
    except (TypeError, ValueError):  # not a scalar, or a traced value
        return str(value)


def deterministic_random(rec: Recorder, module, names, tensor_ops, to_tensor, label: str) -> None:
    """Replaces user-level random functions `names` of `module` (tf.random, keras.random,
    K): values are a function of shape and parameters only, the same in every run."""

    def uniform01(shape, salt):
        static = _static_shape(shape)
        if static is not None:
            return to_tensor(_determinism.hash_uniform_np(static, salt), "float32")
        return _determinism.hash_uniform_ops(tensor_ops, tensor_ops.as_shape(shape), salt)

    def sample(kind, a):
        if kind == "categorical":
            # inverse CDF: the class whose cumulative probability first reaches u
            logits = a["logits"]
            u = uniform01((tensor_ops.dim(logits, 0), a["num_samples"]), _determinism.salt_for(kind))
            return tensor_ops.categorical_from_uniform(logits, u, a["dtype"])
        if kind == "shuffle":
            x = a["x"]
            size = tensor_ops.dim(x, a["axis"])
            order = tensor_ops.argsort(uniform01((size,), _determinism.salt_for("shuffle")))
            return tensor_ops.take(x, order, a["axis"])
        dtype = a["dtype"]
        if kind == "uniform":
            low, high = a["minval"], a["maxval"]
            high = 1.0 if high is None else high
            u = uniform01(a["shape"], _determinism.salt_for(kind, _param_key(low), _param_key(high)))
            out = low + (high - low) * u
            if _is_int_dtype(dtype):
                out = tensor_ops.floor(out)
        else:
            mean, std = a["mean"], a["stddev"]
            factor = 0.87962566 if kind == "truncated_normal" else 1.0
            u = uniform01(a["shape"], _determinism.salt_for(kind, _param_key(mean), _param_key(std)))
            out = mean + (std * factor * 3 ** 0.5) * (2.0 * u - 1.0)
        return tensor_ops.cast(out, dtype) if dtype is not None else out

    def replacement(name):
        kind, params = RANDOM_SPECS[name]

        def fn(*args, **kwargs):
            bound = dict(_DEFAULTS)
            bound.update(zip(params, args))
            bound.update({k: v for k, v in kwargs.items() if k in params or k in _DEFAULTS})
            if "value" in kwargs:  # tf.random.shuffle(value=...)
                bound["x"] = kwargs["value"]
            if name == "randint" and bound["dtype"] is None:
                bound["dtype"] = "int32"
            if kind == "categorical" and bound["dtype"] is None:
                bound["dtype"] = "int32" if label == "keras.random" else "int64"  # each API's default
            rec.note(f"{label}.{name} returns deterministic values (same in both runs)")
            return sample(kind, bound)

        fn.__name__ = name
        return fn

    for name in names:
        if hasattr(module, name) and name in RANDOM_SPECS:
            setattr(module, name, _no_autograph(replacement(name)))


def _is_int_dtype(dtype) -> bool:
    return dtype is not None and "int" in str(getattr(dtype, "name", dtype))


def identity_dropout(rec: Recorder, module, name: str, label: str) -> None:
    if not hasattr(module, name):
        return

    def dropout(x, *args, **kwargs):
        rec.note(f"{label}.{name} is the identity (random)")
        return x

    setattr(module, name, _no_autograph(dropout))


# -- install ---------------------------------------------------------------------------
def install(config: Config) -> Recorder:
    global _RECORDER
    rec = Recorder(config)
    _RECORDER = rec
    import random

    if config.keras == 2:
        from keras_migrate.verify import _keras2 as adapter
    else:
        from keras_migrate.verify import _keras3 as adapter
    adapter.install(rec)
    # Seed after the framework is imported: importing it draws from the global NumPy
    # generator (jax's k8s_cluster module calls np.random.rand at import, and both
    # tensorflow and keras 3 import jax), so seeding first left the two runs' module-level
    # np.random data (make_moons, np.random.normal inputs) five draws apart.
    random.seed(0)
    np.random.seed(0)
    return rec


def current() -> Optional[Recorder]:
    return _RECORDER
