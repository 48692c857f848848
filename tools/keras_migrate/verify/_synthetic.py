"""Offline, deterministic data for verified runs (`verify --synthetic-data`).

Real programs download their data. In a verified run every download is answered with
small synthetic data of the right shapes and dtypes, the same bytes in the Keras 2 and the
Keras 3 runs, so the comparison stays exact and needs no network:

- downloads (`keras.utils.get_file`, `urllib.request.urlretrieve`, `pandas.read_csv` of a
  URL) are served by *builders* matched on the URL; Keras' own get_file then extracts and
  caches as each Keras version does (K2 and K3 differ there, and that must show);
- `keras.datasets.*` archives have builtin builders (mnist.npz, imdb.npz, ...); loaders
  that insist on the full dataset size (cifar10/100, fashion_mnist) are replaced whole;
- `tensorflow_datasets` is replaced by a small stand-in whose `load()` builds tf.data
  datasets of the right element structure for the common dataset names;
- `keras.applications.*(weights="imagenet")` build with weights=None (the deterministic
  initializers then make both runs start equal).

A URL nobody can serve raises SyntheticDataMissing naming it: the run then stops with
that message instead of reaching for the network. Programs and harnesses add builders
with a fixtures file (VerifyOptions.fixtures): a Python file defining
`BUILDERS = [(regex, builder(url, path, rng)), ...]` and optionally `SETUP(cwd, rng)`.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import runpy
import sys
import types
import zlib
from typing import Callable, List, Optional, Tuple

import numpy as np

__all__ = ["Builders", "SyntheticDataMissing", "install", "rng_for"]

# Split sizes are the real datasets' (programs slice with hard-coded counts such as
# x_train[:40000]); the contents are random, and verify's --max-steps keeps training short.
SIZES = {
    "mnist": (60000, 10000), "fashion_mnist": (60000, 10000), "cifar10": (50000, 10000),
    "cifar100": (50000, 10000), "imdb": (25000, 25000), "reuters": (8982, 2246),
    "boston_housing": (404, 102), "california_housing": (16512, 4128),
}
DEFAULT_SIZE = (1024, 256)


class SyntheticDataMissing(RuntimeError):
    pass


def rng_for(key: str) -> np.random.RandomState:
    return np.random.RandomState(zlib.crc32(key.encode()) & 0x7FFFFFFF)


Builder = Callable[[str, str, np.random.RandomState], None]


class Builders:
    def __init__(self) -> None:
        self.entries: List[Tuple[re.Pattern, Builder]] = []

    def add(self, pattern: str, builder: Builder) -> None:
        self.entries.append((re.compile(pattern), builder))

    def build(self, url: str, path: str) -> None:
        for pattern, builder in reversed(self.entries):  # later (fixtures) win
            if pattern.search(url):
                os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
                builder(url, path, rng_for(url))
                return
        raise SyntheticDataMissing(
            f"verify --synthetic-data: no synthetic data for {url!r}; add a builder for it in a fixtures file"
        )


# -- builtin builders: keras.datasets archives ---------------------------------------------
def _npz(path: str, **arrays) -> None:
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _mnist(url, path, rng):
    n_train, n_test = SIZES["mnist"]
    _npz(path,
         x_train=rng.randint(0, 256, (n_train, 28, 28)).astype("uint8"),
         y_train=rng.randint(0, 10, (n_train,)).astype("uint8"),
         x_test=rng.randint(0, 256, (n_test, 28, 28)).astype("uint8"),
         y_test=rng.randint(0, 10, (n_test,)).astype("uint8"))


def _sequences(rng, n, vocab, low=20, high=120):
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [1] + rng.randint(2, vocab, rng.randint(low, high)).tolist()
    return out


def _imdb(url, path, rng):
    n_train, n_test = SIZES["imdb"]
    _npz(path, x_train=_sequences(rng, n_train, 5000), y_train=rng.randint(0, 2, n_train).astype("int64"),
         x_test=_sequences(rng, n_test, 5000), y_test=rng.randint(0, 2, n_test).astype("int64"))


def _reuters(url, path, rng):
    n = sum(SIZES["reuters"])
    _npz(path, x=_sequences(rng, n, 5000), y=rng.randint(0, 46, n).astype("int64"))


def _word_index(url, path, rng):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({f"word{i}": i for i in range(1, 5000)}, handle)


def _boston(url, path, rng):
    n = sum(SIZES["boston_housing"])
    _npz(path, x=rng.uniform(0, 10, (n, 13)), y=rng.uniform(5, 50, n))


def _california(url, path, rng):
    n = sum(SIZES["california_housing"])
    _npz(path, x=rng.uniform(0, 10, (n, 8)), y=rng.uniform(0.5, 5, n))


def _imagenet_class_index(url, path, rng):
    """keras.applications' decode_predictions() labels: 1,000 classes."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}, handle)


