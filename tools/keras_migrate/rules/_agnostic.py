"""Facts shared by the backend-agnostic (guide part 2) rules, computed once per file.

- tf.data context: functions handed to Dataset methods (`ds.map(fn)`) and what they call
  run in TF graph mode on every backend, so their tf.* code must stay TensorFlow.
  Found with one walk over the file's `ast` (shared via rules/_scan.file_ast), only
  when the file mentions a Dataset method at all.
- Keras classes: Layer/Model/Loss/Metric subclasses (by base-class name), whose
  methods receive backend tensors.
- Host data: module-level names that only ever hold NumPy / pandas / TF Datasets values
  (or tf.* results of those). When they may hold text (from pandas, TF Datasets or string
  literals), tf ops on them at module level are data preparation that keras.ops cannot
  take over (no other backend has string tensors); they run with every backend as they
  are (TensorFlow stays installed). Numeric host data is rewritten as usual.
"""

from __future__ import annotations

import ast
import re
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Region, ast_children, ast_walk
from keras_migrate.rules._facts import FileFacts, NodeFacts, per_file
from keras_migrate.rules._scan import Scope, all_nodes, call_keywords, called_name, file_ast, names as ast_names, scoped_nodes
from keras_migrate.rules._tf_op_emit import bound_names
from keras_migrate.spec import keras_path
from keras_migrate.spec._tf_ops import TF_DATA_METHODS

__all__ = [
    "DATA_CALLS",
    "FUNCTION_TAKING",
    "TPU_DETECTION",
    "TPU_RESOLVERS",
    "tpu_detection_guards",
    "rule_rewrites",
    "TAPE_BLOCKS",
    "string_layer_names",
    "string_output_layer_names",
    "dataset_element_names",
    "function_batch_names",
    "is_host_data_call",
    "DataContext",
    "data_context",
    "is_keras_class",
    "in_keras_class_method",
    "tensorflow_local",
    "drop_tensorflow_import_if_unused",
    "shape_names_used_as_tuples",
    "used_as_tf_function",
]

# Methods whose function arguments run inside a tf.data / tf graph.
# Keras base classes whose subclasses' methods receive backend tensors.
KERAS_BASES = frozenset({
    "Layer", "Model", "Sequential", "Loss", "Metric", "Mean", "Callback", "Constraint", "Regularizer",
    "Initializer", "LearningRateSchedule", "Wrapper", "RNN", "AbstractRNNCell",
})

FUNCTION_TAKING = frozenset({
    "map", "filter", "flat_map", "interleave", "reduce", "scan", "apply", "from_generator",
    "group_by_window", "py_function", "numpy_function", "ragged_batch",
})
# TextVectorization's callables run as preprocessing, never on backend tensors: `split`
# gets TensorFlow string tensors on every backend; `standardize` gets them on TensorFlow
# and NumPy string arrays elsewhere (Keras 3.15), where tf.strings ops take them eagerly.
# Either way their tf.strings code stays (tensorflow_only reports what standardize costs).
# The runtime's Keras2TextVectorization (KM211) in migrated code: a second run sees the same.
STANDARDIZE_RUNTIME = "Keras2TextVectorization"
_PREPROCESSING_CALLABLES = {"TextVectorization": ("standardize", "split"), STANDARDIZE_RUNTIME: ("standardize", "split")}
_MARKERS = tuple(f".{m}(" for m in FUNCTION_TAKING) + ("py_function", "numpy_function") + tuple(
    f"{layer}(" for layer in _PREPROCESSING_CALLABLES)



