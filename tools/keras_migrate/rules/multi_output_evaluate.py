"""KM145 multi_output_evaluate: compile() metrics with Keras 2's meaning; evaluate() in Keras 2's order.

What Keras 2 (tf_keras 2.21, engine/compile_utils.py) did with compile(metrics=...),
measured against Keras 3.15:

* A flat list (or one metric) went to EVERY output of a multi-output model, each output
  with its own copy of a Metric instance (the instance passed in is never updated).
  Keras 3 matches a list as long as the outputs one metric per output (silently
  different), other lengths fail ("tuple arity mismatch"). The list is rewritten as one
  list per output; names that may hold a Metric instance go through
  keras_migrate_runtime.keras2_copy_metric(); a list given as an expression
  (`metrics=METRICS`) through keras2_broadcast_metrics(METRICS, n_outputs).
* Rank-1 labels next to rank-2 predictions were expanded to (batch, 1) before every
  metric (match_dtype_and_rank), so sparse class ids broadcast against (batch, k)
  predictions in metrics such as "mae". Keras 3 passes them as they are (a shape error,
  or another broadcast when batch == k). Outputs whose loss is sparse categorical
  crossentropy (so their labels are class ids) get their other metrics wrapped in
  keras_migrate_runtime.Keras2Metric(...), which feeds Keras 2's labels; accuracy and
  the sparse_* metrics read both shapes alike and stay as they are.
* Keys: Keras 2 named per-output results "<output layer name>_<metric>". Keras 3 uses
  the dict keys of dict outputs (diagnosed: History/evaluate keys change). A subclassed
  model returning several outputs had output_1, output_2, ... ("output_1_loss"); Keras 3
  names them after the losses ("mse_loss") unless the model lists `output_names`, which
  the class gets (a class attribute) when the file instantiates it.

evaluate()'s list: without metrics both return `[loss, out1_loss, out2_loss]`; with
metrics Keras 2 continues with each output's metrics in output order and metric order,
while Keras 3 sorts them by result name (`offset_mae` before `score_mae`). Code reading
the list positionally (`loss, l1, l2, m1, m2 = model.evaluate(...)`,
`results = model.evaluate(...)`) is rewritten to ask for `return_dict=True` and pick
the names in Keras 2 order; a list read where it is made (`print(model.evaluate(...))`,
`scores.append(...)`, `return model.evaluate(...)`) is picked in place,
`[logs[k] for logs in [model.evaluate(..., return_dict=True)] for k in [...]]`. The
names are a list literal where the file spells out the output layer names and the
metric names (strings, or keras.metrics classes with a fixed default name), otherwise
keras_migrate_runtime's keras2_metrics_names(model), Keras 2's list computed from the
model.

Models are the file's functional models whose `outputs` is a list/tuple literal. Any
model (Sequential and subclassed too) compiled with `weighted_metrics` that may repeat a
plain metric's name (`metrics=["acc"], weighted_metrics=["acc"]`) has its evaluate() list
read the same way with keras2_metrics_names(model): Keras 3.15 lists such a value once
per metric of that name and then the weighted one (4 values where Keras 2 had 3). So are
models a file function returns after compiling them so (`m1 = make_model()`).
"""

from __future__ import annotations

import ast
import re
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, ast_walk, is_docstring
from keras_migrate.rules import _scan
from keras_migrate.rules.metrics_names import HELPER as METRICS_NAMES
from keras_migrate.rules._args import argument, compiles_loss_per_output
from keras_migrate.rules._reads import BindingCounter
from keras_migrate.rules._util import COMMA, comma_separated, keyword, with_keyword
from keras_migrate.spec._guide_part1 import AUTO_NAMED_METRICS, METRIC_NAME_EXCEPTIONS
from keras_migrate.spec._keras3_renames import KERAS2_COMPILE_PARAMETERS
from keras_migrate.spec._log_keys import METRIC_DEFAULT_NAMES

__all__ = ["MultiOutputEvaluate"]

_MODEL = ("Model", "models.Model")
_METRIC_KEYWORDS = ("metrics", "weighted_metrics")
# keras_migrate_runtime helpers (Keras 2's metric handling).
BROADCAST = "keras2_broadcast_metrics"
COPY = "keras2_copy_metric"
WRAPPER = "Keras2Metric"
_SPARSE_LOSSES = frozenset({"SparseCategoricalCrossentropy", "sparse_categorical_crossentropy"})
# Metrics that read sparse labels (batch,) or (batch, 1) alike; "accuracy" resolves to
# the sparse kind when the labels have a lower rank. Keras 2's expansion of rank-1
# labels to (batch, 1) changes nothing for them.
_RANK_SAFE_STRINGS = frozenset({
    "accuracy", "acc", "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy",
    "sparse_categorical_crossentropy", "crossentropy", "ce",
})
_RANK_SAFE_METRICS = frozenset({
    "SparseCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "SparseCategoricalCrossentropy",
    "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy", "sparse_categorical_crossentropy",
})


