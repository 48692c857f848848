"""KM131 activation_values: activation strings and functions whose meaning changed in Keras 3.

Keras 2 accepted layer class names as activation strings ("LeakyReLU", "ReLU", ...);
Keras 3 rejects them. "hard_sigmoid" (string, keras.activations.hard_sigmoid, and the
ConvLSTM recurrent_activation default) computes other numbers in Keras 3. See
spec/_activations.py for what was measured.
"""

from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._args import bind, file_uses_keras, has_star, keras3_path, paired_args
from keras_migrate.rules._util import keyword_arg, with_keyword
from keras_migrate.spec._activations import (
    ACTIVATION_STRINGS,
    HARD_SIGMOID_DEFAULT_LAYERS,
    HARD_SIGMOID_RUNTIME,
    ActivationString,
)

__all__ = ["ActivationValues"]

_HARD_SIGMOID = "activations.hard_sigmoid"
# Keras callables that take an activation as their first / second positional argument.
_POSITIONAL_ACTIVATION = {"layers.Activation": 0, "activations.get": 0, "layers.Dense": 1}


def _activation_keyword(arg: cst.Arg) -> bool:
    # activation=, recurrent_activation=, and custom spellings (gate_activation=, ...)
    return arg.keyword is not None and arg.keyword.value.endswith("activation")


def _string(node: cst.BaseExpression) -> Optional[str]:
    return node.evaluated_value if isinstance(node, cst.SimpleString) else None


