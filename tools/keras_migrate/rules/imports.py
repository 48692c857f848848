"""KM100 imports: tf.keras / tensorflow.keras / moved Keras modules -> Keras 3 names."""

from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.engine._names import module_name
from keras_migrate.rules._util import dotted
from keras_migrate.spec import (
    KERAS_ALIAS_MARKERS, KERAS3_MISSING, KERAS3_MISSING_APPLICATIONS, REMOVED_SYMBOLS, RUNTIME_SYMBOLS,
    is_tensorflow_name, keras_path, map_keras_name,
)
from keras_migrate.spec._types import RemovedSymbol

__all__ = ["Imports"]

# Removed symbols that another rule rewrites at each use: their imports are dropped here.
HANDLED_ELSEWHERE = frozenset({"layers.ThresholdedReLU"})
_REMOVED = {entry.old: entry for entry in REMOVED_SYMBOLS}
# tf_keras names Keras 3 does not have (spec/_keras3_missing.py): reported, left as is.
_REMOVED.update({
    path: RemovedSymbol(path, f"{path} is not in Keras 3",
                        "rewrite this use with Keras 3 APIs (the migration guide lists the replacements), or keep "
                        "this file on Keras 2 (tf_keras, TF_USE_LEGACY_KERAS=1)")
    for path in KERAS3_MISSING if path not in _REMOVED})
_REMOVED.update({
    path: RemovedSymbol(path, f"{path} is not in Keras 3 (its applications do not include it)",
                        "load the model from keras_hub or another library with Keras 3 weights, or keep this file "
                        "on Keras 2 (tf_keras, TF_USE_LEGACY_KERAS=1)")
    for path in KERAS3_MISSING_APPLICATIONS if path not in _REMOVED})


def _new_binding(qualified: str) -> str:
    return map_keras_name(qualified) or qualified


