"""KM130 log_keys: keys of callback logs and History that Keras 3 renamed.

Keras 3's ReduceLROnPlateau / LearningRateScheduler log the rate as "learning_rate"
(Keras 2: "lr"), and a metric compiled by class name ("AUC") is logged under that
string instead of Keras 2's metric name ("auc"); see spec/_log_keys.py. Keys are only
rewritten where the dict really is a Keras one: the `logs` parameter of a callback
hook (an `on_*` method, or a function/lambda given to LambdaCallback), `X.history` of a
fit() result or History object, and names bound to those (or to a pandas DataFrame of
them); in a file with a CSVLogger, rows and tables read back with csv.DictReader or
pandas.read_csv (its columns are the logs' keys). Metric names are pinned at the compile() call, so every later use of the key
(history, logs, monitor=...) keeps working.
"""

from __future__ import annotations

import ast
from typing import List, Optional, Set

import libcst as cst

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules._args import file_uses_keras
from keras_migrate.rules._scan import file_ast, keras_subclasses, names as ast_names, nodes as ast_nodes
from keras_migrate.rules._util import code, dotted, keyword, with_keyword
from keras_migrate.spec._log_keys import METRIC_CLASS_KEYS, METRIC_DEFAULT_NAMES, METRIC_FUNCTION_STRINGS, RENAMED_LOG_KEYS

__all__ = ["LogKeys"]

_FIT_METHODS = frozenset({"fit", "fit_generator"})
_DICT_METHODS = frozenset({"get", "pop", "setdefault", "__getitem__", "__contains__"})
_METRIC_KEYWORDS = {"metrics": 2, "weighted_metrics": 4}  # keyword -> Keras 2 compile() position
_LAMBDA_CALLBACK = "callbacks.LambdaCallback"
_HISTORY = "callbacks.History"
_CSV_READERS = frozenset({"csv.DictReader", "pandas.read_csv"})


def _string(node: cst.BaseExpression) -> Optional[str]:
    return node.evaluated_value if isinstance(node, cst.SimpleString) else None


def _quoted(node: cst.SimpleString, value: str) -> cst.SimpleString:
    quote = node.quote
    prefix = node.prefix
    return cst.SimpleString(f"{prefix}{quote}{value}{quote}")


