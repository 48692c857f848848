"""The shapes of spec entries. Tables are tuples of these; the engine never hard-codes APIs."""

from __future__ import annotations

import dataclasses
from typing import Optional, Tuple

__all__ = [
    "ModuleRename",
    "SymbolRename",
    "KeywordRename",
    "PositionalToKeyword",
    "RemovedKeyword",
    "RemovedSymbol",
    "MethodRename",
    "AttributeRename",
    "BackendFunction",
    "ArgLimit",
    "TfOp",
    "TfNoEquivalent",
    "TensorflowOnlyApi",
]


@dataclasses.dataclass(frozen=True)
class ModuleRename:
    """Keras module path moved: every name under `old` lives under `new`."""

    old: str  # Keras-relative, e.g. "layers.experimental.preprocessing"
    new: str  # Keras-relative, e.g. "layers"

    def keras3_names(self):
        return (f"keras.{self.new}",)


@dataclasses.dataclass(frozen=True)
class SymbolRename:
    """One fully qualified symbol replaced by another (a Keras-relative `new`
    unless `new_root` says otherwise)."""

    old: str  # fully qualified or Keras-relative when `keras=True`
    new: str  # Keras-relative path in Keras 3
    keras: bool = True  # `old` is Keras-relative (any tf.keras/keras spelling)
    note: Optional[str] = None  # an info diagnostic to attach (behaviour to check)

    def keras3_names(self):
        return (f"keras.{self.new}",)


@dataclasses.dataclass(frozen=True)
class KeywordRename:
    func: str  # Keras-relative callable, e.g. "layers.LeakyReLU"
    old: str
    new: str

    def keras3_names(self):
        # "keras.X(kw)": the Keras 3 callable X accepts keyword `kw`.
        return (f"keras.{self.func}({self.new})",)


@dataclasses.dataclass(frozen=True)
class PositionalToKeyword:
    """Keras 3 made a parameter keyword-only (or moved it): positional use is rewritten."""

    func: str
    index: int  # 0-based position in the Keras 2 signature (excluding self)
    keyword: str
    # when the callable is reached as a method (`self.add_weight(...)`), match by name
    method: bool = False
    # Keras 3 callable the keyword belongs to when `func` is not a Keras name
    keras3: Optional[str] = None

    def keras3_names(self):
        if self.keras3 is not None:
            return (f"keras.{self.keras3}({self.keyword})",)
        if self.func.startswith("tensorflow_addons."):
            return ()
        return (f"keras.{self.func}({self.keyword})",)


@dataclasses.dataclass(frozen=True)
class RemovedKeyword:
    func: str
    keyword: str
    message: str
    fix: str
    # drop the argument silently when it carries this (default) value's source text
    drop_if: Tuple[str, ...] = ()
    method: bool = False
    # dropped whatever its value, with an info diagnostic (no effect on results)
    always_drop: bool = False

    def keras3_names(self):
        return ()


@dataclasses.dataclass(frozen=True)
class RemovedSymbol:
    """Gone in Keras 3 without a mechanical replacement: diagnose with a concrete fix."""

    old: str  # Keras-relative
    message: str
    fix: str

    def keras3_names(self):
        return ()


@dataclasses.dataclass(frozen=True)
class MethodRename:
    """Model methods renamed in Keras 3 (matched by method name: receivers are untyped)."""

    old: str
    new: str
    note: Optional[str] = None
    # Keras 2 signature of `old` (positional arguments after the first are passed by
    # keyword, since `new` orders its parameters differently)
    params: Tuple[str, ...] = ()
    # parameter renames (old name, new name), e.g. ("generator", "x")
    renames: Tuple[Tuple[str, str], ...] = ()
    # (keyword, source) passed when absent: Keras 2 defaults of `old` that differ
    defaults: Tuple[Tuple[str, str], ...] = ()

    def keras3_names(self):
        names = [f"keras.Model.{self.new}"]
        renamed = dict(self.renames)
        dropped = {"max_queue_size", "workers", "use_multiprocessing"}
        names.extend(f"keras.Model.{self.new}({renamed.get(p, p)})" for p in self.params[1:] if p not in dropped)
        names.extend(f"keras.Model.{self.new}({k})" for k, _ in self.defaults)
        return tuple(names)


