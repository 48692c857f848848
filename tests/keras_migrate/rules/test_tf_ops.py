from keras_migrate.rules.tf_ops import TfOps
from keras_migrate.testing import assert_migrates

RULES = [TfOps]
HEAD = "import tensorflow as tf\nimport keras\n"


def _expr(before, after, diagnostics=(), tensorflow_only=None):
    return assert_migrates(
        HEAD + f"y = {before}\n",
        ("import keras\n" if after is not None and "tf." not in after else HEAD) + f"y = {after or before}\n",
        rules=RULES, expected_diagnostics=list(diagnostics), tensorflow_only=tensorflow_only,
    )


def test_reductions_keep_axis_and_keepdims():
    _expr("tf.reduce_mean(x, 1, True)", "keras.ops.mean(x, 1, True)")
    _expr("tf.math.reduce_std(x, axis=-1)", "keras.ops.std(x, axis=-1)")
    _expr("tf.reduce_sum(input_tensor=x)", "keras.ops.sum(x=x)")


def test_range_one_arg_and_keyword_renames():
    _expr("tf.range(n)", "keras.ops.arange(n)")
    _expr("tf.range(2, limit=10, delta=3)", "keras.ops.arange(2, stop=10, step=3)")


def test_transpose_perm_becomes_axes():
    _expr("tf.transpose(x, [0, 2, 1])", "keras.ops.transpose(x, [0, 2, 1])")
    _expr("tf.transpose(x, perm=[1, 0])", "keras.ops.transpose(x, axes=[1, 0])")


def test_matmul_transpose_flags_swap_axes():
    _expr("tf.matmul(a, b, transpose_a=True)", "keras.ops.matmul(keras.ops.swapaxes(a, -1, -2), b)")
    _expr("tf.linalg.matmul(a, b, transpose_b=False)", "keras.ops.matmul(a, b)")


def test_matmul_adjoint_is_refused():
    _expr("tf.matmul(a, b, adjoint_b=True)", None, ["KM200"])


def test_tf_defaults_that_differ_are_spelled_out():
    _expr("tf.argmax(x)", "keras.ops.argmax(x, axis=0)")
    _expr("tf.cumsum(x)", "keras.ops.cumsum(x, axis=0)")
    _expr("tf.math.top_k(x)", "keras.ops.top_k(x, k=1)")


def test_kinks_keep_tensorflows_gradient_at_ties():
    # keras.ops.leaky_relu / clip differentiate exact ties differently on JAX
    for before in ("tf.nn.leaky_relu(x)", "tf.nn.leaky_relu(x, alpha=0.1)", "tf.clip_by_value(x, 0.0, 1.0)",
                   "tf.clip_by_value(t=x, clip_value_min=lo, clip_value_max=hi)"):
        name = "leaky_relu" if "leaky" in before else "clip_by_value"
        assert_migrates(HEAD + f"y = {before}\n",
                        f"import keras\nfrom keras_migrate_runtime import {name}\n"
                        f"y = {before.replace('tf.nn.', '').replace('tf.', '')}\n", rules=RULES)


def test_l2_normalize_is_the_runtimes_with_tensorflows_gradient_at_zero():
    # keras.ops.normalize computes the same values, but its gradient at a zero vector is NaN
    for before in ("tf.math.l2_normalize(x, 1, epsilon=1e-4)", "tf.nn.l2_normalize(x, epsilon=eps)",
                   "tf.linalg.l2_normalize(x, dim=-1)"):
        assert_migrates(HEAD + f"y = {before}\n",
                        "import keras\nfrom keras_migrate_runtime import l2_normalize\n"
                        f"y = {before.replace('tf.math.', '').replace('tf.nn.', '').replace('tf.linalg.', '')}\n",
                        rules=RULES)


def test_split_sizes_become_indices():
    _expr("tf.split(x, [2, 3, 1], axis=1)", "keras.ops.split(x, [2, 5], axis=1)")
    _expr("tf.split(x, 4)", "keras.ops.split(x, 4)")



def _runtime_split(before):
    result = assert_migrates(HEAD + f"y = {before}\n",
                             "import keras\nfrom keras_migrate_runtime import split\n"
                             f"y = {before[len('tf.'):]}\n", rules=RULES)
    assert result.changed


