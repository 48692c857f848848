"""TensorFlow functions passed as values (`activation=tf.nn.gelu`, `Lambda(tf.math.l2_normalize)`,
`map(tf.reduce_sum, xs)`): the Keras 3 function value that computes the same, as data.

A value is called later with arguments we cannot see, so a replacement must accept the
same positional arguments with the same meaning (a "drop-in"), or be a one-argument
lambda for ops that are only ever called with the tensor. Three sources, in order:

- ACTIVATION_VALUES: tf.nn / tf.math activations -> keras.activations.* (which serialize
  by name in saved models). tf.nn.gelu is exact by default, like keras.activations.gelu
  (keras.ops.gelu is the tanh approximation); tf.nn.leaky_relu's alpha=0.2 is
  keras.activations.leaky_relu's negative_slope=0.2; tf.nn.softmax's axis=-1 likewise.
- LAMBDA_VALUES: one-argument ops whose Keras 3 function needs a different default.
- every TF_OPS entry whose Keras target takes the TF parameters in the same positional
  order with no default, value or special handling (see `drop_in`), and every entry
  computed by a keras_migrate_runtime helper alone (it has TF's signature).

tests/keras_migrate/spec/check_tf_value_semantics.py checks every entry numerically
on the TensorFlow, JAX and PyTorch backends against TensorFlow.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Optional, Tuple

from keras_migrate.spec._tf_ops import TF_OPS
from keras_migrate.spec._types import TfOp

__all__ = ["TfValue", "TF_VALUES", "TF_VALUES_BY_NAME", "drop_in"]


@dataclasses.dataclass(frozen=True)
class TfValue:
    """`tensorflow.<tf>` as a value -> `keras.<keras>` (a drop-in function), or
    `template` (a lambda over `{keras}`, the local name of the keras module)."""

    tf: Tuple[str, ...]
    keras: Optional[str] = None
    template: Optional[str] = None
    # calls of the value `f` the semantic check evaluates (inputs as in check_tf_ops_semantics)
    samples: Tuple[str, ...] = ("f(x)",)
    # a keras_migrate_runtime function with TF's signature (and TF's gradients at ties);
    # `keras`, if given too, where the file binds the runtime function's name
    runtime: Optional[str] = None
    grad_samples: Tuple[str, ...] = ()

    def keras3_names(self):
        return (f"keras.{self.keras}",) if self.keras else ()


def _act(tf_names, keras, samples=("f(x)",)) -> TfValue:
    return TfValue(tuple(tf_names), f"activations.{keras}", samples=samples)


ACTIVATION_VALUES = (
    _act(("nn.relu",), "relu"),
    _act(("nn.relu6",), "relu6", samples=("f(x * 10.0)",)),
    _act(("nn.elu",), "elu"),
    _act(("nn.selu",), "selu"),
    _act(("nn.gelu",), "gelu", samples=("f(x)", "f(x, True)")),
    # keras.activations.leaky_relu's gradient at 0 is 1 on JAX; TF's is alpha
    TfValue(("nn.leaky_relu",), "activations.leaky_relu", runtime="leaky_relu", samples=("f(x)", "f(x, 0.3)"),
            grad_samples=("f(z)", "f(z, 0.1)")),
    _act(("nn.softmax", "math.softmax"), "softmax", samples=("f(x)", "f(x, 1)")),
    _act(("nn.log_softmax", "math.log_softmax"), "log_softmax", samples=("f(x)", "f(x, 1)")),
    _act(("nn.sigmoid", "math.sigmoid", "sigmoid"), "sigmoid"),
    _act(("nn.tanh", "math.tanh", "tanh"), "tanh"),
    _act(("nn.softplus", "math.softplus"), "softplus"),
    _act(("nn.softsign", "math.softsign"), "softsign"),
    _act(("nn.silu", "nn.swish"), "silu"),
    _act(("math.log_sigmoid",), "log_sigmoid"),
    _act(("exp", "math.exp"), "exponential"),
    # TF: x * rsqrt(max(sum(x**2), 1e-12)) over ALL axes by default (the batch too);
    # keras.ops.normalize's gradient is NaN at a zero vector, the runtime's is TF's.
    TfValue(("nn.l2_normalize", "math.l2_normalize", "linalg.l2_normalize"), runtime="l2_normalize",
            samples=("f(x)", "f(x, 1)", "f(x * 0.0, -1)"), grad_samples=("f(z, -1)", "f(z * 0.0, -1)")),
)

LAMBDA_VALUES = (
    # TF's argmax/argmin default to axis 0 (Keras: flatten).
    TfValue(("argmax", "math.argmax"), template="lambda x: {keras}.ops.argmax(x, axis=0)"),
    TfValue(("argmin", "math.argmin"), template="lambda x: {keras}.ops.argmin(x, axis=0)"),
)


def drop_in(op: TfOp) -> bool:
    """The Keras target accepts the TF op's positional arguments in the same order with
    the same meaning and defaults, so the function itself can replace the TF one."""
    if op.add or op.values or op.special or op.template or op.required or not op.keras:
        return False
    if any(p.startswith("*") for p in op.params):
        return False
    renames = dict(op.renames)
    skipped = set(op.dropped) | {limit.param for limit in op.limits}
    mapped = [renames.get(p, p) for p in op.params if p not in skipped]
    # TF parameters past the Keras ones make a positional call fail loudly, never silently.
    return mapped[:len(op.keras_params)] == list(op.keras_params) and len(mapped) >= len(op.keras_params)


def _samples(op: TfOp) -> Tuple[str, ...]:
    # The op's own samples with the op replaced by the value `f`, except those passing a
    # TF keyword the Keras function names differently (keyword calls are not drop-in).
    prefix = f"tf.{op.tf[0]}("
    renamed = {old for old, new in op.renames if old != new}
    return tuple("f(" + s[len(prefix):] for s in op.samples
                 if s.startswith(prefix) and not any(f"{name}=" in s for name in renamed))


def _derived() -> Tuple[TfValue, ...]:
    explicit = {name for entry in ACTIVATION_VALUES + LAMBDA_VALUES for name in entry.tf}
    out = []
    for op in TF_OPS:
        names = tuple(n for n in op.tf if n not in explicit)
        if names and drop_in(op):
            samples = ("f()((2, 3))",) if op.keras in ("initializers.Zeros", "initializers.Ones") else _samples(op)
            # random initializers draw different streams by design: no sample to compare
            out.append(TfValue(names, op.keras, samples=samples))
        elif names and op.runtime and (op.kink or not (op.keras or op.special or op.template)):
            fallback = op.keras if op.keras and drop_in(dataclasses.replace(op, special=None)) else None
            out.append(TfValue(names, fallback, runtime=op.runtime, samples=_samples(op),
                               grad_samples=tuple("f(" + s[len(f"tf.{op.tf[0]}("):] for s in op.grad_samples)))
    return tuple(out)


TF_VALUES: Tuple[TfValue, ...] = ACTIVATION_VALUES + LAMBDA_VALUES + _derived()

TF_VALUES_BY_NAME: Dict[str, TfValue] = {f"tensorflow.{name}": entry for entry in TF_VALUES for name in entry.tf}
