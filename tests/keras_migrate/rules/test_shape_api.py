from keras_migrate.rules.shape_api import ShapeApi
from keras_migrate.testing import assert_migrates

RULES = [ShapeApi]


def test_build_shape_parameter_any_name():
    assert_migrates(
        """
        from tensorflow.keras import layers

        class Projection(layers.Layer):
            def build(self, shape):
                last = shape[-1].value
                rank = shape.ndims
                inner = shape[1:].as_list()
                ok = shape.is_fully_defined()
                self.kernel = self.add_weight(name="k", shape=(last, rank))

            def compute_output_shape(self, input_shape):
                dims = input_shape.as_list()
                return dims[:-1] + [input_shape.rank]
        """,
        """
        from tensorflow.keras import layers

        class Projection(layers.Layer):
            def build(self, shape):
                last = shape[-1]
                rank = len(shape)
                inner = list(shape[1:])
                ok = all(d is not None for d in shape)
                self.kernel = self.add_weight(name="k", shape=(last, rank))

            def compute_output_shape(self, input_shape):
                dims = list(input_shape)
                return dims[:-1] + [len(input_shape)]
        """,
        rules=RULES,
    )


def test_tensor_shapes_get_shape_and_tensorshape_constructor():
    # keras-io vq_vae spelling: self.conv.kernel.get_shape()
    assert_migrates(
        """
        import numpy as np
        import tensorflow as tf
        from tensorflow import keras

        class Masked(keras.layers.Layer):
            def build(self, input_shape):
                input_shape = tf.TensorShape(input_shape)
                kernel_shape = self.conv.kernel.get_shape()
                self.mask = np.zeros(shape=kernel_shape)
                channels = input_shape.as_list()[-1]

            def call(self, x):
                n = x.shape.rank
                batch = tf.compat.dimension_value(x.shape[0])
                feats = x.get_shape().as_list()[1:]
                return tf.reshape(x, [-1, tf.TensorShape(feats).num_elements()])

            def compute_output_shape(self, input_shape):
                return tf.TensorShape([input_shape[0], 4])
        """,
        """
        import numpy as np
        import tensorflow as tf
        from tensorflow import keras

        class Masked(keras.layers.Layer):
            def build(self, input_shape):
                input_shape = tuple(input_shape)
                kernel_shape = self.conv.kernel.shape
                self.mask = np.zeros(shape=kernel_shape)
                channels = list(input_shape)[-1]

            def call(self, x):
                n = len(x.shape)
                batch = x.shape[0]
                feats = list(x.shape)[1:]
                return tf.reshape(x, [-1, tuple(feats).num_elements()])

            def compute_output_shape(self, input_shape):
                return (input_shape[0], 4)
        """,
        rules=RULES,
        expected_diagnostics=("KM132",),  # num_elements
    )


def test_assert_has_rank_statement():
    assert_migrates(
        """
        import tensorflow as tf
        class L(tf.keras.layers.Layer):
            def build(self, input_shape):
                # inputs are (batch, features)
                input_shape.assert_has_rank(self.rank)
                inputs["a"].shape.assert_has_rank(2)
        """,
        """
        import tensorflow as tf
        class L(tf.keras.layers.Layer):
            def build(self, input_shape):
                # inputs are (batch, features)
                if len(input_shape) != self.rank:
                    raise ValueError("Shape %s must have rank %s" % (input_shape, self.rank))
                if len(inputs["a"].shape) != 2:
                    raise ValueError("Shape %s must have rank 2" % (inputs["a"].shape,))
        """,
        rules=RULES,
    )


def test_rnn_cell_tensor_shape_state_is_diagnosed():
    # keras-io temporal_latent_bottleneck spelling
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras
        class PerceptualCell(keras.layers.Layer):
            def __init__(self, chunk_size, ffn_dims, **kwargs):
                super().__init__(**kwargs)
                self.state_size = tf.TensorShape([chunk_size, ffn_dims])
                self.output_size = tf.TensorShape([chunk_size, ffn_dims])
        """,
        rules=RULES,
        expected_diagnostics=("KM132", "KM132"),
    )


def test_not_shapes_untouched():
    assert_migrates(
        """
        import tensorflow as tf
        model = tf.keras.Sequential()
        class Config:
            def build(self, spec):
                return spec.as_list(), spec.rank
        node = tree[0].value
        cfg.rank
        """,
        rules=RULES,
    )
    assert_migrates("import numpy as np\nx = arr.shape.as_list()\n", rules=RULES)