def test_split_counts_or_sizes_known_only_at_run_time_use_the_runtime_helper():
    # A variable may hold a count or sizes; a -1 or sizes computed by calls need the
    # tensor: the runtime's split() has TF's signature and decides when the code runs.
    for before in ("tf.split(x, sizes)", "tf.split(x, parts, axis=-1)", "tf.split(x, [size(a), 2])",
                   "tf.split(x, [a, -1])"):
        _runtime_split(before)


def test_split_size_expressions_become_running_sums():
    _expr("tf.split(x, [self.dim, self.dim, n + 1], axis=-1)",
          "keras.ops.split(x, [self.dim, self.dim + self.dim], axis=-1)")
    _expr("tf.split(value=x, num_or_size_splits=[a - 1, b - 1], axis=1)",
          "keras.ops.split(x=x, indices_or_sections=[a - 1], axis=1)")


def test_fill_with_a_scalar_shape_or_an_inferred_dtype_uses_the_runtime_helper():
    _expr("tf.fill([2, 3], 1.5)", "keras.ops.full([2, 3], 1.5)")
    _expr("tf.fill([n], 7)", 'keras.ops.full([n], 7, dtype="int32")')
    for before in ("tf.fill(num_images, t)", "tf.fill([2], t)", "tf.fill(n, 0.5)"):
        result = assert_migrates(HEAD + f"y = {before}\n",
                                 "import keras\nfrom keras_migrate_runtime import fill\n"
                                 f"y = {before[len('tf.'):]}\n", rules=RULES)
        assert result.changed


def test_module_level_text_data_stays_on_tensorflow():
    # keras-io active_learning: reviews from TF Datasets are strings, which no other backend
    # holds; the same op on numeric data is rewritten.
    assert_migrates(
        """
        import numpy as np
        import tensorflow as tf
        import tensorflow_datasets as tfds
        import keras

        reviews, labels = tfds.as_numpy(tfds.load("imdb_reviews", split="train", batch_size=-1, as_supervised=True))
        positives = reviews[labels == 1]
        x_val = tf.concat((positives[:10], reviews[labels == 0][:10]), 0)
        words = np.array(["a", "b"])
        joined = tf.concat([words, words], 0)
        numbers = np.arange(6, dtype="float32")
        twice = tf.concat([numbers, numbers], 0)
        """,
        """
        import numpy as np
        import tensorflow as tf
        import tensorflow_datasets as tfds
        import keras

        reviews, labels = tfds.as_numpy(tfds.load("imdb_reviews", split="train", batch_size=-1, as_supervised=True))
        positives = reviews[labels == 1]
        x_val = tf.concat((positives[:10], reviews[labels == 0][:10]), 0)
        words = np.array(["a", "b"])
        joined = tf.concat([words, words], 0)
        numbers = np.arange(6, dtype="float32")
        twice = keras.ops.concatenate([numbers, numbers], 0)
        """,
        rules=RULES,
    )


def test_text_names_rebound_to_model_values_are_not_host_data():
    assert_migrates(
        """
        import pandas as pd
        import tensorflow as tf
        import keras

        frame = pd.read_csv("a.csv")
        values = frame["text"].values
        values = model(values)
        out = tf.concat([values, values], 0)

        def f(x):
            return tf.concat([frame.values, x], 0)
        """,
        """
        import pandas as pd
        import keras

        frame = pd.read_csv("a.csv")
        values = frame["text"].values
        values = model(values)
        out = keras.ops.concatenate([values, values], 0)

        def f(x):
            return keras.ops.concatenate([frame.values, x], 0)
        """,
        rules=RULES,
    )


def test_sizes_computed_from_tensor_values_stay_on_tensorflow():
    # keras.io GAT: the segment count and the repeats come from the data (JAX cannot
    # compile a data-dependent output size); static sizes are rewritten.
    for before, after in (
            ("tf.math.unsorted_segment_sum(x, ids, num_segments=tf.reduce_max(ids) + 1)",
             "tf.math.unsorted_segment_sum(x, ids, num_segments=keras.ops.max(ids) + 1)"),
            ("tf.repeat(s, tf.math.bincount(ids))", "tf.repeat(s, keras.ops.bincount(ids))")):
        result = assert_migrates(HEAD + f"def call(x, ids, s):\n    return {before}\n",
                                 HEAD + f"def call(x, ids, s):\n    return {after}\n",
                                 rules=RULES, expected_diagnostics=["KM200", "KM200"], tensorflow_only=True)
        assert "computed from tensor values" in result.diagnostics[0].message
    _expr("tf.math.unsorted_segment_sum(x, ids, num_segments=tf.shape(x)[0])",
          "keras.ops.segment_sum(x, ids, num_segments=keras.ops.shape(x)[0])")
    _expr("tf.repeat(v, tf.shape(v)[0], axis=0)", "keras.ops.repeat(v, keras.ops.shape(v)[0], axis=0)")


