"""KM140 jit_compile: models whose call uses ops XLA cannot compile get jit_compile=False.

Keras 3 compiles train/predict steps with XLA on GPU by default (jit_compile="auto");
Keras 2 never did, so `jit_compile=False` restores Keras 2 behaviour exactly.

Whole-file facts come from an ast pre-pass: which classes/functions use XLA-unsafe ops
(transitively, through helpers, sub-layers and Lambda layers), and which names hold
models built from them ("tainted" through assignments, per function scope).
"""

from __future__ import annotations

import ast
from typing import Dict, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._util import keyword_arg, with_keyword
from keras_migrate.spec._guide_part1 import XLA_UNSUPPORTED

__all__ = ["JitCompile"]

_USES = ("fit", "predict", "evaluate", "train_on_batch", "predict_on_batch", "test_on_batch")


def _unsafe_name(qualified: Optional[str]) -> bool:
    if qualified is None:
        return False
    for prefix in XLA_UNSUPPORTED:
        base = prefix.rstrip(".")
        if qualified == base or qualified.startswith(base + "."):
            return True
    return False


class _Analysis:
    def __init__(self, tree: ast.Module, names: _scan.AstNames, nodes, def_nodes) -> None:
        self.names = names
        self.unsafe_classes: Set[str] = set()
        self.unsafe_functions: Set[str] = set()
        # One walk: which defs mention an unsafe op, and which local names each calls.
        kinds: Dict[str, bool] = {}
        bad: Set[str] = set()
        called: Dict[str, Set[str]] = {}
        for stack, node in def_nodes:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                kinds[node.name] = isinstance(node, ast.ClassDef)
            elif isinstance(node, (ast.Attribute, ast.Name)) and stack:
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    continue
                if _unsafe_name(names.qualified(node)):
                    bad.update(stack)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                for name in stack:
                    called.setdefault(name, set()).add(node.func.id)
        # Propagate through calls of local classes/functions (helpers, sub-layers).
        changed = True
        while changed:
            changed = False
            for name, callees in called.items():
                if name not in bad and callees & bad:
                    bad.add(name)
                    changed = True
        bad &= set(kinds)
        for name in bad:
            (self.unsafe_classes if kinds[name] else self.unsafe_functions).add(name)
        self.bad = bad
        # (scope, name) -> tainted; plus uses for names never compiled.
        self.tainted: Set[Tuple[_scan.Scope, str]] = set()
        self.compiled: Set[Tuple[_scan.Scope, str]] = set()
        self.used: Set[Tuple[_scan.Scope, str]] = set()
        self.direct_instances: Set[Tuple[_scan.Scope, str]] = set()
        for scope, node in nodes:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                hit = self._expr_tainted(node.value, scope)
                for target in targets:
                    if (isinstance(target, ast.Attribute) and target.attr == "jit_compile"
                            and isinstance(target.value, ast.Name)):
                        self.compiled.add((scope, target.value.id))  # already decided by hand
                    for name in _scan.assigned_names(target):
                        if hit:
                            self.tainted.add((scope, name))
                            if (isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                                    and node.value.func.id in self.unsafe_classes):
                                self.direct_instances.add((scope, name))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name):
                key = (scope, node.func.value.id)
                if node.func.attr == "compile":
                    self.compiled.add(key)
                elif node.func.attr in _USES:
                    self.used.add(key)

    def _expr_tainted(self, expr: ast.AST, scope: _scan.Scope) -> bool:
        for sub in ast_walk(expr):
            if isinstance(sub, ast.Name):
                if sub.id in self.bad or (scope, sub.id) in self.tainted or ((), sub.id) in self.tainted:
                    return True
                if _unsafe_name(self.names.qualified(sub)):
                    return True
            elif isinstance(sub, ast.Attribute) and _unsafe_name(self.names.qualified(sub)):
                return True
        return False

    def is_tainted(self, scope: _scan.Scope, name: str) -> bool:
        return (scope, name) in self.tainted or (not scope and ((), name) in self.tainted)

    def needs_attribute(self, scope: _scan.Scope, name: str) -> bool:
        """An instance of an XLA-unsafe model that is used but never compiled here."""
        key = (scope, name)
        return key in self.direct_instances and key not in self.compiled and key in self.used


