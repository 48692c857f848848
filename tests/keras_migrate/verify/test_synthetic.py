"""verify --synthetic-data's builders: what a download gets, the same bytes in both runs."""

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
