"""KM140 jit_compile: models whose call uses ops XLA cannot compile get jit_compile=False.

Keras 3 compiles train/predict steps with XLA on GPU by default (jit_compile="auto");
Keras 2 never did, so `jit_compile=False` restores Keras 2 behaviour exactly.

Whole-file facts come from an ast pre-pass: which classes/functions use XLA-unsafe ops
(transitively, through helpers, sub-layers and Lambda layers), and which names hold
models built from them ("tainted" through assignments, per function scope).
"""

from __future__ import annotations

import ast
from typing import Dict, FrozenSet, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, ast_walk
from keras_migrate.rules import _scan
from keras_migrate.rules._util import keyword_arg, with_keyword
from keras_migrate.rules._facts import per_file
from keras_migrate.spec._guide_part1 import XLA_UNSUPPORTED
from keras_migrate.spec._tf_ops import DATA_DEPENDENT_SIZES, SIZED_BY_ARGUMENT

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
        # Defs sizing an op's output from tensor values (data_sized) are unsafe too.
        self.data_sized: Set[str] = set()
        sized_calls = _data_sized_calls(def_nodes, names)
        for stack, node in def_nodes:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                kinds[node.name] = isinstance(node, ast.ClassDef)
            elif isinstance(node, (ast.Attribute, ast.Name)) and stack:
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    continue
                if _unsafe_name(names.qualified(node)):
                    bad.update(stack)
            elif isinstance(node, ast.Call):
                if stack and id(node) in sized_calls:
                    bad.update(stack)
                    self.data_sized.update(stack)
                if isinstance(node.func, ast.Name):
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
        self.instance_class: Dict[Tuple[_scan.Scope, str], str] = {}
        # Classes defining both Keras 2 steps (the runtime builds such a model eagerly, by
        # its own test step, where Keras 3 would trace it).
        self.own_steps: Set[str] = {
            cls.name for cls in tree.body if isinstance(cls, ast.ClassDef) and {"train_step", "test_step"} <= {
                f.name for f in cls.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}}
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
                                self.instance_class[(scope, name)] = node.value.func.id
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

    def runs_only_eagerly(self) -> bool:
        """Every model built from the unsafe classes that the file trains or runs is an
        instance of a model class with its own train_step and test_step, compiled here
        (so given jit_compile=False), and there is at least one: JAX never traces it."""
        run = [key for key in self.tainted if key in self.used or key in self.compiled]
        return bool(run) and all(key in self.compiled and self.instance_class.get(key) in self.own_steps
                                 for key in run)


def _data_sized_calls(def_nodes, names: _scan.AstNames) -> Set[int]:
    """ids of the TF op calls whose output is sized by an argument computed from tensor
    values, directly or through a name the function assigns (`count = tf.reduce_max(ids)
    + 1; tf.math.unsorted_segment_sum(x, ids, count)`)."""
    found: Set[int] = set()
    if not any(isinstance(node, ast.Call) and (names.qualified(node.func) or "") in SIZED_BY_ARGUMENT
               for _stack, node in def_nodes):
        return found  # (most files: no such op at all)
    for _stack, function in def_nodes:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        nodes = ast_walk(function)
        assigned: Dict[str, list] = {}
        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        for node in nodes:
            if isinstance(node, ast.Call) and id(node) not in found and _data_sized(node, names, assigned):
                found.add(id(node))
    return found


def _data_sized(call: ast.Call, names: _scan.AstNames, assigned: Dict[str, list]) -> bool:
    """A TF op whose output is sized by an argument computed from tensor values."""
    sized = SIZED_BY_ARGUMENT.get(names.qualified(call.func) or "")
    if sized is None:
        return False
    position, param = sized
    value = call.args[position] if len(call.args) > position else _scan.call_keywords(call).get(param)
    return value is not None and _from_tensor_values(value, assigned, set())