def _image(url, path, rng):
    """A single picture (a tutorial's example image): 256 x 256 RGB noise in the URL's
    format, the same bytes in both runs."""
    from PIL import Image

    fmt = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "bmp": "BMP", "gif": "GIF"}[
        url.split("?")[0].rsplit(".", 1)[-1].lower()]
    Image.fromarray(rng.randint(0, 256, (256, 256, 3)).astype("uint8")).save(path, format=fmt)


def default_builders() -> Builders:
    builders = Builders()
    builders.add(r"(?i)\.(jpe?g|png|bmp|gif)(\?.*)?$", _image)
    builders.add(r"imagenet_class_index\.json$", _imagenet_class_index)
    builders.add(r"mnist\.npz$", _mnist)
    builders.add(r"imdb\.npz$", _imdb)
    builders.add(r"reuters\.npz$", _reuters)
    builders.add(r"(imdb|reuters)_word_index\.json$", _word_index)
    builders.add(r"boston_housing\.npz$", _boston)
    builders.add(r"california_housing\.npz$", _california)
    return builders


def _image_split(rng, n, shape, classes, label_shape=()):
    return (rng.randint(0, 256, (n,) + shape).astype("uint8"),
            rng.randint(0, classes, (n,) + label_shape).astype("uint8"))


def _cifar(classes):
    def load_data(label_mode="fine"):
        rng = rng_for(f"cifar{classes}")
        n_train, n_test = SIZES[f"cifar{classes}"]
        return _image_split(rng, n_train, (32, 32, 3), classes, (1,)), \
            _image_split(rng, n_test, (32, 32, 3), classes, (1,))

    return load_data


def _fashion_mnist():
    def load_data():
        rng = rng_for("fashion_mnist")
        n_train, n_test = SIZES["fashion_mnist"]
        return _image_split(rng, n_train, (28, 28), 10), _image_split(rng, n_test, (28, 28), 10)

    return load_data


