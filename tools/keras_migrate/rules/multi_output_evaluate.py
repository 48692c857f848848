"""KM145 multi_output_evaluate: a flat metrics list on a multi-output model -> per output.

Keras 2 applied every metric of a flat `metrics=[...]` list to every output. Keras 3
matches `metrics` to the outputs structurally: a list as long as the outputs gives
one metric per output (silently different), any other length fails ("tuple arity
mismatch"). The list is rewritten per output (a dict keyed by output layer names when
the file names them, else a list of lists), so every output reports every metric again.

evaluate()'s list (measured on Keras 3.15 against tf_keras 2.21): without metrics both
return `[loss, out1_loss, out2_loss]`; with metrics Keras 2 continues with each output's
metrics in output order and metric order, while Keras 3 sorts them by result name
(`offset_mae` before `score_mae`). Code reading the list positionally (`loss, l1, l2,
m1, m2 = model.evaluate(...)`, `results = model.evaluate(...)`) is rewritten to ask for
`return_dict=True` and pick the names in Keras 2 order; that needs the output layer
names and the metric names (strings, or keras.metrics classes with a fixed default
name), otherwise it is diagnosed.

Models are the file's functional models whose `outputs` is a list/tuple literal; each
entry of the flat list must be a string or a metric constructor call (replicated per
output, so outputs never share a metric's state); anything else is diagnosed.
"""

from __future__ import annotations

import ast
import re
from typing import Dict, List, Optional, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules import _scan
from keras_migrate.spec._guide_part1 import AUTO_NAMED_METRICS, METRIC_NAME_EXCEPTIONS

__all__ = ["MultiOutputEvaluate"]

_MODEL = ("Model", "models.Model")
_METRIC_KEYWORDS = ("metrics", "weighted_metrics")


class _Models:
    def __init__(self, nodes, names: _scan.AstNames) -> None:
        # (scope, model name) -> output layer names (None entries: unnamed)
        self.outputs: Dict[Tuple[_scan.Scope, str], List[Optional[str]]] = {}
        # (scope, model name) -> per-output metric result names (None: unknown), from compile()
        self.metrics: Dict[Tuple[_scan.Scope, str], Optional[List[List[str]]]] = {}
        self.names = names
        layer_names: Dict[Tuple[_scan.Scope, str], Optional[str]] = {}
        for scope, node in nodes:
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
                    and isinstance(node.func.value, ast.Name)):
                key = (scope, node.func.value.id)
                if key in self.outputs:
                    self.metrics[key] = self._metric_names(node, len(self.outputs[key]))
                continue
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)):
                continue
            target, value = node.targets[0].id, node.value
            if isinstance(value.func, ast.Call):  # x = layers.Dense(..., name="out")(...)
                kw = _scan.call_keywords(value.func)
                layer_names[(scope, target)] = _scan.string_value(kw["name"]) if "name" in kw else None
                continue
            if names.keras(value.func) not in _MODEL:
                continue
            self.metrics.pop((scope, target), None)
            kw = _scan.call_keywords(value)
            outputs = kw.get("outputs", value.args[1] if len(value.args) > 1 else None)
            if isinstance(outputs, (ast.List, ast.Tuple)) and len(outputs.elts) > 1:
                self.outputs[(scope, target)] = [
                    layer_names.get((scope, e.id)) if isinstance(e, ast.Name) else None for e in outputs.elts]


    def _metric_names(self, call: ast.Call, outputs: int) -> Optional[List[List[str]]]:
        kw = _scan.call_keywords(call)
        if "weighted_metrics" in kw:
            return None
        metrics = kw.get("metrics")
        if metrics is None:
            return [[] for _ in range(outputs)]
        if not isinstance(metrics, (ast.List, ast.Tuple)):
            return None
        if all(isinstance(e, (ast.List, ast.Tuple)) for e in metrics.elts) and len(metrics.elts) == outputs:
            groups = [list(e.elts) for e in metrics.elts]
        elif any(isinstance(e, (ast.List, ast.Tuple, ast.Dict)) for e in metrics.elts):
            return None
        else:
            groups = [list(metrics.elts) for _ in range(outputs)]
        out = []
        for group in groups:
            names = [self._metric_name(e) for e in group]
            if any(n is None for n in names):
                return None
            out.append(names)
        return out

    def _metric_name(self, node: ast.AST) -> Optional[str]:
        value = _scan.string_value(node)
        if value is not None:
            return value
        if isinstance(node, ast.Call):
            name = _scan.call_keywords(node).get("name")
            if name is not None:
                return _scan.string_value(name)
            path = self.names.keras(node.func) or ""
            if path.startswith("metrics."):
                cls = path.split(".")[-1]
                if cls in AUTO_NAMED_METRICS:
                    return None
                return METRIC_NAME_EXCEPTIONS.get(cls) or _snake_case(cls)
        return None