def test_where_needs_three_arguments():
    _expr("tf.where(c, a, b)", "keras.ops.where(c, a, b)")
    _expr("tf.where(c)", None, ["KM200"])


def test_shape_only_where_a_tuple_behaves_the_same():
    _expr("tf.shape(x)[0]", "keras.ops.shape(x)[0]")
    _expr("tf.reshape(x, tf.shape(z))", "keras.ops.reshape(x, keras.ops.shape(z))")
    _expr("tf.shape(x) * 2", None, ["KM200"])


def test_conv_padding_format_and_strides():
    _expr("tf.nn.conv2d(x, k, [1, 2, 2, 1], 'SAME')", "keras.ops.conv(x, k, 2, 'same')")
    _expr("tf.nn.conv2d(x, k, 1, padding=pad)", None, ["KM200"])
    _expr("tf.nn.avg_pool2d(x, 2, 2, 'SAME')", None, ["KM200"])


def test_templates_and_band_part():
    _expr("tf.math.squared_difference(a, b + 1)", "keras.ops.square(keras.ops.subtract(a, (b + 1)))")
    _expr("tf.linalg.band_part(ones, -1, 0)", "keras.ops.tril(ones)")
    _expr("tf.sequence_mask(lengths, 5)", "keras.ops.arange(5) < keras.ops.expand_dims(lengths, -1)")


def test_gather_nd_literal_indices_stack_and_tensor_indices_use_the_runtime_helper():
    _expr("tf.gather_nd(x, [[0, 1], [2, 0]])", "keras.ops.stack([x[0, 1], x[2, 0]])")
    _runtime("tf.gather_nd(table, inputs)", "gather_nd(table, inputs)", ["gather_nd"])
    _runtime("tf.gather_nd(params=table, indices=idx, batch_dims=0)", "gather_nd(params=table, indices=idx)", ["gather_nd"])
    _expr("tf.gather_nd(table, idx, batch_dims=1)", None, ["KM200"])


def test_newaxis_and_fill():
    _expr("x[:, tf.newaxis]", "x[:, None]")
    _expr("tf.fill([2], 3)", 'keras.ops.full([2], 3, dtype="int32")')


def test_unknown_op_inside_layer_keeps_file_on_tensorflow():
    result = assert_migrates(
        """
        import tensorflow as tf
        import keras

        class L(keras.layers.Layer):
            def call(self, x):
                return tf.math.bessel_i0(x)
        """,
        rules=RULES, expected_diagnostics=["KM200", "KM200"], tensorflow_only=True,
    )
    assert result.tensorflow_only == ["tf.math.bessel_i0 has no exact keras.ops equivalent"]


def test_module_level_unknown_op_is_only_info():
    assert_migrates(HEAD + "y = tf.math.bessel_i0(x)\n", rules=RULES, tensorflow_only=False)


def test_dataset_map_functions_and_their_callees_stay_tensorflow():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        def helper(x):
            return tf.reduce_sum(x)

        def prep(x):
            return helper(tf.cast(x, "float32"))

        ds = tf.data.Dataset.range(3).map(prep)
        y = tf.reduce_sum([1.0])
        """,
        """
        import tensorflow as tf
        import keras

        def helper(x):
            return tf.reduce_sum(x)

        def prep(x):
            return helper(tf.cast(x, "float32"))

        ds = tf.data.Dataset.range(3).map(prep)
        y = keras.ops.sum([1.0])
        """,
        rules=RULES,
    )


def test_star_args_are_refused():
    _expr("tf.concat(*parts)", None, [])


def test_function_factories_and_sequences_are_data_code():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        def make_preprocess(training):
            def fn(image):
                return tf.image.random_flip_left_right(image)
            return fn

        class Loader(keras.utils.Sequence):
            def __getitem__(self, i):
                return tf.image.convert_image_dtype(self.images[i], "float32")

        ds = tf.data.Dataset.range(3).map(make_preprocess(True))
        """,
        rules=RULES, tensorflow_only=False,
    )


