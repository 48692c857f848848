"""KM200 tf_ops: tf.* / tf.math / tf.nn / tf.linalg / tf.image / tf.signal ops -> keras.ops."""

from __future__ import annotations

from typing import Dict, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, iter_nodes
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import (
    DATA_CALLS,
    TAPE_BLOCKS,
    data_context,
    dataset_element_names,
    function_batch_names,
    drop_tensorflow_import_if_unused,
    is_host_data_call,
    string_layer_names,
    string_output_layer_names,
    shape_names_used_as_tuples,
)
from keras_migrate.rules._host import host_kept_calls
from keras_migrate.rules._scan import cst_scope
from keras_migrate.engine._names import module_name
from keras_migrate.rules._tf_op_emit import Refuse, TfOpRewriter, bound_names
from keras_migrate.rules._util import dotted
from keras_migrate.spec._tf_ops import (
    TF_ATTRIBUTE_CONSTANTS,
    owned_elsewhere,
    TF_NO_EQUIVALENT_BY_NAME,
    TF_OPS_BY_NAME,
)

__all__ = ["TfOps"]




def _static_int(node: cst.BaseExpression, rank_read) -> bool:
    """An int known before tracing: a literal, a rank read (`rank_read(call)`), len(...),
    and sums/differences of those."""
    if isinstance(node, cst.Integer):
        return True
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return _static_int(node.expression, rank_read)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)):
        return _static_int(node.left, rank_read) and _static_int(node.right, rank_read)
    if isinstance(node, cst.Call):
        return (isinstance(node.func, cst.Name) and node.func.value == "len") or rank_read(node)
    return False


def _rank_read(node: cst.Subscript) -> Optional[cst.Call]:
    """The call in `<call>.shape[0]`, else None."""
    value = node.value
    if not (isinstance(value, cst.Attribute) and value.attr.value == "shape" and isinstance(value.value, cst.Call)):
        return None
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    index = node.slice[0].slice.value
    if not (isinstance(index, cst.Integer) and index.value == "0"):
        return None
    return value.value


