from keras_migrate.rules.dtypes import Dtypes
from keras_migrate.testing import assert_migrates

RULES = [Dtypes]


def test_dtype_constants_become_strings():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        a = keras.ops.zeros((2,), dtype=tf.dtypes.int64)
        DTYPE = tf.bfloat16
        b = keras.ops.cast(a, tf.double)
        """,
        """
        import keras
        a = keras.ops.zeros((2,), dtype="int64")
        DTYPE = "bfloat16"
        b = keras.ops.cast(a, "float64")
        """,
        rules=RULES,
    )


def test_string_dtype_and_dtype_attributes_stay():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        s = tf.string
        m = tf.float16.max
        """,
        rules=RULES,
    )


def test_comparisons_are_standardized():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        same = tf.int32 is x.dtype
        other = x.dtype != tf.float32
        """,
        """
        import keras
        same = keras.backend.standardize_dtype(x.dtype) == "int32"
        other = keras.backend.standardize_dtype(x.dtype) != "float32"
        """,
        rules=RULES,
    )


def test_membership_tests_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        ok = x.dtype in (tf.float16, tf.float32)
        """,
        """
        import keras
        ok = x.dtype in ("float16", "float32")
        """,
        rules=RULES,
        expected_diagnostics=["KM201"],
    )


def test_tf_data_pipeline_untouched():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        ds = tf.data.Dataset.range(4).map(lambda x: tf.cast(x, tf.float32))
        """,
        rules=RULES,
    )
