"""KM240 batch_input_shape: a layer's `batch_input_shape=` / `batch_size=` (gone in Keras 3).

Keras 2 layers took `batch_input_shape=(batch, ...)`, or `input_shape=` / `input_dim=`
with `batch_size=`, and a Sequential model made its input of the first layer's; a
stateful RNN needs that fixed batch size. Keras 3 layers refuse both keywords
("Unrecognized keyword arguments passed to LSTM"), on every backend. The Keras 3 form is
an input with the batch shape ahead of the layer: `keras.Input(batch_shape=...)` as the
first element of `Sequential([...])`, or added just before the layer
(`model.add(LSTM(..., batch_input_shape=s))` -> `model.add(keras.Input(batch_shape=s))`
then `model.add(LSTM(...))`). Elsewhere (a layer called on a tensor, a later layer of a
Sequential model) Keras 2 ignored the keywords: they are dropped.

An Embedding first in a Sequential model made Keras 2 build the model at once, with input
shape `(input_length,)` (`(None,)` without it): its weights existed for
`model.layers[0].set_weights([embedding_matrix])` (the pretrained-GloVe idiom),
`output_shape` and `summary()`. Keras 3 ignores `input_length` and builds only at the
first call, so such a set_weights raises on every backend. The layer gets Keras 2's
`input_shape=` (`input_length=` becomes it), which Keras 3's Sequential still reads,
unless the file calls the model's build(): Keras 2 rebuilt with the new shape, Keras 3
refuses a second one.

Keras 2's Sequential gave the input it made for a first layer with `input_shape=` /
`input_dim=` that layer's dtype; Keras 3's is always float32. A first layer of another
dtype (`dtype="string"` at the call, or a custom layer whose `__init__` passes
`super().__init__(dtype=tf.string, ...)`: handson-ml2's lookup layer) therefore got its
strings converted to float32 (an error) or float64 data rounded. Such a layer gets a
`keras.Input(shape=..., dtype=...)` ahead of it, as for a batch shape.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules import _scan
from keras_migrate.rules._keras import Part
from keras_migrate.rules._util import as_keyword, code, keyword, keyword_arg, with_keyword

__all__ = ["BatchInputShape"]

_SEQUENTIAL = ("Sequential", "models.Sequential")
_INPUT_LAYERS = ("layers.InputLayer", "InputLayer", "layers.Input", "Input")
_KEYWORDS = frozenset({"batch_input_shape", "batch_size"})
_EMBEDDING = "layers.Embedding"
# Dtypes Keras 3's float32 input serves as Keras 2's did (mixed policies keep float32 variables).
_DEFAULT_DTYPES = frozenset({"float32", "mixed_float16", "mixed_bfloat16"})
# Embedding(input_dim, output_dim, initializer, regularizer, activity_regularizer,
# constraint, mask_zero, input_length): input_length's position.
_INPUT_LENGTH_POSITION = 7


def _first_of_list(call: cst.Call) -> Optional[cst.Call]:
    """The first element of `f([<call>, ...])`, when it is a call."""
    if call.args and isinstance(call.args[0].value, cst.List) and call.args[0].value.elements \
            and isinstance(call.args[0].value.elements[0].value, cst.Call):
        return call.args[0].value.elements[0].value
    return None


def _add_statement(stmt: cst.SimpleStatementLine) -> Optional[cst.Call]:
    """The call of a statement that is only `<model>.add(<one argument>)`."""
    if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Expr):
        return None
    call = stmt.body[0].value
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value == "add" \
            and len(call.args) == 1:
        return call
    return None


class BatchInputShape(Rule):
    id = "KM240"
    name = "batch_input_shape"
    description = ("A layer's `batch_input_shape=` (or `batch_size=` with `input_shape=`/`input_dim=`) -> "
                   "`keras.Input(batch_shape=...)` ahead of it in the Sequential model (Keras 3 layers refuse "
                   "both keywords).")
    part = Part.TENSORFLOW
    TRIGGERS = ("batch_input_shape", "batch_size", "Embedding", "dtype")
    NODE_KEYED = ("_placed", "_plain", "_stranded", "_inputs", "_owners")
    EXAMPLES = (
        # Brownlee's stateful LSTM.
        Example(
            before="""
            from tensorflow.keras.models import Sequential
            from tensorflow.keras.layers import LSTM, Dense
            model = Sequential()
            model.add(LSTM(4, batch_input_shape=(batch_size, X.shape[1], X.shape[2]), stateful=True))
            model.add(Dense(1))
            """,
            after="""
            from keras.models import Sequential
            from keras.layers import LSTM, Dense
            import keras
            model = Sequential()
            model.add(keras.Input(batch_shape=(batch_size, X.shape[1], X.shape[2])))
            model.add(LSTM(4, stateful=True))
            model.add(Dense(1))
            """,
            full=True,
        ),
        # A list, with input_shape + batch_size; a later layer's keyword is dropped.
        Example(
            before="""
            from tensorflow import keras
            model = keras.Sequential([
                keras.layers.GRU(8, input_shape=(10, 3), batch_size=16, stateful=True),
                keras.layers.Dense(1, batch_input_shape=(16, 8)),
            ])
            """,
            after="""
            import keras
            model = keras.Sequential([
                keras.Input(batch_shape=(16, 10, 3)), keras.layers.GRU(8, stateful=True),
                keras.layers.Dense(1),
            ])
            """,
            diagnostics=("KM240",),
            full=True,
        ),
        # InputLayer takes the batch shape under Keras 3's name; fit(batch_size=) and a
        # layer without the keywords are left alone.
        Example(
            before="""
            from tensorflow import keras
            inputs = keras.layers.InputLayer(batch_input_shape=(4, 2))
            model.fit(x, y, batch_size=32)
            dense = keras.layers.Dense(2, input_shape=(3,))
            """,
            after="""
            from tensorflow import keras
            inputs = keras.layers.InputLayer(batch_shape=(4, 2))
            model.fit(x, y, batch_size=32)
            dense = keras.layers.Dense(2, input_shape=(3,))
            """,
        ),
        # Keras 2 read the keywords on a model's first layer only: a later add loses them;
        # a new `model = Sequential()` starts again.
        Example(
            before="""
            from tensorflow import keras
            model = keras.Sequential()
            model.add(keras.layers.Dense(4, input_dim=3))
            model.add(keras.layers.Dense(2, batch_input_shape=(8, 4)))
            model = keras.Sequential()
            model.add(keras.layers.Dense(2, input_dim=3, batch_size=8))
            """,
            after="""
            import keras
            model = keras.Sequential()
            model.add(keras.layers.Dense(4, input_dim=3))
            model.add(keras.layers.Dense(2))
            model = keras.Sequential()
            model.add(keras.Input(batch_shape=(8, 3)))
            model.add(keras.layers.Dense(2))
            """,
            diagnostics=("KM240",),
            full=True,
        ),
        # A first Embedding built the Keras 2 model (GloVe weights set right after);
        # Embedding's own input_dim is its vocabulary, not a shape; later layers keep theirs.
        Example(
            before="""
            from tensorflow import keras
            from tensorflow.keras.layers import Embedding, LSTM
            model = keras.Sequential([Embedding(len(vocab), 100, input_length=maxlen), keras.layers.Flatten()])
            model.layers[0].set_weights([embedding_matrix])
            rnn = keras.Sequential()
            rnn.add(Embedding(input_dim=1000, output_dim=64, mask_zero=True))
            rnn.add(Embedding(10, 4, input_length=3))
            stateful = keras.Sequential([Embedding(1000, 8, input_length=20, batch_size=32), LSTM(4, stateful=True)])
            rebuilt = keras.Sequential([Embedding(60, 4), keras.layers.GlobalAveragePooling1D()])
            rebuilt.build((None, 6))
            """,
            after="""
            import keras
            from keras.layers import Embedding, LSTM
            model = keras.Sequential([Embedding(len(vocab), 100, input_shape=(maxlen,)), keras.layers.Flatten()])
            model.layers[0].set_weights([embedding_matrix])
            rnn = keras.Sequential()
            rnn.add(Embedding(input_dim=1000, output_dim=64, mask_zero=True, input_shape=(None,)))
            rnn.add(Embedding(10, 4, input_length=3))
            stateful = keras.Sequential([keras.Input(batch_shape=(32, 20)), Embedding(1000, 8), LSTM(4, stateful=True)])
            rebuilt = keras.Sequential([Embedding(60, 4), keras.layers.GlobalAveragePooling1D()])
            rebuilt.build((None, 6))
            """,
            full=True,
        ),
        # A first layer of another dtype than float32 (handson-ml2's string lookup layer):
        # Keras 2's input had its dtype. Mixed policies keep float32 inputs; a later layer's
        # dtype is its own business.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras
            class Lookup(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(dtype=tf.string, **kwargs)
            class Ids(keras.layers.Layer):
                def __init__(self, vocabulary, dtype="int64", **kwargs):
                    super(Ids, self).__init__(dtype=dtype, **kwargs)
            model = keras.models.Sequential([Lookup(input_shape=[]), keras.layers.Dense(1)])
            ids = keras.Sequential([Ids(vocab, input_shape=(None,)), keras.layers.Dense(1)])
            wide = keras.Sequential()
            wide.add(keras.layers.Dense(2, input_dim=3, dtype="float64"))
            stateful = keras.Sequential([keras.layers.LSTM(2, batch_input_shape=(4, 5, 1), dtype=tf.float64)])
            half = keras.Sequential([keras.layers.Dense(2, input_shape=(3,), dtype="mixed_float16")])
            later = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), keras.layers.Dense(1, dtype=tf.float64)])
            """,
            after="""
            import tensorflow as tf
            import keras
            class Lookup(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(dtype=tf.string, **kwargs)
            class Ids(keras.layers.Layer):
                def __init__(self, vocabulary, dtype="int64", **kwargs):
                    super(Ids, self).__init__(dtype=dtype, **kwargs)
            model = keras.models.Sequential([keras.Input(shape=[], dtype="string"), Lookup(), keras.layers.Dense(1)])
            ids = keras.Sequential([keras.Input(shape=(None,), dtype="int64"), Ids(vocab), keras.layers.Dense(1)])
            wide = keras.Sequential()
            wide.add(keras.Input(shape=(3,), dtype="float64"))
            wide.add(keras.layers.Dense(2, dtype="float64"))
            stateful = keras.Sequential([keras.Input(batch_shape=(4, 5, 1), dtype="float64"), keras.layers.LSTM(2, dtype="float64")])
            half = keras.Sequential([keras.layers.Dense(2, input_shape=(3,), dtype="mixed_float16")])
            later = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), keras.layers.Dense(1, dtype="float64")])
            """,
            diagnostics=("KM207", "KM207"),
            tensorflow_only=True,
            full=True,
        ),
        # The first add inside a larger statement: no room for the input, reported and kept.
        Example(
            before="""
            from tensorflow import keras
            model = keras.Sequential()
            model.add(keras.layers.LSTM(4, batch_input_shape=(1, 5, 2), stateful=True)); model.add(keras.layers.Dense(1))
            added = [m.add(keras.layers.GRU(3, batch_input_shape=(1, 5, 2))) for m in models]
            """,
            diagnostics=("KM240", "KM240"),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._placed: Set[int] = set()  # first layers of a Sequential list or of `model.add(...)` statements
        self._plain: Set[int] = set()  # layers of `model.add(<layer>)` statements (an input can go before)
        self._stranded: Set[int] = set()  # first layers added inside a larger statement (no room for an input)
        self._receivers: Set[str] = set()  # `model` of each `model.add(...)` met since `model = ...`
        self._inputs: Dict[int, List[cst.Arg]] = {}  # layer call -> the arguments of the input it needs
        self._owners: Dict[int, List[str]] = {}  # first layer call -> the model's names (`model`)

    def visit_Assign(self, node: cst.Assign) -> None:
        # `model = Sequential()`: its next add is its first; `Sequential([...])` has layers already.
        has_layers = isinstance(node.value, cst.Call) and bool(node.value.args)
        first = _first_of_list(node.value) if has_layers else None
        if first is not None:
            self._owners[id(first)] = [_scan.expr_key(t.target) for t in node.targets]
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if has_layers:
                    self._receivers.add(target.target.value)
                else:
                    self._receivers.discard(target.target.value)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        add = _add_statement(node)
        if add is not None:
            self._plain.add(id(add.args[0].value))

    def visit_Call(self, node: cst.Call) -> None:
        # Cheap shape tests first: the file's every call comes here.
        first = _first_of_list(node)
        if first is not None and self.ctx.keras_path(node.func) in _SEQUENTIAL:
            self._placed.add(id(first))
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "add" and len(node.args) == 1 \
                and isinstance(node.args[0].value, cst.Call):
            # Keras 2 read the keywords on a model's first layer only (a later add ignored them).
            receiver = code(node.func.value)
            if receiver not in self._receivers:
                self._receivers.add(receiver)
                layer = id(node.args[0].value)
                self._owners[layer] = [_scan.expr_key(node.func.value)]
                (self._placed if layer in self._plain else self._stranded).add(layer)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        first = _first_of_list(original)
        if first is not None and id(first) in self._inputs:
            return self._sequential(first, updated)  # only a Sequential's first layer is recorded there
        if not any(a.keyword is not None and a.keyword.value in _KEYWORDS for a in original.args):
            if id(original) in self._placed or id(original) in self._stranded:
                typed = self._first_typed(original, updated)
                return self._first_embedding(original, updated) if typed is None else typed
            return updated
        path = self.ctx.keras_path(original.func)
        if path is None or not path.startswith("layers."):
            return updated
        if path in _INPUT_LAYERS:
            arg = keyword_arg(updated, "batch_input_shape")
            if arg is None:
                return updated
            self.fired()
            return updated.with_changes(args=[a.with_changes(keyword=cst.Name("batch_shape")) if a is arg else a
                                              for a in updated.args])
        embedding = path == _EMBEDDING
        shape = self._batch_shape(updated, embedding)
        if shape is None:
            return updated
        if id(original) in self._stranded:
            # Keras 2 made the model's input of it, but no input can be put before it here.
            self.report(original, "Keras 3 layers refuse batch_input_shape / batch_size, and this layer is added "
                        "inside a larger statement where no input can be put before it: left as it is",
                        fix=f"add `model.add(keras.Input(batch_shape={code(shape)}))` on a line of its own "
                            "before this one and remove the keyword", severity=Severity.WARNING)
            return updated
        dropped = ("batch_input_shape", "batch_size") if keyword_arg(updated, "batch_input_shape") is not None \
            else ("batch_size", "input_shape", "input_length") if embedding \
            else ("batch_size", "input_shape", "input_dim")
        args = [a for a in updated.args if a.keyword is None or a.keyword.value not in dropped]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        self.fired()
        if id(original) in self._placed:
            self._inputs[id(original)] = [keyword("batch_shape", shape), *self._dtype_args(original)]
        else:
            self.report(original, "Keras 2 used a layer's batch_input_shape / batch_size only on the first layer "
                        "of a Sequential model (ignored here); Keras 3 refuses them: dropped",
                        severity=Severity.INFO)
        return updated.with_changes(args=args)

    def _dtype_args(self, call: cst.Call) -> List[cst.Arg]:
        """`dtype=` for the input Keras 2 made of `call`'s layer, when float32 would not do."""
        dtype = _scan.call_dtype(self.ctx, call)
        if dtype is None or dtype in _DEFAULT_DTYPES:
            return []
        return [keyword("dtype", cst.SimpleString(f'"{dtype}"'))]

    def _first_typed(self, original: cst.Call, updated: cst.Call) -> Optional[cst.Call]:
        """A model's first layer of a dtype other than float32, with a shape: the input Keras
        2 made of it had that dtype; Keras 3's would be float32."""
        dtype = self._dtype_args(original)
        path = self.ctx.keras_path(original.func)
        if not dtype or path == _EMBEDDING or any(a.star for a in original.args):
            return None
        shape = keyword_arg(updated, "input_shape")
        dim = keyword_arg(updated, "input_dim")
        if shape is None and dim is None:
            return None
        value = shape.value if shape is not None else cst.parse_expression(f"({code(dim.value)},)")
        if id(original) in self._stranded:
            self.report(original, "Keras 2 gave the input of a Sequential model its first layer's dtype; Keras 3's "
                        "is float32, and this layer is added inside a larger statement where no input can be put "
                        "before it: left as it is",
                        fix=f"add `model.add(keras.Input(shape={code(value)}, {code(dtype[0]).strip()}))` on a "
                            "line of its own before this one and remove input_shape / input_dim",
                        severity=Severity.WARNING)
            return updated
        self.fired()
        self._inputs[id(original)] = [keyword("shape", value), *dtype]
        args = [a for a in updated.args if a is not shape and a is not dim]
        if args:
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(args=args)

    def _first_embedding(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """A model's first Embedding without a shape: Keras 2's `input_shape=`."""
        if self.ctx.keras_path(original.func) != _EMBEDDING or keyword_arg(updated, "input_shape") is not None \
                or sum(a.keyword is None for a in updated.args) > _INPUT_LENGTH_POSITION \
                or any(a.star for a in updated.args) \
                or any(name in _scan.built_explicitly(self.ctx) for name in self._owners.get(id(original), ())):
            return updated
        self.fired()
        length = keyword_arg(updated, "input_length")
        shape = self._embedding_shape(length)
        if length is None:
            return with_keyword(updated, "input_shape", shape)
        return updated.with_changes(args=[as_keyword(a, "input_shape").with_changes(value=shape) if a is length
                                          else a for a in updated.args])

    @staticmethod
    def _embedding_shape(length: Optional[cst.Arg]) -> cst.BaseExpression:
        """Keras 2's Embedding input shape: `(input_length,)`, `(None,)` without one."""
        dim = "None" if length is None else code(length.value)
        return cst.parse_expression(f"({dim},)")

    @classmethod
    def _batch_shape(cls, call: cst.Call, embedding: bool = False) -> Optional[cst.BaseExpression]:
        arg = keyword_arg(call, "batch_input_shape")
        if arg is not None:
            return arg.value
        size = keyword_arg(call, "batch_size")
        if size is None:
            return None
        if embedding and keyword_arg(call, "input_shape") is None:
            # Embedding's input_dim is its vocabulary size; its length is input_length.
            length = cls._embedding_shape(keyword_arg(call, "input_length")).elements[0].value
            return cst.parse_expression(f"({code(size.value)}, {code(length)})")
        dim = keyword_arg(call, "input_dim")
        if dim is not None:
            return cst.parse_expression(f"({code(size.value)}, {code(dim.value)})")
        shape = keyword_arg(call, "input_shape")
        if shape is None:
            return None
        if isinstance(shape.value, cst.Tuple):
            return cst.parse_expression(f"({code(size.value)}, "
                                        + ", ".join(code(e.value) for e in shape.value.elements) + ")")
        return cst.parse_expression(f"({code(size.value)},) + tuple({code(shape.value)})")

    def _input(self, args: List[cst.Arg]) -> cst.Call:
        keras = self.ctx.require_keras()
        args = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in args[:-1]] \
            + args[-1:]
        return cst.Call(cst.Attribute(cst.Name(keras), cst.Name("Input")), args)

    def _sequential(self, first: cst.Call, updated: cst.Call) -> cst.Call:
        """Sequential([<first layer with a batch shape>, ...]): the input goes first."""
        layers = updated.args[0].value
        head = cst.Element(self._input(self._inputs.pop(id(first))), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        new_list = layers.with_changes(elements=[head, *layers.elements])
        return updated.with_changes(args=[updated.args[0].with_changes(value=new_list), *updated.args[1:]])

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        """`model.add(<layer with a batch shape>)`: the input is added first."""
        call = _add_statement(original)
        if call is None:
            return updated
        inputs = self._inputs.pop(id(call.args[0].value), None)
        if inputs is None or not isinstance(updated.body[0], cst.Expr) or not isinstance(updated.body[0].value, cst.Call):
            return updated
        add = updated.body[0].value
        first = updated.with_changes(body=[updated.body[0].with_changes(
            value=add.with_changes(args=[cst.Arg(self._input(inputs))]))])
        return cst.FlattenSentinel([first, updated.with_changes(leading_lines=())])