class Imports(Rule):
    id = "KM100"
    NODE_KEYED = ('_chain_inner', '_reported', '_rewrites')
    name = "imports"
    description = "Rewrite tf.keras imports and names to Keras 3 (`import keras`), following moved modules."
    TRIGGERS = ("keras", "tensorflow_addons") + KERAS_ALIAS_MARKERS
    EXAMPLES = (
        Example(
            before="""
            from tensorflow import keras
            from tensorflow.keras import layers as L  # layers
            model = keras.Sequential([L.Dense(2)])
            """,
            after="""
            import keras
            from keras import layers as L  # layers
            model = keras.Sequential([L.Dense(2)])
            """,
        ),
        Example(
            before="""
            import tensorflow as tf

            x = tf.keras.layers.experimental.preprocessing.Rescaling(1 / 255.0)
            y = tf.constant(1)
            """,
            after="""
            import tensorflow as tf
            import keras

            x = keras.layers.Rescaling(1 / 255.0)
            y = tf.constant(1)
            """,
        ),
        Example(
            before="""
            from tensorflow.keras.layers.experimental import preprocessing
            from tensorflow.keras.optimizers.legacy import Adam as A
            norm = preprocessing.Normalization()
            """,
            after="""
            from keras import layers as preprocessing
            from keras.optimizers import Adam as A
            norm = preprocessing.Normalization()
            """,
        ),
        Example(
            before="""
            from tensorflow.keras.layers import Dense, LocallyConnected2D
            layer = LocallyConnected2D(4, 3)
            """,
            after="""
            from keras.layers import Dense
            from keras_migrate_runtime import LocallyConnected2D
            layer = LocallyConnected2D(4, 3)
            """,
        ),
        # No Keras 3 home: kept (it fails loudly) and reported with what to do instead.
        Example(
            before="""
            import tensorflow as tf
            features = tf.keras.layers.DenseFeatures(columns)
            """,
            after=None,
            diagnostics=("KM100",),
        ),
        # Aliases Keras 3 keeps elsewhere go there; names it lacks are reported and left
        # as they are (never rewritten to a name that does not exist).
        Example(
            before="""
            import tensorflow as tf
            schedule = tf.keras.experimental.CosineDecay(0.1, 1000)
            metric = tf.keras.metrics.MeanTensor()
            """,
            after="""
            import tensorflow as tf
            import keras
            schedule = keras.optimizers.schedules.CosineDecay(0.1, 1000)
            metric = tf.keras.metrics.MeanTensor()
            """,
            diagnostics=("KM100",),
        ),
        # Gone from Keras 3's API but still in Keras 3 (keras.src.legacy): the runtime's.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow.keras.preprocessing.text import Tokenizer, one_hot
            gen = tf.keras.preprocessing.image.ImageDataGenerator(rotation_range=10)
            """,
            after="""
            import tensorflow as tf
            from keras_migrate_runtime import Tokenizer, text_one_hot as one_hot
            from keras_migrate_runtime import ImageDataGenerator
            gen = ImageDataGenerator(rotation_range=10)
            """,
        ),
        # TensorFlow 2's top-level aliases of Keras modules (tf.metrics is tf.keras.metrics);
        # tf.compat.v1's same names are TensorFlow 1's own.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import losses
            init = tf.initializers.zeros()
            opt = tf.optimizers.Adam(tf.optimizers.schedules.InverseTimeDecay(0.001, 10, 1))
            metrics = [tf.metrics.BinaryAccuracy(threshold=0.0), tf.losses.mse, losses.mae]
            """,
            after="""
            import tensorflow as tf
            from keras import losses
            import keras
            init = keras.initializers.zeros()
            opt = keras.optimizers.Adam(keras.optimizers.schedules.InverseTimeDecay(0.001, 10, 1))
            metrics = [keras.metrics.BinaryAccuracy(threshold=0.0), keras.losses.mean_squared_error, losses.mean_absolute_error]
            """,
        ),
        # Standalone Keras 3 code is already migrated.
        Example(before="import keras\nx = keras.layers.Dense(3)\n"),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._chain_inner: Set[int] = set()
        self._rewrites: Dict[int, cst.BaseExpression] = {}
        self._reported: Set[int] = set()

    # -- import statements ----------------------------------------------------------
    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        new_body: List[cst.BaseSmallStatement] = []
        changed = False
        # Diagnostics point at the original statement (the updated one has no position).
        anchors = original.body if len(original.body) == len(updated.body) else [original] * len(updated.body)
        for small, anchor in zip(updated.body, anchors):
            replacement = None
            if isinstance(small, cst.ImportFrom):
                replacement = self._rewrite_import_from(small, anchor)
            elif isinstance(small, cst.Import):
                replacement = self._rewrite_import(small)
            elif isinstance(small, cst.Assign):
                replacement = self._rewrite_module_alias(small)
            if replacement is None:
                new_body.append(small)
            else:
                changed = True
                new_body.extend(replacement)
        if not changed:
            return updated
        self.fired()
        if not new_body:  # every imported name is rewritten at its uses (HANDLED_ELSEWHERE)
            return cst.RemoveFromParent()
        if len(new_body) == 1 or len(updated.body) > 1:
            return updated.with_changes(body=_fix_semicolons(new_body))
        lines = [updated.with_changes(body=[new_body[0].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)])]
        for small in new_body[1:]:
            lines.append(cst.SimpleStatementLine(body=[small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]))
        return cst.FlattenSentinel(lines)

    def _rewrite_import(self, node: cst.Import) -> Optional[List[cst.BaseSmallStatement]]:
        names = []
        changed = False
        for alias in node.names:
            full = module_name(alias.name)
            mapped = map_keras_name(full) if full else None
            if mapped is not None and mapped != full:
                # `import tensorflow.keras as K` -> `import keras as K`; without `as`, uses
                # (`tensorflow.keras.x`) are rewritten to `keras.x` by the chain rewrite.
                alias = alias.with_changes(name=dotted(mapped))
                changed = True
            names.append(alias)
        return [node.with_changes(names=names)] if changed else None

    def _rewrite_import_from(self, node: cst.ImportFrom,
                             anchor: cst.CSTNode) -> Optional[List[cst.BaseSmallStatement]]:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return None
        module = module_name(node.module)
        if module is None:
            return None
        # Group the imported names by their new module, keeping order and local names.
        groups: Dict[Tuple[str, str], List[cst.ImportAlias]] = {}
        order: List[Tuple[str, str]] = []
        changed = False
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else None
            if name is None:
                return None
            full = f"{module}.{name}"
            local = alias.asname.name.value if alias.asname else name
            path = keras_path(full)
            if path in HANDLED_ELSEWHERE:
                changed = True
                continue
            if path in _REMOVED:
                # No Keras 3 home: keep the import (it fails loudly) and say what to do.
                self._report_removed(anchor, path)
                target = full
            elif (path or full) in RUNTIME_SYMBOLS:
                target = f"{self.ctx.runtime_module}.{RUNTIME_SYMBOLS[path or full]}"
                self.ctx.runtime_imports.add(RUNTIME_SYMBOLS[path or full])
            else:
                target = map_keras_name(full) or full
            if target != full:
                changed = True
            if "." in target:
                new_module, new_name = target.rsplit(".", 1)
                key = ("from", new_module)
            else:
                new_module, new_name = target, target
                key = ("import", new_module)
            new_alias = cst.ImportAlias(
                name=cst.Name(new_name) if key[0] == "from" else dotted(new_module),
                asname=None if local == new_name else cst.AsName(name=cst.Name(local)),
            )
            if key[0] == "import":
                key = ("import", f"{new_module} as {local}")
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(new_alias if target != full else alias)
        if not changed:
            return None
        statements: List[cst.BaseSmallStatement] = []
        for kind, target_module in order:
            aliases = groups[(kind, target_module)]
            if kind == "import":
                statements.append(cst.Import(names=[aliases[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)]))
                continue
            if len(order) == 1 and len(aliases) == len(node.names):
                statements.append(node.with_changes(module=dotted(target_module), names=aliases))
            else:
                fixed = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in aliases]
                statements.append(cst.ImportFrom(module=dotted(target_module), names=fixed))
        return statements

    def _rewrite_module_alias(self, node: cst.Assign) -> Optional[List[cst.BaseSmallStatement]]:
        # `keras = tf.keras` -> `import keras`
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return None
        if not isinstance(node.value, (cst.Attribute, cst.Name)):
            return None
        qualified = self.ctx.qualified_name(node.value)
        if qualified is None or map_keras_name(qualified) != "keras" or qualified == "keras":
            return None
        local = node.targets[0].target.value
        asname = None if local == "keras" else cst.AsName(name=cst.Name(local))
        return [cst.Import(names=[cst.ImportAlias(name=cst.Name("keras"), asname=asname)])]

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar) and node.module is not None and not node.relative:
            module = module_name(node.module) or ""
            if keras_path(module) is not None or is_tensorflow_name(module):
                self.report(node, f"star import from {module}: its names cannot be resolved, so their uses are not migrated",
                            f"import the names explicitly (from {module} import A, B)")

    # -- dotted uses: tf.keras.X, K.layers.experimental.Y -----------------------------
    def visit_Attribute(self, node: cst.Attribute) -> None:
        if id(node) in self._chain_inner:
            self._chain_inner.add(id(node.value))
            return
        qualified = self.ctx.qualified_name(node)
        if qualified is None:
            return
        # Only the outermost attribute of a chain is rewritten.
        self._chain_inner.add(id(node.value))
        replacement = self._rewrite_chain(node, qualified)
        if replacement is not None:
            self._rewrites[id(node)] = replacement

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        replacement = self._rewrites.pop(id(original), None)
        if replacement is None:
            return updated
        self.fired()
        return replacement

    def _rewrite_chain(self, node: cst.Attribute, qualified: str) -> Optional[cst.BaseExpression]:
        path = keras_path(qualified)
        if path is not None:
            if path in HANDLED_ELSEWHERE:
                return None
            if path in _REMOVED:
                self._report_removed(node, path)
                return None
            if path in RUNTIME_SYMBOLS:
                symbol = RUNTIME_SYMBOLS[path]
                self.ctx.use_runtime(symbol)
                return cst.Name(symbol)
        if qualified in RUNTIME_SYMBOLS:  # a TF Addons function
            self.ctx.use_runtime(RUNTIME_SYMBOLS[qualified])
            root = node
            while isinstance(root, cst.Attribute):
                root = root.value
            binding = self.ctx.names.bindings[root.value]
            self.ctx.remove_import_if_unused(binding.split(".")[0], asname=root.value if root.value != binding else None)
            return cst.Name(RUNTIME_SYMBOLS[qualified])
        mapped = map_keras_name(qualified)
        if mapped is None:
            return None
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        assert isinstance(root, cst.Name)
        binding = self.ctx.names.bindings[root.value]
        new_binding = _new_binding(binding)
        if mapped == new_binding or mapped.startswith(new_binding + "."):
            new_text = root.value + mapped[len(new_binding):]
        else:
            new_text = self.ctx.require_keras() + mapped[len("keras"):]
        if new_text == module_name(node):
            return None
        if path is None:
            # A tensorflow_addons piece: drop the tfa import when nothing else uses it.
            self.ctx.remove_import_if_unused(binding.split(".")[0], asname=root.value if root.value != binding else None)
        return dotted(new_text)

    def _report_removed(self, node: cst.CSTNode, path: str) -> None:
        if id(node) in self._reported:
            return
        self._reported.add(id(node))
        entry = _REMOVED[path]
        self.report(node, entry.message, entry.fix, Severity.WARNING)


def _fix_semicolons(body: List[cst.BaseSmallStatement]) -> List[cst.BaseSmallStatement]:
    out = []
    for i, small in enumerate(body):
        if i < len(body) - 1 and small.semicolon is cst.MaybeSentinel.DEFAULT:
            small = small.with_changes(semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" ")))
        elif i == len(body) - 1 and isinstance(small.semicolon, cst.Semicolon):
            small = small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        out.append(small)
    return out
