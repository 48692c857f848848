"""KM172 removed_layer_attributes: Layer `dynamic`, `add_metric()` (and what `metrics` lost).

`dynamic=True` told Keras 2 that a layer's call() only works eagerly; Keras 2 then
built it from compute_output_shape() and ran every model holding it eagerly.
Keras 3 rejects the keyword, builds layers from compute_output_shape() whenever
the layer defines one, and runs eagerly with `compile(run_eagerly=True)`. So:

* `dynamic=False` is dropped;
* `dynamic=True` (in `super().__init__(...)` of a layer class or in a layer
  constructor call) is dropped and every `.compile(...)` of the file gets
  `run_eagerly=True` (models without the layer only lose speed, not numbers);
  when the file reads `.dynamic`, the class keeps `self.dynamic = True`;
  in agnostic mode the file stays on TensorFlow (JAX traces every step, so an
  eager-only call() cannot run there); a layer without compute_output_shape()
  is reported.
* `self.add_metric(value, name="n")` (raises NotImplementedError in Keras 3)
  becomes the Keras 3 idiom: `self.n_tracker = keras.metrics.Mean(name="n")`
  in __init__ (one is added if the class has none) and
  `self.n_tracker.update_state(value)` in place of the call: the same
  per-epoch mean under the same name in fit()/evaluate() logs, and the same
  `layer.metrics` list, which is why `.metrics` reads need no change. Keras 3
  fails such in-call metric updates on JAX, so in agnostic mode the file stays
  on TensorFlow. Computed names and other aggregations are diagnosed.
* other `.dynamic` reads (e.g. `model.dynamic`) are diagnosed.
"""

from __future__ import annotations

import ast
import re
from typing import Set

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, ast_walk, is_docstring
from keras_migrate.rules import _scan
from keras_migrate.rules._args import argument
from keras_migrate.rules._util import code, dotted, drop_arg, keyword_arg, with_keyword

__all__ = ["RemovedLayerAttributes"]

_DYNAMIC_TRUE = re.compile(r"\bdynamic\s*=\s*True\b")
_METRIC_REASON = ("metrics updated inside a layer's call() (Keras 2 add_metric) fail on JAX in Keras 3 "
                  "(they work on TensorFlow and PyTorch)")
_EAGER_REASON = ("a dynamic=True layer's call() needs eager tensors; JAX traces every training step "
                 "(run it on TensorFlow or PyTorch with compile(run_eagerly=True))")


def _is_super_init(call: cst.Call) -> bool:
    # super().__init__(...), super(Cls, self).__init__(...), Base.__init__(self, ...)
    func = call.func
    return isinstance(func, cst.Attribute) and func.attr.value == "__init__"