class JitCompile(Rule):
    id = "KM140"
    name = "jit_compile"
    description = "Disable XLA (jit_compile=False) for models whose call uses ops XLA cannot compile (tf.strings, tf.py_function, ...)."
    TRIGGERS = ("strings", "py_func", "numpy_function", ".print", "ragged", "Ragged", "lookup", ".io.", "as_string",
                "histogram_fixed_width")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            class MyModel(keras.Model):
                def call(self, inputs):
                    string_input = tf.strings.as_string(inputs)
                    return tf.strings.to_number(string_input)

            model = MyModel()
            model.compile(optimizer="sgd", loss="mse")
            """,
            after="""
            import tensorflow as tf
            import keras

            class MyModel(keras.Model):
                def call(self, inputs):
                    string_input = tf.strings.as_string(inputs)
                    return tf.strings.to_number(string_input)

            model = MyModel()
            model.compile(optimizer="sgd", loss="mse", jit_compile=False)
            """,
        ),
        # A functional model containing a layer that calls tf.py_function.
        Example(
            before="""
            import tensorflow as tf
            from keras import layers, Model, Input

            class Hash(layers.Layer):
                def call(self, x):
                    return tf.py_function(lambda t: t * 2, [x], tf.float32)

            inputs = Input((3,))
            outputs = layers.Dense(1)(Hash()(inputs))
            model = Model(inputs, outputs)
            model.compile("adam", "mse")
            other = Model(inputs, layers.Dense(1)(inputs))
            other.compile("adam", "mse")
            """,
            after="""
            import tensorflow as tf
            from keras import layers, Model, Input

            class Hash(layers.Layer):
                def call(self, x):
                    return tf.py_function(lambda t: t * 2, [x], tf.float32)

            inputs = Input((3,))
            outputs = layers.Dense(1)(Hash()(inputs))
            model = Model(inputs, outputs)
            model.compile("adam", "mse", jit_compile=False)
            other = Model(inputs, layers.Dense(1)(inputs))
            other.compile("adam", "mse")
            """,
        ),
        # Never compiled: the guide's other fix, the jit_compile attribute.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class MyModel(keras.Model):
                def call(self, inputs):
                    return tf.strings.to_number(tf.strings.as_string(inputs))

            model = MyModel()
            model.predict([[1.0, 2.0]])
            """,
            after="""
            import tensorflow as tf
            import keras

            class MyModel(keras.Model):
                def call(self, inputs):
                    return tf.strings.to_number(tf.strings.as_string(inputs))

            model = MyModel()
            model.jit_compile = False
            model.predict([[1.0, 2.0]])
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._analysis: Optional[_Analysis] = None
        tree = _scan.file_ast(ctx)
        if tree is not None:
            analysis = _Analysis(tree, _scan.names(ctx), _scan.scoped_nodes(ctx), _scan.def_nodes(ctx))
            if analysis.bad or analysis.tainted:
                self._analysis = analysis

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        analysis = self._analysis
        if analysis is None or not isinstance(original.func, cst.Attribute) or original.func.attr.value != "compile":
            return updated
        receiver = original.func.value
        if not isinstance(receiver, cst.Name):
            return updated
        scope = _scan.cst_scope(self.ctx)
        hit = analysis.is_tainted(scope, receiver.value)
        if not hit and receiver.value == "self" and self.ctx.class_stack:
            hit = self.ctx.class_stack[-1].name.value in analysis.unsafe_classes
        if not hit:
            return updated
        existing = keyword_arg(original, "jit_compile")
        if existing is not None:
            value = existing.value
            if not (isinstance(value, cst.Name) and value.value == "False"):
                self.report(original, "this model runs ops XLA cannot compile (tf.strings, tf.py_function, ...) "
                            "but compile() asks for jit_compile",
                            fix="pass jit_compile=False to compile()", severity=Severity.WARNING)
            return updated
        self.fired()
        return with_keyword(updated, "jit_compile", cst.Name("False"))

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        analysis = self._analysis
        if analysis is None or len(original.body) != 1 or not isinstance(original.body[0], cst.Assign):
            return updated
        assign = original.body[0]
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            return updated
        name = assign.targets[0].target.value
        if not analysis.needs_attribute(_scan.cst_scope(self.ctx), name):
            return updated
        self.fired()
        extra = cst.parse_statement(f"{name}.jit_compile = False\n")
        return cst.FlattenSentinel([updated, extra])