# -- the stand-in for tensorflow_datasets -------------------------------------------------------
# name -> (features: {key: (shape, dtype)}, supervised keys, num_classes); split sizes in TFDS_SIZES
TFDS_SPECS = {
    "mnist": ({"image": ((28, 28, 1), "uint8"), "label": ((), "int64")}, ("image", "label"), 10),
    "fashion_mnist": ({"image": ((28, 28, 1), "uint8"), "label": ((), "int64")}, ("image", "label"), 10),
    "cifar10": ({"image": ((32, 32, 3), "uint8"), "label": ((), "int64")}, ("image", "label"), 10),
    "cifar100": ({"image": ((32, 32, 3), "uint8"), "label": ((), "int64")}, ("image", "label"), 100),
    "tf_flowers": ({"image": ((64, 64, 3), "uint8"), "label": ((), "int64")}, ("image", "label"), 5),
    "oxford_flowers102": ({"image": ((64, 64, 3), "uint8"), "label": ((), "int64")}, ("image", "label"), 102),
    "caltech_birds2011": ({"image": ((64, 64, 3), "uint8"), "label": ((), "int64"),
                           "bbox": ((4,), "float32")}, ("image", "label"), 200),
    "cats_vs_dogs": ({"image": ((64, 64, 3), "uint8"), "label": ((), "int64")}, ("image", "label"), 2),
    "horses_or_humans": ({"image": ((64, 64, 3), "uint8"), "label": ((), "int64")}, ("image", "label"), 2),
    "imdb_reviews": ({"text": ((), "string"), "label": ((), "int64")}, ("text", "label"), 2),
    "ag_news_subset": ({"description": ((), "string"), "title": ((), "string"), "label": ((), "int64")},
                       ("description", "label"), 4),
    "div2k": ({"lr": ((48, 48, 3), "uint8"), "hr": ((192, 192, 3), "uint8")}, ("lr", "hr"), 0),
    "oxford_iiit_pet": ({"image": ((64, 64, 3), "uint8"), "segmentation_mask": ((64, 64, 1), "uint8"),
                         "label": ((), "int64")}, ("image", "label"), 37),
    "voc": ({"image": ((64, 64, 3), "uint8"), "labels": ((2,), "int64")}, ("image", "labels"), 20),
    "cycle_gan": ({"image": ((256, 256, 3), "uint8"), "label": ((), "int64")}, ("image", "label"), 2),
    "wine_quality": ({"features": {name: ((), "float32") for name in (
        "fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides", "free sulfur dioxide",
        "total sulfur dioxide", "density", "pH", "sulphates", "alcohol")}, "quality": ((), "int64")},
        ("features", "quality"), 10),
}
# name -> {split: examples}; the first split is what load(split=None) also returns.
TFDS_SIZES = {
    "mnist": {"train": 60000, "test": 10000}, "fashion_mnist": {"train": 60000, "test": 10000},
    "cifar10": {"train": 50000, "test": 10000}, "cifar100": {"train": 50000, "test": 10000},
    "tf_flowers": {"train": 3670}, "oxford_flowers102": {"train": 1020, "validation": 1020, "test": 6149},
    "caltech_birds2011": {"train": 5994, "test": 5794}, "imdb_reviews": {"train": 25000, "test": 25000},
    "ag_news_subset": {"train": 120000, "test": 7600}, "div2k": {"train": 800, "validation": 100},
    "oxford_iiit_pet": {"train": 3680, "test": 3669}, "voc": {"train": 2501, "validation": 2510, "test": 4952},
    "cycle_gan": {"trainA": 1067, "trainB": 1334, "testA": 120, "testB": 140},
    "wine_quality": {"train": 4898},
}
_WORDS = ("the a movie film good bad great plot actor story scene time love hate best worst music end "
          "character director watch funny boring").split()


def _tfds_column(rng, n, shape, dtype, classes, key=""):
    if key == "bbox":  # [ymin, xmin, ymax, xmax], normalised, non-empty
        low = rng.uniform(0.0, 0.4, (n, 2))
        high = rng.uniform(0.6, 1.0, (n, 2))
        return np.concatenate([low, high], axis=1).astype(dtype)
    if dtype == "string":
        return np.array([" ".join(rng.choice(_WORDS, rng.randint(5, 40))) for _ in range(n)], dtype=object)
    if dtype == "uint8":
        return rng.randint(0, 256, (n,) + shape).astype("uint8")
    if dtype == "int64":
        return rng.randint(0, max(classes, 2), (n,) + shape).astype("int64")
    return rng.uniform(0, 1, (n,) + shape).astype(dtype)