def _snake_case(name: str) -> str:
    """keras.src.utils.naming.to_snake_case."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class MultiOutputEvaluate(Rule):
    id = "KM145"
    name = "multi_output_evaluate"
    description = "Give multi-output models per-output metrics in compile() so evaluate()/fit() report what Keras 2 did."
    TRIGGERS = ("metrics",)
    EXAMPLES = (
        Example(
            before="""
            import keras
            from keras import layers

            inputs = layers.Input(shape=(10,))
            x1 = layers.Dense(5, activation="relu")(inputs)
            output_1 = layers.Dense(5, activation="softmax", name="output_1")(x1)
            output_2 = layers.Dense(5, activation="softmax", name="output_2")(x1)
            model = keras.Model(inputs=inputs, outputs=[output_1, output_2])
            model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
            loss, loss_1, loss_2, acc_1, acc_2 = model.evaluate(x_test, [y_1, y_2])
            """,
            after="""
            import keras
            from keras import layers

            inputs = layers.Input(shape=(10,))
            x1 = layers.Dense(5, activation="relu")(inputs)
            output_1 = layers.Dense(5, activation="softmax", name="output_1")(x1)
            output_2 = layers.Dense(5, activation="softmax", name="output_2")(x1)
            model = keras.Model(inputs=inputs, outputs=[output_1, output_2])
            model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[["accuracy"], ["accuracy"]])
            loss, loss_1, loss_2, acc_1, acc_2 = model.evaluate(x_test, [y_1, y_2])
            """,
        ),
        # Keras 3 would list `offset_*` before `score_*` and `mae` before `mse`.
        Example(
            before="""
            import keras

            score = keras.layers.Dense(2, name="score")(x)
            offset = keras.layers.Dense(3, name="offset")(x)
            model = keras.Model(inp, [score, offset])
            model.compile(loss="mse", metrics=["mse", keras.metrics.MeanAbsoluteError()])
            results = model.evaluate(x_test, y_test)
            """,
            after="""
            import keras

            score = keras.layers.Dense(2, name="score")(x)
            offset = keras.layers.Dense(3, name="offset")(x)
            model = keras.Model(inp, [score, offset])
            model.compile(loss="mse", metrics=[["mse", keras.metrics.MeanAbsoluteError()], ["mse", keras.metrics.MeanAbsoluteError()]])
            results = model.evaluate(x_test, y_test, return_dict=True)
            results = [results[k] for k in ["loss", "score_loss", "offset_loss", "score_mse", "score_mean_absolute_error", "offset_mse", "offset_mean_absolute_error"]]
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._models: Optional[_Models] = None
        tree = _scan.file_ast(ctx)
        if tree is not None:
            models = _Models(_scan.scoped_nodes(ctx), _scan.names(ctx))
            if models.outputs:
                self._models = models

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        models = self._models
        if models is None or len(original.body) != 1 or not isinstance(original.body[0], cst.Assign):
            return updated
        assign = original.body[0]
        call = assign.value
        if not (len(assign.targets) == 1 and isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "evaluate" and isinstance(call.func.value, cst.Name)):
            return updated
        if any(a.keyword is not None and a.keyword.value == "return_dict" for a in call.args):
            return updated
        scope = _scan.cst_scope(self.ctx)
        model = call.func.value.value
        key = (scope, model) if (scope, model) in models.outputs else ((), model)
        outputs = models.outputs.get(key)
        if outputs is None or key not in models.metrics:
            return updated
        metrics = models.metrics[key]
        if metrics is not None and not any(metrics):
            return updated  # [loss, out1_loss, ...]: the same in Keras 3
        target = assign.targets[0].target
        if metrics is None or not all(outputs):
            self.report(original, "evaluate() of a multi-output model with metrics: Keras 3 orders the metric "
                                  "results by name, not by output as Keras 2 did",
                        fix=f"call {model}.evaluate(..., return_dict=True) and read the results by name")
            return updated
        names = ["loss"] + [f"{o}_loss" for o in outputs] + [
            f"{o}_{m}" for o, group in zip(outputs, metrics) for m in group]
        metric_keys = names[1 + len(outputs):]
        if metric_keys == sorted(metric_keys):
            return updated  # Keras 3's order happens to be Keras 2's
        logs = target.value if isinstance(target, cst.Name) else f"{model}_logs"
        new_call = updated.body[0].value
        args = list(new_call.args)
        if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(cst.Arg(cst.Name("True"), keyword=cst.Name("return_dict"),
                            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))))
        first = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(logs))], new_call.with_changes(args=args))],
            leading_lines=updated.leading_lines)
        listed = "[" + ", ".join(f'"{n}"' for n in names) + "]"
        second = updated.with_changes(
            body=[updated.body[0].with_changes(value=cst.parse_expression(f"[{logs}[k] for k in {listed}]"))],
            leading_lines=())
        self.fired()
        return cst.FlattenSentinel([first, second])

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        models = self._models
        func = original.func
        if models is None or not (isinstance(func, cst.Attribute) and func.attr.value == "compile"
                                  and isinstance(func.value, cst.Name)):
            return updated
        scope = _scan.cst_scope(self.ctx)
        outputs = models.outputs.get((scope, func.value.value)) or models.outputs.get(((), func.value.value))
        if outputs is None:
            return updated
        args = list(updated.args)
        changed = False
        for i, arg in enumerate(args):
            if arg.keyword is None or arg.keyword.value not in _METRIC_KEYWORDS:
                continue
            value = arg.value
            if not isinstance(value, (cst.List, cst.Tuple)) or not value.elements:
                continue
            elements = [e.value for e in value.elements]
            if any(isinstance(e, (cst.List, cst.Tuple, cst.Dict)) for e in elements):
                continue  # already per output
            if not all(isinstance(e, (cst.SimpleString, cst.Call)) for e in elements):
                self.report(original, f"{arg.keyword.value}= of a {len(outputs)}-output model: Keras 3 matches the "
                            "list to the outputs instead of applying every metric to every output",
                            fix=f"give one list per output, e.g. {arg.keyword.value}=[[m1, m2], [m1, m2]] with a "
                                "separate metric instance for each output")
                continue
            per_output = [cst.List([cst.Element(e) for e in elements]) for _ in outputs]
            per_output = [_commas(lst) for lst in per_output]
            # A list per output, in output order: a dict would be flattened in sorted
            # key order by Keras 3, reordering evaluate()'s results (measured).
            new_value = _commas(cst.List([cst.Element(lst) for lst in per_output]))
            args[i] = arg.with_changes(value=new_value)
            changed = True
        if not changed:
            return updated
        self.fired()
        return updated.with_changes(args=args)


def _commas(lst: cst.List) -> cst.List:
    elements = list(lst.elements)
    out = []
    for i, element in enumerate(elements):
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if i < len(elements) - 1 else cst.MaybeSentinel.DEFAULT
        out.append(element.with_changes(comma=comma))
    return lst.with_changes(elements=out)


def _dict_commas(elements) -> List[cst.DictElement]:
    out = []
    for i, element in enumerate(elements):
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")) if i < len(elements) - 1 else cst.MaybeSentinel.DEFAULT
        out.append(element.with_changes(comma=comma))
    return out
