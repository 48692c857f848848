"""KM118 get_file_layout: Keras 2's extract / untar layout kept through the runtime helper."""

import io
import os
import tarfile
import zipfile

import pytest

from keras_migrate.rules.get_file_layout import GetFileLayout
from keras_migrate.testing import assert_migrates


@pytest.mark.parametrize("call", [
    'get_file("a.zip", URL, extract=True)',
    'get_file(fname="a.tgz", origin=URL, untar=True)',
    'get_file("a", URL, True)',
    'get_file("sub/a.csv", URL)',
    'get_file("a.zip", URL, extract=flag)',
])
def test_calls_that_change_layout_go_to_the_helper(call):
    result = assert_migrates(
        f"from tensorflow.keras.utils import get_file\npath = {call}\n",
        f"from keras_migrate_runtime import legacy_get_file\npath = legacy_{call}\n",
        rules=[GetFileLayout],
    )
    assert result.runtime_symbols == ["legacy_get_file"]


@pytest.mark.parametrize("call", [
    'get_file("a.csv", URL)',
    'get_file("a.zip", URL, extract=False)',
    'get_file(origin=URL, untar=False, cache_subdir="x")',
])
def test_plain_downloads_unchanged(call):
    assert_migrates(f"import tensorflow as tf\npath = tf.keras.utils.{call}\n", rules=[GetFileLayout])


def test_other_get_file_functions_untouched():
    assert_migrates("from mylib import get_file\npath = get_file('a.zip', URL, extract=True)\n", rules=[GetFileLayout])


def _archive(tmp_path, kind):
    files = {"top/a.txt": b"A", "top/sub/b.txt": b"B"}
    path = tmp_path / ("src.zip" if kind == "zip" else "src.tar.gz")
    if kind == "zip":
        with zipfile.ZipFile(path, "w") as z:
            for name, data in files.items():
                z.writestr(name, data)
    else:
        with tarfile.open(path, "w:gz") as t:
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_helper_extracts_beside_the_archive_like_keras2(tmp_path, monkeypatch, kind):
    """legacy_get_file against Keras 2's own get_file on the same archive (file:// origin)."""
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    import keras  # noqa: F401
    from keras_migrate_runtime import legacy_get_file

    origin = _archive(tmp_path, kind).as_uri()
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache2").mkdir()  # get_file falls back to /tmp/.keras for a missing cache_dir
    name = "data.zip" if kind == "zip" else "data.tar.gz"
    path = legacy_get_file(name, origin, extract=True, cache_dir=str(tmp_path / "cache"))
    assert path == str(tmp_path / "cache" / "datasets" / name)
    assert (tmp_path / "cache" / "datasets" / "top" / "sub" / "b.txt").read_bytes() == b"B"
    if kind == "tar":
        top = legacy_get_file("top", origin, untar=True, cache_dir=str(tmp_path / "cache2"))
        assert top == str(tmp_path / "cache2" / "datasets" / "top")
        assert os.path.exists(os.path.join(top, "a.txt"))
