"""KM118 get_file_layout: get_file(extract=True / untar=True) keeps Keras 2's file layout.

Keras 2's get_file extracted an archive beside it and returned the archive's path
(untar=True: `<cache>/<fname>`, the archive's top folder); Keras 3 extracts into
`<fname>_extracted/` (untar: into `<fname>/`) and returns that folder. Keras 2 code
builds paths from the return value (`os.path.dirname(path)`, `path + "/wavs"`), so the
same code reads files that are not there. Such calls go to the runtime's
legacy_get_file (same signature; downloads with Keras 3's get_file, extracts as Keras 2
did). So does a Keras 2 `fname` with folders in it, which Keras 3 rejects.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule

__all__ = ["GetFileLayout"]

_GET_FILE = ("utils.get_file", "utils.data_utils.get_file")
# Keras 2 signature: get_file(fname, origin, untar, md5_hash, file_hash, cache_subdir,
# hash_algorithm, extract, archive_format, cache_dir)
_POSITION = {"fname": 0, "untar": 2, "extract": 7}
_HELPER = "legacy_get_file"


def _argument(call: cst.Call, name: str) -> Optional[cst.BaseExpression]:
    for i, arg in enumerate(call.args):
        if arg.keyword is not None:
            if arg.keyword.value == name:
                return arg.value
        elif arg.star == "" and i == _POSITION[name]:
            return arg.value
    return None


def _is_false(value: Optional[cst.BaseExpression]) -> bool:
    return value is None or (isinstance(value, cst.Name) and value.value in ("False", "None")) or (
        isinstance(value, cst.Integer) and value.value == "0")


def _folder_in_name(value: Optional[cst.BaseExpression]) -> bool:
    return isinstance(value, cst.SimpleString) and "/" in value.evaluated_value


class GetFileLayout(Rule):
    id = "KM118"
    name = "get_file_layout"
    description = ("keras.utils.get_file(extract=True / untar=True) extracts elsewhere and returns another path "
                   "in Keras 3: keep Keras 2's layout (runtime legacy_get_file).")
    TRIGGERS = ("get_file",)
    EXAMPLES = (
        Example(
            before="""
            import os
            import tensorflow as tf
            path = tf.keras.utils.get_file("cora.tgz", origin=URL, extract=True)
            data_dir = os.path.join(os.path.dirname(path), "cora")
            """,
            after="""
            import os
            import tensorflow as tf
            from keras_migrate_runtime import legacy_get_file
            path = legacy_get_file("cora.tgz", origin=URL, extract=True)
            data_dir = os.path.join(os.path.dirname(path), "cora")
            """,
        ),
        Example(
            before="""
            from tensorflow import keras
            data_path = keras.utils.get_file("LJSpeech-1.1", URL, untar=True)
            wavs = data_path + "/wavs/"
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import legacy_get_file
            data_path = legacy_get_file("LJSpeech-1.1", URL, untar=True)
            wavs = data_path + "/wavs/"
            """,
        ),
        # A plain download has the same path in both.
        Example(
            before="""
            from tensorflow.keras.utils import get_file
            path = get_file("data.csv", "https://example.com/data.csv")
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if self.ctx.keras_path(original.func) not in _GET_FILE:
            return updated
        if _is_false(_argument(original, "extract")) and _is_false(_argument(original, "untar")) \
                and not _folder_in_name(_argument(original, "fname")):
            return updated
        self.fired()
        self.ctx.use_runtime(_HELPER)
        for module in ("keras.utils", "tensorflow.keras.utils", "tf_keras.utils"):
            self.ctx.remove_import_if_unused(module, "get_file")
        return updated.with_changes(func=cst.Name(_HELPER))
