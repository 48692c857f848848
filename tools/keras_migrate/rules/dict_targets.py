"""KM124 dict_targets: targets given as `{output_name: y}` to a model whose outputs are no dict.

Keras 2 matched a dict of targets to a model's outputs by output (layer) name, whatever
structure the outputs had. Keras 3 does that only in part: for a single output the dict
itself is taken as the target and fails ("could not convert string to float:
'outputs'", "Expected float32, but got str"); a list of outputs takes it, except with
`sample_weight=` (KeyError: 0, found with keras-migrate verify). A dict literal given to
`model.fit/evaluate/train_on_batch/test_on_batch` (as `y`, in `validation_data`, or as
`sample_weight`) becomes `keras2_targets(model, {...})` (keras_migrate_runtime), which
orders the values by the model's output names at run time, as Keras 2 did. A tf.data map
function yielding such dicts cannot see the model: a warning with the fixes.
"""

from __future__ import annotations

from typing import Dict, Optional, Set

import libcst as cst

import ast

from keras_migrate.engine import Example, Rule, Severity, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._agnostic import data_context
from keras_migrate.rules._facts import FileFacts, per_file
from keras_migrate.rules._util import COMMA

__all__ = ["DictTargets"]

_FIT_METHODS = {"fit": 1, "evaluate": 1, "train_on_batch": 1, "test_on_batch": 1}
_RUNTIME = "keras2_targets"
_FIX = ("give the target tensor itself for a single-output model (a list in output order for several), or "
        "build the model with a dict of outputs: keras.Model(inputs, {\"name\": output})")


def _target_arg(call: cst.Call, position: int) -> Optional[cst.BaseExpression]:
    for i, arg in enumerate(call.args):
        if arg.keyword is not None:
            if arg.keyword.value == "y":
                return arg.value
        elif not arg.star and i == position:
            return arg.value
    return None


