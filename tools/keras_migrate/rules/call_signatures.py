"""KM110 call_signatures: renamed, now keyword-only, removed and re-defaulted arguments."""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._args import (
    argument, file_uses_keras, has_star, is_string, keras3_path, other_compile_keywords,
)
from keras_migrate.rules._facts import FileFacts, per_file
from keras_migrate.rules._scan import file_ast
from keras_migrate.rules._util import COMMA, NO_SPACE, as_keyword, code, comma_after, comma_separated, dotted, drop_arg, keyword_arg, parenthesize, prepend_arg, with_keyword
from keras_migrate.spec import KEYWORD_RENAMES, POSITIONAL_TO_KEYWORD, REMOVED_KEYWORDS
from keras_migrate.spec._keras3_renames import DEFAULT_CHANGES, KERAS2_COMPILE_PARAMETERS

__all__ = ["CallSignatures"]


@per_file
def _defines_compile(ctx) -> bool:
    tree = file_ast(ctx)
    return tree is not None and any(isinstance(n, ast.FunctionDef) and n.name == "compile" for n in ast.walk(tree))

_KEYWORDS: Dict[str, Dict[str, str]] = {}
for _e in KEYWORD_RENAMES:
    _KEYWORDS.setdefault(_e.func, {})[_e.old] = _e.new

_POSITIONAL: Dict[str, Dict[int, str]] = {}
for _e in POSITIONAL_TO_KEYWORD:
    _POSITIONAL.setdefault(_e.func, {})[_e.index] = _e.keyword

_REMOVED: Dict[str, list] = {}
_REMOVED_METHODS: Dict[str, list] = {}
for _e in REMOVED_KEYWORDS:
    if _e.func.endswith(".__init__"):
        continue  # constructor keywords of subclasses: the removed-features rules' job
    if _e.method:
        _REMOVED_METHODS.setdefault(_e.func.rsplit(".", 1)[1], []).append(_e)
    else:
        _REMOVED.setdefault(_e.func, []).append(_e)

_DEFAULTS: Dict[str, List[Tuple[str, str]]] = {}
for _func, _kw, _src, _position in DEFAULT_CHANGES:
    _DEFAULTS.setdefault(_func, []).append((_kw, _src, _position))

_RNN_CLASSES = frozenset({"layers.RNN", "layers.LSTM", "layers.GRU", "layers.SimpleRNN",
                          "layers.ConvLSTM1D", "layers.ConvLSTM2D", "layers.ConvLSTM3D"})
_TFA_GELU_LAYER = "tensorflow_addons.layers.GELU"
_TFA_ADAMW = "tensorflow_addons.optimizers.AdamW"
_TFA_ADAMW_DEFAULT_LR = "0.001"
# RNNs given time_major (other than a literal False) become keras_migrate_runtime's class
# of the same name (imported as TimeMajorLSTM, ...): the Keras 3 layer plus Keras 2's
# time_major (time-major inputs, outputs and masks), same name, weights and config keys.
_TIME_MAJOR_CLASSES = frozenset({"layers.RNN", "layers.LSTM", "layers.GRU", "layers.SimpleRNN"})
_BIDIRECTIONAL = "layers.Bidirectional"
# Attention layers given causal= (other than a literal False) become keras_migrate_runtime's
# class of the same name (imported as CausalAttention, ...): the Keras 3 layer plus Keras
# 2's causal (every call masked causally), same name, weights and config keys.
_CAUSAL_CLASSES = frozenset({"layers.Attention", "layers.AdditiveAttention"})


# Keras 3 always resets metrics before a batch, as Keras 2 did for reset_metrics=True:
# other values go through keras_migrate_runtime's Keras 2-semantics helpers.
_BATCH_METHODS = ("train_on_batch", "test_on_batch")


def _literal_keyword(call: cst.Call, name: str) -> Optional[str]:
    arg = keyword_arg(call, name)
    return None if arg is None else code(arg.value)