class ActivationValues(Rule):
    id = "KM131"
    NODE_KEYED = ('_chained', '_funcs', '_values')
    name = "activation_values"
    description = ("Rewrite activations Keras 3 rejects or computes differently: layer class names as "
                   "activation strings (\"LeakyReLU\", \"ReLU\", ...), Keras 2's hard_sigmoid, and the "
                   "ConvLSTM hard_sigmoid default.")
    TRIGGERS = ("activation", "hard_sigmoid", "ConvLSTM")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            x = keras.layers.Dense(8, activation="LeakyReLU")(x)
            x = keras.layers.Dense(8, activation="ReLU")(x)
            x = keras.layers.Activation("Softmax")(x)
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_leaky_relu
            x = keras.layers.Dense(8, activation=keras2_leaky_relu)(x)
            x = keras.layers.Dense(8, activation="relu")(x)
            x = keras.layers.Activation("softmax")(x)
            """,
        ),
        # Keras 2's hard_sigmoid is clip(0.2 x + 0.5, 0, 1); ConvLSTM used it by default.
        Example(
            before="""
            import keras
            rnn = keras.layers.LSTM(4, recurrent_activation="hard_sigmoid")
            conv = keras.layers.ConvLSTM2D(8, 3, padding="same")
            gate = keras.activations.hard_sigmoid(logits)
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_hard_sigmoid
            rnn = keras.layers.LSTM(4, recurrent_activation=keras2_hard_sigmoid)
            conv = keras.layers.ConvLSTM2D(8, 3, padding="same", recurrent_activation=keras2_hard_sigmoid)
            gate = keras2_hard_sigmoid(logits)
            """,
        ),
        Example(
            before="""
            import keras
            y = keras.layers.Dense(4, activation="PReLU")(x)
            """,
            diagnostics=("KM131",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._funcs: Set[int] = set()
        self._chained: Set[int] = set()
        self._values: Set[int] = set()  # Name nodes in value positions (not targets, keywords, attrs)

    # -- context ---------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self._funcs.add(id(node.func))
        self._values.update(id(arg.value) for arg in node.args)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._chained.add(id(node.value))

    def visit_Element(self, node: cst.Element) -> None:
        self._values.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        self._values.add(id(node.value))

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is None:
            return
        self._values.add(id(node.default))
        entry = ACTIVATION_STRINGS.get(_string(node.default) or "")
        if entry is not None and node.name.value.endswith("activation") and file_uses_keras(self.ctx):
            self._report_unknown_callee(node.default, entry)

    # -- hard_sigmoid referenced as a function -----------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        return self._hard_sigmoid_value(original, updated)

    def leave_Name(self, original: cst.Name, updated: cst.Name):
        if id(original) not in self._values:
            return updated
        return self._hard_sigmoid_value(original, updated)

    def _hard_sigmoid_value(self, original, updated):
        if self.ctx.import_depth or id(original) in self._funcs or id(original) in self._chained:
            return updated
        if self.ctx.keras_path(original) != _HARD_SIGMOID:
            return updated
        self.ctx.use_runtime(HARD_SIGMOID_RUNTIME)
        if isinstance(original, cst.Name):
            self._forget_import(original.value)
        self.fired()
        return cst.Name(HARD_SIGMOID_RUNTIME)

    def _forget_import(self, local: str) -> None:
        # `from tensorflow.keras.activations import hard_sigmoid` (the imports rule may
        # have moved it to keras.activations) goes once nothing uses it.
        binding = self.ctx.names.bindings.get(local, "")
        module, _, obj = binding.rpartition(".")
        asname = None if local == obj else local
        for candidate in {module, "keras" + module.split("keras", 1)[1] if "keras" in module else module}:
            self.ctx.remove_import_if_unused(candidate, obj, asname)

    # -- calls -----------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        path = keras3_path(self.ctx, original.func)
        if path == _HARD_SIGMOID:
            return self._hard_sigmoid_call(original, updated)
        if path is not None and (path.startswith("layers.") or path == "activations.get"):
            result = self._activation_arguments(path, original, updated)
            if path in HARD_SIGMOID_DEFAULT_LAYERS:
                result = self._recurrent_default(path, original, result)
            if result is not updated:
                self.fired()
            return result
        if path is None and file_uses_keras(self.ctx):
            for arg in original.args:
                entry = ACTIVATION_STRINGS.get(_string(arg.value) or "")
                if entry is not None and _activation_keyword(arg):
                    self._report_unknown_callee(arg.value, entry)
        return updated

    def _activation_arguments(self, path: str, original: cst.Call, updated: cst.Call) -> cst.Call:
        position = _POSITIONAL_ACTIVATION.get(path)
        args: List[cst.Arg] = list(updated.args)
        changed = False
        for arg, i in paired_args(original, updated):
            if not (_activation_keyword(arg) or (arg.keyword is None and not arg.star and i == position)):
                continue
            entry = ACTIVATION_STRINGS.get(_string(arg.value) or "")
            if entry is None:
                continue
            value = self._value(entry, arg.value)
            if value is not None:
                args[i] = args[i].with_changes(value=value)
                changed = True
        return updated.with_changes(args=args) if changed else updated

    def _value(self, entry: ActivationString, node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        if entry.keras3 is not None:
            quote = node.quote if isinstance(node, cst.SimpleString) else '"'
            return cst.SimpleString(f"{quote}{entry.keras3}{quote}")
        if entry.runtime is not None:
            self.ctx.use_runtime(entry.runtime)
            return cst.Name(entry.runtime)
        self.report(node, f'activation="{entry.name}" is not accepted by Keras 3', entry.fix)
        return None

    def _recurrent_default(self, path: str, original: cst.Call, call: cst.Call) -> cst.Call:
        if keyword_arg(original, "recurrent_activation") is not None:
            return call
        if has_star(original):
            self.report(original, f"{path.split('.')[-1]} defaulted to recurrent_activation=\"hard_sigmoid\" in "
                        "Keras 2 and uses \"sigmoid\" in Keras 3; **kwargs may or may not set it",
                        "pass recurrent_activation=keras_migrate_runtime.keras2_hard_sigmoid unless the "
                        "unpacked arguments set it")
            return call
        positional = sum(1 for arg in original.args if arg.keyword is None)
        if positional > HARD_SIGMOID_DEFAULT_LAYERS[path]:
            return call  # given positionally (a string is handled like a keyword one)
        self.ctx.use_runtime(HARD_SIGMOID_RUNTIME)
        return with_keyword(call, "recurrent_activation", cst.Name(HARD_SIGMOID_RUNTIME))

    def _hard_sigmoid_call(self, original: cst.Call, updated: cst.Call):
        bound = bind(updated, ("x",))
        if bound is None or "x" not in bound:
            self.report(original, "keras.activations.hard_sigmoid is clip(0.2 * x + 0.5, 0, 1) in Keras 2 "
                        "and relu6(x + 3) / 6 in Keras 3",
                        "call keras_migrate_runtime.keras2_hard_sigmoid(x) for the Keras 2 numbers")
            return updated
        # the runtime's, not an inline keras.ops.clip: its gradient at the bounds is TF's on JAX too
        self.ctx.use_runtime(HARD_SIGMOID_RUNTIME)
        self.fired()
        return updated.with_changes(func=cst.Name(HARD_SIGMOID_RUNTIME))

    def _report_unknown_callee(self, node: cst.BaseExpression, entry: ActivationString) -> None:
        if entry.keras3 is not None:
            fix = f'pass "{entry.keras3}" instead'
        elif entry.runtime is not None:
            fix = f"pass keras_migrate_runtime.{entry.runtime} (the Keras 2 function) instead"
        else:
            fix = entry.fix
        what = "computes other numbers in" if entry.name == "hard_sigmoid" else "is rejected by"
        self.report(node, f'activation "{entry.name}" {what} Keras 3 if this value reaches a Keras layer', fix)
