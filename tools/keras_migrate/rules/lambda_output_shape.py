"""KM115 lambda_output_shape: Lambda layers whose output shape Keras 3 cannot infer.

Keras 3 (3.15) infers a Lambda's output shape by calling its function on placeholders
of the layer's compute dtype (float32), not the input's dtype; Keras 2 traced with the
real dtype. So a function applying an int/string/bool-only op (tf.one_hot, tf.gather
indices, tf.strings.*, tf.bitwise.*, logical ops) to its input, or an opaque
tf.py_function, raises "We could not automatically infer the shape of the Lambda's
output" when the model is built symbolically. Everything else traces as before.
"""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._util import code, keyword_arg_value
from keras_migrate.spec._keras3_renames import LAMBDA_OPAQUE, LAMBDA_UNTRACEABLE, LAMBDA_UNTRACEABLE_TF_MODE

__all__ = ["LambdaOutputShape"]


def _matches(qualified: Optional[str], table) -> bool:
    if qualified is None:
        return False
    return any(qualified == e or (e.endswith(".") and qualified.startswith(e)) for e in table)


class LambdaOutputShape(Rule):
    id = "KM115"
    name = "lambda_output_shape"
    description = "Diagnose Lambda layers without output_shape whose function Keras 3 cannot trace."
    TRIGGERS = ("Lambda",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras
            ids = keras.Input((4,), dtype="int32")
            vectors = keras.layers.Lambda(lambda x: tf.gather(table, x))(ids)
            """,
            diagnostics=("KM115",),
        ),
        # tf.one_hot fails too on the TensorFlow backend (agnostic mode turns it into
        # keras.ops.one_hot, which traces).
        Example(
            before="""
            import tensorflow as tf
            import keras
            onehot = keras.layers.Lambda(lambda x: tf.one_hot(x, 10))
            """,
            diagnostics=("KM115",),
            mode="tensorflow",
        ),
        # Casting first (or float-only ops) traces fine in Keras 3.
        Example(
            before="""
            import tensorflow as tf
            import keras
            onehot = keras.layers.Lambda(lambda x: tf.one_hot(tf.cast(x, "int32"), 10))
            halves = keras.layers.Lambda(lambda x: x / 2)
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        path = self.ctx.keras_path(original.func)
        if path not in ("layers.Lambda", "layers.core.Lambda"):
            return updated
        if keyword_arg_value(original, "output_shape") is not None:
            return updated
        positional = [a for a in original.args if a.keyword is None and not a.star]
        if len(positional) >= 2:
            return updated  # Lambda(fn, output_shape)
        fn = positional[0].value if positional else keyword_arg_value(original, "function")
        if fn is None:
            return updated
        culprit = self._culprit(fn)
        if culprit is not None:
            self.report(original,
                        f"Keras 3 cannot infer this Lambda's output shape: it traces the function with float32 "
                        f"placeholders, and {culprit} fails on them",
                        "pass output_shape=<output shape without the batch axis> to Lambda (or a function of the "
                        "input shape), or cast the input inside the function first (e.g. tf.cast(x, 'int32'))")
        return updated

    def _culprit(self, fn: cst.BaseExpression) -> Optional[str]:
        names = _scan.names(self.ctx)
        if names is None:
            return None
        if isinstance(fn, cst.Lambda):
            try:
                node = ast.parse(code(fn), mode="eval").body
            except SyntaxError:
                return None
            params = [a.arg for a in node.args.args]
            body = node.body
        elif isinstance(fn, cst.Name):
            tree = _scan.file_ast(self.ctx)
            defs = [n for n in _scan.nodes(self.ctx, ast.FunctionDef) if n.name == fn.value] if tree else []
            if len(defs) != 1:
                return None
            params = [a.arg for a in defs[0].args.args]
            body = defs[0]
        else:
            return None
        if not params:
            return None
        param = params[0]
        for node in ast_walk(body):
            if not isinstance(node, ast.Call):
                continue
            qualified = names.qualified(node.func)
            if _matches(qualified, LAMBDA_OPAQUE):
                return ast.unparse(node.func)
            if _matches(qualified, LAMBDA_UNTRACEABLE) or (
                    self.ctx.mode == "tensorflow" and _matches(qualified, LAMBDA_UNTRACEABLE_TF_MODE)):
                operands = list(node.args) + [kw.value for kw in node.keywords]
                if qualified.endswith(("gather", "gather_nd", "embedding_lookup")):
                    # only the indices must be integers; float params trace fine
                    operands = list(node.args[1:]) + [kw.value for kw in node.keywords
                                                      if kw.arg in ("indices", "ids")]
                if any(isinstance(a, ast.Name) and a.id == param for a in operands):
                    return ast.unparse(node.func)
        return None