@dataclasses.dataclass(frozen=True)
class AttributeRename:
    """Attribute access renamed (e.g. `optimizer.lr` -> `optimizer.learning_rate`)."""

    old: str
    new: str
    owner: Optional[str] = None  # Keras-relative class the attribute lives on

    def keras3_names(self):
        return () if self.owner is None else (f"keras.{self.owner}.{self.new}",)


@dataclasses.dataclass(frozen=True)
class BackendFunction:
    """A Keras 2 `keras.backend.<name>` function and its Keras 3 replacement.

    The call is bound against the Keras 2 signature `params`; the replacement is
    `keras.<target>(...)` with the first `positional` arguments kept positional and the
    rest passed as keywords named by `keywords` (parallel to `params`; "" = no Keras 3
    equivalent, diagnosed when given). `defaults` are (Keras 3 keyword, source) pairs
    passed explicitly when the call does not give them: Keras 2 defaults that differ
    from Keras 3 (`keras` in the source is the keras module). `template` (an expression over
    the parameter names and `keras`) replaces target-based building when set. With
    neither, or when `require` / `reject` do not hold, the call is diagnosed with
    `message` and `fix`.
    """

    name: str
    target: Optional[str] = None  # Keras-relative, e.g. "ops.mean"
    params: Tuple[str, ...] = ()
    keywords: Tuple[str, ...] = ()
    positional: int = 1
    defaults: Tuple[Tuple[str, str], ...] = ()
    template: Optional[str] = None
    # rewritten only when these parameters are given with exactly this source text
    require: Tuple[Tuple[str, str], ...] = ()
    # diagnosed when one of these parameters is given with this source text
    reject: Tuple[Tuple[str, str], ...] = ()
    # only rewritten when the result is subscripted (`K.shape(x)[0]`)
    subscript_only: bool = False
    # name of a rule-side static check that must hold for the rewrite (else diagnosed)
    guard: str = ""
    message: str = ""
    fix: str = ""
    # rewritten, with this info diagnostic (a bounded, documented difference)
    note: str = ""
    # a keras_migrate_runtime helper with the Keras 2 signature replaces the function
    # (the call keeps its arguments)
    runtime: str = ""
    # such a helper for the calls `guard` refuses (the template serves the others)
    fallback: str = ""

    def keras3_names(self):
        names = []
        if self.target:
            names.append(f"keras.{self.target}")
            kept = [k for k in self.keywords[self.positional:] if k] + [k for k, _ in self.defaults]
            names.extend(f"keras.{self.target}({k})" for k in kept)
            for _, source in self.defaults:
                names.extend(_template_names(source))
        if self.template:
            names.extend(_template_names(self.template))
        return tuple(names)


def _template_names(template: str):
    import ast

    out = []
    for node in ast.walk(ast.parse(template, mode="eval")):
        if isinstance(node, ast.Attribute):
            parts = []
            inner = node
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id == "keras":
                out.append(".".join(["keras"] + parts[::-1]))
    return out


@dataclasses.dataclass(frozen=True)
class ArgLimit:
    """A TF parameter the Keras op cannot express: the call is rewritten only when the
    argument is absent or given as one of `ok` (source text; then it is dropped)."""

    param: str
    reason: str
    ok: Tuple[str, ...] = ("False",)


# Value conversions the tf_ops rule implements (TfOp.values); checked when the table loads.
TF_OP_VALUE_KINDS = frozenset({
    "data_format", "drop_none", "lower", "no_list", "norm_ord", "pad_mode", "resize_method", "spatial", "sqrt",
    "static_size", "tensor", "transpose", "tuple", "valid_only",
})


