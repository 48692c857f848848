"""KM255 output_losses_on_tensorflow: per-output losses of a partial last batch on
Keras 3's TensorFlow backend.

Keras 3.15 averages each output's loss over batches weighted by the batch's static size
(`y_pred.shape[0]`); inside TensorFlow's retraced function of the last, smaller batch
that size is unknown, and the batch counts as one sample. The `<output>_loss` entries of
fit()'s logs and history and of evaluate() then differ from Keras 2 whenever the sample
count is not a multiple of the batch size (found with keras-migrate verify on an
independent program: identical on JAX and PyTorch; the total loss is right). Nothing in
the user's code can change that, so compile() calls with one loss per output get a
warning with the ways around it.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import compiles_loss_per_output

__all__ = ["OutputLossesOnTensorflow"]


class OutputLossesOnTensorflow(Rule):
    id = "KM255"
    name = "output_losses_on_tensorflow"
    description = ("Warn at compile() with one loss per output: on Keras 3's TensorFlow backend the per-output "
                   "losses of a partial last batch are averaged as if it held one sample.")
    TRIGGERS = ("compile",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            model.compile("adam", loss={"price": "mse", "category": "sparse_categorical_crossentropy"},
                          loss_weights={"price": 1.0, "category": 0.5})
            """,
            diagnostics=("KM255",),
        ),
        Example(
            before="""
            from tensorflow import keras
            model.compile("adam", loss="mse")
            model.compile("adam", ["mse"])
            model.compile("adam", loss=["binary_crossentropy", None])
            """,
        ),
    )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile"):
            return
        if not compiles_loss_per_output(node):
            return
        self.report(node, "on Keras 3's TensorFlow backend, each output's loss (`<output>_loss` in fit()'s logs and "
                          "history, and in evaluate()) weighs a last batch smaller than batch_size as one sample "
                          "(Keras 3.15 reads the batch size from a static shape TensorFlow leaves unknown): those "
                          "numbers differ from Keras 2 unless the sample count is a multiple of the batch size; the "
                          "total loss, and the JAX and PyTorch backends, match Keras 2",
                    "use a batch_size that divides the number of samples (or drop_remainder=True in tf.data), or "
                    "read per-output losses on the JAX or PyTorch backend", backends=("tensorflow",))