# Keras resolves both spellings to one accuracy metric.
_ACCURACY = {"acc": "accuracy"}
# (scope, name, binding number): see _scan.BindingVersions
_Key = Tuple[_scan.Scope, str, int]


class _Models:
    def __init__(self, nodes, names: _scan.AstNames) -> None:
        # model binding -> output layer names (None entries: unnamed)
        self.outputs: Dict[_Key, List[Optional[str]]] = {}
        # model binding -> per-output metric result names (None: unknown), from each of its
        # compile() calls in source order (a model compiled again gets other metrics)
        self.metrics: Dict[_Key, List[Optional[List[List[str]]]]] = {}
        self.names = names
        # binding -> its value, for simple assignments (`loss = SparseCategoricalCrossentropy()`)
        self.values: Dict[_Key, ast.AST] = {}
        # model binding -> why Keras 3 names its outputs otherwise (History/evaluate keys)
        self.renamed: Dict[_Key, str] = {}
        # single-output model bindings compiled with weighted_metrics whose names may
        # repeat a plain metric's: Keras 3.15's evaluate() list then repeats that value
        # and appends the weighted one (4 values for Keras 2's 3, measured)
        self.weighted: Set[_Key] = set()
        # Model subclasses whose call() returns several outputs and that the file
        # instantiates -> how many: they get Keras 2's output names (output_1, ...)
        self.output_named_classes: Dict[str, int] = {}
        layer_names: Dict[_Key, Optional[str]] = {}
        multi_output_classes = _multi_output_subclasses(nodes, names)
        factories = self._weighted_factories(nodes)
        versions = _scan.BindingVersions()
        for scope, node in nodes:
            versions.count_ast(scope, node)
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.values[versions.key(scope, node.targets[0].id)] = node.value
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
                    and isinstance(node.func.value, ast.Name)):
                key = versions.key(scope, node.func.value.id)
                if key in self.outputs:
                    self.metrics.setdefault(key, []).append(
                        self._metric_names(node, len(self.outputs[key]), self.outputs[key]))
                elif self._weighted_names_may_repeat(node):
                    self.weighted.add(key)
                else:
                    self.weighted.discard(key)
                continue
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Call)):
                continue
            target, value = versions.key(scope, node.targets[0].id), node.value
            if isinstance(value.func, ast.Call):  # x = layers.Dense(..., name="out")(...)
                kw = _scan.call_keywords(value.func)
                layer_names[target] = _scan.string_value(kw["name"]) if "name" in kw else None
                continue
            if isinstance(value.func, ast.Name) and value.func.id in factories:
                self.weighted.add(target)  # m1 = make_model(): compiled there
                continue
            if isinstance(value.func, ast.Name) and value.func.id in multi_output_classes:
                self.output_named_classes[value.func.id] = multi_output_classes[value.func.id]
                continue
            if names.keras(value.func) not in _MODEL:
                continue
            kw = _scan.call_keywords(value)
            outputs = kw.get("outputs", value.args[1] if len(value.args) > 1 else None)
            if isinstance(outputs, ast.Dict) and len(outputs.keys) > 1:
                keys = [_scan.string_value(k) if k is not None else None for k in outputs.keys]
                layers = [layer_names.get(versions.key(scope, v.id)) if isinstance(v, ast.Name) else None
                          for v in outputs.values]
                if keys != layers:
                    self.renamed[target] = (
                        "a dict of outputs: Keras 2 named the losses and metrics after the output layers "
                        f"({', '.join(str(n) for n in layers)}), Keras 3 after the dict keys ({', '.join(map(str, keys))})")
            if isinstance(outputs, (ast.List, ast.Tuple)) and len(outputs.elts) > 1:
                self.outputs[target] = [
                    layer_names.get(versions.key(scope, e.id)) if isinstance(e, ast.Name) else None
                    for e in outputs.elts]


    def _weighted_factories(self, nodes) -> Set[str]:
        """Module functions returning a model they compile with such weighted_metrics
        (`def make_model(): m = ...; m.compile(...); return m`)."""
        found = set()
        for scope, node in nodes:
            if scope or not isinstance(node, ast.FunctionDef):
                continue
            compiled = {n.func.value.id for n in ast_walk(node) if isinstance(n, ast.Call)
                        and isinstance(n.func, ast.Attribute) and n.func.attr == "compile"
                        and isinstance(n.func.value, ast.Name) and self._weighted_names_may_repeat(n)}
            if any(isinstance(n, ast.Return) and isinstance(n.value, ast.Name) and n.value.id in compiled
                   for n in ast_walk(node)):
                found.add(node.name)
        return found

    def _weighted_names_may_repeat(self, call: ast.Call) -> bool:
        """compile(metrics=[...], weighted_metrics=[...]) where a weighted metric may be
        named as a plain one (Keras 3 lists the plain name once per metric)."""
        kw = _scan.call_keywords(call)
        if "weighted_metrics" not in kw:
            return False
        groups = []
        for keyword in ("metrics", "weighted_metrics"):
            value = kw.get(keyword)
            if value is None or (isinstance(value, ast.Constant) and value.value is None):
                groups.append([])
                continue
            if isinstance(value, (ast.Constant, ast.Call)):
                value = ast.List(elts=[value])
            if not isinstance(value, (ast.List, ast.Tuple)):
                return True
            names = [self._metric_name(e) for e in value.elts]
            if None in names:
                return True
            groups.append({_ACCURACY.get(n, n) for n in names})
        return bool(groups[0] and groups[1] and set(groups[0]) & set(groups[1]))

    def _dict_metric_names(self, metrics: ast.Dict, output_names) -> Optional[List[List[str]]]:
        """{"out1": [...], "out2": m}: Keras 2 lists them in output order."""
        keys = [_scan.string_value(k) if k is not None else None for k in metrics.keys]
        if None in keys or None in output_names or not set(keys) <= set(output_names):
            return None
        by_name = dict(zip(keys, metrics.values))
        out = []
        for name in output_names:
            value = by_name.get(name)
            group = [] if value is None else (list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else [value])
            names = [self._metric_name(e) for e in group]
            if None in names:
                return None
            out.append(names)
        return out

    def _metric_names(self, call: ast.Call, outputs: int, output_names=()) -> Optional[List[List[str]]]:
        kw = _scan.call_keywords(call)
        if "weighted_metrics" in kw:
            return None
        metrics = kw.get("metrics")
        if metrics is None:
            return [[] for _ in range(outputs)]
        if isinstance(metrics, ast.Dict):
            return self._dict_metric_names(metrics, output_names)
        if isinstance(metrics, (ast.Constant, ast.Call)):
            metrics = ast.List(elts=[metrics])
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
                # (a KLDivergence() is named as Keras 2 named it by KM130: spec/_log_keys.py)
                return METRIC_DEFAULT_NAMES.get(cls) or METRIC_NAME_EXCEPTIONS.get(cls) or _snake_case(cls)
        return None


