"""KM120 input_shape: `Input(shape=2)` -> `Input(shape=(2,))`.

Keras 2's Input/InputLayer turned an int shape into a 1-tuple; Keras 3 raises "Cannot
convert '2' to a shape". An int literal is wrapped. A name is wrapped when it is a
parameter of the enclosing function and every call of that function in the file passes
an int literal for it (`def coupling(input_shape): ... Input(shape=input_shape)` called
as `coupling(2)`), or has an int default no call replaces with something else; when
ints and other values both reach it, or it is written in parentheses (`shape=(dim)`, meant
as a 1-tuple), the conversion is spelled out; otherwise (a tuple, or unknown) the argument
is left as is.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._util import code

__all__ = ["InputShape"]

_INPUTS = ("Input", "layers.Input", "layers.InputLayer", "InputLayer")
# (add_weight(shape=...) too: Keras 2 took an int there as well)
_KEYWORDS = ("shape", "input_shape")


def _int_literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Integer) or (
        isinstance(node, cst.UnaryOperation) and isinstance(node.expression, cst.Integer))


def _int_as_tuple(text: str) -> cst.BaseExpression:
    """The shape `text` as Keras 2 read it, for values of either kind."""
    return cst.parse_expression(f"({text},) if isinstance({text}, int) else {text}")


@per_file
def _call_kinds(ctx) -> Dict[tuple, Set[str]]:
    """{(function, parameter): kinds of what calls pass} with kinds "int" / "other"."""
    kinds: Dict[tuple, Set[str]] = {}
    tree = _scan.file_ast(ctx)
    functions: Dict[str, List[str]] = {}
    if tree is not None:
        for node in _scan.nodes(ctx, ast.FunctionDef, ast.AsyncFunctionDef):
            functions[node.name] = [a.arg for a in node.args.args]
        for node in _scan.nodes(ctx, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in functions:
                params = functions[node.func.id]
                passed = dict(zip(params, node.args))
                passed.update({k.arg: k.value for k in node.keywords if k.arg})
                for name in params:
                    value = passed.get(name)
                    if value is None:
                        continue
                    is_int = isinstance(value, ast.Constant) and type(value.value) is int
                    kinds.setdefault((node.func.id, name), set()).add("int" if is_int else "other")
    return kinds



def _int_valued(value: cst.BaseExpression) -> bool:
    """An expression that is an int whatever it reads: one entry of a shape (`X.shape[-1]`,
    handson-ml2's `Input(shape=X_train.shape[1])`) or a len()."""
    if isinstance(value, cst.Subscript):
        return (isinstance(value.value, cst.Attribute) and value.value.attr.value == "shape"
                and len(value.slice) == 1 and isinstance(value.slice[0].slice, cst.Index)
                and _int_literal(value.slice[0].slice.value))
    return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "len" \
        and len(value.args) == 1

class InputShape(Rule):
    id = "KM120"
    name = "input_shape"
    description = "An int Input shape (Keras 2 made it a 1-tuple; Keras 3 rejects it) becomes a tuple."
    TRIGGERS = ("Input", "add_weight")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            def coupling(input_shape):
                inputs = keras.layers.Input(shape=input_shape)
                return keras.Model(inputs, keras.layers.Dense(input_shape)(inputs))
            model = coupling(2)
            features = keras.Input(shape=8)
            wide = keras.layers.Input(shape=X_train_A.shape[-1])  # handson-ml2: an entry of a shape
            words = keras.Input(shape=len(vocabulary))
            rows = keras.Input(shape=X_train.shape[1:])
            """,
            after="""
            from tensorflow import keras
            def coupling(input_shape):
                inputs = keras.layers.Input(shape=(input_shape,))
                return keras.Model(inputs, keras.layers.Dense(input_shape)(inputs))
            model = coupling(2)
            features = keras.Input(shape=(8,))
            wide = keras.layers.Input(shape=(X_train_A.shape[-1],))  # handson-ml2: an entry of a shape
            words = keras.Input(shape=(len(vocabulary),))
            rows = keras.Input(shape=X_train.shape[1:])
            """,
        ),
        # An int default that calls leave alone, an int in parentheses (keras.io StyleGAN).
        Example(
            before="""
            from tensorflow import keras
            def mapping(stages, input_shape=512):
                z = keras.layers.Input(shape=(input_shape))
                return keras.Model(z, keras.layers.Dense(stages)(z))
            m = mapping(stages=4)
            alpha = keras.layers.Input(shape=(1), name="alpha")
            image = keras.layers.Input(shape=(8, 8, 3))
            """,
            after="""
            from tensorflow import keras
            def mapping(stages, input_shape=512):
                z = keras.layers.Input(shape=(input_shape,))
                return keras.Model(z, keras.layers.Dense(stages)(z))
            m = mapping(stages=4)
            alpha = keras.layers.Input(shape=(1,), name="alpha")
            image = keras.layers.Input(shape=(8, 8, 3))
            """,
        ),
        # The default is an int but a call passes a tuple: spelled out.
        Example(
            before="""
            from tensorflow import keras
            def encoder(input_shape=16):
                return keras.Input(shape=input_shape)
            e = encoder((8, 8))
            """,
            after="""
            from tensorflow import keras
            def encoder(input_shape=16):
                return keras.Input(shape=(input_shape,) if isinstance(input_shape, int) else input_shape)
            e = encoder((8, 8))
            """,
        ),
        Example(
            before="""
            import tensorflow as tf
            def tower(shape):
                return tf.keras.Input(shape=shape)
            a = tower(3)
            b = tower((4, 4))
            """,
            after="""
            import tensorflow as tf
            def tower(shape):
                return tf.keras.Input(shape=(shape,) if isinstance(shape, int) else shape)
            a = tower(3)
            b = tower((4, 4))
            """,
        ),
        Example(
            before="""
            import keras
            class Edge(keras.layers.Layer):
                def build(self, input_shape):
                    self.bias = self.add_weight(shape=(self.dim * self.dim), initializer="zeros")
                    self.scale = self.add_weight(shape=3)
                    self.kernel = self.add_weight(shape=(self.dim, 2))
            """,
            after="""
            import keras
            class Edge(keras.layers.Layer):
                def build(self, input_shape):
                    self.bias = self.add_weight(shape=(self.dim * self.dim,) if isinstance(self.dim * self.dim, int) else self.dim * self.dim, initializer="zeros")
                    self.scale = self.add_weight(shape=(3,))
                    self.kernel = self.add_weight(shape=(self.dim, 2))
            """,
        ),
        Example(
            before="""
            from tensorflow.keras import layers
            def model(atom_dim):
                return layers.Input((atom_dim), dtype="float32")
            m = model(features.shape[-1])
            """,
            after="""
            from tensorflow.keras import layers
            def model(atom_dim):
                return layers.Input((atom_dim,) if isinstance(atom_dim, int) else atom_dim, dtype="float32")
            m = model(features.shape[-1])
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_weight":
            return self._add_weight(updated)
        path = self.ctx.keras_path(original.func)
        if path not in _INPUTS:
            return updated
        args = list(updated.args)
        for i, arg in enumerate(args):
            first_positional = i == 0 and arg.keyword is None and not arg.star
            if not (first_positional or (arg.keyword is not None and arg.keyword.value in _KEYWORDS)):
                continue
            new = self._tuple(arg.value)
            if new is not None:
                self.fired()
                args[i] = arg.with_changes(value=new)
        return updated.with_changes(args=args)

    def _add_weight(self, call: cst.Call) -> cst.Call:
        """`add_weight(shape=(units * units))`: Keras 2 took an int shape as a 1-tuple."""
        args = list(call.args)
        for i, arg in enumerate(args):
            if arg.keyword is None or arg.keyword.value != "shape":
                continue
            value = arg.value
            if _int_literal(value):
                new = cst.Tuple([cst.Element(value.with_changes(lpar=[], rpar=[]))])
            elif isinstance(value, (cst.Name, cst.Attribute, cst.BinaryOperation)) and value.lpar:
                text = code(value.with_changes(lpar=[], rpar=[]))
                new = _int_as_tuple(text)
            else:
                continue
            self.fired()
            args[i] = arg.with_changes(value=new)
        return call.with_changes(args=args)

    def _tuple(self, value: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        # `shape=(atom_dim)`: parentheses around a name, written for a 1-tuple (keras.io
        # MPNN); whatever the value, the spelled-out conversion is right for it.
        parenthesized = isinstance(value, cst.Name) and bool(value.lpar)
        if isinstance(value, (cst.Integer, cst.UnaryOperation, cst.Name)):
            value = value.with_changes(lpar=[], rpar=[])  # `shape=(1)`: an int in parentheses
        if _int_literal(value) or _int_valued(value):
            return cst.Tuple([cst.Element(value)])
        converted = None
        if parenthesized:
            converted = _int_as_tuple(value.value)
        if not isinstance(value, cst.Name) or not self.ctx.function_stack:
            return converted
        function = self.ctx.function_stack[-1]
        param = next((p for p in function.params.params if p.name.value == value.value), None)
        if param is None:
            return converted
        kinds = set(_call_kinds(self.ctx).get((function.name.value, value.value), set()))
        if param.default is not None and _int_literal(param.default):
            kinds.add("int")  # `def mapping(input_shape=512)` called without it (keras.io StyleGAN)
        if kinds == {"int"}:
            return cst.Tuple([cst.Element(value)])
        if "int" in kinds:
            return _int_as_tuple(value.value)
        return converted