class DataContext:
    """Which code runs in a tf.data pipeline: one per file (`data_context(ctx)`).

    Inside a call to a tf.data method or tf.py_function (the DATA_CALLS region the
    traversal keeps for every rule declaring it in `regions`), in a method of a
    keras.utils.Sequence / PyDataset class, or in a function the pipeline calls."""

    def __init__(self, ctx) -> None:
        self.functions: FrozenSet[str] = frozenset(_data_functions(ctx))

    def active(self, ctx, excluding: Optional[cst.CSTNode] = None) -> bool:
        """`excluding`: the call being left, which then is not its own context (a
        tf.data call's own leave_Call may still rewrite it)."""
        if ctx.in_region(DATA_CALLS, excluding):
            return True
        if ctx.class_stack and any(_is_data_class(ctx, c) for c in ctx.class_stack):
            return True
        return bool(self.functions) and any(f.name.value in self.functions for f in ctx.function_stack)


# keras.utils.Sequence / PyDataset subclasses load data eagerly for fit(): data code. So
# do subclasses of the runtime's Keras2Sequence (what KM226 makes of a Sequence): a
# second run must read the class as the first did.
_DATA_BASES = frozenset({"utils.Sequence", "utils.PyDataset", "utils.data_utils.Sequence"})
_RUNTIME_DATA_BASES = frozenset({"Keras2Sequence"})


def _is_data_class(ctx, node: cst.ClassDef) -> bool:
    known = ctx.node_facts(NodeFacts).data_classes
    if id(node) not in known:
        known[id(node)] = any(ctx.keras_path(b.value) in _DATA_BASES or _runtime_base(ctx, b.value)
                              for b in node.bases)
    return known[id(node)]


def _runtime_base(ctx, base: cst.BaseExpression) -> bool:
    qualified = ctx.qualified_name(base) or ""
    module, _, name = qualified.rpartition(".")
    return name in _RUNTIME_DATA_BASES and module == ctx.runtime_module


def is_data_call(ctx, node: cst.Call) -> bool:
    func = node.func
    qualified = ctx.qualified_name(func)
    if qualified is not None:
        return qualified.startswith("tensorflow.data.") or qualified in (
            "tensorflow.py_function", "tensorflow.numpy_function")
    return isinstance(func, cst.Attribute) and func.attr.value in TF_DATA_METHODS


# Calls whose arguments run in a tf.data pipeline (rules asking DataContext.active
# declare `regions = (DATA_CALLS,)`).
DATA_CALLS = Region("tf.data call", cst.Call, is_data_call)

# TPU detection with a fallback (Kaggle / keras.io boilerplate):
#     try:
#         tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
#         strategy = tf.distribute.TPUStrategy(tpu)
#     except ValueError:  (or a bare except, Exception)
#         strategy = tf.distribute.get_strategy()
# The tpu_detection rule (KM210) makes the resolver raise off TensorFlow, so the rest of
# the try body never runs there: its TPU / tf.distribute calls are not JAX/PyTorch code.
TPU_RESOLVERS = {
    "tensorflow.distribute.cluster_resolver.TPUClusterResolver.connect": "connect_tpu_cluster",
    "tensorflow.distribute.cluster_resolver.TPUClusterResolver": "tpu_cluster_resolver",
}
# A migrated file calls the runtime helpers there: a second run must see the same guard.
_RESOLVER_CALLS = frozenset(TPU_RESOLVERS) | {f"keras_migrate_runtime.{h}" for h in TPU_RESOLVERS.values()}
_FALLBACK_ERRORS = frozenset({"ValueError", "Exception", "BaseException"})


def _catches_value_error(handler: cst.ExceptHandler) -> bool:
    kind = handler.type
    if kind is None:
        return True
    kinds = [e.value for e in kind.elements] if isinstance(kind, cst.Tuple) else [kind]
    return any(isinstance(k, cst.Name) and k.value in _FALLBACK_ERRORS for k in kinds)


def _detects_tpu(ctx, node: cst.Try) -> bool:
    if not node.body.body or node.orelse is not None or node.finalbody is not None:
        return False
    if not any(_catches_value_error(h) for h in node.handlers):
        return False
    first = node.body.body[0]
    if not isinstance(first, cst.SimpleStatementLine) or len(first.body) != 1:
        return False
    statement = first.body[0]
    value = statement.value if isinstance(statement, (cst.Assign, cst.Expr)) else None
    return isinstance(value, cst.Call) and ctx.qualified_name(value.func) in _RESOLVER_CALLS