def _multi_output_subclasses(nodes, names) -> Dict[str, int]:
    """Model subclasses whose call() returns a list/tuple of several outputs -> how many
    (not those that name their outputs themselves, nor those whose own train_step /
    test_step make the logs)."""
    found = {}
    for _, node in nodes:
        if not isinstance(node, ast.ClassDef) or not any(
                (names.keras(b) or "").endswith("Model") for b in node.bases):
            continue
        if any(isinstance(n, (ast.Name, ast.Attribute)) and "output_names" in (getattr(n, "id", None), getattr(n, "attr", None))
               for n in ast_walk(node)) or any(isinstance(item, ast.FunctionDef) and item.name in (
                   "train_step", "test_step") for item in node.body):
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "call":
                returns = [r.value for r in ast_walk(item) if isinstance(r, ast.Return)]
                sizes = {len(r.elts) for r in returns if isinstance(r, (ast.List, ast.Tuple))}
                if len(sizes) == 1 and min(sizes) > 1 and all(isinstance(r, (ast.List, ast.Tuple)) for r in returns):
                    found[node.name] = sizes.pop()
    return found


def _snake_case(name: str) -> str:
    """keras.src.utils.naming.to_snake_case."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


# A file that reads a per-output loss key ("dense_1_loss", 'val_score_loss').
_READS_OUTPUT_LOSS = re.compile(r"""["'](?:val_)?\w+_loss["']""")


def _loss_arg(call: cst.Call) -> Optional[cst.BaseExpression]:
    """compile()'s loss: `loss=` or the second positional argument."""
    arg = argument(call, "loss", KERAS2_COMPILE_PARAMETERS.index("loss"))
    return arg.value if arg is not None else None


def _with_return_dict(call: cst.Call) -> cst.Call:
    return with_keyword(call, "return_dict", cst.Name("True"))

class MultiOutputEvaluate(BindingCounter, Rule):
    id = "KM145"
    name = "multi_output_evaluate"
    description = ("Give compile() metrics Keras 2's meaning (a flat list on every output, copied instances, "
                   "sparse labels as (batch, 1)) and read evaluate() lists in Keras 2's order.")
    TRIGGERS = ("compile",)
    NODE_KEYED = ("_kept", "_assigned")
    EXAMPLES = (
        # A subclassed model returning two outputs: Keras 2's History keys output_1_loss, ...
        Example(
            before="""
            import keras

            class TwoHeads(keras.Model):
                def call(self, x):
                    return self.a(x), self.b(x)

            model = TwoHeads()
            model.compile(loss=["mse", "mae"])
            history = model.fit(x, [y1, y2])
            print(history.history["output_1_loss"])
            """,
            after="""
            import keras

            class TwoHeads(keras.Model):
                # Keras 2's names of this model's outputs (History keys "output_1_loss", ...)
                output_names = ["output_1", "output_2"]

                def call(self, x):
                    return self.a(x), self.b(x)

            model = TwoHeads()
            model.compile(loss=["mse", "mae"])
            history = model.fit(x, [y1, y2])
            print(history.history["output_1_loss"])
            """,
            diagnostics=("KM145",),
        ),
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
        # Sparse class ids on the "cls" head: Keras 2 fed "mae" (batch, 1) labels.
        Example(
            before="""
            import keras

            reg = keras.layers.Dense(1, name="reg")(x)
            cls = keras.layers.Dense(3, activation="softmax", name="cls")(x)
            model = keras.Model(inp, [reg, cls])
            model.compile(loss=["mse", "sparse_categorical_crossentropy"], metrics=["mae", "accuracy", auc])
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_copy_metric
            from keras_migrate_runtime import Keras2Metric

            reg = keras.layers.Dense(1, name="reg")(x)
            cls = keras.layers.Dense(3, activation="softmax", name="cls")(x)
            model = keras.Model(inp, [reg, cls])
            model.compile(loss=["mse", "sparse_categorical_crossentropy"], metrics=[["mae", "accuracy", keras2_copy_metric(auc)], [Keras2Metric("mae"), "accuracy", Keras2Metric(keras2_copy_metric(auc))]])
            """,
        ),
        # One output, the same metric plain and weighted: Keras 3.15 would return
        # [loss, acc, acc, weighted_acc].
        Example(
            before="""
            import keras

            model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
            model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy"])
            loss, acc, weighted_acc = model.evaluate(x, y)
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_metrics_names

            model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
            model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy"])
            model_logs = model.evaluate(x, y, return_dict=True)
            loss, acc, weighted_acc = [model_logs[k] for k in keras2_metrics_names(model)]
            """,
        ),
        # Different names plain and weighted: Keras 3's list is Keras 2's.
        Example(
            before="""
            import keras

            model = keras.Sequential([keras.layers.Dense(1)])
            model.compile(loss="mse", metrics=["mae"], weighted_metrics=["mse"])
            print(model.evaluate(x, y, sample_weight=w))
            """,
        ),
        # With other rules' changes to the same compile() (KM140 adds jit_compile=False for
        # the string ops): the metrics are still found by keyword and wrapped.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            class Net(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.dense = keras.layers.Dense(3)

                def call(self, x):
                    return self.dense(tf.strings.to_number(tf.strings.as_string(x)))

            model = Net()
            model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["mae"])
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import Keras2Training
            from keras_migrate_runtime import Keras2Metric

            class Net(Keras2Training, keras.Model):
                def __init__(self):
                    super().__init__()
                    self.dense = keras.layers.Dense(3)

                def call(self, x, training=None):
                    return self.dense(tf.strings.to_number(tf.strings.as_string(x)))

            model = Net()
            model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=[Keras2Metric("mae")], jit_compile=False)
            """,
            diagnostics=("KM207", "KM207"),
            full=True,
            tensorflow_only=True,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._models: Optional[_Models] = None
        tree = _scan.file_ast(ctx)
        if tree is not None:
            self._models = _Models(_scan.scoped_nodes(ctx), _scan.names(ctx))
        self._kept: Set[int] = set()  # evaluate() calls whose result is dropped
        self._assigned: Set[int] = set()  # values of one-target assignments
        self._compiles_seen: Dict[_Key, int] = {}  # compile() calls passed so far, per model binding

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        if len(node.targets) == 1:
            self._assigned.add(id(node.value))  # leave_SimpleStatementLine's

    def _key(self, scope: _scan.Scope, name: str) -> _Key:
        """The binding of `name` a use in `scope` sees now: the scope's own if it has
        assigned the name so far, else the module's."""
        key = self._versions.key(scope, name)
        return key if key[2] or not scope else self._versions.key((), name)

    def visit_Expr(self, node: cst.Expr) -> None:
        self._kept.add(id(node.value))  # a result nobody reads: nothing to reorder

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if len(original.body) != 1 or not isinstance(original.body[0], cst.Assign):
            return updated
        assign = original.body[0]
        call = assign.value
        if len(assign.targets) != 1 or not isinstance(call, cst.Call):
            return updated
        names = self._keras2_order(call, original)
        if names is None:
            return updated
        target = assign.targets[0].target
        logs = target.value if isinstance(target, cst.Name) else f"{call.func.value.value}_logs"
        first = cst.SimpleStatementLine(
            [cst.Assign([cst.AssignTarget(cst.Name(logs))], _with_return_dict(updated.body[0].value))],
            leading_lines=updated.leading_lines)
        second = updated.with_changes(
            body=[updated.body[0].with_changes(value=cst.parse_expression(f"[{logs}[k] for k in {names}]"))],
            leading_lines=())
        self.fired()
        return cst.FlattenSentinel([first, second])

    def _keras2_order(self, call: cst.Call, where: cst.CSTNode) -> Optional[str]:
        """For `model.evaluate(...)` of a file's multi-output model with metrics, whose
        list Keras 3 orders otherwise: Keras 2's result names as a list literal (None:
        nothing to change, or diagnosed at `where`)."""
        models = self._models
        if models is None or not (isinstance(call.func, cst.Attribute) and call.func.attr.value == "evaluate"
                                  and isinstance(call.func.value, cst.Name)):
            return None
        if any(a.keyword is not None and a.keyword.value == "return_dict" for a in call.args):
            return None
        model = call.func.value.value
        key = self._key(_scan.cst_scope(self.ctx), model)
        outputs = models.outputs.get(key)
        if outputs is None and key in models.weighted:
            self.ctx.use_runtime(METRICS_NAMES)
            return f"{METRICS_NAMES}({model})"
        if outputs is None or key not in models.metrics:
            return None
        # the compile() this evaluate() follows (the last one when it comes before any of
        # them in source order, e.g. compiled in a function called earlier)
        compiles = models.metrics[key]
        seen = self._compiles_seen.get(key, 0)
        metrics = compiles[min(seen, len(compiles)) - 1] if seen else compiles[-1]
        if metrics is not None and not any(metrics):
            return None  # [loss, out1_loss, ...]: the same in Keras 3
        if metrics is None or not all(outputs):
            # Names the file does not spell out (metric objects, weighted metrics, unnamed
            # outputs): Keras 2's list, computed from the model when it runs.
            self.ctx.use_runtime(METRICS_NAMES)
            return f"{METRICS_NAMES}({model})"
        names = ["loss"] + [f"{o}_loss" for o in outputs] + [
            f"{o}_{m}" for o, group in zip(outputs, metrics) for m in group]
        metric_keys = names[1 + len(outputs):]
        if metric_keys == sorted(metric_keys):
            return None  # Keras 3's order happens to be Keras 2's
        return "[" + ", ".join(f'"{n}"' for n in names) + "]"

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        count = self._models.output_named_classes.get(original.name.value) if self._models else None
        if count is None or not isinstance(updated.body, cst.IndentedBlock):
            return updated
        names = ", ".join(f'"output_{i}"' for i in range(1, count + 1))
        statement = cst.parse_statement(f"output_names = [{names}]\n").with_changes(leading_lines=[cst.EmptyLine(
            comment=cst.Comment("# Keras 2's names of this model's outputs (History keys \"output_1_loss\", ...)"))])
        body = list(updated.body.body)
        first = body[0] if body else None
        docstring = first is not None and is_docstring(first)
        at = 1 if docstring else 0
        if not docstring and body:
            # The first statement keeps its own comment lines above the new one.
            statement = statement.with_changes(leading_lines=list(body[0].leading_lines) + list(statement.leading_lines))
            body[0] = body[0].with_changes(leading_lines=[])
        body.insert(at, statement)
        if at + 1 < len(body) and not body[at + 1].leading_lines:
            body[at + 1] = body[at + 1].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        self.report(original, f"{original.name.value}.call() returns {count} outputs, which Keras 2 named output_1, "
                              "output_2, ... (\"output_1_loss\" in History, evaluate() and callbacks); Keras 3 names "
                              "them so only when the model lists output_names: added",
                    severity=Severity.INFO)
        return updated.with_changes(body=updated.body.with_changes(body=body))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        if isinstance(func, cst.Attribute) and func.attr.value == "evaluate":
            return self._evaluate_in_expression(original, updated)
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile" and isinstance(func.value, cst.Name)):
            return updated
        scope = _scan.cst_scope(self.ctx)
        self._renamed_outputs(original, func.value.value, scope)
        key = self._versions.key(scope, func.value.value)  # as _Models counted them
        if self._models is not None and key in self._models.outputs:
            self._compiles_seen[key] = self._compiles_seen.get(key, 0) + 1
        if self._models is not None:
            outputs = self._models.outputs.get(self._key(scope, func.value.value)) or ()
            loss = _loss_arg(original)
            # One loss for every output (a literal list or dict names one per output: KM255
            # warns when there are several, and with one Keras 3 logs no per-output loss).
            if (len(outputs) >= 2 and loss is not None and not isinstance(loss, (cst.Dict, cst.List, cst.Tuple))
                    and not compiles_loss_per_output(original)):
                self._tensorflow_output_losses(original)
            if loss is not None:
                self._single_output_loss(original, loss, len(outputs))
        if not any(a.keyword is not None and a.keyword.value in _METRIC_KEYWORDS for a in original.args):
            return updated
        outputs = None
        if self._models is not None:
            outputs = self._models.outputs.get(self._key(scope, func.value.value))
        # Decisions read the original nodes (names resolve there); the output is built
        # from the updated ones (other rules' rewrites inside the arguments).
        sparse = self._sparse_outputs(original, outputs, scope)
        args = list(updated.args)
        # By keyword: another rule may have added arguments (KM140's jit_compile=False).
        originals = {a.keyword.value: a for a in original.args if a.keyword is not None}
        changed = False
        for i, arg in enumerate(updated.args):
            if arg.keyword is None or arg.keyword.value not in _METRIC_KEYWORDS or arg.keyword.value not in originals:
                continue
            old = originals[arg.keyword.value]
            value = self._metrics_value(original, old.value, arg, outputs, sparse)
            if value is not arg.value:
                args[i] = arg.with_changes(value=value)
                changed = True
        if not changed:
            return updated
        self.fired()
        return updated.with_changes(args=args)

    def _evaluate_in_expression(self, original: cst.Call, updated: cst.Call):
        """`print(model.evaluate(...))`, `scores.append(model.evaluate(...))`: the list in
        Keras 2's order, read off the dict in place (a one-statement assignment is split
        in two by leave_SimpleStatementLine instead)."""
        if id(original) in self._kept or id(original) in self._assigned:
            return updated
        names = self._keras2_order(original, original)
        if names is None:
            return updated
        self.fired()
        return cst.ListComp(
            elt=cst.parse_expression("logs[k]"),
            for_in=cst.CompFor(target=cst.Name("logs"), iter=cst.List([cst.Element(_with_return_dict(updated))]),
                               inner_for_in=cst.CompFor(target=cst.Name("k"), iter=cst.parse_expression(names))))

    def _tensorflow_output_losses(self, call: cst.Call) -> None:
        """Keras 3 on TensorFlow weights each batch's per-output loss by the batch's static
        size, unknown inside its tf.function: a smaller last batch then counts as much as
        a whole one (measured, Keras 3.15: 1.937 against Keras 2's, JAX's and PyTorch's
        1.805 for `reg_loss` of evaluate() over 48 rows in batches of 32)."""
        self.report(call, "on the TensorFlow backend Keras 3 averages each output's loss over batches without "
                          "weighting a smaller last batch by its size: history's and evaluate()'s per-output "
                          "losses (`<output>_loss`) then differ from Keras 2 (the total loss and training do not)",
                    fix="read per-output losses on JAX or PyTorch, or use batch sizes that divide the number of "
                        "samples", severity=Severity.INFO, backends=("tensorflow",))

    def _single_output_loss(self, call: cst.Call, loss: cst.BaseExpression, n_outputs: int) -> None:
        """compile(loss=["mse", None]) on a two-output model: Keras 2 still reported the
        one loss as `<output>_loss` beside `loss`; Keras 3 makes per-output entries only
        for two losses or more (measured, Keras 3.15: History keys ['loss'] against
        ['dense_1_loss', 'loss']; also for dict outputs, `loss={"a": "mse", "b": None}`,
        found with keras-migrate verify on an independent program). A warning where the
        file reads some `..._loss` key, else an info (History and evaluate keys differ)."""
        reads = bool(_READS_OUTPUT_LOSS.search(self.ctx.source))
        if isinstance(loss, (cst.List, cst.Tuple)):
            given = [e.value for e in loss.elements]
        elif isinstance(loss, cst.Dict):
            given = [e.value for e in loss.elements if isinstance(e, cst.DictElement)]
            given += [cst.Name("None")] * max(0, n_outputs - len(given))
        else:
            return
        real = [v for v in given if not (isinstance(v, cst.Name) and v.value == "None")]
        if len(real) != 1 or len(given) < 2:
            return
        self.report(call, "compile() gives a loss to one output of a multi-output model: Keras 2's History and "
                          "evaluate() also reported it as `<output>_loss`, Keras 3 reports only `loss` (the same "
                          "number)",
                    fix="read `loss` instead of the `<output>_loss` key (and monitor `val_loss` instead of "
                        "`val_<output>_loss` in callbacks)",
                    severity=Severity.WARNING if reads else Severity.INFO)

    def _renamed_outputs(self, call: cst.Call, model: str, scope) -> None:
        if self._models is None:
            return
        reason = self._models.renamed.get(self._key(scope, model))
        if reason is None or not any(a.keyword is not None and a.keyword.value in ("loss",) + _METRIC_KEYWORDS
                                     for a in call.args):
            return
        self.report(call, f"compile() of a multi-output model whose History/evaluate keys change in Keras 3: {reason}",
                    fix="read fit()/evaluate() results by Keras 3's names (print(history.history.keys())), or name "
                        "the outputs the same way in both: a functional model with outputs=[...] of layers with "
                        "name=\"...\"")

    # -- compile(metrics=...) --------------------------------------------------------
    def _metrics_value(self, call: cst.Call, old: cst.BaseExpression, arg: cst.Arg, outputs, sparse):
        """The Keras 3 spelling of one metrics/weighted_metrics argument (`old`: its
        original node): one list per output for a multi-output model (Keras 2 gave every
        output the flat list), and Keras 2's labels for the metrics of sparse outputs."""
        value = arg.value
        if type(old) is not type(value):
            return value  # another rule rewrote it
        sequence = (cst.List, cst.Tuple)
        nested = (cst.List, cst.Tuple, cst.Dict)
        if outputs is None:
            if sparse is not None and all(sparse) and isinstance(value, sequence) \
                    and not any(isinstance(e.value, nested) for e in value.elements):
                return self._group(_pairs(old, value), value, wrap=True)
            return value
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == BROADCAST:
            return value  # a previous run
        if isinstance(value, cst.Dict):
            return self._dict_groups(old, value, outputs, sparse)
        if isinstance(value, sequence) and value.elements and all(isinstance(e.value, sequence) for e in value.elements):
            if len(value.elements) != len(outputs):
                return value
            groups = [self._group(_pairs(o.value, e.value), e.value, wrap=self._sparse(sparse, i))
                      for i, (o, e) in enumerate(zip(old.elements, value.elements))]
            if all(g is e.value for g, e in zip(groups, value.elements)):
                return value
            return value.with_changes(elements=[e.with_changes(value=g) for e, g in zip(value.elements, groups)])
        if isinstance(value, sequence) and any(isinstance(e.value, nested) for e in value.elements):
            return value  # a structure of its own: Keras 3 reads it the same way
        if isinstance(value, sequence):
            pairs = _pairs(old, value)
        elif isinstance(value, (cst.SimpleString, cst.Call)) and not self._is_opaque_call(old):
            pairs = [(cst.Element(old), cst.Element(value))]
        else:
            return self._opaque(call, arg, outputs, sparse)
        if not pairs:
            return value
        # Keras 2 gave each output a copy of the flat list (its own Metric instances).
        # One list per output, in output order: a dict would be flattened in sorted key
        # order by Keras 3, reordering evaluate()'s results (measured).
        copied = [(o, self._copied(o, e)) for o, e in pairs]
        per_output = [self._group(copied, cst.List([]), wrap=self._sparse(sparse, i)) for i in range(len(outputs))]
        return _commas(cst.List([cst.Element(g) for g in per_output]))

    def _is_opaque_call(self, value: cst.BaseExpression) -> bool:
        """A call that builds the whole list (`get_metrics()`), not one metric."""
        if not isinstance(value, cst.Call):
            return False
        path = self.ctx.keras_path(value.func) or ""
        return not path.startswith("metrics.")

    def _opaque(self, call: cst.Call, arg: cst.Arg, outputs, sparse) -> cst.BaseExpression:
        # `metrics=METRICS`: Keras 2 broadcast it when flat, which only runtime can tell.
        self.ctx.use_runtime(BROADCAST)
        if any(sparse or ()):
            self.report(call, f"{arg.keyword.value}= of a {len(outputs)}-output model given as an expression, "
                              "next to sparse-label outputs: Keras 2 expanded rank-1 labels to (batch, 1) for "
                              "every metric, Keras 3 does not",
                        fix="wrap the metrics of those outputs that are not accuracy/sparse_* metrics in "
                            "keras_migrate_runtime.Keras2Metric(...)")
        return cst.Call(cst.Name(BROADCAST), [
            cst.Arg(arg.value, comma=COMMA),
            cst.Arg(cst.Integer(str(len(outputs))))])

    def _dict_groups(self, old: cst.Dict, value: cst.Dict, outputs, sparse) -> cst.BaseExpression:
        if len(old.elements) != len(value.elements):
            return value
        elements = []
        for o, element in zip(old.elements, value.elements):
            key = element.key.evaluated_value if isinstance(element, cst.DictElement) and isinstance(
                element.key, cst.SimpleString) else None
            wrap = key in outputs and self._sparse(sparse, outputs.index(key))
            if wrap and isinstance(element.value, (cst.List, cst.Tuple)) and type(o.value) is type(element.value):
                element = element.with_changes(value=self._group(_pairs(o.value, element.value), element.value, True))
            elif wrap and self._rank_sensitive(o.value):
                element = element.with_changes(value=self._wrapped(element.value))
            elements.append(element)
        return value.with_changes(elements=elements)

    def _group(self, pairs, container, wrap: bool) -> cst.BaseExpression:
        """One output's metrics from (original, updated) elements; `container` holds them
        already, or is a new list."""
        elements = [e.with_changes(value=self._wrapped(e.value)) if wrap and self._rank_sensitive(o.value) else e
                    for o, e in pairs]
        if isinstance(container, (cst.List, cst.Tuple)) and container.elements:
            if all(a is b for a, b in zip(elements, container.elements)):
                return container  # unchanged: keep the user's layout
            return container.with_changes(elements=elements)
        return _commas(cst.List(elements))

    def _copied(self, old: cst.Element, element: cst.Element) -> cst.Element:
        """Keras 2 copied each Metric instance for each output: anything but a string, a
        constructor call or a Keras metric function may be a shared instance."""
        value = old.value
        if isinstance(value, (cst.SimpleString, cst.Call)) or (self.ctx.keras_path(value) or "").startswith(
                ("metrics.", "losses.")):
            return element
        self.ctx.use_runtime(COPY)
        return element.with_changes(value=cst.Call(cst.Name(COPY), [cst.Arg(element.value)]))

    def _rank_sensitive(self, value: cst.BaseExpression) -> bool:
        """Would this metric (an original node) see other values with Keras 2's (batch, 1)
        labels? Not accuracy (Keras picks the sparse kind) nor the sparse_* metrics."""
        if isinstance(value, cst.SimpleString):
            return value.evaluated_value.lower() not in _RANK_SAFE_STRINGS
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in (WRAPPER, COPY):
            return value.func.value == COPY
        target = value.func if isinstance(value, cst.Call) else value
        path = self.ctx.keras_path(target) or ""
        return path.rsplit(".", 1)[-1] not in _RANK_SAFE_METRICS

    def _wrapped(self, value: cst.BaseExpression) -> cst.BaseExpression:
        self.ctx.use_runtime(WRAPPER)
        return cst.Call(cst.Name(WRAPPER), [cst.Arg(value)])

    @staticmethod
    def _sparse(sparse, index: int) -> bool:
        return bool(sparse) and index < len(sparse) and sparse[index]

    # -- which outputs get sparse labels (their loss says so) ------------------------
    def _sparse_outputs(self, call: cst.Call, outputs, scope) -> Optional[List[bool]]:
        loss = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "loss"), None)
        if loss is None:
            return None
        count = len(outputs) if outputs else 1
        if isinstance(loss, (cst.List, cst.Tuple)):
            flags = [self._is_sparse_loss(e.value, scope) for e in loss.elements]
            return flags if len(flags) == count else None
        if isinstance(loss, cst.Dict):
            if not outputs:
                return None
            by_name = {e.key.evaluated_value: self._is_sparse_loss(e.value, scope) for e in loss.elements
                       if isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString)}
            return [by_name.get(name, False) for name in outputs]
        return [self._is_sparse_loss(loss, scope)] * count

    def _is_sparse_loss(self, value: cst.BaseExpression, scope) -> bool:
        if isinstance(value, cst.SimpleString):
            return value.evaluated_value == "sparse_categorical_crossentropy"
        target = value.func if isinstance(value, cst.Call) else value
        if (self.ctx.keras_path(target) or "").rsplit(".", 1)[-1] in _SPARSE_LOSSES:
            return True
        if isinstance(value, cst.Name) and self._models is not None:  # loss = SparseCategoricalCrossentropy()
            assigned = self._models.values.get(self._key(scope, value.value))
            if isinstance(assigned, ast.Constant):
                return assigned.value == "sparse_categorical_crossentropy"
            if isinstance(assigned, ast.Call):
                return (self._models.names.keras(assigned.func) or "").rsplit(".", 1)[-1] in _SPARSE_LOSSES
        return False


def _pairs(old, new) -> List[tuple]:
    """(original, updated) elements of the same list literal (other rules keep its length)."""
    return list(zip(old.elements, new.elements)) if len(old.elements) == len(new.elements) else []


def _commas(lst: cst.List) -> cst.List:
    return lst.with_changes(elements=comma_separated(list(lst.elements)))
