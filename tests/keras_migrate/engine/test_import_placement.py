"""New imports go before their first use, and after the set-up a file does before importing
its framework; migrated code that would read a name before importing it is refused."""

import ast
import textwrap

from keras_migrate import MigrationOptions, migrate_source
from keras_migrate.engine._imports import reads_before_import


def _migrate(source):
    return migrate_source(textwrap.dedent(source).lstrip(), "t.py", MigrationOptions())


def _runs_in_order(code):
    assert not reads_before_import(ast.parse(code)), code


def test_one_line_import_and_use():
    result = _migrate("import tensorflow as tf; m = tf.keras.Sequential()\n")
    assert result.code.index("import keras") < result.code.index("keras.Sequential"), result.code
    _runs_in_order(result.code)


def test_environment_set_up_stays_before_the_framework_import():
    result = _migrate("""
        import os
        os.environ["CUDA_VISIBLE_DEVICES"] = "0"
        import numpy as np
        import tensorflow as tf
        model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
        """)
    code = result.code
    assert code.index('os.environ["CUDA_VISIBLE_DEVICES"]') < code.index("import keras") \
        < code.index("keras.Sequential"), code
    _runs_in_order(code)


def test_docstring_and_future_stay_first():
    result = _migrate('''
        """Doc."""
        from __future__ import annotations
        import tensorflow as tf
        layer = tf.keras.layers.Dense(2)
        ''')
    assert result.code.startswith('"""Doc."""\nfrom __future__ import annotations\n'), result.code
    _runs_in_order(result.code)


def test_reads_before_import_sees_module_level_code_only():
    tree = ast.parse("def f():\n    return keras.layers\nx = keras.ops\nimport keras\n")
    assert reads_before_import(tree) == {"keras": 3}
    assert reads_before_import(ast.parse("keras = None\nx = keras\nimport keras\n")) == {}
    assert reads_before_import(ast.parse("@keras.saving.register\nclass A: pass\nimport keras\n")) == {"keras": 1}


def test_keras_used_before_the_files_own_later_keras_import():
    """keras-io's xray example: tf.keras at line 69, `from tensorflow import keras` at 226."""
    result = _migrate("""
        import tensorflow as tf
        AUTOTUNE = tf.data.AUTOTUNE
        callback = tf.keras.callbacks.EarlyStopping(patience=2)
        from tensorflow import keras
        model = keras.Sequential()
        """)
    assert not result.failed, [d.format() for d in result.diagnostics]
    _runs_in_order(result.code)
    assert result.code.index("import keras") < result.code.index("keras.callbacks"), result.code