def _from_tensor_values(value: ast.AST, assigned: Dict[str, list], seen: Set[str]) -> bool:
    for sub in ast_walk(value):
        if isinstance(sub, ast.Call) and _last_name(sub.func) in DATA_DEPENDENT_SIZES:
            return True
        if isinstance(sub, ast.Name) and sub.id in assigned and sub.id not in seen:
            seen.add(sub.id)
            if any(_from_tensor_values(v, assigned, seen) for v in assigned[sub.id]):
                return True
    return False


def _last_name(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


@per_file
def jit_analysis(ctx) -> Optional[_Analysis]:
    """The file's XLA analysis (None without an ast)."""
    tree = _scan.file_ast(ctx)
    if tree is None:
        return None
    return _Analysis(tree, _scan.names(ctx), _scan.scoped_nodes(ctx), _scan.def_nodes(ctx))


@per_file
def eager_sized_classes(ctx) -> FrozenSet[str]:
    """Classes whose ops may size outputs from tensor values once rewritten to keras.ops:
    JAX must never trace them (jit, or the symbolic call that infers a layer's output).
    So every model the file runs with them has Keras 2 steps of its own (keras.io's GAT;
    the runtime builds it by running its test step, not by a symbolic call) and gets
    jit_compile=False (JAX then runs its steps on concrete arrays), and the file builds no
    functional model."""
    analysis = jit_analysis(ctx)
    if analysis is None or not analysis.data_sized or not analysis.runs_only_eagerly():
        return frozenset()
    from keras_migrate.rules.tf_ops_on_keras_tensors import keras_tensors

    tensors = keras_tensors(ctx)
    if tensors is None or tensors.any:
        return frozenset()
    return frozenset(analysis.data_sized & analysis.unsafe_classes)


class JitCompile(Rule):
    id = "KM140"
    name = "jit_compile"
    description = "Disable XLA (jit_compile=False) for models whose call uses ops XLA cannot compile (tf.strings, tf.py_function, ...)."
    TRIGGERS = ("strings", "py_func", "numpy_function", ".print", "ragged", "Ragged", "lookup", ".io.", "as_string",
                "segment_", "repeat",
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
        # An output sized from tensor values (keras.io's GAT: segments counted by the
        # largest id), in a model with Keras 2 steps of its own: rewritten to keras.ops,
        # and the model gets jit_compile=False (JAX runs its steps on concrete arrays;
        # the runtime builds it by its test step, where Keras 3 would trace it).
        Example(
            before="""
            import tensorflow as tf
            import keras

            class SegmentMean(keras.layers.Layer):
                def call(self, inputs):
                    values, ids = inputs
                    count = tf.reduce_max(ids) + 1
                    sums = tf.math.unsorted_segment_sum(values, ids, num_segments=count)
                    return tf.gather(sums / tf.cast(tf.math.bincount(ids), sums.dtype)[:, None], ids)

            class Net(keras.Model):
                def __init__(self, ids):
                    super().__init__()
                    self.ids = ids
                    self.pool = SegmentMean()

                def call(self, inputs):
                    return self.pool([inputs, self.ids])

                def train_step(self, data):
                    x, y = data
                    with tf.GradientTape() as tape:
                        loss = self.compiled_loss(y, self(x))
                    grads = tape.gradient(loss, self.trainable_weights)
                    self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
                    return {"loss": loss}

                def test_step(self, data):
                    x, y = data
                    return {"loss": self.compiled_loss(y, self(x))}

            model = Net(tf.constant([0, 0, 1]))
            model.compile(optimizer="sgd", loss="mse")
            """,
            after="""
            import keras
            from keras_migrate_runtime import value_and_grad
            from keras_migrate_runtime import BackendAgnosticSteps
            from keras_migrate_runtime import keras2_compiled_loss
            from keras_migrate_runtime import Keras2Training

            class SegmentMean(keras.layers.Layer):
                def call(self, inputs):
                    values, ids = inputs
                    count = keras.ops.max(ids) + 1
                    sums = keras.ops.segment_sum(values, ids, num_segments=count)
                    return keras.ops.take(sums / keras.ops.cast(keras.ops.bincount(ids), sums.dtype)[:, None], ids, axis=0)

            class Net(Keras2Training, BackendAgnosticSteps, keras.Model):
                def __init__(self, ids):
                    super().__init__()
                    self.ids = ids
                    self.pool = SegmentMean()

                def call(self, inputs, training=None):
                    return self.pool([inputs, self.ids])

                def train_step(self, data):
                    x, y = data
                    def forward():
                        loss = keras2_compiled_loss(self, y, self(x))
                        return loss
                    loss, grads = value_and_grad(forward, lambda: self.trainable_weights)
                    self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
                    return {"loss": loss}

                def test_step(self, data):
                    x, y = data
                    return {"loss": keras2_compiled_loss(self, y, self(x))}

            model = Net(keras.ops.convert_to_tensor([0, 0, 1]))
            model.compile(optimizer="sgd", loss="mse", jit_compile=False)
            """,
            diagnostics=("KM140",),
            full=True,
        ),
        # Trained by Keras 3's own fit steps, the model would be traced to infer its
        # output (and on JAX, jitted): kept on TensorFlow, without XLA.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class SegmentSum(keras.layers.Layer):
                def call(self, inputs):
                    values, ids = inputs
                    return tf.math.unsorted_segment_sum(values, ids, num_segments=tf.reduce_max(ids) + 1)

            class Net(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.pool = SegmentSum()

                def call(self, inputs):
                    return self.pool(inputs)

            model = Net()
            model.compile(optimizer="sgd", loss="mse")
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import Keras2Training

            class SegmentSum(keras.layers.Layer):
                def call(self, inputs):
                    values, ids = inputs
                    return tf.math.unsorted_segment_sum(values, ids, num_segments=keras.ops.max(ids) + 1)

            class Net(Keras2Training, keras.Model):
                def __init__(self):
                    super().__init__()
                    self.pool = SegmentSum()

                def call(self, inputs, training=None):
                    return self.pool(inputs)

            model = Net()
            model.compile(optimizer="sgd", loss="mse", jit_compile=False)
            """,
            diagnostics=("KM200", "KM200"),
            full=True,
            tensorflow_only=True,
        ),
        # The same layer in a functional model: JAX infers a layer's output by tracing
        # its call, which a data-sized op refuses; kept on TensorFlow (without XLA).
        Example(
            before="""
            import tensorflow as tf
            import keras

            class SegmentSum(keras.layers.Layer):
                def call(self, inputs):
                    values, ids = inputs
                    return tf.math.unsorted_segment_sum(values, ids, num_segments=tf.reduce_max(ids) + 1)

            values = keras.Input((4,))
            ids = keras.Input((), dtype="int32")
            model = keras.Model([values, ids], SegmentSum()([values, ids]))
            model.compile(optimizer="sgd", loss="mse")
            """,
            after="""
            import tensorflow as tf
            import keras

            class SegmentSum(keras.layers.Layer):
                def call(self, inputs):
                    values, ids = inputs
                    return tf.math.unsorted_segment_sum(values, ids, num_segments=keras.ops.max(ids) + 1)

            values = keras.Input((4,))
            ids = keras.Input((), dtype="int32")
            model = keras.Model([values, ids], SegmentSum()([values, ids]))
            model.compile(optimizer="sgd", loss="mse", jit_compile=False)
            """,
            diagnostics=("KM200", "KM200"),
            full=True,
            tensorflow_only=True,
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
        analysis = jit_analysis(ctx)
        self._analysis: Optional[_Analysis] = analysis if analysis is not None and (
            analysis.bad or analysis.tainted) else None

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
        if self.ctx.mode == "agnostic" and eager_sized_classes(self.ctx):
            sized = ", ".join(sorted(eager_sized_classes(self.ctx)))
            self.report(original, f"jit_compile=False: {sized} size an op's output from tensor values "
                        "(num_segments=tf.reduce_max(ids) + 1, repeats=tf.math.bincount(ids)), which neither XLA "
                        "nor JAX's jit compiles: on JAX the steps run without jit", severity=Severity.INFO)
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