class RemovedLayerAttributes(Rule):
    id = "KM172"
    NODE_KEYED = ('_class_inserts', '_trackers')
    name = "removed_layer_attributes"
    description = ("Drop the removed Layer dynamic= keyword (running eager models with run_eagerly=True) and "
                   "turn Layer.add_metric() into a Mean tracker.")
    TRIGGERS = ("dynamic", "add_metric")
    EXAMPLES = (
        Example(
            before="""
            import keras

            class Eager(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(dynamic=True, **kwargs)

                def compute_output_shape(self, input_shape):
                    return input_shape

            model = keras.Sequential([Eager()])
            model.compile(optimizer="sgd", loss="mse")
            """,
            after="""
            import keras

            class Eager(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)

                def compute_output_shape(self, input_shape):
                    return input_shape

            model = keras.Sequential([Eager()])
            model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
            """,
            mode="tensorflow",
        ),
        Example(
            before="""
            import keras

            class Plain(keras.layers.Layer):
                def __init__(self):
                    super().__init__(dynamic=False, name="plain")
            """,
            after="""
            import keras

            class Plain(keras.layers.Layer):
                def __init__(self):
                    super().__init__(name="plain")
            """,
        ),
        Example(
            before="""
            import keras

            class Probe(keras.layers.Layer):
                def call(self, x):
                    self.add_metric(keras.ops.mean(x), name="mean_x")
                    return x
            """,
            after="""
            import keras

            class Probe(keras.layers.Layer):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.mean_x_tracker = keras.metrics.Mean(name="mean_x")

                def call(self, x):
                    self.mean_x_tracker.update_state(keras.ops.mean(x))
                    return x
            """,
            mode="tensorflow",
        ),
        # A computed metric name: diagnosed with the same recipe.
        Example(
            before="""
            import keras

            class Probe(keras.layers.Layer):
                def call(self, x):
                    self.add_metric(keras.ops.mean(x), name=self.name + "_mean")
                    return x
            """,
            diagnostics=("KM172",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        source = ctx.source
        # Set when a dynamic=True is dropped: classes and layers come before compile().
        self._eager_file = False
        self._keeps_attribute = bool(_DYNAMIC_TRUE.search(source)) and bool(re.search(r"\.dynamic\b(?!\s*=[^=])", source))
        self._dynamic_instances: Set[str] = set()
        self._class_inserts: Set[int] = set()  # statement lines to follow with self.dynamic = True
        self._dynamic_reported = False
        self._trackers = {}  # id(ClassDef) -> {tracker attribute: name string node}
        if self._keeps_attribute:
            self._dynamic_instances = _dynamic_instances(ctx)

    # -- dynamic= keywords ------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        result = updated
        dynamic = keyword_arg(original, "dynamic")
        if dynamic is not None and self._is_layer_constructor(original):
            value = code(dynamic.value)
            if value not in ("True", "False"):
                self.report(original, "Layer(dynamic=...) was removed in Keras 3",
                            "drop dynamic=...; if it can be True, compile the models using the layer "
                            "with run_eagerly=True")
                return updated
            index = next(i for i, a in enumerate(updated.args) if a.keyword is not None
                         and a.keyword.value == "dynamic")
            result = updated.with_changes(args=drop_arg(updated.args, index))
            if value == "True":
                self._mark_eager(original)
            self.fired()
        if self._eager_file and self._is_model_compile(original) and keyword_arg(original, "run_eagerly") is None:
            result = with_keyword(result, "run_eagerly", cst.Name("True"))
            self.fired()
        if isinstance(original.func, cst.Attribute) and original.func.attr.value == "add_metric" \
                and self.ctx.class_stack and code(original.func.value) == "self":
            rewritten = self._rewrite_add_metric(original, result)
            if rewritten is None:
                self._report_add_metric(original)
            else:
                result = rewritten
        return result

    # -- self.add_metric(value, name="n") -> a Mean tracker made in __init__ ------------------
    def _rewrite_add_metric(self, original: cst.Call, updated: cst.Call):
        cls = self.ctx.class_stack[-1]
        if cls.name.value not in _scan.keras_layer_classes(self.ctx) or any(a.star for a in original.args):
            return None
        bound = {}
        for i, arg in enumerate(updated.args):
            key = arg.keyword.value if arg.keyword is not None else ("value", "name", "aggregation")[min(i, 2)]
            bound[key] = arg.value
        if set(bound) - {"value", "name", "aggregation"} or "value" not in bound or "name" not in bound:
            return None
        name = bound["name"]
        if not isinstance(name, cst.SimpleString) or code(bound.get("aggregation", cst.Name("None"))) not in (
                "None", "'mean'", '"mean"'):
            return None
        label = re.sub(r"\W+", "_", name.evaluated_value).strip("_") or "metric"
        attr = f"{label}_tracker"
        trackers = self._trackers.setdefault(id(cls), {})
        trackers.setdefault(attr, name)
        if self.ctx.mode == "agnostic":
            self.ctx.keep_on_tensorflow(self.id, original, _METRIC_REASON)
        self.fired()
        value = bound["value"]
        return cst.Call(func=dotted(f"self.{attr}.update_state"), args=[cst.Arg(value)])

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        trackers = self._trackers.pop(id(original), None)
        if not trackers:
            return updated
        keras_name = self.ctx.require_keras()
        lines = [cst.parse_statement(f"self.{attr} = {keras_name}.metrics.Mean(name={code(name)})\n")
                 for attr, name in trackers.items()]
        body = list(updated.body.body)
        for index, stmt in enumerate(body):
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "__init__":
                inner = list(stmt.body.body)
                at = next((i + 1 for i, s in enumerate(inner) if _calls_super_init(s)), len(inner))
                body[index] = stmt.with_changes(body=stmt.body.with_changes(body=inner[:at] + lines + inner[at:]))
                break
        else:
            init = cst.parse_statement("def __init__(self, **kwargs):\n    super().__init__(**kwargs)\n")
            init = init.with_changes(body=init.body.with_changes(body=list(init.body.body) + lines))
            at = 1 if body and is_docstring(body[0]) else 0
            blank = cst.EmptyLine(indent=False)
            if at:
                init = init.with_changes(leading_lines=[blank])
            if at < len(body) and not body[at].leading_lines:
                body[at] = body[at].with_changes(leading_lines=[blank])
            body.insert(at, init)
        return updated.with_changes(body=updated.body.with_changes(body=body))

    def _is_layer_constructor(self, call: cst.Call) -> bool:
        if _is_super_init(call):
            return bool(self.ctx.class_stack) and self.ctx.class_stack[-1].name.value in _scan.keras_layer_classes(self.ctx)
        path = self.ctx.keras_path(call.func)
        if path is not None:
            return path.startswith("layers.")
        return isinstance(call.func, cst.Name) and call.func.value in _scan.keras_layer_classes(self.ctx)

    def _mark_eager(self, call: cst.Call) -> None:
        self._eager_file = True
        if self.ctx.mode == "agnostic":
            self.ctx.keep_on_tensorflow(self.id, call, _EAGER_REASON)
        if _is_super_init(call):
            cls = self.ctx.class_stack[-1]
            if self._keeps_attribute:
                self._class_inserts.add(id(call))
            if not _defines(cls, "compute_output_shape"):
                self.report(
                    cls.name,
                    f"dynamic layer `{cls.name.value}` has no compute_output_shape(); Keras 3 would trace its "
                    "eager-only call() symbolically",
                    "add `def compute_output_shape(self, input_shape): return <output shape>` to the class",
                )

    def _is_model_compile(self, call: cst.Call) -> bool:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "compile"):
            return False
        # re.compile & co resolve through imports; **kwargs may already hold run_eagerly.
        if self.ctx.qualified_name(func) is not None or any(a.star for a in call.args):
            return False
        return len(call.args) >= 2 or any(
            a.keyword is not None and a.keyword.value in ("optimizer", "loss", "metrics") for a in call.args)

    # `super().__init__(dynamic=True)` -> `super().__init__()` + `self.dynamic = True`
    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if not self._class_inserts:
            return updated
        small = original.body[0] if len(original.body) == 1 else None
        call = small.value if isinstance(small, cst.Expr) else None
        if not isinstance(call, cst.Call) or id(call) not in self._class_inserts:
            return updated
        self._class_inserts.discard(id(call))
        keep = cst.parse_statement("self.dynamic = True  # Keras 2 attribute, still read by this code\n")
        return cst.FlattenSentinel([updated, keep])

    # -- .dynamic reads -------------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value != "dynamic" or self._dynamic_reported:
            return
        receiver = code(node.value)
        if receiver == "self" or receiver in self._dynamic_instances or self.ctx.qualified_name(node) is not None:
            return
        self._dynamic_reported = True  # once per file: the fix is the same everywhere
        # Info only: `.dynamic` is a common attribute name outside Keras too.
        self.report(node, "if this reads Layer.dynamic or Model.dynamic: both were removed in Keras 3",
                    "read `False` for layers (Keras 3 has no dynamic layers) and `model.run_eagerly` for models",
                    Severity.INFO)

    def _report_add_metric(self, call: cst.Call) -> None:
        given = argument(call, "name", 1)
        name = code(given.value) if given is not None else None
        label = "metric" if name is None else re.sub(r"\W+", "_", name.strip("'\"")) or "metric"
        value = code(call.args[0].value) if call.args else "value"
        self.report(
            call,
            "Layer.add_metric() was removed in Keras 3 (it raises NotImplementedError)",
            f"create `self.{label}_tracker = keras.metrics.Mean(name={name or repr(label)})` in __init__ and call "
            f"`self.{label}_tracker.update_state({value})` here; Keras 3 lists it in layer.metrics and reports "
            "it in fit() logs",
            Severity.WARNING,
        )


def _calls_super_init(stmt: cst.CSTNode) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    return any(isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and _is_super_init(small.value)
               for small in stmt.body)



def _defines(cls: cst.ClassDef, method: str) -> bool:
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
    return any(isinstance(s, cst.FunctionDef) and s.name.value == method for s in body)


def _dynamic_instances(ctx) -> Set[str]:
    """Names assigned an instance of a class of the file that passes dynamic=True."""
    tree = _scan.file_ast(ctx)
    if tree is None:
        return set()
    classes = set()
    for node in _scan.nodes(ctx, ast.ClassDef):
        for inner in ast_walk(node):
            if isinstance(inner, ast.keyword) and inner.arg == "dynamic" and \
                    isinstance(inner.value, ast.Constant) and inner.value.value is True:
                classes.add(node.name)
    names: Set[str] = set()
    for node in _scan.nodes(ctx, ast.Assign):
        if isinstance(node.value, ast.Call) and \
                isinstance(node.value.func, ast.Name) and node.value.func.id in classes:
            for target in node.targets:
                names.add(ast.unparse(target))
    return names