class DictTargets(Rule):
    id = "KM124"
    name = "dict_targets"
    description = ("Targets (sample weights) given as a dict keyed by output name: keras2_targets(model, {...}) "
                   "at fit()/evaluate() calls (Keras 3 matches them only in part), a warning in tf.data pipelines.")
    TRIGGERS = ("{",)
    NODE_KEYED = ("_unwrap", "_match")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            def vectorize(question, answer):
                return {"encoder_inputs": question, "decoder_inputs": answer[:-1]}, {"outputs": answer[1:]}
            train = pairs.map(vectorize)
            model.fit(x, {"scores": y})
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_targets
            def vectorize(question, answer):
                return {"encoder_inputs": question, "decoder_inputs": answer[:-1]}, {"outputs": answer[1:]}
            train = pairs.map(vectorize)
            model.fit(x, keras2_targets(model, {"scores": y}))
            """,
            diagnostics=("KM124", "KM124"),
        ),
        # Several outputs with sample weights (Keras 3: KeyError: 0), validation data.
        Example(
            before="""
            from tensorflow import keras
            model.fit(x, {"dist": a, "vec": b}, sample_weight={"dist": w, "vec": w},
                      validation_data=(xv, {"dist": av, "vec": bv}))
            print(self.models[0].evaluate(x, y={"dist": a, "vec": b}))
            make_model().train_on_batch(x, {"dist": a})
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_targets
            model.fit(x, keras2_targets(model, {"dist": a, "vec": b}), sample_weight=keras2_targets(model, {"dist": w, "vec": w}),
                      validation_data=(xv, keras2_targets(model, {"dist": av, "vec": bv})))
            print(self.models[0].evaluate(x, y=keras2_targets(self.models[0], {"dist": a, "vec": b})))
            make_model().train_on_batch(x, {"dist": a})
            """,
            diagnostics=("KM124", "KM124", "KM124", "KM124", "KM124"),
        ),
        # Where Keras 3 raises: the fit() of a dataset built with such a function.
        Example(
            before="""
            from tensorflow import keras
            def vectorize(question, answer):
                return {"encoder_inputs": question}, {"outputs": answer}
            train = pairs.map(vectorize, num_parallel_calls=4)
            train = train.shuffle(8).batch(2)
            model.fit(train, epochs=1, validation_data=train)
            """,
            diagnostics=("KM124", "KM124"),
        ),
        Example(
            before="""
            from tensorflow import keras
            def vectorize(question, answer):
                return {"encoder_inputs": question}, answer
            train = pairs.map(vectorize)
            """,
        ),
        # keras.io's FNet: one output, named by the key: the target is the dict's value.
        Example(
            before="""
            from tensorflow import keras
            from tensorflow.keras import layers

            def vectorize(question, answer):
                return {"encoder_inputs": question, "decoder_inputs": answer[:-1]}, {"outputs": answer[1:]}

            train = pairs.map(vectorize).batch(2)
            inputs = keras.Input((4,), name="encoder_inputs")
            decoder = keras.Model(inputs, layers.Dense(3)(inputs), name="outputs")
            model = keras.Model(inputs, decoder(inputs), name="fnet")
            model.fit(train, epochs=1)
            model.fit(x, {"outputs": y})
            """,
            after="""
            from tensorflow import keras
            from tensorflow.keras import layers

            def vectorize(question, answer):
                return {"encoder_inputs": question, "decoder_inputs": answer[:-1]}, answer[1:]

            train = pairs.map(vectorize).batch(2)
            inputs = keras.Input((4,), name="encoder_inputs")
            decoder = keras.Model(inputs, layers.Dense(3)(inputs), name="outputs")
            model = keras.Model(inputs, decoder(inputs), name="fnet")
            model.fit(train, epochs=1)
            model.fit(x, y)
            """,
            diagnostics=("KM124", "KM124"),
        ),
        # Several outputs: matched at run time (keys naming no output, or not every
        # output, are left for Keras 3 to refuse, as Keras 2 refused them).
        Example(
            before="""
            from tensorflow import keras

            inputs = keras.Input((4,))
            model = keras.Model(inputs, [keras.layers.Dense(1, name="a")(inputs), keras.layers.Dense(1, name="b")(inputs)])
            model.fit(x, {"a": y})
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import keras2_targets

            inputs = keras.Input((4,))
            model = keras.Model(inputs, [keras.layers.Dense(1, name="a")(inputs), keras.layers.Dense(1, name="b")(inputs)])
            model.fit(x, keras2_targets(model, {"a": y}))
            """,
            diagnostics=("KM124",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        self._dict_outputs = _builds_dict_outputs(ctx)
        self._unwrap: Set[int] = set()  # single-key target dicts replaced by their value
        self._match: Dict[int, cst.BaseExpression] = {}  # dicts given to keras2_targets(<model>, ...)

    def _single_target(self, target: cst.Dict) -> bool:
        """{"outputs": y} for a file whose models all have one output, one of them (or a
        layer) named "outputs": Keras 2 matched the key to that output; the value is it."""
        if len(target.elements) != 1 or not isinstance(target.elements[0], cst.DictElement):
            return False
        key = target.elements[0].key
        names = _single_output_names(self.ctx)
        return isinstance(key, cst.SimpleString) and names is not None and key.evaluated_value in names

    def _dict_target(self, target: cst.Dict, message: str, model: Optional[cst.BaseExpression] = None) -> None:
        if self._single_target(target):
            self._unwrap.add(id(target))
            self.report(target, f"{message}: the model has one output, named by the key, so the target is the "
                                "dict's value", severity=Severity.INFO)
            return
        if model is not None:
            self._match[id(target)] = model
            self.report(target, f"{message}: keras2_targets(model, ...) matches the keys to the model's outputs "
                                "by name at run time, as Keras 2 did", severity=Severity.INFO)
            return
        self.report(target, message, _FIX)

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict) -> cst.BaseExpression:
        model = self._match.get(id(original))
        if model is not None:
            self.fired()
            self.ctx.use_runtime(_RUNTIME)
            return cst.Call(cst.Name(_RUNTIME), [cst.Arg(model, comma=COMMA), cst.Arg(updated)])
        if id(original) not in self._unwrap:
            return updated
        self.fired()
        return updated.elements[0].value

    def visit_Return(self, node: cst.Return) -> None:
        if self._dict_outputs:
            return
        value = node.value
        function = self.ctx.current_function
        if not (isinstance(value, cst.Tuple) and len(value.elements) >= 2 and function is not None):
            return
        if function.name.value not in self._data.functions:
            return
        target = value.elements[1].value
        if isinstance(target, cst.Dict) and target.elements:
            self._dict_target(target, "a tf.data pipeline yields targets as a dict keyed by output name: Keras 3 "
                                      "takes the dict itself as the target unless the model's outputs are a dict")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self._dict_outputs or not (isinstance(func, cst.Attribute) and func.attr.value in _FIT_METHODS):
            return
        method = func.attr.value
        # The receiver, when reading it again has no effect (a name, attributes, subscripts).
        model = func.value if _plain(func.value) else None
        target = _target_arg(node, _FIT_METHODS[method])
        if isinstance(target, cst.Dict) and target.elements:
            self._dict_target(target, f"{method}() gets targets as a dict keyed by output name: Keras 3 matches "
                                      "such a dict to the outputs only in part (not for one output, not with "
                                      "sample_weight=)", model)
        if model is None:
            return
        for arg in node.args:
            keyword = arg.keyword.value if arg.keyword is not None else None
            value = arg.value
            if keyword == "validation_data" and isinstance(value, cst.Tuple):
                found = [e.value for e in value.elements[1:] if isinstance(e.value, cst.Dict) and e.value.elements]
            elif keyword == "sample_weight" and isinstance(value, cst.Dict) and value.elements:
                found = [value]
            else:
                continue
            for target in found:
                self._dict_target(target, f"{method}() gets {keyword} with a dict keyed by output name: Keras 3 "
                                          "matches such a dict to the outputs only in part", model)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = original.func
        if not self._dict_outputs and isinstance(func, cst.Attribute) and func.attr.value in _FIT_METHODS:
            data = original.args[0].value if original.args and original.args[0].keyword is None else None
            if isinstance(data, cst.Name) and data.value in _dict_target_datasets(self.ctx):
                self.report(original, f"{func.attr.value}() gets a dataset whose targets are a dict keyed by output "
                                      "name (its map function above): Keras 3 raises here unless the model's "
                                      "outputs are a dict", _FIX)
        return updated


def _plain(node: cst.BaseExpression) -> bool:
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        if isinstance(node, cst.Subscript) and not all(
                isinstance(e.slice, cst.Index) and isinstance(e.slice.value, (cst.Integer, cst.SimpleString, cst.Name))
                for e in node.slice):
            return False
        node = node.value
    return isinstance(node, cst.Name)


def _builds_dict_outputs(ctx) -> bool:
    """Does the file build a functional model with a dict of outputs (then dict targets match)?"""
    tree, names = _scan.file_ast(ctx), _scan.names(ctx)
    if tree is None or names is None:
        return False
    for node in _scan.nodes(ctx, ast.Call):
        if names.keras(node.func) in ("Model", "models.Model"):
            outputs = node.args[1] if len(node.args) > 1 else _scan.call_keywords(node).get("outputs")
            if isinstance(outputs, ast.Dict):
                return True
    return False


@per_file
def _single_output_names(ctx) -> Optional[frozenset]:
    """The `name=` strings of the file's calls when it builds models and every functional
    Model(...) has a single output (not a list, tuple or dict) and no Model subclass;
    None otherwise."""
    names = _scan.names(ctx)
    if names is None or _scan.file_ast(ctx) is None:
        return None
    models, found = 0, set()
    for node in _scan.nodes(ctx, ast.Call):
        keywords = _scan.call_keywords(node)
        name = keywords.get("name")
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            found.add(name.value)
        if names.keras(node.func) in ("Model", "models.Model"):
            outputs = node.args[1] if len(node.args) > 1 else keywords.get("outputs")
            if outputs is None or isinstance(outputs, (ast.List, ast.Tuple, ast.Dict, ast.Starred)):
                return None
            models += 1
    if not models or ctx.facts(FileFacts).keras_subclasses("models.Model"):
        return None
    return frozenset(found)


@per_file
def _dict_target_datasets(ctx) -> frozenset:
    """Names assigned a Dataset mapped with a function that returns (inputs, {name: target}),
    and names assigned from those (shuffle / batch / prefetch chains). Asked at the first
    fit()/evaluate() of a name only."""
    functions = data_context(ctx).functions
    tree = _scan.file_ast(ctx)
    if tree is None or not functions:
        return frozenset()
    single = _single_output_names(ctx) or frozenset()
    yielding = set()
    for node in _scan.nodes(ctx, ast.FunctionDef):
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            for sub in ast_walk(node):
                if (isinstance(sub, ast.Return) and isinstance(sub.value, ast.Tuple) and len(sub.value.elts) >= 2
                        and isinstance(sub.value.elts[1], ast.Dict) and sub.value.elts[1].keys):
                    keys = sub.value.elts[1].keys
                    if not (len(keys) == 1 and isinstance(keys[0], ast.Constant) and keys[0].value in single):
                        yielding.add(node.name)  # (a single-key dict naming the one output is unwrapped)
    if not yielding:
        return frozenset()
    assigns = [(t.id, n.value) for n in _scan.nodes(ctx, ast.Assign)
               for t in n.targets if isinstance(t, ast.Name)]
    tainted = set()
    changed = True
    while changed:
        changed = False
        for name, value in assigns:
            if name in tainted:
                continue
            for sub in ast_walk(value):
                mapped = (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "map"
                          and any(isinstance(a, ast.Name) and a.id in yielding for a in sub.args))
                if mapped or (isinstance(sub, ast.Name) and sub.id in tainted):
                    tainted.add(name)
                    changed = True
                    break
    return frozenset(tainted)