TPU_DETECTION = Region("TPU detection", cst.Try, _detects_tpu)


def _opens_tape(ctx, node: cst.With) -> bool:
    return any(isinstance(item.item, cst.Call) and ctx.qualified_name(item.item.func) == "tensorflow.GradientTape"
               for item in node.items)


# `with tf.GradientTape() as tape:` blocks: they become a function value_and_grad runs
# (traced by JAX, autograd-recorded by PyTorch), whatever module-level code holds.
TAPE_BLOCKS = Region("tf.GradientTape block", cst.With, _opens_tape)


def rule_rewrites(ctx, rule_id: str, name: str, *runtime_names: str) -> bool:
    """Whether a rule's rewrite happens in this run (KM207 counts on some): the rule is not
    disabled, and the file binds none of the runtime names it would import."""
    disabled = getattr(ctx.options, "disable", ())
    return rule_id not in disabled and name not in disabled and not (set(runtime_names) & bound_names(ctx))


def tpu_detection_guards(ctx) -> bool:
    """Inside a TPU-detection try body whose resolver KM210 rewrites (its helper name is
    free in the file and the rule is enabled)."""
    return ctx.in_region(TPU_DETECTION) and rule_rewrites(ctx, "KM210", "tpu_detection", *TPU_RESOLVERS.values())


def data_context(ctx) -> DataContext:
    """The file's DataContext (the set of pipeline functions is computed once)."""
    return ctx.facts(DataContext)


def _data_functions(ctx) -> Set[str]:
    if not any(m in ctx.source for m in _MARKERS):
        return set()
    tree = file_ast(ctx)
    if tree is None:
        return set()
    calls: Dict[str, Set[str]] = {}
    roots: Set[str] = set()
    # One recursive pass: each call is charged to its innermost enclosing function.
    stack = [(tree, None, False)]
    while stack:
        node, function, in_lambda_root = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
            calls.setdefault(function, set())
        elif isinstance(node, ast.Call):
            func = node.func
            called = None
            if isinstance(func, ast.Name):
                called = func.id
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
                called = func.attr
            if called is not None:
                if function is not None:
                    calls[function].add(called)
                if in_lambda_root:
                    roots.add(called)
            name = called_name(node)
            for kw in node.keywords:
                if kw.arg in _PREPROCESSING_CALLABLES.get(name, ()) and isinstance(kw.value, ast.Name):
                    roots.add(kw.value.id)
            if name in FUNCTION_TAKING:
                for arg in list(node.args) + [kw.value for kw in node.keywords]:
                    if isinstance(arg, ast.Name):
                        roots.add(arg.id)
                    elif isinstance(arg, ast.Attribute):
                        roots.add(arg.attr)
                    elif isinstance(arg, ast.Lambda):
                        stack.append((arg, function, True))
                    elif isinstance(arg, ast.Call):
                        inner = arg.func
                        inner_name = inner.attr if isinstance(inner, ast.Attribute) else getattr(inner, "id", "")
                        if inner_name == "partial" and arg.args and isinstance(arg.args[0], (ast.Name, ast.Attribute)):
                            # ds.map(partial(parse, labeled=True)): the function is the first argument
                            first = arg.args[0]
                            roots.add(first.attr if isinstance(first, ast.Attribute) else first.id)
                        else:  # ds.map(make_fn(True)): a function factory
                            roots.add(inner_name)
                for child in ast_children(node):
                    if not isinstance(child, ast.Lambda):
                        stack.append((child, function, in_lambda_root))
                continue
        for child in ast_children(node):
            stack.append((child, function, in_lambda_root))
    # Everything a pipeline function calls runs in the pipeline too.
    seen: Set[str] = set()
    todo = [r for r in roots if r in calls]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(c for c in calls.get(name, ()) if c in calls and c not in seen)
    return seen


