"""KM119 call_mask: the first input's mask reaches `mask` in multi-input call()."""

from keras_migrate.rules.call_mask import CallMask
from keras_migrate.testing import assert_migrates


def test_docstring_stays_first_and_kwonly_mask():
    assert_migrates(
        '''
        import tensorflow as tf
        class Cross(tf.keras.layers.Layer):
            def call(self, query, value, *, mask=None, training=None):
                """Cross attention."""
                return query
        ''',
        '''
        import tensorflow as tf
        class Cross(tf.keras.layers.Layer):
            def call(self, query, value, *, mask=None, training=None, query_mask=None):
                """Cross attention."""
                if mask is None:  # Keras 3 passes the first input's mask as query_mask
                    mask = query_mask
                return query
        ''',
        rules=[CallMask],
    )


def test_subclass_of_a_local_layer_and_not_other_classes():
    assert_migrates(
        """
        from tensorflow.keras import layers
        class Base(layers.Layer):
            pass
        class Dec(Base):
            def call(self, x, enc, mask=None):
                return x
        class NotKeras:
            def call(self, x, enc, mask=None):
                return x
        """,
        """
        from tensorflow.keras import layers
        class Base(layers.Layer):
            pass
        class Dec(Base):
            def call(self, x, enc, mask=None, x_mask=None):
                if mask is None:  # Keras 3 passes the first input's mask as x_mask
                    mask = x_mask
                return x
        class NotKeras:
            def call(self, x, enc, mask=None):
                return x
        """,
        rules=[CallMask],
    )


def test_nested_functions_named_call_untouched():
    assert_migrates(
        """
        from tensorflow import keras
        class L(keras.layers.Layer):
            def build(self, shape):
                def call(a, b, mask=None):
                    return a
                self.fn = call
        """,
        rules=[CallMask],
    )
