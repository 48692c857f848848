"""keras.utils.get_file with Keras 2's extract / untar layout.

Keras 3 changed where archives land: get_file(fname, origin, extract=True) now extracts
into `<fname>_extracted/` and returns that directory, and untar=True extracts into
`<fname>/` (one level deeper than before). Keras 2 code that builds paths from the return
value (`os.path.dirname(path)`, `path + "/wavs"`) then reads files that are not there.
This function downloads with Keras 3's get_file (same cache, same hashes) and extracts
as Keras 2 did: beside the archive, returning the archive's path (or, with untar=True,
`<cache>/<fname>`).
"""

import os
import tarfile
import urllib.parse
import zipfile

__all__ = ["legacy_get_file"]


def _extract(path, into, archive_format="auto"):
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(path):
            with tarfile.open(path) as archive:
                archive.extractall(into, filter="data")
            return True
        if kind == "zip" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    target = os.path.realpath(os.path.join(into, member))
                    if not target.startswith(os.path.realpath(into) + os.sep) and target != os.path.realpath(into):
                        raise ValueError(f"archive member {member!r} would be written outside {into}")
                archive.extractall(into)
            return True
    return False


def legacy_get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
                    hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None):
    import keras

    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
    fname = os.fspath(fname)
    # Keras 2 accepted sub-folders in fname; Keras 3 wants them in cache_subdir.
    folder, name = os.path.split(fname)
    path = keras.utils.get_file(
        fname=name + ".tar.gz" if untar else name, origin=origin, md5_hash=md5_hash, file_hash=file_hash,
        cache_subdir=os.path.join(cache_subdir, folder) if folder else cache_subdir,
        hash_algorithm=hash_algorithm, cache_dir=cache_dir,
    )
    datadir = os.path.dirname(path)
    if untar:
        untar_path = os.path.join(datadir, name)
        if not os.path.exists(untar_path):
            _extract(path, datadir, "tar")
        return untar_path
    if extract:
        _extract(path, datadir, archive_format)
    return path