def is_keras_class(ctx, node: cst.ClassDef, *, layer: bool = False) -> bool:
    """The one test of "is this class a Keras class", for every rule.

    layer=True: a Keras Layer or Model (its methods have add_weight, build, ...), with
    bases resolved through the file's imports and, transitively, its own classes.
    Otherwise any Keras class (Layer, Model, Loss, Metric, Callback, ...) whose methods
    receive backend tensors: a direct base resolved to one of KERAS_BASES, or named like
    one (a base class from another module of the project: `ResidualBlock`).
    (Not yet transitive through the file's own classes, unlike layer=True: that would
    change what tf_random & co. rewrite, e.g. keras-io barlow_twins' Augmentation
    subclasses; to be done with parity runs.)"""
    if layer:
        return node.name.value in ctx.facts(FileFacts).keras_layer_classes
    values = []
    for base in node.bases:
        value = base.value
        while isinstance(value, cst.IfExp):  # `object if debug else Layer`: both branches
            values.append(value.body)
            value = value.orelse
        values.append(value)
    for value in values:
        path = ctx.keras_path(value)
        if path is not None and path.rsplit(".", 1)[-1] in KERAS_BASES:
            return True
        name = value.attr.value if isinstance(value, cst.Attribute) else getattr(value, "value", None)
        if isinstance(name, str) and (name in KERAS_BASES or name.endswith(("Layer", "Model", "Block"))):
            return True
    return False


def in_keras_class_method(ctx) -> Optional[cst.ClassDef]:
    """The enclosing Keras class when the traversal is inside one of its methods."""
    if not ctx.class_stack or not ctx.function_stack:
        return None
    cls = ctx.class_stack[-1]
    known = ctx.node_facts(NodeFacts).keras_classes
    if id(cls) not in known:
        known[id(cls)] = is_keras_class(ctx, cls)
    return cls if known[id(cls)] else None


def tensorflow_local(ctx) -> Optional[str]:
    """Local name bound to the tensorflow module (`tf`), if any."""
    return ctx.names.local_name_for("tensorflow")


def is_keras_name(qualified: Optional[str]) -> bool:
    return qualified is not None and keras_path(qualified) is not None


def drop_tensorflow_import_if_unused(ctx) -> None:
    """Once per file: `import tensorflow as tf` goes when nothing uses it any more."""
    facts = ctx.facts(FileFacts)
    if facts.tf_import_removal_requested:
        return
    facts.tf_import_removal_requested = True
    local = tensorflow_local(ctx)
    if local is not None:
        ctx.remove_import_if_unused("tensorflow", asname=None if local == "tensorflow" else local)


def runtime_class_for(ctx, original: cst.BaseExpression, symbol: str, local: str) -> cst.Name:
    """The name under which migrated code reaches runtime class `symbol` (imported `as
    local`) in place of the Keras class `original` named; the old import goes once unused."""
    ctx.runtime_imports.add(symbol)
    ctx.add_import(ctx.runtime_module, symbol, None if local == symbol else local)
    drop_replaced_keras_import(ctx, original)
    return cst.Name(local)


def drop_replaced_keras_import(ctx, original: cst.BaseExpression) -> None:
    """A Keras name a rule replaced by another (a runtime class, ...): the import that bound
    it goes once nothing else uses it. `Sequence` -> its from-import, under the module it
    was imported from or the one the tf.keras rewrite gives it; `tf.keras.utils.Sequence`
    -> the tensorflow import, and the keras import the tf.keras rewrite asked for (a
    `keras.` spelling keeps the user's own `import keras`)."""
    if isinstance(original, cst.Name):
        from keras_migrate.rules._args import keras3_path

        binding = ctx.names.bindings.get(original.value, "")
        # the module the tf.keras rewrite imports it from (`optimizers.legacy` -> `optimizers`)
        targets = {f"keras.{ctx.keras_path(original)}", f"keras.{keras3_path(ctx, original)}"}
        for module in {binding.rsplit(".", 1)[0], *(t.rsplit(".", 1)[0] for t in targets)} - {""}:
            ctx.remove_import_if_unused(module, original.value)
    else:
        base = original.value if isinstance(original, cst.Attribute) else None
        binding = ctx.names.bindings.get(base.value, "") if isinstance(base, cst.Name) else ""
        if "." in binding and binding.rsplit(".", 1)[1] == base.value:
            # `mixed_precision.f` with `from tensorflow.keras import mixed_precision` (as
            # the tf.keras rewrite may have left it: `from keras import ...`)
            module = binding.rsplit(".", 1)[0]
            for name in {module, "keras" if module == "tensorflow.keras" else module}:
                ctx.remove_import_if_unused(name, base.value)
        if (ctx.names.qualified_name(original) or "").startswith("tensorflow."):
            ctx.remove_import_if_unused("keras")
            drop_tensorflow_import_if_unused(ctx)