@dataclasses.dataclass(frozen=True)
class TfOp:
    """A `tf.*` op and its Keras 3 equivalent (checked numerically, see
    tests/keras_migrate/spec/check_tf_ops_semantics.py).

    The call is bound against the TF signature `params` ("*name" takes the remaining
    positional arguments), renamed by `renames`, and emitted as `keras.<keras>(...)`:
    arguments keep their positional form while they follow `keras_params`' order,
    the rest become keywords. `add` supplies Keras keywords for TF defaults that
    differ (given when the TF argument is absent or literally None); `values` names
    a value conversion per TF parameter (see the tf_ops rule); `template` (a format
    string over `{keras}` and the parameter names) replaces the call instead;
    `special` names a handler in the rule for ops that need code. `runtime` names a
    keras_migrate_runtime helper with TF's signature (for ops keras.ops lacks or computes
    differently): the call keeps its arguments and calls the helper. `grad_samples` are
    expressions of `z` (an input holding exact zeros and the samples' bounds) whose
    gradient with respect to `z` must match TensorFlow's too: kinks, where backends pick
    different subgradients.
    """

    tf: Tuple[str, ...]  # names under `tensorflow.`: ("reduce_sum", "math.reduce_sum")
    keras: str  # Keras-relative target, e.g. "ops.sum"
    params: Tuple[str, ...]
    keras_params: Tuple[str, ...] = ()
    renames: Tuple[Tuple[str, str], ...] = ()
    dropped: Tuple[str, ...] = ("name",)
    limits: Tuple[ArgLimit, ...] = ()
    required: Tuple[str, ...] = ()
    add: Tuple[Tuple[str, str], ...] = ()
    values: Tuple[Tuple[str, str], ...] = ()
    template: Optional[str] = None
    special: Optional[str] = None
    note: Optional[str] = None
    samples: Tuple[str, ...] = ()
    runtime: Optional[str] = None
    grad_samples: Tuple[str, ...] = ()

    @property
    def kink(self) -> bool:
        """keras.ops computes the values but not TF's gradient at exact ties: the runtime
        helper replaces it unless the file binds the helper's name."""
        return self.special == "kink"

    def __post_init__(self) -> None:
        # A typo in the table fails when the table is imported, not at the first file
        # that happens to use the op.
        names = {p.lstrip("*") for p in self.params}
        where = f"TfOp {self.tf[0]}"
        for param, kind in self.values:
            if kind not in TF_OP_VALUE_KINDS:
                raise ValueError(f"{where}: unknown value kind {kind!r}")
            if param not in names:
                raise ValueError(f"{where}: values names {param!r}, not a parameter")
        for old, _new in self.renames:
            if old not in names:
                raise ValueError(f"{where}: renames {old!r}, not a parameter")
        for param in (*self.required, *(limit.param for limit in self.limits)):
            if param not in names:
                raise ValueError(f"{where}: {param!r} is not a parameter")
        if not (self.keras or self.template or self.runtime or self.special):
            raise ValueError(f"{where}: no target (keras, template, runtime or special)")


@dataclasses.dataclass(frozen=True)
class TfNoEquivalent:
    """A `tf.*` op whose Keras look-alike differs: left on TensorFlow and diagnosed."""

    tf: Tuple[str, ...]
    message: str
    fix: str


@dataclasses.dataclass(frozen=True)
class TensorflowOnlyApi:
    """APIs that tie code to the TensorFlow backend: the file is reported tensorflow-only.

    `prefixes` are fully qualified names (a prefix matches itself and its dotted
    children). `anywhere`: also at module level (otherwise only inside functions and
    classes, where values are backend tensors); tf.data pipeline code never counts."""

    prefixes: Tuple[str, ...]
    reason: str
    fix: str
    anywhere: bool = False
