"""verify --synthetic-data's builders: what a download gets, the same bytes in both runs."""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from keras_migrate.verify import _synthetic as s


@pytest.mark.parametrize("url", [
    "https://storage.googleapis.com/download.tensorflow.org/example_images/YellowLabradorLooking_new.jpg",
    "https://example.org/pictures/Grace_Hopper.JPEG?raw=1",
    "https://example.org/logo.png",
])
def test_a_picture_url_gets_a_decodable_image_the_same_each_time(tmp_path, url):
    builders = s.default_builders()
    first, second = tmp_path / "a", tmp_path / "b"
    builders.build(url, str(first))
    builders.build(url, str(second))
    assert first.read_bytes() == second.read_bytes()
    with Image.open(first) as image:
        assert image.size == (256, 256) and np.asarray(image.convert("RGB")).std() > 0


def test_an_unknown_download_names_its_url(tmp_path):
    with pytest.raises(s.SyntheticDataMissing, match="ecg.csv"):
        s.default_builders().build("http://storage.googleapis.com/download.tensorflow.org/data/ecg.csv",
                                   str(tmp_path / "ecg.csv"))


def test_the_tensorflow_datasets_stand_in_has_a_version():
    # TensorFlow's tutorials print tfds.__version__ first
    assert isinstance(s._make_tfds(lambda what: None).__version__, str)


def test_sklearn_california_housing_is_served_once_sklearn_is_imported():
    # A fresh interpreter: the hook patches sklearn.datasets when the program imports it.
    code = (
        "from keras_migrate.verify import _synthetic as s\n"
        "class Rec:\n    def note(self, what): print('note:', what)\n"
        "s._after_import('sklearn.datasets', lambda m: s._patch_sklearn(m, Rec()))\n"
        "import sys\nassert 'sklearn.datasets' not in sys.modules\n"
        "from sklearn.datasets import fetch_california_housing\n"
        "housing = fetch_california_housing()\n"
        "x, y = fetch_california_housing(return_X_y=True)\n"
        "frame = fetch_california_housing(as_frame=True).frame\n"
        "print(housing.data.shape, housing.target.shape, len(housing.feature_names), frame.shape, "
        "bool((x == housing.data).all()))\n"
    )
    tools = pathlib.Path(s.__file__).parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(tools)})
    assert "(20640, 8) (20640,) 8 (20640, 9) True" in out.stdout, out.stdout + out.stderr
    assert "note: downloads served with synthetic data" in out.stdout


def test_decode_predictions_labels_are_served(tmp_path):
    path = tmp_path / "imagenet_class_index.json"
    s.default_builders().build(
        "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json", str(path))
    index = json.loads(path.read_text())
    assert len(index) == 1000 and index["7"] == ["n00000007", "class_7"]