@per_file
def shape_names_used_as_tuples(ctx) -> FrozenSet[tuple]:
    """(function scope, name) of `name = <...>.shape(...)` assignments whose every later
    use indexes the name, unpacks it or passes it to a call (a tuple works there just
    like TF's shape tensor). Computed once per file from the shared ast."""
    from keras_migrate.rules._scan import iter_scoped

    tree = file_ast(ctx)
    assigned, bad = set(), set()
    if tree is not None:
        loads = []
        for scope, node in iter_scoped(tree):
            if isinstance(node, ast.Assign):
                if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                        and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute)
                        and node.value.func.attr == "shape"):
                    assigned.add((scope, node.targets[0].id))
                continue
            # Uses that are fine with a tuple: s[i], f(s), f(k=s); anything else is not.
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                loads.append((scope, node.value.id, True, id(node.value)))
            elif isinstance(node, ast.Call):
                for arg in list(node.args) + [k.value for k in node.keywords]:
                    if isinstance(arg, ast.Name):
                        loads.append((scope, arg.id, True, id(arg)))
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                loads.append((scope, node.id, False, id(node)))
        fine = {key for scope, name, ok, key in loads if ok}
        for scope, name, ok, key in loads:
            if not ok and key not in fine and (scope, name) in assigned:
                bad.add((scope, name))
    return frozenset(assigned - bad)


# Module roots whose calls return host data (arrays, frames, TF eager tensors of them).
_HOST_MODULES = ("numpy", "pandas", "tensorflow_datasets", "tensorflow")
_HOST_BUILTINS = frozenset({"range", "len", "list", "tuple", "sorted", "zip", "int", "float", "str", "dict", "set"})


def _host_call_name(qualified: Optional[str], plain: Optional[str]) -> bool:
    if qualified is not None:
        return qualified.split(".", 1)[0] in _HOST_MODULES and keras_path(qualified) is None
    return plain in _HOST_BUILTINS