def _split_size(split: str, sizes: dict) -> int:
    """'train' / 'test[:10%]' / 'train[1000:]' -> number of examples."""
    base, _, rest = split.partition("[")
    base = base.strip()
    total = sizes.get(base, min(sizes.values()) if sizes else DEFAULT_SIZE[1])
    if not rest:
        return total
    lo, _, hi = rest.rstrip("]").partition(":")

    def bound(text, default):
        text = text.strip()
        if not text:
            return default
        if text.endswith("%"):
            return int(total * int(text[:-1]) / 100)
        value = int(text)
        return value if value >= 0 else total + value

    return max(0, min(total, bound(hi, total)) - bound(lo, 0))


def _make_tfds(note: Callable[[str], None]) -> types.ModuleType:
    module = types.ModuleType("tensorflow_datasets")
    module.__path__ = []  # a package, so `import tensorflow_datasets.public_api` resolves to us

    class _Split(str):
        pass

    class Split:
        TRAIN, VALIDATION, TEST = "train", "validation", "test"

    class _ClassLabel:
        def __init__(self, num_classes):
            self.num_classes = num_classes
            self.names = [f"class_{i}" for i in range(num_classes)]

        def int2str(self, i):
            return self.names[int(i)]

        def str2int(self, s):
            return self.names.index(s)

    class _SplitInfo:
        def __init__(self, n):
            self.num_examples = n

    class _Info:
        def __init__(self, name, features, classes):
            self.name = name
            self.features = {k: _ClassLabel(classes) if k in ("label", "labels") else types.SimpleNamespace(
                shape=None if isinstance(v, dict) else v[0], dtype=None if isinstance(v, dict) else v[1])
                for k, v in features.items()}
            sizes = TFDS_SIZES.get(name, {"train": DEFAULT_SIZE[0], "test": DEFAULT_SIZE[1]})
            self.splits = {split: _SplitInfo(n) for split, n in sizes.items()}
            self.supervised_keys = None

    def _one(name, split, as_supervised, features, keys, classes, batch_size):
        import tensorflow as tf

        sizes = TFDS_SIZES.get(name, {"train": DEFAULT_SIZE[0], "test": DEFAULT_SIZE[1]})
        parts = [p.strip() for p in split.split("+")]
        n = sum(_split_size(p, sizes) for p in parts)
        rng = rng_for(f"tfds/{name}/{split}")
        def column(key, spec):
            if isinstance(spec, dict):  # a nested feature dict (wine_quality's "features")
                return {k: column(k, v) for k, v in spec.items()}
            shape, dtype = spec
            value = _tfds_column(rng, n, shape, dtype, classes, key)
            return value.astype(str) if value.dtype == object else value

        columns = {k: column(k, spec) for k, spec in features.items()}
        if batch_size == -1:  # the whole split as tensors
            full = tf.nest.map_structure(tf.constant, columns)
            return (full[keys[0]], full[keys[1]]) if as_supervised else full
        ds = tf.data.Dataset.from_tensor_slices(columns)
        if as_supervised:
            ds = ds.map(lambda e: (e[keys[0]], e[keys[1]]))
        if batch_size:
            ds = ds.batch(batch_size)
        return ds

    def load(name, split=None, as_supervised=False, with_info=False, batch_size=None, **kwargs):
        base = name.split("/")[0].split(":")[0]
        spec = TFDS_SPECS.get(base)
        if spec is None:
            raise SyntheticDataMissing(f"verify --synthetic-data: no synthetic tfds dataset {name!r}")
        features, keys, classes = spec
        note(f"tfds.load({base!r}) served synthetic data")
        names = list(TFDS_SIZES.get(base, {"train": 0, "test": 0}))
        splits = split if split is not None else names
        if isinstance(splits, (list, tuple)):
            ds = [_one(base, s, as_supervised, features, keys, classes, batch_size) for s in splits]
        else:
            ds = _one(base, splits, as_supervised, features, keys, classes, batch_size)
        if split is None:
            ds = dict(zip(names, ds))
        return (ds, _Info(base, features, classes)) if with_info else ds

    def as_numpy(ds):
        if hasattr(ds, "as_numpy_iterator"):
            return ds.as_numpy_iterator()
        if isinstance(ds, dict):
            return {k: as_numpy(v) for k, v in ds.items()}
        if isinstance(ds, (list, tuple)):
            return type(ds)(as_numpy(v) for v in ds)
        return ds.numpy() if hasattr(ds, "numpy") else ds

    class DatasetBuilder:
        def __init__(self, name, config=None, **kwargs):
            self.name = name
            spec = TFDS_SPECS.get(name)
            self.info = _Info(name, spec[0], spec[2]) if spec else None

        def download_and_prepare(self, *args, **kwargs):
            return None

        def as_dataset(self, split=None, as_supervised=False, batch_size=None, **kwargs):
            return load(self.name, split=split, as_supervised=as_supervised, batch_size=batch_size)

    module.__version__ = "4.9.9"  # programs print it
    module.load = load
    module.builder = lambda name, **kwargs: DatasetBuilder(name.split("/")[0].split(":")[0], **kwargs)
    module.image = types.SimpleNamespace(Div2k=lambda config=None, **kwargs: DatasetBuilder("div2k", config))
    module.as_numpy = as_numpy
    module.Split = Split
    module.disable_progress_bar = lambda: None
    module.show_examples = lambda *a, **k: None
    module.benchmark = lambda *a, **k: None
    module.features = types.SimpleNamespace(ClassLabel=_ClassLabel)
    module.public_api = module
    return module