class TfOps(Rule):
    id = "KM200"
    NODE_KEYED = ('_named_result', '_shape_ok', '_top_k_rewritten', '_rank_calls', '_string_args', '_axis_ranges',
                  '_size_ranks', '_dimension_names')
    name = "tf_ops"
    description = "Rewrite tf.* math/nn/linalg/image ops to keras.ops with arguments renamed, reordered and checked for equal semantics."
    part = Part.AGNOSTIC
    TRIGGERS = ("tensorflow",)
    regions = (DATA_CALLS, TAPE_BLOCKS)
    EXAMPLES = (
        # What a string layer is called with holds strings: TensorFlow's on every backend.
        Example(
            before="""
            import tensorflow as tf
            import keras

            texts = []
            for i in range(3):
                texts.append(f"text {i}")
            vectorizer = keras.layers.TextVectorization(10)
            vectorizer.adapt(texts)

            def encode(batch):
                return vectorizer(tf.constant(batch))

            ids = vectorizer(tf.convert_to_tensor(texts[:2]))
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Pool(keras.layers.Layer):
                def call(self, x):
                    s = tf.reduce_sum(x, axis=1, keepdims=True)
                    return tf.concat([tf.transpose(x, perm=[0, 2, 1]), tf.range(0, 4, delta=2)], -1) + s
            """,
            after="""
            import keras

            class Pool(keras.layers.Layer):
                def call(self, x):
                    s = keras.ops.sum(x, axis=1, keepdims=True)
                    return keras.ops.concatenate([keras.ops.transpose(x, axes=[0, 2, 1]), keras.ops.arange(0, 4, step=2)], -1) + s
            """,
        ),
        # What may be a keras.Variable (a constraint's weight, an item of a variables list,
        # an attribute) goes to the runtime's zeros_like / ones_like: JAX's keras.ops ones
        # refuse a Variable unless keras_migrate_runtime is imported. A call()'s tensor
        # argument keeps keras.ops.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def non_negative(w):
                return tf.where(w < 0, tf.zeros_like(w), w)

            class Capped(keras.constraints.Constraint):
                def __call__(self, weight):
                    return tf.minimum(weight, tf.ones_like(weight))

            class Gate(keras.layers.Layer):
                def call(self, x):
                    return tf.zeros_like(x)

            model = keras.Sequential([keras.layers.Dense(2, kernel_constraint=non_negative, bias_constraint=Capped())])
            sums = [tf.zeros_like(v) for v in model.trainable_variables]
            for g, v in zip(grads, model.trainable_weights):
                step = tf.ones_like(v) * g
            """,
            after="""
            import keras
            from keras_migrate_runtime import zeros_like
            from keras_migrate_runtime import ones_like

            def non_negative(w):
                return keras.ops.where(w < 0, zeros_like(w), w)

            class Capped(keras.constraints.Constraint):
                def __call__(self, weight):
                    return keras.ops.minimum(weight, ones_like(weight))

            class Gate(keras.layers.Layer):
                def call(self, x):
                    return keras.ops.zeros_like(x)

            model = keras.Sequential([keras.layers.Dense(2, kernel_constraint=non_negative, bias_constraint=Capped())])
            sums = [zeros_like(v) for v in model.trainable_variables]
            for g, v in zip(grads, model.trainable_weights):
                step = ones_like(v) * g
            """,
        ),
        # TF defaults that differ from Keras' are spelled out: gather/argmax axis 0,
        # exact gelu; l2_normalize is the runtime's (keras.ops.normalize's gradient is NaN
        # at a zero vector).
        Example(
            before="""
            import tensorflow as tf
            import keras
            y = tf.nn.gelu(tf.gather(x, idx)) + tf.nn.l2_normalize(x, axis=-1)
            """,
            after="""
            import keras
            from keras_migrate_runtime import l2_normalize
            y = keras.ops.gelu(keras.ops.take(x, idx, axis=0), approximate=False) + l2_normalize(x, axis=-1)
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras
            def attention(q, k):
                d = tf.cast(tf.shape(k)[-1], "float32")
                return tf.nn.softmax(tf.matmul(q, k, transpose_b=True) / tf.sqrt(d))
            """,
            after="""
            import keras
            def attention(q, k):
                d = keras.ops.cast(keras.ops.shape(k)[-1], "float32")
                return keras.ops.softmax(keras.ops.matmul(q, keras.ops.swapaxes(k, -1, -2)) / keras.ops.sqrt(d))
            """,
        ),
        # Ops keras.ops lacks (or computes differently) call keras_migrate_runtime helpers
        # with TF's signature; a rank read of a shape is keras.ops.ndim.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class GraphPool(keras.layers.Layer):
                def call(self, adjacency, features, ids):
                    adjacency = tf.linalg.set_diag(adjacency, tf.zeros(tf.shape(adjacency)[:-1]))
                    pooled = tf.math.unsorted_segment_mean(features, ids, num_segments=4)
                    return tf.matmul(adjacency, pooled) * tf.cast(tf.shape(adjacency).shape[0], "float32")

            def clip(grads):
                grads, norm = tf.clip_by_global_norm(grads, 5.0)
                return grads

            def gradient_norm(grad):
                # keras.io's StyleGAN: every axis but the batch's, as static ints
                return tf.sqrt(tf.reduce_sum(tf.square(grad), axis=tf.range(1, tf.size(tf.shape(grad)))))
            """,
            after="""
            import keras
            from keras_migrate_runtime import set_diag
            from keras_migrate_runtime import unsorted_segment_mean
            from keras_migrate_runtime import clip_by_global_norm

            class GraphPool(keras.layers.Layer):
                def call(self, adjacency, features, ids):
                    adjacency = set_diag(adjacency, keras.ops.zeros(keras.ops.shape(adjacency)[:-1]))
                    pooled = unsorted_segment_mean(features, ids, num_segments=4)
                    return keras.ops.matmul(adjacency, pooled) * keras.ops.cast(keras.ops.ndim(adjacency), "float32")

            def clip(grads):
                grads, norm = clip_by_global_norm(grads, 5.0)
                return grads

            def gradient_norm(grad):
                # keras.io's StyleGAN: every axis but the batch's, as static ints
                return keras.ops.sqrt(keras.ops.sum(keras.ops.square(grad), axis=tuple(range(1, keras.ops.ndim(grad)))))
            """,
        ),
        # One-argument tf.where returns indices with a data-dependent shape: diagnosed
        # (WARNING with the fix), and the file stays on TensorFlow.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Positives(keras.layers.Layer):
                def call(self, x):
                    return x, tf.where(x > 0)
            """,
            diagnostics=("KM200", "KM200"),
            tensorflow_only=True,
        ),
        # Tensors drawn from a tf.data pipeline at module level (showing a batch) are
        # TensorFlow tensors, which keras.ops cannot take on JAX: TF ops on them stay.
        Example(
            before="""
            import tensorflow as tf
            import keras

            for data in train_ds.take(1):
                images, labels = data["image"], data["label"]
                img = tf.image.flip_left_right(images[0])
                img = tf.transpose(img, perm=[1, 0, 2])
            batch = next(iter(train_ds.batch(2)))
            shown = tf.reduce_max(batch[0])
            other = tf.reduce_max(keras.ops.ones(3))
            """,
            after="""
            import tensorflow as tf
            import keras

            for data in train_ds.take(1):
                images, labels = data["image"], data["label"]
                img = tf.image.flip_left_right(images[0])
                img = tf.transpose(img, perm=[1, 0, 2])
            batch = next(iter(train_ds.batch(2)))
            shown = tf.reduce_max(batch[0])
            other = keras.ops.max(keras.ops.ones(3))
            """,
        ),
        # ... but in a tf.GradientTape block (a function value_and_grad traces or records)
        # they meet the model's backend tensors: TF ops become keras.ops and the batch's
        # TF tensors in arithmetic are converted first (TF cannot take a JAX tracer or a
        # PyTorch tensor that requires grad).
        Example(
            before="""
            import tensorflow as tf
            import keras

            train_ds = tf.data.Dataset.from_tensor_slices((x, {"target": y})).batch(8)
            for x_batch, y_batch in train_ds:
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean(tf.square(y_batch["target"] - model(x_batch)))
                    loss += 0.1 * tf.reduce_sum(x_batch)
                shown = tf.reduce_max(y_batch["target"])
            for epoch in range(2):
                for step, (xb, yb) in enumerate(train_ds):
                    with tf.GradientTape() as tape:
                        loss = tf.reduce_mean(tf.abs(model(xb) - yb["target"]))
            """,
            after="""
            import tensorflow as tf
            import keras

            train_ds = tf.data.Dataset.from_tensor_slices((x, {"target": y})).batch(8)
            for x_batch, y_batch in train_ds:
                with tf.GradientTape() as tape:
                    loss = keras.ops.mean(keras.ops.square(keras.ops.convert_to_tensor(y_batch["target"]) - model(x_batch)))
                    loss += 0.1 * keras.ops.sum(keras.ops.convert_to_tensor(x_batch))
                shown = tf.reduce_max(y_batch["target"])
            for epoch in range(2):
                for step, (xb, yb) in enumerate(train_ds):
                    with tf.GradientTape() as tape:
                        loss = keras.ops.mean(keras.ops.absolute(model(xb) - keras.ops.convert_to_tensor(yb["target"])))
            """,
        ),
        # The same in a training-loop function (handson-ml2 ch. 13), `enumerate` too; a
        # train_step's batches are the backend's own.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def train(model):
                for X_batch, y_batch in tf.data.Dataset.from_tensor_slices((X, y)).batch(4):
                    with tf.GradientTape() as tape:
                        loss = tf.reduce_mean(tf.square(model(X_batch) - y_batch))
                for step, (X_batch, y_batch) in enumerate(train_ds.batch(4)):
                    with tf.GradientTape() as tape:
                        loss = tf.reduce_mean(tf.abs(model(X_batch) - y_batch)) * step

            def fit_one(model, X_batch, y_batch):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean(tf.square(model(X_batch) - y_batch))
            """,
            after="""
            import tensorflow as tf
            import keras

            def train(model):
                for X_batch, y_batch in tf.data.Dataset.from_tensor_slices((X, y)).batch(4):
                    with tf.GradientTape() as tape:
                        loss = keras.ops.mean(keras.ops.square(model(X_batch) - keras.ops.convert_to_tensor(y_batch)))
                for step, (X_batch, y_batch) in enumerate(train_ds.batch(4)):
                    with tf.GradientTape() as tape:
                        loss = keras.ops.mean(keras.ops.absolute(model(X_batch) - keras.ops.convert_to_tensor(y_batch))) * step

            def fit_one(model, X_batch, y_batch):
                with tf.GradientTape() as tape:
                    loss = keras.ops.mean(keras.ops.square(model(X_batch) - y_batch))
            """,
        ),
        # Eager host code (functions only module-level code and callbacks call): the
        # TF-only calls, the TF calls on what they return and around / inside them stay as
        # written (TF runs beside any backend there); other TF ops are rewritten.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def decode(res):
                res = tf.gather(res, tf.where(tf.math.not_equal(res, -1)))
                return tf.reduce_sum(res), tf.reduce_sum(keras.ops.ones(3))

            def edit_distance(labels, predictions):
                sparse = tf.cast(tf.sparse.from_dense(labels), dtype=tf.int64)
                distances = tf.edit_distance(tf.cast(tf.sparse.from_dense(predictions), tf.int64), sparse)
                return tf.reduce_mean(distances)

            class Show(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print(decode(self.model.predict(self.x)), edit_distance(self.y, self.model.predict(self.x)))
            """,
            after="""
            import tensorflow as tf
            import keras

            def decode(res):
                res = tf.gather(res, tf.where(tf.math.not_equal(res, -1)))
                return tf.reduce_sum(res), keras.ops.sum(keras.ops.ones(3))

            def edit_distance(labels, predictions):
                sparse = tf.cast(tf.sparse.from_dense(labels), dtype=tf.int64)
                distances = tf.edit_distance(tf.cast(tf.sparse.from_dense(predictions), tf.int64), sparse)
                return tf.reduce_mean(distances)

            class Show(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print(decode(self.model.predict(self.x)), edit_distance(self.y, self.model.predict(self.x)))
            """,
        ),
        # ... not when model code calls the function, or it builds layers.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def decode(res):
                return tf.gather(res, tf.where(tf.math.not_equal(res, -1)))

            class Decode(keras.layers.Layer):
                def call(self, x):
                    return decode(x)

            def head(x):
                return keras.layers.Dense(2)(tf.where(x > 0))
            """,
            after="""
            import tensorflow as tf
            import keras

            def decode(res):
                return keras.ops.take(res, tf.where(keras.ops.not_equal(res, -1)), axis=0)

            class Decode(keras.layers.Layer):
                def call(self, x):
                    return decode(x)

            def head(x):
                return keras.layers.Dense(2)(tf.where(x > 0))
            """,
            diagnostics=("KM200", "KM200", "KM200", "KM200"),
            tensorflow_only=True,
        ),
        # tf.data pipelines run in TF graph mode on every backend: left alone.
        Example(
            before="""
            import tensorflow as tf

            def scale(x):
                return tf.cast(x, "float32") / 255.0

            ds = tf.data.Dataset.from_tensor_slices(images).map(scale).map(lambda x: tf.reduce_mean(x))
            """,
        ),
        # tile multiples held in a local: keras-io's causal-mask idiom (tf.concat of an
        # expanded batch size and constant ones), a tf.stack, or a list, become the
        # Python list keras.ops.tile needs (JAX static repeats).
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Decoder(keras.layers.Layer):
                def call(self, inputs):
                    input_shape = tf.shape(inputs)
                    batch_size, n = input_shape[0], input_shape[1]
                    mask = tf.reshape(tf.cast(tf.range(n)[:, None] >= tf.range(n), "int32"), (1, n, n))
                    mult = tf.concat([tf.expand_dims(batch_size, -1), tf.constant([1, 1], dtype="int32")], axis=0)
                    return tf.tile(mask, mult)

            def repeat_rows(x, k):
                reps = tf.stack([k, 1], axis=0)
                return tf.tile(x, reps)

            def repeat_cols(x):
                reps = (1, 3)
                return tf.tile(x, reps)
            """,
            after="""
            import keras

            class Decoder(keras.layers.Layer):
                def call(self, inputs):
                    input_shape = keras.ops.shape(inputs)
                    batch_size, n = input_shape[0], input_shape[1]
                    mask = keras.ops.reshape(keras.ops.cast(keras.ops.arange(n)[:, None] >= keras.ops.arange(n), "int32"), (1, n, n))
                    mult = keras.ops.concatenate([keras.ops.expand_dims(batch_size, -1), keras.ops.convert_to_tensor([1, 1], dtype="int32")], axis=0)
                    return keras.ops.tile(mask, [batch_size, 1, 1])

            def repeat_rows(x, k):
                reps = keras.ops.stack([k, 1], axis=0)
                return keras.ops.tile(x, [k, 1])

            def repeat_cols(x):
                reps = (1, 3)
                return keras.ops.tile(x, [1, 3])
            """,
        ),
        # Multiples computed elsewhere or assigned twice stay a tensor: diagnosed.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Repeat(keras.layers.Layer):
                def call(self, x, n):
                    reps = tf.stack([n, 1])
                    if n > 2:
                        reps = tf.stack([2, 1])
                    return tf.tile(x, reps)
            """,
            after="""
            import tensorflow as tf
            import keras

            class Repeat(keras.layers.Layer):
                def call(self, x, n):
                    reps = keras.ops.stack([n, 1])
                    if n > 2:
                        reps = keras.ops.stack([2, 1])
                    return tf.tile(x, reps)
            """,
            diagnostics=("KM200", "KM200"),
            tensorflow_only=True,
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Picker(keras.layers.Layer):
                def call(self, x, idx):
                    return tf.gather_nd(x, idx, batch_dims=1)
            """,
            diagnostics=("KM200", "KM200"),
            tensorflow_only=True,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        self._string_args: Set[int] = set()  # arguments of string layers' calls
        # tf.shape(...) calls in positions where a tuple works like TF's shape tensor.
        self._shape_ok: Set[int] = set()
        self._lambda_depth = 0  # inside a lambda: code that runs later, on backend tensors
        # top_k calls whose result is used through `.values` / `.indices`.
        self._named_result: Set[int] = set()
        self._ops = TfOpRewriter(ctx, self._shape_ok, self._named_result)
        self._top_k_rewritten: Dict[int, bool] = self._ops.top_k_rewritten
        self._dimension_names = self._ops.dimension_names
        # tf.shape(x) calls read as `tf.shape(x).shape[0]` or `tf.size(tf.shape(x))`: the
        # rank, keras.ops.ndim(x) (the second's tf.size calls in _size_ranks).
        self._rank_calls: Set[int] = set()
        self._size_ranks: Set[int] = set()
        # tf.range(1, tf.rank(x)) given as a reduction's axis: a tuple of ints on every
        # backend (JAX and PyTorch take no tensor of axes).
        self._axis_ranges: Set[int] = set()

    # -- context ---------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualified_name(node.func)
        if qualified == "tensorflow.size" and self._rank_of_shape(node):
            self._size_ranks.add(id(node))
            self._rank_calls.add(id(node.args[0].value))
        entry = TF_OPS_BY_NAME.get(qualified) if qualified else None
        if entry is not None and "axis" in entry.params:
            axis = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "axis"), None)
            position = entry.params.index("axis")
            if axis is None and len(node.args) > position and node.args[position].keyword is None \
                    and not any(a.star for a in node.args[:position + 1]):
                axis = node.args[position].value
            if isinstance(axis, cst.Call) and self.ctx.qualified_name(axis.func) == "tensorflow.range" \
                    and 0 < len(axis.args) <= 3 and all(a.keyword is None and not a.star for a in axis.args) \
                    and all(_static_int(a.value, self._is_rank_read) for a in axis.args):
                self._axis_ranges.add(id(axis))
        # (a string-output lookup is handed a TF tensor in host code: KM219)
        if isinstance(node.func, cst.Name) and (node.func.value in string_layer_names(self.ctx)
                                                or node.func.value in string_output_layer_names(self.ctx)):
            self._string_args.update(id(arg.value) for arg in node.args)
        for arg in node.args:
            value = arg.value
            if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Call):
                value = value.value  # tf.zeros(tf.shape(x)[:-1]): a tuple slice is a shape too
            if isinstance(value, cst.Call):
                self._shape_ok.add(id(value))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        call = _rank_read(node)
        if call is not None and self.ctx.qualified_name(call.func) == "tensorflow.shape" and call.args \
                and call.args[0].keyword is None and not call.args[0].star:
            self._rank_calls.add(id(call))
        if isinstance(node.value, cst.Call) and all(
            isinstance(e.slice, cst.Index) for e in node.slice
        ):
            self._shape_ok.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        # `b, h, w = tf.shape(x)` unpacks a tuple just as well; `s = tf.shape(x)` is fine
        # when every later use of `s` in the function indexes it or passes it on.
        if not isinstance(node.value, cst.Call) or len(node.targets) != 1:
            return
        target = node.targets[0].target
        if isinstance(target, (cst.Tuple, cst.List)):
            self._shape_ok.add(id(node.value))
        elif isinstance(target, cst.Name) and self.ctx.qualified_name(node.value.func) == "tensorflow.shape":
            if (cst_scope(self.ctx), target.value) in shape_names_used_as_tuples(self.ctx):
                self._shape_ok.add(id(node.value))

    def _rank_of_shape(self, call: cst.Call) -> bool:
        """`tf.size(tf.shape(x))` (keras.io's StyleGAN): the rank."""
        if len(call.args) != 1 or call.args[0].keyword is not None or not isinstance(call.args[0].value, cst.Call):
            return False
        inner = call.args[0].value
        return self.ctx.qualified_name(inner.func) == "tensorflow.shape" and len(inner.args) == 1 \
            and inner.args[0].keyword is None and not inner.args[0].star

    def _is_rank_read(self, call: cst.Call) -> bool:
        qualified = self.ctx.qualified_name(call.func)
        return qualified == "tensorflow.rank" or (qualified == "tensorflow.size" and self._rank_of_shape(call))

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        call = _rank_read(original)
        if call is None or id(call) not in self._rank_calls:
            return updated
        self._rank_calls.discard(id(call))
        if self._data.active(self.ctx):
            return updated
        # tf.shape(x).shape[0] is the (static) rank: a Python int, like keras.ops.ndim(x).
        self._changed()
        x = updated.value.value.args[0].value
        return cst.Call(func=self._target("ops.ndim"), args=[cst.Arg(value=x)])

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Call) and node.attr.value in ("values", "indices"):
            self._named_result.add(id(node.value))

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        if id(original.value) in self._named_result and self._top_k_rewritten.pop(id(original.value), False):
            # top_k(...).values -> keras.ops.top_k(...)[0] (JAX returns a plain tuple)
            index = "0" if original.attr.value == "values" else "1"
            return cst.Subscript(value=updated.value, slice=[cst.SubscriptElement(cst.Index(cst.Integer(index)))])
        qualified = self.ctx.qualified_name(original)
        if qualified in TF_ATTRIBUTE_CONSTANTS and not self._data.active(self.ctx):
            self._changed()
            return cst.Name(TF_ATTRIBUTE_CONSTANTS[qualified])
        return updated

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation):
        """`y_batch - model(x)` in a module-level tape block: the batch's TF tensor meets a
        JAX tracer / a PyTorch tensor requiring grad, which TensorFlow cannot convert."""
        changes = {side: self._converted(getattr(updated, side)) for side in ("left", "right")
                   if self._tape_block_element(getattr(updated, side))}
        if changes:
            self._changed()
        return updated.with_changes(**changes)

    def _tape_block_element(self, operand: cst.BaseExpression) -> bool:
        """A tf.data batch (or a part of one) read in a tape block, at module level or in
        a function looping over the pipeline (not a method: train_step's batches are the
        backend's)."""
        if self.ctx.class_stack or not self.ctx.in_region(TAPE_BLOCKS):
            return False
        if self.ctx.function_stack:
            elements = function_batch_names(self.ctx).get(cst_scope(self.ctx), frozenset())
        else:
            elements = dataset_element_names(self.ctx)
        root = operand
        while isinstance(root, (cst.Subscript, cst.Attribute)):
            root = root.value
        if isinstance(root, cst.Name) and root.value in elements and root is not operand:
            return True
        return isinstance(operand, cst.Name) and operand.value in elements

    def _converted(self, operand: cst.BaseExpression) -> cst.Call:
        return cst.Call(func=self._target("ops.convert_to_tensor"), args=[cst.Arg(operand)])

    # -- calls -----------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        qualified = self.ctx.qualified_name(original.func)
        if qualified is None or not qualified.startswith("tensorflow."):
            return updated
        if module_name(updated.func) != module_name(original.func):
            return updated  # another rule already rewrote this call
        if id(original) in host_kept_calls(self.ctx):
            return updated  # eager host code on TensorFlow-only values (_host)
        if self._data.active(self.ctx) or id(original) in self._rank_calls:
            return updated  # a rank read is rewritten as a whole by leave_Subscript
        if id(original) in self._size_ranks:
            # tf.size(tf.shape(x)) is the rank: a Python int, like keras.ops.ndim(x)
            self._changed()
            x = updated.args[0].value.args[0].value
            return cst.Call(func=self._target("ops.ndim"), args=[cst.Arg(value=x)])
        if id(original) in self._axis_ranges:
            # axis=tf.range(1, tf.rank(x)) -> tuple(range(1, keras.ops.ndim(x))): static ints
            self._changed()
            args = [arg.with_changes(comma=cst.MaybeSentinel.DEFAULT) for arg in updated.args]
            return cst.Call(func=cst.Name("tuple"), args=[cst.Arg(cst.Call(func=cst.Name("range"), args=args))])
        rel = qualified[len("tensorflow."):]
        entry = TF_OPS_BY_NAME.get(qualified)
        if entry is not None and id(original) in self._string_args:
            return updated  # vectorizer(tf.constant(texts)): strings, TensorFlow's on every backend
        if entry is not None and self._eager_tensorflow(original):
            # `for batch in ds.take(1): img = batch["image"][0]; tf.image.flip_left_right(img)`:
            # TensorFlow tensors, which keras.ops cannot take on JAX; TF runs beside any backend.
            return updated
        if entry is not None and is_host_data_call(self.ctx, original):
            # Module-level data preparation on NumPy / pandas values (maybe strings): it
            # runs with every backend as it is, keras.ops could not hold strings on JAX.
            return updated
        if entry is not None:
            # keras.ops on a batch's TF tensor in a module-level tape block: converted
            # first (jnp.flip and others take no TF tensor)
            updated = updated.with_changes(args=[
                arg.with_changes(value=self._converted(arg.value)) if self._tape_block_element(arg.value) else arg
                for arg in updated.args])
            try:
                replacement = self._ops.rewrite(entry, rel, original, updated)
            except Refuse as why:
                # The table's target is right in general but not for this call's arguments.
                self._leave_on_tensorflow(
                    original, rel, str(why),
                    why.fix or f"rewrite this call as keras.{entry.keras or 'ops'}(...) with arguments that "
                    f"meet the condition above, or keep this code on TensorFlow")
                return updated
            self._changed()
            self._drop_module_import(original.func)
            if entry.note:
                self.report(original, f"tf.{rel} -> keras.{entry.keras}: {entry.note}", severity=Severity.INFO)
            if entry.kink and entry.runtime in bound_names(self.ctx):
                self.report(original, f"tf.{rel} -> keras.{entry.keras}, not keras_migrate_runtime's {entry.runtime} "
                            "(this file binds that name): the same values, but on JAX another gradient where "
                            "the input is exactly at the kink (TensorFlow's is kept by the runtime's helper)",
                            f"rename this file's {entry.runtime!r} and migrate again", severity=Severity.INFO)
            return replacement
        missing = TF_NO_EQUIVALENT_BY_NAME.get(qualified)
        if missing is not None:
            self._leave_on_tensorflow(original, rel, missing.message, missing.fix)
        elif not owned_elsewhere(rel):
            self._leave_on_tensorflow(
                original, rel, f"tf.{rel} has no checked keras.ops equivalent",
                f"rewrite tf.{rel} with keras.ops (https://keras.io/api/ops/) or keep this code on TensorFlow")
        return updated

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._lambda_depth += 1

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda):
        self._lambda_depth -= 1
        return updated

    def _leave_on_tensorflow(self, node, rel, message, fix) -> None:
        in_code = bool(self.ctx.function_stack or self.ctx.class_stack or self._lambda_depth)
        # Module-level eager ops on numpy data still run (TensorFlow stays installed);
        # inside functions, lambdas (a Lambda layer's) and classes they receive backend
        # tensors.
        self.report(node, f"tf.{rel} left as is: {message}", fix,
                    Severity.WARNING if in_code else Severity.INFO)
        if in_code:
            self.ctx.keep_on_tensorflow(self.id, node, f"tf.{rel} has no exact keras.ops equivalent")

    def _eager_tensorflow(self, call: cst.Call) -> bool:
        """TF ops that stay as written: at module level, on tensors drawn from a tf.data
        pipeline."""
        if self.ctx.function_stack or self.ctx.class_stack or self.ctx.in_region(TAPE_BLOCKS):
            return False
        elements = dataset_element_names(self.ctx)
        return bool(elements) and any(isinstance(n, cst.Name) and n.value in elements
                                      for arg in call.args for n in iter_nodes(arg.value))

    def _drop_module_import(self, func: cst.BaseExpression) -> None:
        """`from tensorflow.compiler.tf2xla.python import xla`: goes with its last use."""
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return
        bound = self.ctx.names.bindings.get(func.value.value) or ""
        module, _, obj = bound.rpartition(".")
        if module.startswith("tensorflow.") and obj == func.value.value:
            self.ctx.remove_import_if_unused(module, obj)

    def _changed(self) -> None:
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)

    def _target(self, entry_keras: str) -> cst.BaseExpression:
        return dotted(f"{self.ctx.require_keras()}.{entry_keras}")