def _host_ast(node: ast.AST, host: Set[str], names) -> bool:
    """Whether a module-level expression can only be host data, given the host names."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in host
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_host_ast(e, host, names) for e in node.elts)
    if isinstance(node, ast.Subscript):
        return _host_ast(node.value, host, names) and all(
            _host_ast(n, host, names) for n in ast_walk(node.slice) if isinstance(n, ast.Name))
    if isinstance(node, ast.Attribute):  # df.values, x.T, arr.shape
        return _host_ast(node.value, host, names)
    if isinstance(node, (ast.BinOp, ast.Compare, ast.BoolOp, ast.UnaryOp)):
        return all(_host_ast(n, host, names) for n in ast_children(node) if isinstance(n, ast.expr))
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and _host_ast(func.value, host, names):
            pass  # a method of host data (df.to_numpy(), arr.reshape(...))
        elif not _host_call_name(names.qualified(func), func.id if isinstance(func, ast.Name) else None):
            return False
        return all(_host_ast(a.value if isinstance(a, ast.Starred) else a, host, names) for a in node.args) and all(
            _host_ast(k.value, host, names) for k in node.keywords)
    return False


# Sources whose values are often text: a tf op over them may be a string op.
_TEXT_MODULES = ("pandas", "tensorflow_datasets")


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def _may_hold_text(node: ast.AST, text: Set[str], names) -> bool:
    """Text data: a string value or a container of strings (not a "float32" argument),
    a text name, or a pandas / TF Datasets call."""
    if _is_text(node):
        return True
    for child in ast_walk(node):
        if isinstance(child, (ast.List, ast.Tuple, ast.Set)) and any(_is_text(e) for e in child.elts):
            return True
        if isinstance(child, ast.Name) and child.id in text:
            return True
        if isinstance(child, ast.Call):
            qualified = names.qualified(child.func) or ""
            if qualified.split(".", 1)[0] in _TEXT_MODULES:
                return True
    return False


@per_file
def _host_text_names(ctx) -> FrozenSet[str]:
    """The host names that may hold text (see the module docstring)."""
    host, values = _host_names(ctx)
    names = ast_names(ctx)
    text: Set[str] = set()
    changed = True
    while changed:
        changed = False
        for name in sorted(host - text):
            if any(_may_hold_text(v, text, names) for v in values[name]):
                text.add(name)
                changed = True
    return frozenset(text)


@per_file
def _host_names(ctx):
    """Module-level names every module-level binding of which is host data (fixed point:
    a name bound once to something else, anywhere, is not)."""
    tree, names = file_ast(ctx), ast_names(ctx)
    if tree is None or names is None:
        return frozenset(), {}
    assigned: Dict[str, list] = {}
    others: Set[str] = set()
    for stmt in tree.body:
        for node in ast_walk(stmt):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is stmt:
                    others.add(node.name)
                continue
            if isinstance(node, ast.Assign) and node.value is not None:
                for target in node.targets:
                    targets = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                    for t in targets:
                        if isinstance(t, ast.Name):
                            assigned.setdefault(t.id, []).append(node.value)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name):
                assigned.setdefault(node.target.id, []).append(node.value if node.value is not None else node)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension, ast.NamedExpr)):
                others.update(n.id for n in ast_walk(node.target) if isinstance(n, ast.Name))
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                others.update(n.id for n in ast_walk(node.optional_vars) if isinstance(n, ast.Name))
    host = {name for name in assigned if name not in others and name not in names.bindings}
    changed = True
    while changed:
        changed = False
        for name in sorted(host):
            if not all(_host_ast(value, host, names) for value in assigned[name]):
                host.discard(name)
                changed = True
    return frozenset(host), {name: assigned[name] for name in host}


def is_host_data_call(ctx, call: cst.Call) -> bool:
    """A module-level call all of whose arguments are host data (literals, names that only
    hold NumPy / pandas / TF Datasets values, expressions of those), some of which may be
    text."""
    if ctx.function_stack or ctx.class_stack:
        return False
    host, _ = _host_names(ctx)
    if not host or not _host_text_names(ctx):
        return False
    try:
        expr = ast.parse(cst.Module([]).code_for_node(call).strip(), mode="eval").body
    except SyntaxError:
        return False
    names = ast_names(ctx)
    return isinstance(expr, ast.Call) and _may_hold_text(expr, _host_text_names(ctx), names) and all(
        _host_ast(a.value if isinstance(a, ast.Starred) else a, host, names) for a in expr.args) and all(
        _host_ast(k.value, host, names) for k in expr.keywords)


# Keras layers taking strings (TextVectorization's input, StringLookup's unless inverted).
STRING_LAYERS = frozenset({"TextVectorization", "StringLookup", STANDARDIZE_RUNTIME})


@per_file
def _string_layers(ctx) -> Dict[bool, FrozenSet[str]]:
    """{inverted: names the file assigns such a string layer} (one pass for both)."""
    found: Dict[bool, Set[str]] = {False: set(), True: set()}
    tree = file_ast(ctx) if any(layer in ctx.source for layer in STRING_LAYERS) else None
    for node in all_nodes(ctx) if tree is not None else ():
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        if called_name(node.value) in STRING_LAYERS:
            invert = call_keywords(node.value).get("invert")
            inverted = isinstance(invert, ast.Constant) and invert.value is True
            found[inverted].update(t.id for t in node.targets if isinstance(t, ast.Name))
    return {k: frozenset(v) for k, v in found.items()}


def string_layer_names(ctx) -> FrozenSet[str]:
    """Names the file assigns a string-taking layer: what they are called with are strings
    (TensorFlow tensors, as keras.ops has no strings off TensorFlow)."""
    return _string_layers(ctx)[False]


def string_output_layer_names(ctx) -> FrozenSet[str]:
    """Names the file assigns an inverted StringLookup (ids in, strings out)."""
    return _string_layers(ctx)[True]


_DATASET_MODULES = ("tensorflow.data.", "tensorflow_datasets.load")


def _is_dataset_expr(node: ast.AST, datasets: Set[str], names) -> bool:
    """A tf.data pipeline expression: a Dataset method chain, a tf.data / *_dataset_from_directory
    / tfds.load call, or a name the module assigns only such values."""
    if isinstance(node, ast.Name):
        return node.id in datasets
    if not isinstance(node, ast.Call):
        return False
    qualified = (names.qualified(node.func) if names is not None else None) or ""
    if qualified.startswith(_DATASET_MODULES) or qualified.endswith("_dataset_from_directory"):
        return True
    func = node.func
    return isinstance(func, ast.Attribute) and func.attr in TF_DATA_METHODS and _is_dataset_expr(func.value, datasets, names)


def _module_level(tree: ast.Module) -> List[ast.AST]:
    """Module-level statements, inside loops / ifs / withs / trys too."""
    module_level: List[ast.AST] = []
    stack = list(tree.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        module_level.append(stmt)
        for field in ("body", "orelse", "finalbody", "handlers"):
            stack.extend(getattr(stmt, field, ()) or ())
    return module_level


def _iterates_dataset(node: ast.AST, datasets: Set[str], names) -> bool:
    # `for batch in train_ds.take(1)`: .take/.skip/.batch/... on any receiver (its
    # pipeline may be built by a function) reads as a Dataset's
    return _is_dataset_expr(node, datasets, names) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("take", "skip", "batch", "unbatch", "shuffle", "prefetch", "repeat"))


@per_file
def _module_datasets(ctx) -> Set[str]:
    """Module-level names every module-level assignment of which is a tf.data pipeline."""
    tree, names = file_ast(ctx), ast_names(ctx)
    if tree is None or names is None:
        return set()
    assigns = [(t, node.value) for node in _module_level(tree) if isinstance(node, ast.Assign) for t in node.targets]
    datasets: Set[str] = set()
    changed = True
    while changed:
        changed = False
        for target, value in assigns:
            if isinstance(target, ast.Name) and target.id not in datasets and _is_dataset_expr(value, datasets, names):
                datasets.add(target.id)
                changed = True
    return datasets


def _loop_elements(loop: ast.For) -> Tuple[ast.AST, ast.AST]:
    """(target, iterable) of a for loop's elements: `for step, (x, y) in enumerate(ds)`
    -> ((x, y), ds): the step number is an int."""
    target, source = loop.target, loop.iter
    if isinstance(source, ast.Call) and isinstance(source.func, ast.Name) and source.func.id == "enumerate" \
            and source.args and isinstance(target, ast.Tuple) and len(target.elts) == 2:
        return target.elts[1], source.args[0]
    return target, source


@per_file
def function_batch_names(ctx) -> Dict[Scope, FrozenSet[str]]:
    """Per function scope, the names a `for` loop of that function binds to a tf.data
    pipeline's elements (`for x_batch, y_batch in train_ds:`, `for step, (x, y) in
    enumerate(ds):`, the pipeline a module-level or local name or written in place):
    TensorFlow tensors inside a training-loop function as at module level."""
    names = ast_names(ctx)
    if names is None or "for " not in ctx.source:
        return {}
    module = _module_datasets(ctx)
    local: Dict[Scope, Set[str]] = {}
    found: Dict[Scope, Set[str]] = {}
    for scope, node in scoped_nodes(ctx):  # source order
        if not scope:
            continue
        datasets = module | local.get(scope, set())
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                and _is_dataset_expr(node.value, datasets, names):
            local.setdefault(scope, set()).add(node.targets[0].id)
        elif isinstance(node, ast.For):
            target, source = _loop_elements(node)
            if _iterates_dataset(source, datasets, names):
                found.setdefault(scope, set()).update(n.id for n in ast_walk(target) if isinstance(n, ast.Name))
    return {scope: frozenset(batch) for scope, batch in found.items()}


@per_file
def dataset_element_names(ctx) -> FrozenSet[str]:
    """Module-level names holding tensors drawn from a tf.data pipeline (`for batch in
    train_ds.take(1): images = batch["image"]; img = images[i]`), and names assigned from
    tensorflow.* calls on them: TensorFlow tensors, which keras.ops cannot take on JAX
    (jax.numpy rejects them), so TF ops on them stay TF (they run beside any backend)."""
    if not any(m in ctx.source for m in ("for ", "next(")):
        return frozenset()
    tree, names = file_ast(ctx), ast_names(ctx)
    if tree is None or names is None:
        return frozenset()
    module_level = _module_level(tree)
    assigns = [(t, s.value) for s in module_level if isinstance(s, ast.Assign) for t in s.targets]
    datasets = _module_datasets(ctx)
    tainted: Set[str] = set()

    def iterates_dataset(node: ast.AST) -> bool:
        return _iterates_dataset(node, datasets, names)

    for stmt in module_level:
        if isinstance(stmt, ast.For):
            target, source = _loop_elements(stmt)
            if iterates_dataset(source):
                tainted.update(n.id for n in ast_walk(target) if isinstance(n, ast.Name))
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name) \
                and stmt.value.func.id == "next" and stmt.value.args and isinstance(stmt.value.args[0], ast.Call) \
                and isinstance(stmt.value.args[0].func, ast.Name) and stmt.value.args[0].func.id == "iter" \
                and stmt.value.args[0].args and iterates_dataset(stmt.value.args[0].args[0]):
            for target in stmt.targets:  # batch = next(iter(ds))
                tainted.update(n.id for n in ast_walk(target) if isinstance(n, ast.Name))
    if not tainted:
        return frozenset()

    def holds_element(value: ast.AST) -> bool:
        if isinstance(value, (ast.Subscript, ast.Attribute)):
            return holds_element(value.value)
        if isinstance(value, ast.Name):
            return value.id in tainted
        if isinstance(value, (ast.Tuple, ast.List)):
            return any(holds_element(e) for e in value.elts)
        if isinstance(value, ast.Call) and (names.qualified(value.func) or "").startswith("tensorflow."):
            return any(holds_element(a) for a in value.args)
        if isinstance(value, ast.BinOp):
            return holds_element(value.left) or holds_element(value.right)
        return False

    changed = True
    while changed:
        changed = False
        for target, value in assigns:
            if holds_element(value):
                for name in (n.id for n in ast_walk(target) if isinstance(n, ast.Name)):
                    if name not in tainted:
                        tainted.add(name)
                        changed = True
    return frozenset(tainted)


def used_as_tf_function(ctx, name: str) -> bool:
    """Whether the file exports or inspects the function `name` as a tf.function (reads an
    attribute of it, get_concrete_function, or has a SavedModel / signatures anywhere),
    or it is a model's call() (what a SavedModel of the model serves): then its
    input_signature is a serving signature, otherwise it only fixes tracing."""
    return name == "call" or bool(re.search(rf"(?<![\w.]){re.escape(name)}\s*\.\s*\w", ctx.source)) \
        or "saved_model" in ctx.source or "signatures" in ctx.source