class LogKeys(Rule):
    id = "KM130"
    NODE_KEYED = ('_callback_lambdas',)
    name = "log_keys"
    description = ('Rename callback-log and History keys Keras 3 changed ("lr" -> "learning_rate"), and pin the '
                   'Keras 2 names of metrics compiled by class name ("AUC" is logged as "auc").')
    TRIGGERS = ("lr", "compile")
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            class Logger(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print(epoch, logs["lr"], logs.get("lr"))
            history = model.fit(x, y, callbacks=[Logger(), keras.callbacks.ReduceLROnPlateau()])
            plt.plot(history.history["lr"])
            """,
            after="""
            from tensorflow import keras
            class Logger(keras.callbacks.Callback):
                def on_epoch_end(self, epoch, logs=None):
                    print(epoch, logs["learning_rate"], logs.get("learning_rate"))
            history = model.fit(x, y, callbacks=[Logger(), keras.callbacks.ReduceLROnPlateau()])
            plt.plot(history.history["learning_rate"])
            """,
        ),
        Example(
            before="""
            from tensorflow import keras
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", "AUC", "Precision"])
            history = model.fit(x, y, validation_split=0.2)
            best = max(history.history["val_auc"])
            """,
            after="""
            from tensorflow import keras
            model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", "auc", "precision"])
            history = model.fit(x, y, validation_split=0.2)
            best = max(history.history["val_auc"])
            """,
        ),
        # Another rule drops an argument before the metrics (sample_weight_mode): the
        # metrics are still found (it crashed on the shifted argument list).
        Example(
            before="""
            from tensorflow import keras
            model.compile(loss="mse", sample_weight_mode="temporal", weighted_metrics=["AUC"])
            model.compile("adam", "mse", ["AUC"], sample_weight_mode="temporal", weighted_metrics=["Precision"])
            """,
            after="""
            import keras
            model.compile(loss="mse", weighted_metrics=["auc"])
            model.compile("adam", "mse", metrics=["auc"], weighted_metrics=["precision"])
            """,
            diagnostics=("KM110", "KM110"),
            full=True,
        ),
        # A KLDivergence metric object: named as Keras 2 named it (Keras 3: "kl_divergence").
        Example(
            before="""
            from tensorflow import keras
            model.compile("adam", {"dist": keras.losses.KLDivergence()}, metrics={"dist": [keras.metrics.KLDivergence()]})
            other = keras.metrics.KLDivergence(dtype="float32")
            named = keras.metrics.KLDivergence("kld")
            """,
            after="""
            from tensorflow import keras
            model.compile("adam", {"dist": keras.losses.KLDivergence()}, metrics={"dist": [keras.metrics.KLDivergence(name="kullback_leibler_divergence")]})
            other = keras.metrics.KLDivergence(dtype="float32", name="kullback_leibler_divergence")
            named = keras.metrics.KLDivergence("kld")
            """,
        ),
        # A CSVLogger's file read back: its columns are the logs' keys.
        Example(
            before="""
            import csv
            import pandas as pd
            import tensorflow as tf

            model.fit(x, y, callbacks=[tf.keras.callbacks.ReduceLROnPlateau(), tf.keras.callbacks.CSVLogger("log.csv")])
            with open("log.csv") as f:
                rows = list(csv.DictReader(f))
            for row in rows:
                print(row["lr"], [r["lr"] for r in rows])
            print(rows[-1]["lr"], pd.read_csv("log.csv")["lr"].tolist())
            frame = pd.read_csv("log.csv")
            print(frame["lr"].min())
            """,
            after="""
            import csv
            import pandas as pd
            import tensorflow as tf

            model.fit(x, y, callbacks=[tf.keras.callbacks.ReduceLROnPlateau(), tf.keras.callbacks.CSVLogger("log.csv")])
            with open("log.csv") as f:
                rows = list(csv.DictReader(f))
            for row in rows:
                print(row["learning_rate"], [r["learning_rate"] for r in rows])
            print(rows[-1]["learning_rate"], pd.read_csv("log.csv")["learning_rate"].tolist())
            frame = pd.read_csv("log.csv")
            print(frame["learning_rate"].min())
            """,
        ),
        # Not a Keras logs dict: left alone.
        Example(before='import keras\nconfig = {"lr": 0.1}\nrate = config["lr"]\n'),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._fit_results: Set[str] = set()  # "history", "self.hist": bound to fit() / History()
        self._dicts: Set[str] = set()  # names bound to a history dict (or a DataFrame of one)
        self._mentions_dataframe = "DataFrame" in ctx.source
        self._logs_scopes: List[Optional[str]] = []  # per enclosing def/lambda: its logs parameter
        self._callback_functions: Optional[Set[str]] = None
        self._callback_lambdas: Set[int] = set()
        self._metric_lists: Optional[Set[str]] = None
        # A CSVLogger writes the logs' keys as columns: rows and tables read back from
        # CSV files (csv.DictReader, pandas.read_csv) in such a file are logs too.
        self._csv_logger = "CSVLogger" in ctx.source
        self._csv: Set[str] = set()

    # -- where logs dicts come from ----------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._enter_scope(node.params, self._is_hook(node))

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        self._logs_scopes.pop()
        return updated

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._enter_scope(node.params, id(node) in self._callback_lambdas)

    def _enter_scope(self, params: cst.Parameters, hook: bool) -> None:
        # A hook binds its `logs` parameter; other functions inherit the enclosing
        # hook's unless they bind the name themselves.
        own = self._logs_param(params)
        if hook:
            self._logs_scopes.append(own)
        elif own is not None or not self._logs_scopes:
            self._logs_scopes.append(None)
        else:
            self._logs_scopes.append(self._logs_scopes[-1])

    def leave_Lambda(self, original: cst.Lambda, updated: cst.Lambda):
        self._logs_scopes.pop()
        return updated

    def _is_hook(self, node: cst.FunctionDef) -> bool:
        # A method `on_*` of a callback class (subclassing Callback directly, through a
        # local base, or a library's *Callback), or a function handed to LambdaCallback(on_*=...).
        cls = self.ctx.current_class
        if (cls is not None and len(self.ctx.function_stack) == 1 and node.name.value.startswith("on_")
                and cls.name.value in keras_subclasses(self.ctx, "callbacks.", name_suffix="Callback")):
            return True
        return node.name.value in self._lambda_callback_functions()

    @staticmethod
    def _logs_param(params: cst.Parameters) -> Optional[str]:
        for param in list(params.params) + list(params.kwonly_params):
            if param.name.value == "logs":
                return "logs"
        return None

    def _lambda_callback_functions(self) -> Set[str]:
        if self._callback_functions is None:
            self._callback_functions = set()
            tree, resolver = file_ast(self.ctx), ast_names(self.ctx)
            for node in ast_nodes(self.ctx, ast.Call) if tree is not None else ():
                if resolver.keras(node.func) == _LAMBDA_CALLBACK:
                    self._callback_functions.update(
                        kw.value.id for kw in node.keywords
                        if kw.arg and kw.arg.startswith("on_") and isinstance(kw.value, ast.Name))
        return self._callback_functions

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.keras_path(node.func) == _LAMBDA_CALLBACK:
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value.startswith("on_") and isinstance(arg.value, cst.Lambda):
                    self._callback_lambdas.add(id(arg.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        # Targets' text only when it is needed (code() is a codegen; most assignments
        # in a file are neither fit results nor history dicts).
        value = node.value
        if isinstance(value, cst.Call) and (self._is_fit_call(value) or self.ctx.keras_path(value.func) == _HISTORY):
            self._fit_results.update(code(t.target) for t in node.targets)
        elif self._is_history_dict(value):
            self._dicts.update(code(t.target) for t in node.targets)
        elif self._csv_logger and self._is_csv_read(value):
            self._csv.update(code(t.target) for t in node.targets if isinstance(t.target, cst.Name))
        elif self._fit_results or self._dicts:
            for target in [code(t.target) for t in node.targets]:  # rebound to something else
                self._fit_results.discard(target)
                self._dicts.discard(target)

    def visit_For(self, node: cst.For) -> None:
        self._csv_rows(node.target, node.iter)  # for row in rows: / for row in csv.DictReader(f):

    def _comprehension(self, node) -> None:
        # [row["lr"] for row in rows]: the element is visited before the for clause
        for_in = node.for_in
        while for_in is not None:
            self._csv_rows(for_in.target, for_in.iter)
            for_in = for_in.inner_for_in

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def _csv_rows(self, target: cst.BaseExpression, iterated: cst.BaseExpression) -> None:
        if self._csv_logger and isinstance(target, cst.Name) and (
                (isinstance(iterated, cst.Name) and iterated.value in self._csv) or self._is_csv_read(iterated)):
            self._csv.add(target.value)

    def _is_csv_read(self, node: cst.BaseExpression) -> bool:
        if not isinstance(node, cst.Call):
            return False
        if self.ctx.qualified_name(node.func) in _CSV_READERS:
            return True
        return (isinstance(node.func, cst.Name) and node.func.value in ("list", "sorted") and len(node.args) == 1
                and self._is_csv_read(node.args[0].value))

    @staticmethod
    def _is_fit_call(node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in _FIT_METHODS

    def _is_history_dict(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Attribute) and node.attr.value == "history":
            receiver = node.value
            return (self._is_fit_call(receiver) or (bool(self._fit_results) and code(receiver) in self._fit_results)
                    or (isinstance(receiver, cst.Attribute) and receiver.attr.value == "history"))
        # (`node` is an original node: its text is the source's.)
        if isinstance(node, cst.Call) and node.args and self._mentions_dataframe \
                and code(node.func).endswith("DataFrame"):
            return self._is_history_dict(node.args[0].value)
        return isinstance(node, (cst.Name, cst.Attribute)) and bool(self._dicts) and code(node) in self._dicts

    def _is_logs(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Name) and self._logs_scopes and self._logs_scopes[-1] == node.value:
            return True
        if self._csv_logger and self._is_csv_read(node):
            return True  # pd.read_csv(path)["lr"]
        if self._csv and (isinstance(node, cst.Name) or (isinstance(node, cst.Subscript)
                                                          and isinstance(node.value, cst.Name))):
            return (node.value if isinstance(node, cst.Name) else node.value.value) in self._csv
        return self._is_history_dict(node)

    # -- key rewrites ----------------------------------------------------------------------
    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        if len(original.slice) != 1 or not isinstance(original.slice[0].slice, cst.Index):
            return updated
        key = original.slice[0].slice.value
        new = self._renamed(key)
        if new is None or not self._is_logs(original.value):
            return updated
        index = updated.slice[0].slice
        return updated.with_changes(slice=[updated.slice[0].with_changes(slice=index.with_changes(value=new))])

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison):
        # "lr" in logs
        if len(original.comparisons) != 1 or not isinstance(
                original.comparisons[0].operator, (cst.In, cst.NotIn)):
            return updated
        new = self._renamed(original.left)
        if new is None or not self._is_logs(original.comparisons[0].comparator):
            return updated
        return updated.with_changes(left=new)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = original.func
        module, _, cls = (self.ctx.keras_path(func) or "").rpartition(".")
        if module == "metrics" and cls in METRIC_DEFAULT_NAMES and not any(
                arg.keyword is None or arg.keyword.value == "name" for arg in original.args):
            # Keras 3 names the metric otherwise: every history / logs key would change.
            self.fired()
            return with_keyword(updated, "name", cst.SimpleString(f'"{METRIC_DEFAULT_NAMES[cls]}"'))
        if not isinstance(func, cst.Attribute):
            return updated
        if func.attr.value == "compile":
            return self._pin_compile_metrics(original, updated)
        if func.attr.value in _DICT_METHODS and original.args and original.args[0].keyword is None:
            new = self._renamed(original.args[0].value)
            if new is not None and self._is_logs(func.value):
                args = list(updated.args)
                args[0] = args[0].with_changes(value=new)
                return updated.with_changes(args=args)
        return updated

    def _renamed(self, node: cst.BaseExpression) -> Optional[cst.SimpleString]:
        key = _string(node)
        if key not in RENAMED_LOG_KEYS or not file_uses_keras(self.ctx):
            return None
        self.fired()
        return _quoted(node, RENAMED_LOG_KEYS[key])

    # -- metric names --------------------------------------------------------------------
    def _pin_compile_metrics(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if not file_uses_keras(self.ctx):
            return updated
        args = list(updated.args)
        changed = False
        # The updated arguments: earlier rules may have dropped some (sample_weight_mode) or
        # named the positional ones (KM110).
        for i, arg in enumerate(updated.args):
            keyword = arg.keyword.value if arg.keyword is not None else None
            if keyword not in _METRIC_KEYWORDS and not (
                    keyword is None and not arg.star and i in _METRIC_KEYWORDS.values()):
                continue
            value = self._pin(args[i].value, allow_objects=True)
            if value is not args[i].value:
                args[i] = args[i].with_changes(value=value)
                changed = True
        return updated.with_changes(args=args) if changed else updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        # METRICS = ["AUC", ...] later passed as compile(metrics=METRICS)
        if len(original.targets) == 1 and isinstance(original.targets[0].target, cst.Name) \
                and original.targets[0].target.value in self._compiled_metric_names():
            value = self._pin(updated.value, allow_objects=False)
            if value is not updated.value:
                return updated.with_changes(value=value)
        return updated

    def _compiled_metric_names(self) -> Set[str]:
        if self._metric_lists is None:
            self._metric_lists = set()
            tree = file_ast(self.ctx)
            for node in ast_nodes(self.ctx, ast.Call) if tree is not None else ():
                if isinstance(node.func, ast.Attribute) and node.func.attr == "compile":
                    values = [kw.value for kw in node.keywords if kw.arg in _METRIC_KEYWORDS]
                    values += [a for i, a in enumerate(node.args) if i in _METRIC_KEYWORDS.values()]
                    # metrics=METRICS, metrics=["accuracy"] + METRICS, metrics={"out": METRICS}
                    self._metric_lists.update(
                        n.id for value in values for n in ast_walk(value) if isinstance(n, ast.Name))
        return self._metric_lists

    def _pin(self, node: cst.BaseExpression, allow_objects: bool) -> cst.BaseExpression:
        """`node` (a metrics list, nested list or per-output dict) with class-name strings
        replaced by identifiers that log under Keras 2's names."""
        if isinstance(node, (cst.List, cst.Tuple)):
            elements = [e.with_changes(value=self._pin(e.value, allow_objects)) if isinstance(e, cst.Element) else e
                        for e in node.elements]
            changed = any(a is not b for a, b in zip(elements, node.elements))
            return node.with_changes(elements=elements) if changed else node
        if isinstance(node, cst.Dict):
            elements = [e.with_changes(value=self._pin(e.value, allow_objects)) if isinstance(e, cst.DictElement) else e
                        for e in node.elements]
            changed = any(a is not b for a, b in zip(elements, node.elements))
            return node.with_changes(elements=elements) if changed else node
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):  # [...] + METRICS
            left, right = self._pin(node.left, allow_objects), self._pin(node.right, allow_objects)
            changed = left is not node.left or right is not node.right
            return node.with_changes(left=left, right=right) if changed else node
        written = _string(node) or ""
        entry = METRIC_CLASS_KEYS.get(written) or METRIC_FUNCTION_STRINGS.get(written)
        if entry is None:
            return node
        if entry.keras3_string is not None:
            self.fired()
            return _quoted(node, entry.keras3_string)
        if not allow_objects:
            self.report(node, f'metric "{written}" is logged as "{written}" in Keras 3, or not resolved at all '
                              f'(Keras 2: "{entry.key}")',
                        f'use keras.metrics.{entry.cls}(name="{entry.key}") where the model is compiled')
            return node
        self.fired()
        return cst.Call(func=dotted(f"{self.ctx.require_keras()}.metrics.{entry.cls}"),
                        args=[keyword("name", cst.SimpleString(f'"{entry.key}"'))])