# -- install --------------------------------------------------------------------------------
def install(rec, keras_version: int, fixtures: Optional[str] = None, cwd: Optional[str] = None) -> Builders:
    builders = default_builders()
    setup = None
    if fixtures:
        namespace = runpy.run_path(fixtures)
        for pattern, builder in namespace.get("BUILDERS", ()):
            builders.add(pattern, builder)
        setup = namespace.get("SETUP")
    if setup is not None:
        setup(cwd or os.getcwd(), rng_for("setup"))

    def download(url, filename=None, reporthook=None, data=None):
        target = filename or os.path.join(os.getcwd(), os.path.basename(url.split("?")[0]) or "download")
        builders.build(str(url), target)
        rec.note("downloads served with synthetic data")
        return target, {}

    import builtins
    import urllib.request

    urllib.request.urlretrieve = download
    if not hasattr(builtins, "display"):  # notebooks' display(): printed, as scripts expect
        builtins.display = lambda *objects, **kwargs: print(*objects)
    sys.modules["tensorflow_datasets"] = _make_tfds(rec.note)
    _patch_pandas(builders, rec)
    _after_import("sklearn.datasets", lambda module: _patch_sklearn(module, rec))
    if keras_version == 2:
        from tf_keras.src.utils import data_utils

        from keras_migrate.verify._keras2 import api_roots

        data_utils.urlretrieve = download
        data_utils.validate_file = lambda *a, **k: True
        roots = api_roots()
    else:
        import keras
        from keras.src.utils import file_utils

        file_utils.urlretrieve = download
        file_utils.validate_file = lambda *a, **k: True
        roots = [keras]
    for api in roots:
        _replace_load_data(api.datasets, "cifar10", _cifar(10))
        _replace_load_data(api.datasets, "cifar100", _cifar(100))
        _replace_load_data(api.datasets, "fashion_mnist", _fashion_mnist())
        _no_pretrained_weights(api.applications, rec)
        _no_model_plots(api.utils, rec)
    return builders


def _no_model_plots(utils, rec) -> None:
    """plot_model() writes a picture (and needs pydot and graphviz, which offline machines
    often lack): skipped in both runs, since it computes no number."""
    def plot_model(*args, **kwargs):
        rec.note("plot_model() skipped (a picture; needs pydot and graphviz)")

    if hasattr(utils, "plot_model"):
        utils.plot_model = plot_model