def test_tile_needs_a_python_sequence_of_repeats():
    _expr("tf.tile(x, [1, n, 1])", "keras.ops.tile(x, [1, n, 1])")
    _expr("tf.tile(x, (batch, 1))", "keras.ops.tile(x, (batch, 1))")
    # A tensor of multiples (tf.concat / tf.stack / a variable): keras.ops.tile iterates
    # it in Python, which a TensorFlow graph tensor refuses.
    source = HEAD + "def causal(mask, mult):\n    return tf.tile(mask, mult)\n"
    assert_migrates(source, rules=RULES, expected_diagnostics=["KM200", "KM200"], tensorflow_only=True)
    _expr("tf.tile(mask, multiples=shape_tensor)", None, ["KM200"])


# -- the long tail (issue 13 item 3): checked against TF by check_tf_ops_semantics.py ---

def _runtime(before, after, symbols):
    imports = "".join(f"from keras_migrate_runtime import {s}\n" for s in symbols)
    return assert_migrates(HEAD + f"y = {before}\n", "import keras\n" + imports + f"y = {after}\n", rules=RULES)


def test_rank_read_of_a_shape_becomes_ndim():
    _expr("tf.shape(x).shape[0]", "keras.ops.ndim(x)")
    _expr("tf.shape(layer(x)).shape[0] - 1", "keras.ops.ndim(layer(x)) - 1")
    _expr("tf.rank(x)", "keras.ops.ndim(x)")
    _expr("tf.shape(x).shape", None, ["KM200"])  # a TensorShape: not a rank read


def test_one_argument_where_names_the_data_dependent_shape_and_the_fix():
    for source in ("tf.where(mask)", "tf.where(condition=mask)", "tf.where(mask, x)"):
        result = _expr(source, None, ["KM200"])
        warning = result.diagnostics[0]
        assert "data-dependent shape" in warning.message and "keras.ops.nonzero" in warning.fix
    _expr("tf.where(condition=c, x=a, y=b)", "keras.ops.where(condition=c, x1=a, x2=b)")


def test_set_diag_and_band_part_with_tensor_bounds_use_runtime_helpers():
    _runtime("tf.linalg.set_diag(a, tf.zeros(tf.shape(a)[:-1]))",
             "set_diag(a, keras.ops.zeros(keras.ops.shape(a)[:-1]))", ["set_diag"])
    _runtime("tf.linalg.set_diag(a, d, k=0, name='s')", "set_diag(a, d)", ["set_diag"])
    _expr("tf.linalg.set_diag(a, d, k=1)", None, ["KM200"])
    _runtime("tf.linalg.band_part(a, n, -1)", "band_part(a, n, -1)", ["band_part"])
    _expr("tf.linalg.band_part(a, 1, 0)", "keras.ops.triu(keras.ops.tril(a), -1)")


def test_gradient_clipping_ops_use_runtime_helpers_with_tf_signatures():
    _runtime("tf.clip_by_global_norm(grads, 5.0)", "clip_by_global_norm(grads, 5.0)", ["clip_by_global_norm"])
    _runtime("tf.clip_by_global_norm(t_list=g, clip_norm=1.0, use_norm=n)",
             "clip_by_global_norm(t_list=g, clip_norm=1.0, use_norm=n)", ["clip_by_global_norm"])
    _runtime("tf.clip_by_norm(g, 1.0, axes=[1])", "clip_by_norm(g, 1.0, axes=[1])", ["clip_by_norm"])
    _runtime("tf.linalg.global_norm(grads)", "global_norm(grads)", ["global_norm"])


def test_runtime_helper_never_shadows_a_name_of_the_file():
    source = HEAD + "def set_diag(m):\n    return m\n\nclass L(keras.layers.Layer):\n" \
                    "    def call(self, a, d):\n        return tf.linalg.set_diag(a, d)\n"
    result = assert_migrates(source, rules=RULES, expected_diagnostics=["KM200", "KM200"], tensorflow_only=True)
    assert "shadow" in result.diagnostics[0].message


