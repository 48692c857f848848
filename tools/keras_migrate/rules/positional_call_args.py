"""KM176 positional_call_args: layers whose call() takes several positional arguments accept
non-tensors there, as in Keras 2.

Keras 2 passed whatever a layer was called with to its call(); Keras 3's Layer.__call__
rejects a positional argument that is not a tensor ("Only input tensors may be passed as
positional arguments"), so `block(x, height, width, channels)` with Python ints fails
(keras.io's focal_modulation_network). Call sites are often loops over lists of layers
that no rewrite can resolve. Keras 3 lets a layer opt out of the check with the flag its
own preprocessing layers set (`_allow_non_tensor_positional_args`), right after
Layer.__init__ sets it to False: the migrator sets it in the __init__ of each layer
class of the file whose call() takes more than one positional argument (besides
training and mask). The check guards nothing else, so tensors behave as before.
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule, is_docstring
from keras_migrate.rules._agnostic import is_keras_class
from keras_migrate.rules._util import as_keyword, class_method

__all__ = ["PositionalCallArgs"]

_FLAG = "_allow_non_tensor_positional_args"
# RNN cells get their states (and constants) from Keras 3 itself.
_NOT_INPUTS = frozenset({"training", "mask", "states", "state", "constants"})


def _takes_several_positional(cls: cst.ClassDef) -> bool:
    call = class_method(cls, "call")
    if call is None:
        return False
    params = [p.name.value for p in (*call.params.posonly_params, *call.params.params)]
    return len([p for p in params[1:] if p not in _NOT_INPUTS]) > 1


def _is_super_init(statement: cst.BaseStatement) -> bool:
    if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.Call)):
        return False
    func = statement.body[0].value.func
    return isinstance(func, cst.Attribute) and func.attr.value == "__init__"


class PositionalCallArgs(Rule):
    id = "KM176"
    name = "positional_call_args"
    description = ("Layers whose call() takes several positional arguments accept non-tensors there again "
                   "(Keras 3 rejects `block(x, height, width)` with ints).")
    TRIGGERS = ("def call", "__call__")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras

            class BasicLayer(keras.layers.Layer):
                def __init__(self, dim, **kwargs):
                    super().__init__(**kwargs)
                    self.dense = keras.layers.Dense(dim)

                def call(self, x, height, width, channels):
                    return self.dense(x), height, width, channels
            """,
            after="""
            from tensorflow import keras

            class BasicLayer(keras.layers.Layer):
                def __init__(self, dim, **kwargs):
                    super().__init__(**kwargs)
                    # Keras 2 accepted non-tensor positional arguments in call() (Keras 3 rejects them)
                    self._allow_non_tensor_positional_args = True
                    self.dense = keras.layers.Dense(dim)

                def call(self, x, height, width, channels):
                    return self.dense(x), height, width, channels
            """,
        ),
        # No __init__: one is added.
        Example(
            before="""
            from tensorflow import keras

            class Scale(keras.layers.Layer):
                \"\"\"x * factor.\"\"\"

                def call(self, x, factor):
                    return x * factor
            """,
            after="""
            from tensorflow import keras

            class Scale(keras.layers.Layer):
                \"\"\"x * factor.\"\"\"

                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    # Keras 2 accepted non-tensor positional arguments in call() (Keras 3 rejects them)
                    self._allow_non_tensor_positional_args = True

                def call(self, x, factor):
                    return x * factor
            """,
        ),
        # One input, training and mask: nothing to allow.
        Example(
            before="""
            from tensorflow import keras

            class Block(keras.layers.Layer):
                def __init__(self):
                    super(Block, self).__init__()

                def call(self, inputs, training=None, mask=None):
                    return inputs
            """,
        ),
        # keras-attention: training passed on positionally by a __call__ override.
        Example(
            before="""
            from tensorflow import keras

            class Attention(keras.layers.Layer):
                def __call__(self, inputs, training=None, **kwargs):
                    return super(Attention, self).__call__(inputs, training, **kwargs)

                def call(self, inputs, training=None):
                    return inputs
            """,
            after="""
            from tensorflow import keras

            class Attention(keras.layers.Layer):
                def __call__(self, inputs, training=None, **kwargs):
                    return super(Attention, self).__call__(inputs, training=training, **kwargs)

                def call(self, inputs, training=None):
                    return inputs
            """,
        ),
        # Not a Keras layer.
        Example(
            before="""
            class Helper:
                def __init__(self):
                    super().__init__()

                def call(self, a, b):
                    return a + b
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        # `super().__call__(inputs, training, **kwargs)` in a layer's __call__ override:
        # a functional model stores that positional `training` and Keras 3 adds its own
        # training= when it runs the graph ("got multiple values for argument 'training'",
        # keras-attention); as a keyword it is the same call.
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "__call__" and isinstance(func.value, cst.Call)
                and isinstance(func.value.func, cst.Name) and func.value.func.value == "super"):
            return updated
        function, cls = self.ctx.current_function, self.ctx.current_class
        if function is None or function.name.value != "__call__" or cls is None or not is_keras_class(self.ctx, cls):
            return updated
        args = list(updated.args)
        changed = False
        for index, arg in enumerate(args):
            if (index and arg.keyword is None and not arg.star and isinstance(arg.value, cst.Name)
                    and arg.value.value in ("training", "mask")):
                args[index] = as_keyword(arg, arg.value.value)
                changed = True
        if not changed:
            return updated
        self.fired()
        return updated.with_changes(args=args)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        # Judged on the class as the run leaves it: another rule may have given call()
        # its positional parameters (none_in_nested_args unpacks `inputs`), and a second
        # run must find nothing to do.
        if not isinstance(updated.body, cst.IndentedBlock) or not is_keras_class(self.ctx, original) \
                or not _takes_several_positional(updated):
            return updated
        body = list(updated.body.body)
        init = class_method(updated, "__init__")
        if init is not None:
            return updated.with_changes(body=updated.body.with_changes(body=[
                _with_flag(s) if s is init else s for s in body]))
        at = 1 if body and is_docstring(body[0]) else 0
        init = cst.parse_statement(
            "def __init__(self, *args, **kwargs):\n"
            "    super().__init__(*args, **kwargs)\n"
            "    # Keras 2 accepted non-tensor positional arguments in call() (Keras 3 rejects them)\n"
            f"    self.{_FLAG} = True\n")
        if at:
            init = init.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        following = body[at].with_changes(leading_lines=[cst.EmptyLine(indent=False)]) if at < len(body) else None
        body = body[:at] + [init] + ([following] + body[at + 1:] if following is not None else [])
        return updated.with_changes(body=updated.body.with_changes(body=body))


def _with_flag(init: cst.FunctionDef) -> cst.FunctionDef:
    """__init__ setting the flag right after Layer.__init__ (which sets it to False)."""
    if not isinstance(init.body, cst.IndentedBlock):
        return init
    body = list(init.body.body)
    if any(isinstance(s, cst.SimpleStatementLine) and _FLAG in cst.Module([]).code_for_node(s) for s in body):
        return init  # set already (a second run)
    index = next((i for i, s in enumerate(body) if _is_super_init(s)), None)
    if index is None:
        return init  # Layer.__init__ not called here: nothing to follow
    flag = cst.parse_statement(f"self.{_FLAG} = True\n").with_changes(leading_lines=[cst.EmptyLine(
        comment=cst.Comment("# Keras 2 accepted non-tensor positional arguments in call() (Keras 3 rejects them)"))])
    body.insert(index + 1, flag)
    return init.with_changes(body=init.body.with_changes(body=body))