class CallSignatures(Rule):
    id = "KM110"
    NODE_KEYED = ('_bidirectional_args', '_call_funcs')
    name = "call_signatures"
    description = ("Rename or drop call arguments Keras 3 changed (LeakyReLU alpha, optimizer lr, "
                   "add_weight positional name, time_major, attention causal, reset_metrics, fused, tfa AdamW/gelu).")
    TRIGGERS = ("alpha", "LeakyReLU", "lr", "add_weight", "time_major", "reset_metrics", "fused",
                "constants", "causal", "tensorflow_addons", "workers", "use_multiprocessing",
                "max_queue_size", "_compute_attention", "compile(",
                *sorted({func.rsplit(".", 1)[-1] for func, *_ in DEFAULT_CHANGES}),
                *sorted({entry.keyword for entry in REMOVED_KEYWORDS}),
                *sorted({entry.old for entry in KEYWORD_RENAMES}))
    EXAMPLES = (
        Example(
            # Keras 3's compile(optimizer, loss, loss_weights, metrics, ...): past loss, by keyword.
            before="""
            from tensorflow import keras
            model.compile("adam", "mse", ["mae"])
            model.compile(keras.optimizers.SGD(0.1), "mse", ["mae"], [1.0], run_eagerly=False)
            model.compile("adam", "mse")
            """,
            after="""
            from tensorflow import keras
            model.compile("adam", "mse", metrics=["mae"])
            model.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"], loss_weights=[1.0], run_eagerly=False)
            model.compile("adam", "mse")
            """,
        ),
        # One loss for a model of several outputs, weighted per output (handson-ml2's
        # WideAndDeep subclass): Keras 3 wants one loss per weight.
        Example(
            before="""
            from tensorflow import keras
            model.compile(loss="mse", loss_weights=[0.9, 0.1], optimizer=keras.optimizers.SGD(learning_rate=1e-3))
            model.compile("adam", keras.losses.mean_squared_error, loss_weights=(1.0, 0.5, 0.5))
            model.compile("adam", keras.losses.MeanSquaredError(), loss_weights=[1.0, 0.5])
            model.compile("adam", ["mse", "mae"], loss_weights=[0.9, 0.1])
            """,
            after="""
            from tensorflow import keras
            model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer=keras.optimizers.SGD(learning_rate=1e-3))
            model.compile("adam", [keras.losses.mean_squared_error, keras.losses.mean_squared_error, keras.losses.mean_squared_error], loss_weights=(1.0, 0.5, 0.5))
            model.compile("adam", keras.losses.MeanSquaredError(), loss_weights=[1.0, 0.5])
            model.compile("adam", ["mse", "mae"], loss_weights=[0.9, 0.1])
            """,
        ),
        Example(
            # A file with its own compile() (a GAN's): its positions are its own.
            before="""
            from tensorflow import keras
            class GAN(keras.Model):
                def compile(self, d_optimizer, g_optimizer, loss_fn):
                    super().compile()
            gan.compile(keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4), loss_fn)
            """,
        ),
        Example(
            before="""
            import keras
            act = keras.layers.LeakyReLU(alpha=0.2)
            act2 = keras.layers.LeakyReLU(0.1)
            opt = keras.optimizers.Adam(lr=1e-3)
            """,
            after="""
            import keras
            act = keras.layers.LeakyReLU(negative_slope=0.2)
            act2 = keras.layers.LeakyReLU(negative_slope=0.1)
            opt = keras.optimizers.Adam(learning_rate=1e-3)
            """,
        ),
        Example(
            before="""
            import keras
            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight("w", (input_shape[-1],), initializer="ones")
            """,
            after="""
            import keras
            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
            """,
        ),
        Example(
            before="""
            import keras
            rnn = keras.layers.LSTM(4, time_major=False)
            bn = keras.layers.BatchNormalization(fused=True)
            loss = model.train_on_batch(x, y, reset_metrics=True)
            """,
            after="""
            import keras
            rnn = keras.layers.LSTM(4)
            bn = keras.layers.BatchNormalization()
            loss = model.train_on_batch(x, y)
            """,
        ),
        # Keras 3 always resets metrics first (Keras 2's reset_metrics=True); accumulating
        # calls keep Keras 2's semantics through keras_migrate_runtime.
        Example(
            before="""
            import keras
            running = model.train_on_batch(x, y, reset_metrics=False)
            fresh = model.test_on_batch(x, y)
            """,
            after="""
            import keras
            from keras_migrate_runtime import train_on_batch
            running = train_on_batch(model, x, y, reset_metrics=False)
            fresh = model.test_on_batch(x, y)
            """,
        ),
        Example(
            before="""
            import keras
            rnn = keras.layers.GRU(4, time_major=True, return_sequences=True, name="encoder")
            """,
            after="""
            import keras
            from keras_migrate_runtime import GRU as TimeMajorGRU
            rnn = TimeMajorGRU(4, time_major=True, return_sequences=True, name="encoder")
            """,
        ),
        # Keras 2's deprecated causal= (still honoured by tf_keras 2.21): the runtime's
        # layer of the same name keeps it, whatever expression gives it; False is dropped.
        Example(
            before="""
            import keras
            a = keras.layers.Attention(use_scale=True, causal=True)([q, v])
            b = keras.layers.AdditiveAttention(causal=self.causal)
            c = keras.layers.Attention(causal=False)([q, v])
            """,
            after="""
            import keras
            from keras_migrate_runtime import Attention as CausalAttention
            from keras_migrate_runtime import AdditiveAttention as CausalAdditiveAttention
            a = CausalAttention(use_scale=True, causal=True)([q, v])
            b = CausalAdditiveAttention(causal=self.causal)
            c = keras.layers.Attention()([q, v])
            """,
        ),
        Example(
            before="""
            import tensorflow_addons as tfa
            opt = tfa.optimizers.AdamW(1e-4, 1e-3)
            y = tfa.activations.gelu(x)
            """,
            after="""
            import keras
            opt = keras.optimizers.AdamW(weight_decay=1e-4 / 1e-3, learning_rate=1e-3)
            y = keras.activations.gelu(x, approximate=True)
            """,
            full=True,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._call_funcs: Set[int] = set()
        self._rnn_names: Set[str] = set()  # "x" / "self.x" bound to an RNN layer
        self._bidirectional_args: Set[int] = set()  # layers wrapped in Bidirectional(...)
        self._in_import = False

    # -- bookkeeping --------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self._call_funcs.add(id(node.func))
        if node.args and self._key(node.func) == _BIDIRECTIONAL:
            self._bidirectional_args.add(id(node.args[0].value))

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and self._key(node.value.func) in _RNN_CLASSES:
            for target in node.targets:
                text = code(target.target)
                self._rnn_names.add(text)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import = True

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        self._in_import = False
        return updated

    def visit_Attribute(self, node: cst.Attribute) -> None:
        # tfa gelu passed as a function (activation=tfa.activations.gelu): Keras 3's
        # gelu is exact by default, tfa's is the tanh approximation.
        self._call_funcs.add(id(node.attr))  # `.gelu` of a chain is not a bare name
        if id(node) not in self._call_funcs and self.ctx.qualified_name(node) in _DEFAULTS:
            self._report_default_reference(node)

    def visit_Name(self, node: cst.Name) -> None:
        if (not self._in_import and id(node) not in self._call_funcs
                and self.ctx.qualified_name(node) in _DEFAULTS):
            self._report_default_reference(node)

    def _report_default_reference(self, node: cst.CSTNode) -> None:
        qualified = self.ctx.qualified_name(node)
        for keyword, source, _ in _DEFAULTS[qualified]:
            self.report(node, f"{qualified} defaults to {keyword}={source}; its Keras 3 counterpart does not",
                        f"pass a function that sets it: lambda x: keras.activations.gelu(x, {keyword}={source})")

    def _key(self, func: cst.BaseExpression) -> Optional[str]:
        # Keras 3 location, so `optimizers.legacy.Adam` matches `optimizers.Adam` entries.
        path = keras3_path(self.ctx, func)
        if path is not None:
            return path
        return self.ctx.qualified_name(func)

    # -- the rewrite --------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        key = self._key(original.func)
        result = updated
        if key is not None:
            if key == _TFA_GELU_LAYER:
                return self._tfa_gelu_layer(original, updated)
            if key in _KEYWORDS:
                result = self._rename_keywords(result, _KEYWORDS[key])
            if key in _POSITIONAL:
                result = self._positional(original, result, _POSITIONAL[key], key)
            if key == _TFA_ADAMW:
                result = self._tfa_adamw(original, result)
            if key in _TIME_MAJOR_CLASSES and _literal_keyword(original, "time_major") not in (None, "False"):
                if id(original) not in self._bidirectional_args:
                    return self._runtime_layer(original, result, key, "TimeMajor")
                self.report(original, "RNN `time_major` was removed in Keras 3, and keras.layers.Bidirectional "
                                      "reverses batch-major sequences only",
                            "transpose to batch-major around the Bidirectional layer "
                            "(keras.ops.swapaxes(x, 0, 1) before and after) and drop time_major")
                return updated
            if key in _CAUSAL_CLASSES and _literal_keyword(original, "causal") not in (None, "False"):
                return self._runtime_layer(original, result, key, "Causal")
            if key in _REMOVED:
                result = self._removed(original, result, _REMOVED[key])
            if key in _DEFAULTS:
                result = self._defaults(result, _DEFAULTS[key])
        elif isinstance(original.func, cst.Attribute):
            method = original.func.attr.value
            if method == "add_weight" and self._in_keras_class():
                table = "metrics.Metric.add_weight" if self._in_metric_class() else "layers.Layer.add_weight"
                result = self._add_weight(original, result, _POSITIONAL[table], table)
            elif (method in _BATCH_METHODS and _literal_keyword(original, "reset_metrics") not in (None, "True")
                  and self._file_uses_keras()):
                result = self._batch_helper(method, result)
            elif method in _REMOVED_METHODS and self._file_uses_keras():
                result = self._removed(original, result, _REMOVED_METHODS[method])

        if (isinstance(original.func, cst.Attribute) and original.func.attr.value == "compile"
                and len(original.args) > 2 and self._file_uses_keras()):
            result = self._compile_positions(result)
        if keyword_arg(original, "constants") is not None and self._is_rnn_callee(original.func) \
                and not self.ctx.facts(FileFacts).rnn_constants_runtime:  # KM173 made them work
            self.report(original, "RNN layers no longer accept `constants` in Keras 3",
                        "pass the constants to the cell's constructor (or concatenate them to every "
                        "time step of the input) and read them in the cell's call()")
        if result is not updated:
            self.fired()
        return result

    def _rename_keywords(self, call: cst.Call, renames: Dict[str, str]) -> cst.Call:
        args = list(call.args)
        changed = False
        for i, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value in renames:
                args[i] = arg.with_changes(keyword=cst.Name(renames[arg.keyword.value]))
                changed = True
        return call.with_changes(args=args) if changed else call

    def _positional(self, original: cst.Call, call: cst.Call, table: Dict[int, str], key: str) -> cst.Call:
        if has_star(call):
            return call
        args = list(call.args)
        positional = [i for i, arg in enumerate(args) if arg.keyword is None]
        beyond = [i for n, i in enumerate(positional) if n not in table]
        if beyond:
            self.report(original, f"{key} takes these arguments by keyword in Keras 3",
                        f"pass the arguments after the first {len(table)} by keyword")
            return call
        for n, i in enumerate(positional):
            args[i] = as_keyword(args[i], table[n])
        return call.with_changes(args=args) if positional else call

    def _compile_positions(self, call: cst.Call) -> cst.Call:
        """compile(optimizer, loss, metrics, loss_weights, ...): Keras 3's third and fourth
        parameters are loss_weights and metrics, swapped (`compile("adam", "mse", ["mae"])`
        would weigh the loss by "mae"): arguments after loss go by keyword. Not for a
        file that defines its own compile() (a GAN's compile(d_optimizer, g_optimizer, ...))."""
        if has_star(call) or other_compile_keywords(call) or _defines_compile(self.ctx):
            return call
        args = list(call.args)
        for n, arg in enumerate(args):
            if arg.keyword is None and 2 <= n < len(KERAS2_COMPILE_PARAMETERS):
                args[n] = as_keyword(arg, KERAS2_COMPILE_PARAMETERS[n])
        return self._one_loss_per_weight(call.with_changes(args=args))

    def _one_loss_per_weight(self, call: cst.Call) -> cst.Call:
        """compile(loss="mse", loss_weights=[0.9, 0.1]) (handson-ml2's two-output model):
        Keras 2 applied the one loss to every output; Keras 3 refuses ("loss_weights must
        match the number of losses, got 1 losses and 2 weights"): the loss once per weight."""
        loss = argument(call, "loss", KERAS2_COMPILE_PARAMETERS.index("loss"))
        weights = keyword_arg(call, "loss_weights")
        if loss is None or weights is None or not isinstance(weights.value, (cst.List, cst.Tuple)):
            return call
        count = len(weights.value.elements)
        if count < 2 or any(isinstance(e, cst.StarredElement) for e in weights.value.elements) or not (
                is_string(loss.value) or isinstance(loss.value, (cst.Name, cst.Attribute))):
            return call  # (a call would make one loss object per output: left to the user)
        if isinstance(loss.value, cst.Name) and loss.value.value == "None":
            return call
        self.fired()
        repeated = cst.List([cst.Element(loss.value.deep_clone(), comma=COMMA) for _ in range(count - 1)]
                            + [cst.Element(loss.value.deep_clone())])
        return call.with_changes(args=[arg.with_changes(value=repeated) if arg is loss else arg for arg in call.args])

    def _add_weight(self, original: cst.Call, call: cst.Call, table: Dict[int, str], key: str) -> cst.Call:
        positional = [arg for arg in original.args if arg.keyword is None and not arg.star]
        if not positional:
            return call
        first = positional[0].value
        if isinstance(first, (cst.Tuple, cst.List)):
            return call  # Keras 3 style already: add_weight(shape, initializer, dtype)
        if not is_string(first):
            self.report(original, "add_weight() positional arguments: Keras 2 meant (name, shape, ...), "
                        "Keras 3 means (shape, initializer, dtype)",
                        "pass every argument by keyword: add_weight(name=..., shape=..., ...)")
            return call
        return self._positional(original, call, table, key)

    def _removed(self, original: cst.Call, call: cst.Call, entries) -> cst.Call:
        for entry in entries:
            for i, arg in enumerate(call.args):
                if arg.keyword is None or arg.keyword.value != entry.keyword:
                    continue
                if entry.always_drop:
                    call = call.with_changes(args=drop_arg(call.args, i))
                    self.report(original, entry.message, entry.fix, Severity.INFO)
                elif code(arg.value) in entry.drop_if:
                    call = call.with_changes(args=drop_arg(call.args, i))
                else:
                    self.report(original, entry.message, entry.fix)
                break
        return call

    def _defaults(self, call: cst.Call, defaults) -> cst.Call:
        if has_star(call):
            return call
        positional = sum(1 for arg in call.args if arg.keyword is None)
        for keyword, source, position in defaults:
            # gelu(x, approximate): a second positional argument already sets it.
            if keyword_arg(call, keyword) is None and positional <= position:
                call = with_keyword(call, keyword, cst.parse_expression(source))
        return call

    def _batch_helper(self, method: str, call: cst.Call) -> cst.Call:
        # model.train_on_batch(x, y, reset_metrics=False) -> train_on_batch(model, x, y, reset_metrics=False)
        receiver = call.func.value
        self.ctx.use_runtime(method)
        return call.with_changes(func=cst.Name(method), args=prepend_arg(call, receiver))

    def _runtime_layer(self, original: cst.Call, call: cst.Call, key: str, prefix: str) -> cst.Call:
        # keras.layers.LSTM(4, time_major=True) -> TimeMajorLSTM(4, time_major=True),
        # Attention(causal=True) -> CausalAttention(causal=True): the runtime's class of the
        # same name, no wrapper layer, so the name, summary, weights and get_config() stay
        # Keras 2's.
        symbol = key.rsplit(".", 1)[1]
        local = f"{prefix}{symbol}"
        self.ctx.runtime_imports.add(symbol)
        self.ctx.add_import(self.ctx.runtime_module, symbol, local)
        if isinstance(original.func, cst.Name):
            binding = self.ctx.names.bindings.get(original.func.value, "")
            for module in {"keras.layers", binding.rsplit(".", 1)[0]}:
                self.ctx.remove_import_if_unused(module, original.func.value)
        self.fired()
        return call.with_changes(func=cst.Name(local))

    def _tfa_adamw(self, original: cst.Call, call: cst.Call) -> cst.Call:
        """TF Addons' AdamW decays by `weight_decay * var` each step; Keras 3's by
        `learning_rate * weight_decay * var`. With a constant learning rate the same
        numbers need weight_decay / learning_rate; with a schedule no constant does."""
        args = list(call.args)
        decay = next((i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == "weight_decay"), None)
        if decay is None:
            return call
        lr_arg = next((a for a in args if a.keyword is not None and a.keyword.value == "learning_rate"), None)
        lr = cst.Float(_TFA_ADAMW_DEFAULT_LR) if lr_arg is None else lr_arg.value
        if not self._constant_number(lr):
            self.report(original, "TF Addons' AdamW decays weights by weight_decay * var each step, Keras 3's AdamW "
                                  "by learning_rate * weight_decay * var; with this learning rate (not a constant) "
                                  "the two differ",
                        "pass weight_decay = <TF Addons weight_decay> / <learning rate> for a constant rate; with "
                        "a schedule, apply the decay yourself (var.assign(var * (1 - wd)) after each step) or "
                        "accept Keras 3's lr-scaled decay")
            return call
        value = cst.BinaryOperation(parenthesize(args[decay].value), cst.Divide(
            whitespace_before=cst.SimpleWhitespace(" "), whitespace_after=cst.SimpleWhitespace(" ")), parenthesize(lr))
        args[decay] = args[decay].with_changes(value=value)
        return call.with_changes(args=args)

    def _constant_number(self, node: cst.BaseExpression) -> bool:
        """A number literal, or a module-level name assigned one number literal only."""
        if isinstance(node, (cst.Float, cst.Integer)):
            return True
        if not isinstance(node, cst.Name):
            return False
        tree = file_ast(self.ctx)
        values = [stmt.value for stmt in (tree.body if tree is not None else [])
                  if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.value
                                                          for t in stmt.targets)]
        return len(values) == 1 and isinstance(values[0], ast.Constant) \
            and isinstance(values[0].value, (int, float)) and not isinstance(values[0].value, bool)

    def _tfa_gelu_layer(self, original: cst.Call, call: cst.Call):
        # tfa.layers.GELU(approximate=True) -> Activation with the same gelu variant.
        approximate = keyword_arg(original, "approximate")
        extra = [a for a in original.args if a is not approximate]
        if any(a.keyword is None or a.star for a in extra) or (
                approximate is not None and code(approximate.value) not in ("True", "False")):
            self.report(original, "tfa.layers.GELU maps to keras.layers.Activation",
                        'keras.layers.Activation(lambda x: keras.activations.gelu(x, approximate=True))')
            return call
        keras_name = self.ctx.require_keras()
        exact = approximate is not None and code(approximate.value) == "False"
        if exact:
            fn: cst.BaseExpression = cst.SimpleString('"gelu"')
        else:
            fn = cst.parse_expression(f"lambda x: {keras_name}.activations.gelu(x, approximate=True)")
        kept = [a for a in call.args if not (a.keyword is not None and a.keyword.value == "approximate")]
        args = comma_separated([cst.Arg(fn)] + kept)
        self.fired()
        root = original.func
        while isinstance(root, cst.Attribute):
            root = root.value
        if isinstance(root, cst.Name) and self.ctx.names.bindings.get(root.value) == "tensorflow_addons":
            self.ctx.remove_import_if_unused(
                "tensorflow_addons", asname=None if root.value == "tensorflow_addons" else root.value)
        return call.with_changes(func=dotted(f"{keras_name}.layers.Activation"), args=args)

    # -- overridden hooks -----------------------------------------------------------
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        """Keras 3's MultiHeadAttention.call passes `return_attention_scores` to
        _compute_attention (a 7th positional argument): a Keras 2 override of
        (self, query, key, value, attention_mask=None, training=None) raises TypeError."""
        if original.name.value != "_compute_attention" or len(self.ctx.function_stack) != 1 \
                or "layers.MultiHeadAttention" not in self._class_bases():
            return updated
        params = updated.params
        names = [p.name.value for p in params.params]
        if params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg is not None \
                or params.kwonly_params or "return_attention_scores" in names or len(names) != 6:
            return updated
        extra = cst.Param(cst.Name("return_attention_scores"), default=cst.Name("False"),
                          equal=NO_SPACE)
        last = comma_after(params.params[-1])
        self.fired()
        return updated.with_changes(params=params.with_changes(params=[*params.params[:-1], last, extra]))

    # -- context ------------------------------------------------------------------
    def _is_rnn_callee(self, func: cst.BaseExpression) -> bool:
        if isinstance(func, cst.Call):
            return self._key(func.func) in _RNN_CLASSES
        return code(func) in self._rnn_names

    def _class_bases(self) -> List[str]:
        cls = self.ctx.current_class
        if cls is None:
            return []
        return [self.ctx.keras_path(base.value) or "" for base in cls.bases]

    def _in_keras_class(self) -> bool:
        # `self.add_weight` only exists on Keras layers/models/metrics; classes deriving
        # from a local base are accepted too (their root is almost always a Layer).
        return self.ctx.current_class is not None and bool(self.ctx.function_stack) and self._file_uses_keras()

    def _in_metric_class(self) -> bool:
        return any(base.startswith("metrics.") for base in self._class_bases())

    def _file_uses_keras(self) -> bool:
        return file_uses_keras(self.ctx)