def _replace_load_data(datasets, name: str, fn) -> None:
    module = getattr(datasets, name, None)
    if module is not None:
        module.load_data = fn


def _after_import(name: str, patch: Callable[[types.ModuleType], None]) -> None:
    """patch(module) once the program imports `name` (at once if it already has): a
    library verify serves data for is not imported into programs that never use it."""
    if name in sys.modules:
        patch(sys.modules[name])
        return
    import importlib.abc
    import importlib.util

    class _Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path, target=None):
            if fullname != name:
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(fullname)
            if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
                return spec
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                patch(module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, _Finder())


_CALIFORNIA_COLUMNS = (  # (name, low, high) of sklearn's California housing features
    ("MedInc", 0.5, 15.0), ("HouseAge", 1.0, 52.0), ("AveRooms", 1.0, 10.0), ("AveBedrms", 0.5, 2.0),
    ("Population", 3.0, 35682.0), ("AveOccup", 1.0, 6.0), ("Latitude", 32.5, 42.0), ("Longitude", -124.3, -114.3))


def _patch_sklearn(datasets: types.ModuleType, rec) -> None:
    """scikit-learn's fetch_california_housing (Hands-On Machine Learning's Keras chapters)
    downloads and checks a checksum: served whole with synthetic rows of the real size."""
    def fetch_california_housing(*, data_home=None, download_if_missing=True, return_X_y=False, as_frame=False,
                                 n_retries=3, delay=1.0):
        rec.note("downloads served with synthetic data")
        rng = rng_for("california_housing_sklearn")
        n = sum(SIZES["california_housing"])  # the same 20,640 rows as keras.datasets'
        data = np.stack([rng.uniform(low, high, n) for _, low, high in _CALIFORNIA_COLUMNS], axis=1)
        target = rng.uniform(0.15, 5.0, n)
        names = [column for column, _, _ in _CALIFORNIA_COLUMNS]
        frame = None
        if as_frame:
            import pandas

            frame = pandas.DataFrame(data, columns=names)
            frame["MedHouseVal"] = target
            data, target = frame[names], frame["MedHouseVal"]
        if return_X_y:
            return data, target
        from sklearn.utils import Bunch

        return Bunch(data=data, target=target, frame=frame, target_names=["MedHouseVal"], feature_names=names,
                     DESCR="synthetic California housing (keras-migrate verify --synthetic-data)")

    datasets.fetch_california_housing = fetch_california_housing


def _patch_pandas(builders: Builders, rec) -> None:
    try:
        import pandas
    except ImportError:
        return
    for name in ("read_csv", "read_table", "read_json"):
        original = getattr(pandas, name)

        def reader(path, *args, _original=original, **kwargs):
            if isinstance(path, str) and re.match(r"^(https?|ftp|gs)://", path):
                local = os.path.join(os.getcwd(), ".synthetic", re.sub(r"[^\w.]+", "_", path)[-120:])
                if not os.path.exists(local):
                    builders.build(path, local)
                rec.note("downloads served with synthetic data")
                path = local
            return _original(path, *args, **kwargs)

        setattr(pandas, name, reader)


def _no_pretrained_weights(applications, rec) -> None:
    modules = [applications] + [m for m in vars(applications).values() if isinstance(m, types.ModuleType)]
    for module in modules:
        for name, fn in list(vars(module).items()):
            if not callable(fn) or isinstance(fn, type) or name.startswith("_") or not name[0].isupper():
                continue

            def build(*args, _fn=fn, _name=name, **kwargs):
                if kwargs.get("weights", "imagenet") == "imagenet":
                    kwargs["weights"] = None
                    rec.note(f"applications.{_name}(weights='imagenet') built with weights=None")
                return _fn(*args, **kwargs)

            setattr(module, name, build)


def gzip_bytes(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as handle:
        handle.write(data)
    return buffer.getvalue()