def test_one_hot_custom_values_go_to_the_runtime_helper():
    _expr("tf.one_hot(labels, 10)", "keras.ops.one_hot(labels, 10)")
    _expr("tf.one_hot(labels, 10, on_value=None, axis=None)", "keras.ops.one_hot(labels, 10)")
    _runtime("tf.one_hot(labels, depth=10, on_value=0.9, off_value=0.01)",
             "one_hot(labels, depth=10, on_value=0.9, off_value=0.01)", ["one_hot"])
    _runtime("tf.one_hot(labels, 3, 5, -1, axis=0)", "one_hot(labels, 3, 5, -1, axis=0)", ["one_hot"])


def test_segment_ops():
    _expr("tf.math.unsorted_segment_sum(data, ids, num_segments=n)", "keras.ops.segment_sum(data, ids, num_segments=n)")
    for name in ("max", "min", "mean", "sqrt_n"):
        _runtime(f"tf.math.unsorted_segment_{name}(data, ids, 4)", f"unsorted_segment_{name}(data, ids, 4)",
                 [f"unsorted_segment_{name}"])
    result = _expr("tf.math.segment_sum(data, ids)", None, ["KM200"])
    assert "num_segments" in result.diagnostics[0].fix
    _expr("tf.math.unsorted_segment_prod(data, ids, 4)", None, ["KM200"])


def test_tensor_scatters_are_scatter_update_with_a_reduction():
    _expr("tf.tensor_scatter_nd_update(t, idx, upd)", "keras.ops.scatter_update(t, idx, upd)")
    _expr("tf.tensor_scatter_nd_add(tensor=t, indices=idx, updates=upd)",
          'keras.ops.scatter_update(inputs=t, indices=idx, updates=upd, reduction="add")')
    _expr("tf.tensor_scatter_nd_max(t, idx, upd)", 'keras.ops.scatter_update(t, idx, upd, reduction="max")')
    _expr("tf.tensor_scatter_nd_sub(t, idx, upd)",
          'keras.ops.scatter_update(t, idx, keras.ops.negative(upd), reduction="add")')
    _expr("tf.scatter_nd([[0], [2]], upd, [4])",
          "keras.ops.scatter(keras.ops.convert_to_tensor([[0], [2]]), upd, [4])")


def test_norm_axis_lists_become_tuples_and_matrix_2_norm_keepdims_is_refused():
    _expr("tf.norm(x, axis=[-2, -1])", "keras.ops.norm(x, axis=(-2, -1))")
    _expr("tf.norm(x, ord=2, axis=-1, keepdims=True)", "keras.ops.norm(x, ord=2, axis=-1, keepdims=True)")
    _expr("tf.norm(x, ord=2, axis=[1, 2], keepdims=True)", None, ["KM200"])


def test_image_ops():
    _expr("tf.image.rot90(img, k=2)", "keras.ops.rot90(img, k=2, axes=(-3, -2))")
    _expr("tf.image.transpose(img)", "keras.ops.swapaxes(img, -3, -2)")
    _expr("tf.image.adjust_brightness(img, delta=0.2)", "img + 0.2")
    _expr("tf.image.rgb_to_hsv(img)", "keras.ops.image.rgb_to_hsv(img)")
    _runtime("tf.image.image_gradients(img)", "image_gradients(img)", ["image_gradients"])
    _runtime("tf.image.psnr(a, b, max_val=255)", "psnr(a, b, max_val=255)", ["psnr"])
    _runtime("tf.image.ssim(target, pred, max_val=w, filter_size=7, k1=0.01**2)",
             "ssim(target, pred, max_val=w, filter_size=7, k1=0.01**2)", ["ssim"])
    for refused in ("tf.image.resize(img, (8, 8), method='bicubic')", "tf.image.ssim_multiscale(a, b, 1.0)",
                    "tf.image.convert_image_dtype(img, 'float32')", "tf.image.random_flip_left_right(img)"):
        result = _expr(refused, None, ["KM200"])
        assert result.diagnostics[0].fix


def test_depth_to_space_and_back():
    _expr("tf.nn.depth_to_space(x, block_size=factor)", "keras.ops.depth_to_space(x, block_size=factor)")
    _expr("tf.nn.space_to_depth(x, 2, data_format='NHWC')", "keras.ops.space_to_depth(x, 2)")


def test_per_image_standardization_uses_the_runtime_helper():
    _runtime("tf.image.per_image_standardization(img)", "per_image_standardization(img)", ["per_image_standardization"])


# keras-io vit_small_ds: window sizes computed from attributes, and uint8 images resized.
def test_spatial_sizes_with_expressions_and_refusals():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        p = tf.image.extract_patches(images=x, sizes=[1, self.size, self.size, 1],
                                     strides=[1, self.size, self.size, 1], rates=[1, 1, 1, 1], padding="VALID")
        q = tf.image.extract_patches(x, [1, h, w, 1], [1, h, w, 1], [1, 1, 1, 1], "VALID")
        """,
        """
        import keras
        p = keras.ops.image.extract_patches(images=x, size=self.size,
                                     strides=self.size, dilation_rate=1, padding='valid')
        q = keras.ops.image.extract_patches(x, (h, w), (h, w), 1, 'valid')
        """,
        rules=[TfOps],
    )
    result = assert_migrates(
        """
        import tensorflow as tf
        import keras
        p = tf.image.extract_patches(x, sizes, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
        """,
        rules=[TfOps],
        expected_diagnostics=["KM200"],  # module-level code: left on TensorFlow, noted
    )
    assert "not a literal" in result.diagnostics[0].message


def test_resize_keeps_tensorflows_float32_result():
    assert_migrates(
        """
        import tensorflow as tf
        import keras
        a = tf.image.resize(images, (8, 8))
        b = tf.image.resize(images, (8, 8), method="nearest")
        """,
        """
        import keras
        a = keras.ops.image.resize(keras.ops.cast(images, "float32"), (8, 8))
        b = keras.ops.image.resize(images, (8, 8), interpolation='nearest')
        """,
        rules=[TfOps],
    )


def test_value_kinds_of_the_table_are_the_rules():
    # spec/_types.py lists the kinds (checked when the table loads); the rewriter converts each.
    import inspect
    import re

    from keras_migrate.rules._tf_op_emit import TfOpRewriter
    from keras_migrate.spec._types import TF_OP_VALUE_KINDS

    handled = set(re.findall(r'kind == "(\w+)"', inspect.getsource(TfOpRewriter._convert)))
    assert handled == set(TF_OP_VALUE_KINDS)


def test_table_typos_fail_when_the_table_loads():
    import pytest

    from keras_migrate.spec._types import TfOp

    with pytest.raises(ValueError, match="unknown value kind"):
        TfOp(("abs",), "ops.abs", ("x",), values=(("x", "spacial"),))
    with pytest.raises(ValueError, match="not a parameter"):
        TfOp(("abs",), "ops.abs", ("x",), renames=(("input", "x"),))


def test_every_special_of_the_table_has_a_handler():
    from keras_migrate.rules._tf_op_emit import TfOpRewriter
    from keras_migrate.spec._tf_ops import TF_OPS_BY_NAME

    specials = {e.special for e in TF_OPS_BY_NAME.values() if e.special is not None}
    assert specials and all(hasattr(TfOpRewriter, f"_special_{s}") for s in specials)


def test_kinks_fall_back_to_keras_ops_where_the_file_binds_the_helpers_name():
    # never a refusal: keras.ops computes the same values (only JAX's subgradient at ties differs)
    assert_migrates(
        HEAD + "def leaky_relu(x):\n    return tf.nn.leaky_relu(x, alpha=0.1)\n"
               "clip_by_value = 1\ny = tf.clip_by_value(x, 0.0, 1.0)\n",
        "import keras\ndef leaky_relu(x):\n    return keras.ops.leaky_relu(x, negative_slope=0.1)\n"
        "clip_by_value = 1\ny = keras.ops.clip(x, 0.0, 1.0)\n",
        rules=RULES, expected_diagnostics=["KM200", "KM200"],
    )


def test_exclusive_and_reverse_cumulative_ops_use_the_runtime_helper():
    _expr("tf.math.cumsum(x, axis=1, exclusive=False, reverse=False)", "keras.ops.cumsum(x, axis=1)")
    source = HEAD + "y = tf.math.cumsum(x, axis=1, exclusive=True)\nz = tf.cumprod(x, 0, False, True)\n"
    after = ("import keras\nfrom keras_migrate_runtime import cumsum\nfrom keras_migrate_runtime import cumprod\n"
             "y = cumsum(x, axis=1, exclusive=True)\nz = cumprod(x, 0, False, True)\n")
    assert_migrates(source, after, rules=RULES)
