"""KM141 saved_model: SavedModel saving/loading and weight file names -> Keras 3 formats.

Keras 3 saves whole models only to `.keras` (or legacy `.h5`), weights only to
`.weights.h5`, and exports SavedModels with `model.export()`; `load_model()` no longer
reads SavedModel directories (`keras.layers.TFSMLayer` does, inference only).

Decisions are per path (a literal, an expression, or a variable assigned once): an ast
pre-pass pairs every save with the loads of the same path in the file, so the saver and
the loader are rewritten consistently (a variable's literal is rewritten where it is
assigned):
- a model path read back with a SavedModel reader (tf.saved_model.load, the TFLite
  converter) is served: `save()` -> `export()`, and `load_model()` of it -> TFSMLayer on
  the exported `serve` endpoint (wrapped in a Sequential when the code calls predict());
- any other model path gets `.keras` (Keras 3's whole-model format: it keeps the
  optimizer, so reloading to continue training keeps working); an info diagnostic says
  to use export() instead if the directory is meant for TF Serving;
- weight paths (save_weights, ModelCheckpoint(save_weights_only=True)) get `.weights.h5`.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules import _scan
from keras_migrate.rules._util import dotted, keyword_arg
from keras_migrate.spec._guide_part1 import MODEL_FILE_SUFFIXES, SAVEDMODEL_READERS, TRAINING_METHODS

__all__ = ["SavedModel"]

_LOAD_MODEL = ("models.load_model", "saving.load_model")
_SAVE_MODEL = ("models.save_model", "saving.save_model")
_CHECKPOINT = ("callbacks.ModelCheckpoint",)
_MODEL_FACTORIES = ("Model", "models.Model", "Sequential", "models.Sequential", "models.load_model",
                    "saving.load_model", "models.clone_model")
# Extensions that still mean "a TF SavedModel directory / TF checkpoint prefix".
_TF_EXTENSIONS = ("", ".tf", ".ckpt", ".model", ".savedmodel")
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,9}$")
_LOAD_MODEL_KEYWORDS_DROPPED = ("compile", "custom_objects", "safe_mode")


def _extension(tail: str) -> str:
    base = tail.rstrip("/").rsplit("/", 1)[-1]
    if base.endswith(".weights.h5"):
        return ".weights.h5"
    match = _EXTENSION.search(base)
    return match.group(0).lower() if match else ""


def _new_tail(tail: str, kind: str) -> str:
    tail = tail.rstrip("/") if tail.rstrip("/") else tail
    if kind == "weights":
        if tail.endswith(".weights.h5"):
            return tail
        for old in (".h5", ".hdf5"):
            if tail.endswith(old):
                return tail[: -len(old)] + ".weights.h5"
        return tail + ".weights.h5"
    if tail.endswith(MODEL_FILE_SUFFIXES):
        return tail
    return tail + ".keras"


@dataclasses.dataclass
class _Path:
    tail: Optional[str]  # trailing literal text, None when unknown
    key: str  # what identifies the path across calls
    var: Optional[Tuple[_scan.Scope, str]] = None  # assigned-once variable holding it


@dataclasses.dataclass
class _Event:
    kind: str  # save | save_weights | load_weights | load_model | checkpoint | reader
    scope: _scan.Scope
    call: ast.Call
    path: _Path
    target: Optional[str] = None  # name the result is assigned to
    weights_only: bool = False
    save_format: Optional[str] = None


@dataclasses.dataclass
class _Action:
    suffix_kind: Optional[str] = None  # "keras" | "weights": rewrite the path argument
    export: bool = False  # save() -> export()
    tfsm_endpoint: Optional[str] = None  # load_model() -> TFSMLayer(endpoint)
    wrap_sequential: bool = False
    drop_save_format: bool = False
    message: Optional[Tuple[str, str, Optional[str]]] = None  # severity, message, fix


class _Plan:
    def __init__(self, tree: ast.Module, names: _scan.AstNames, nodes) -> None:
        self.names = names
        self.assigns: Dict[Tuple[_scan.Scope, str], List[ast.AST]] = {}
        self.model_names: Set[Tuple[_scan.Scope, str]] = set()
        self.model_functions: Set[str] = set()
        self.methods_on: Dict[Tuple[_scan.Scope, str], Set[str]] = {}
        model_classes = self._model_classes(nodes)
        for scope, node in nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                self.assigns.setdefault((scope, name), []).append(node.value)
                if self._is_model_expr(node.value, model_classes):
                    self.model_names.add((scope, name))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name):
                self.methods_on.setdefault((scope, node.func.value.id), set()).add(node.func.attr)
        for scope, node in nodes:  # functions returning a model they built
            if isinstance(node, ast.Return) and scope and node.value is not None:
                if (isinstance(node.value, ast.Name) and (scope, node.value.id) in self.model_names) \
                        or self._is_model_expr(node.value, model_classes):
                    self.model_functions.add(scope[-1])
        for scope, node in nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                value = node.value
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
                        and value.func.id in self.model_functions:
                    self.model_names.add((scope, node.targets[0].id))
        self._targets = {id(node.value): node.targets[0].id for _, node in nodes
                         if isinstance(node, ast.Assign) and len(node.targets) == 1
                         and isinstance(node.targets[0], ast.Name)}
        self.events = [e for e in (self._event(scope, node) for scope, node in nodes
                                   if isinstance(node, ast.Call)) if e is not None]
        self.actions: Dict[Tuple[_scan.Scope, str], _Action] = {}
        self.var_edits: Dict[Tuple[_scan.Scope, str], str] = {}
        # Path variables used only as save/load paths get their literal rewritten where
        # assigned; one also used elsewhere (os.makedirs(path)) keeps its value and the
        # save/load calls append the suffix (`path + ".keras"`).
        loads: Dict[Tuple[_scan.Scope, str], int] = {}
        for scope, node in nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                for where in (scope, ()):
                    if (where, node.id) in self.assigns:
                        loads[(where, node.id)] = loads.get((where, node.id), 0) + 1
                        break
        path_uses: Dict[Tuple[_scan.Scope, str], int] = {}
        for event in self.events:
            if event.path.var is not None and event.path.key.startswith("var:"):
                path_uses[event.path.var] = path_uses.get(event.path.var, 0) + 1
        self._shared_vars = {var for var, count in path_uses.items() if loads.get(var, 0) > count}
        self._decide()

    # -- facts --------------------------------------------------------------------
    def _model_classes(self, nodes) -> Set[str]:
        classes: Set[str] = set()
        for _, node in nodes:
            if isinstance(node, ast.ClassDef):
                for base in node.bases:
                    path = self.names.keras(base)
                    if path in ("Model", "models.Model") or (isinstance(base, ast.Name) and base.id in classes):
                        classes.add(node.name)
        return classes

    def _is_model_expr(self, value: ast.AST, model_classes: Set[str]) -> bool:
        if not isinstance(value, ast.Call):
            return False
        if isinstance(value.func, ast.Name) and value.func.id in model_classes | self.model_functions:
            return True
        path = self.names.keras(value.func)
        return path is not None and (path in _MODEL_FACTORIES or path.startswith("applications."))

    def _resolve(self, expr: ast.AST, scope: _scan.Scope, depth: int = 0) -> _Path:
        key = _scan.expr_key(expr) or repr(id(expr))
        if depth > 3:
            return _Path(None, key)
        if isinstance(expr, ast.Name):
            for where in (scope, ()):
                values = self.assigns.get((where, expr.id))
                if values is not None:
                    if len(values) != 1:
                        return _Path(None, f"var:{where}:{expr.id}")
                    inner = self._resolve(values[0], where, depth + 1)
                    return _Path(inner.tail, f"var:{where}:{expr.id}", (where, expr.id) if inner.var is None and
                                 inner.tail is not None else inner.var)
            return _Path(None, key)
        tail = self._tail(expr)
        return _Path(tail, key)

    def _tail(self, expr: ast.AST) -> Optional[str]:
        value = _scan.string_value(expr)
        if value is not None:
            return value
        if isinstance(expr, ast.JoinedStr) and expr.values:
            return _scan.string_value(expr.values[-1])
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self._tail(expr.right)
        if isinstance(expr, ast.Call):
            if self.names.qualified(expr.func) == "os.path.join" and expr.args and not expr.keywords:
                return self._tail(expr.args[-1])
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
                return self._tail(expr.func.value)
        return None

    def _event(self, scope, call: ast.Call) -> Optional[_Event]:
        func = call.func
        kw = _scan.call_keywords(call)
        path_expr = None
        kind = None
        weights_only = False
        save_format = None
        if isinstance(func, ast.Attribute) and self.names.qualified(func) is None:
            if func.attr == "save":
                receiver = func.value
                is_model = (isinstance(receiver, ast.Name) and
                            ((scope, receiver.id) in self.model_names or ((), receiver.id) in self.model_names))
                if not is_model and "save_format" not in kw:
                    return None
                kind = "save"
                path_expr = call.args[0] if call.args else kw.get("filepath")
            elif func.attr in ("save_weights", "load_weights"):
                kind = func.attr
                path_expr = call.args[0] if call.args else kw.get("filepath")
        if kind is None:
            path = self.names.keras(func)
            qualified = self.names.qualified(func)
            if path in _LOAD_MODEL:
                kind, path_expr = "load_model", (call.args[0] if call.args else kw.get("filepath"))
            elif path in _SAVE_MODEL:
                kind, path_expr = "save", (call.args[1] if len(call.args) > 1 else kw.get("filepath"))
            elif path in _CHECKPOINT:
                kind, path_expr = "checkpoint", (call.args[0] if call.args else kw.get("filepath"))
                flag = kw.get("save_weights_only")
                weights_only = isinstance(flag, ast.Constant) and flag.value is True
                if len(call.args) > 4:  # positional save_weights_only: leave to a human
                    weights_only = isinstance(call.args[4], ast.Constant) and call.args[4].value is True
            elif qualified in SAVEDMODEL_READERS:
                kind = "reader"
                path_expr = call.args[0] if call.args else (kw.get("export_dir") or kw.get("saved_model_dir"))
            else:
                return None
        if kind == "save":
            fmt = kw.get("save_format")
            if fmt is not None:
                save_format = _scan.string_value(fmt) or "?"
        if path_expr is None:
            return None
        return _Event(kind, scope, call, self._resolve(path_expr, scope), self._targets.get(id(call)),
                      weights_only, save_format)

    # -- decisions ------------------------------------------------------------------
    def _action(self, event: _Event) -> _Action:
        key = (event.scope, _scan.expr_key(event.call) or "")
        return self.actions.setdefault(key, _Action())

    def _suffix(self, event: _Event, kind: str) -> None:
        if event.path.var is not None and event.path.var not in self._shared_vars:
            self.var_edits[event.path.var] = kind
        else:
            self._action(event).suffix_kind = kind

    def _decide(self) -> None:
        by_key: Dict[str, List[_Event]] = {}
        for event in self.events:
            by_key.setdefault(event.path.key, []).append(event)
        for key, events in by_key.items():
            kinds = {e.kind for e in events}
            served = "reader" in kinds
            for event in events:
                tail, ext = event.path.tail, _extension(event.path.tail or "")
                if event.kind == "save":
                    if tail is None:
                        if event.save_format == "tf":
                            self._action(event).message = (
                                "warning", "save_format='tf' (SavedModel) is not supported by Keras 3 model.save()",
                                "save to a path ending in .keras, or call model.export(path) to write a SavedModel "
                                "for serving")
                        continue
                    if ext not in _TF_EXTENSIONS and event.save_format not in ("tf", "keras", "h5"):
                        continue
                    if event.save_format == "h5" or ext in (".h5", ".hdf5", ".keras"):
                        if event.save_format is not None:
                            self._action(event).drop_save_format = True
                        if event.save_format == "h5" and ext not in (".h5", ".hdf5"):
                            self._action(event).message = (
                                "warning", "save_format='h5' needs a path ending in .h5 in Keras 3",
                                "end the path with .h5 (or .keras, the recommended format)")
                        continue
                    action = self._action(event)
                    action.drop_save_format = event.save_format is not None
                    if served and isinstance(event.call.func, ast.Attribute):
                        action.export = True
                        for other in ("signatures", "options", "include_optimizer", "overwrite"):
                            if other in _scan.call_keywords(event.call):
                                action.message = ("warning", f"model.export() has no {other}= argument",
                                                  f"remove {other}=...; for custom signatures use "
                                                  "keras.export.ExportArchive")
                    else:
                        self._suffix(event, "keras")
                        if not served:
                            action.message = ("info", "saved as a .keras file (Keras 3 model.save() cannot write "
                                              "SavedModel directories)",
                                              None)
                elif event.kind == "checkpoint":
                    if tail is None:
                        self._action(event).message = (
                            "warning", "Keras 3 ModelCheckpoint needs a filepath ending in "
                            + (".weights.h5" if event.weights_only else ".keras"),
                            "end the filepath with " + (".weights.h5" if event.weights_only else ".keras"))
                        continue
                    if event.weights_only:
                        if not tail.endswith(".weights.h5"):
                            self._suffix(event, "weights")
                    elif ext not in (".keras", ".h5"):
                        self._suffix(event, "keras")
                elif event.kind == "save_weights":
                    if tail is None:
                        self._action(event).message = (
                            "warning", "Keras 3 save_weights() needs a path ending in .weights.h5",
                            "end the path with .weights.h5 (and load_weights() the same path)")
                    elif not tail.endswith(".weights.h5") and ext in _TF_EXTENSIONS + (".h5", ".hdf5"):
                        self._suffix(event, "weights")
                elif event.kind == "load_weights":
                    if "save_weights" in kinds or any(e.kind == "checkpoint" and e.weights_only for e in events):
                        if tail is not None and not tail.endswith(".weights.h5"):
                            self._suffix(event, "weights")  # renamed together with its writer
                        continue
                    if tail is None or ext in ("", ".tf", ".ckpt"):
                        self._action(event).message = (
                            "warning", "Keras 3 load_weights() reads only .weights.h5, .keras and legacy .h5 files, "
                            "not TF checkpoints",
                            "re-save these weights with Keras 2 as .h5 (model.save_weights('w.h5')) or point this "
                            "call at a .weights.h5 file")
                elif event.kind == "load_model":
                    self._decide_load(event, events, served)

    def _decide_load(self, event: _Event, events: List[_Event], served: bool) -> None:
        tail, ext = event.path.tail, _extension(event.path.tail or "")
        saved_here = any(e.kind in ("save", "checkpoint") for e in events)
        if saved_here and not served:
            if tail is not None and ext not in (".keras", ".h5", ".hdf5"):
                self._suffix(event, "keras")
            return
        if tail is None or ext not in _TF_EXTENSIONS:
            return
        methods = set()
        if event.target is not None:
            methods = self.methods_on.get((event.scope, event.target), set())
        action = self._action(event)
        trained = methods & set(TRAINING_METHODS)
        if trained:
            action.message = (
                "error", "load_model() of a SavedModel directory: Keras 3 can only reload it inference-only "
                "(keras.layers.TFSMLayer), but this model is then trained",
                "save the model to a .keras file instead (model.save('model.keras')) and load_model() that file")
            return
        if saved_here:  # exported by this file: the `serve` endpoint returns the tensor itself
            action.tfsm_endpoint = "serve"
            action.wrap_sequential = bool(methods & {"predict", "predict_on_batch", "summary"})
            return
        if methods & {"predict", "evaluate", "predict_on_batch", "summary", "get_layer", "layers"}:
            action.message = (
                "warning", "load_model() of a SavedModel directory is not supported by Keras 3",
                "re-save the model with Keras 2 as .keras/.h5 and load that file, or use "
                "keras.Sequential([keras.layers.TFSMLayer(path, call_endpoint='serving_default')]) "
                "(outputs become a dict keyed by output name)")
            return
        action.tfsm_endpoint = "serving_default"
        action.message = (
            "warning", "reloaded as keras.layers.TFSMLayer (inference only); the 'serving_default' signature "
            "returns a dict of outputs keyed by output name",
            "index the outputs (e.g. list(outputs.values())[0]) or re-save the model with Keras 2 as .keras")


def _string_with_tail(node: cst.BaseExpression, kind: str) -> Optional[cst.BaseExpression]:
    """The path expression with its trailing literal made a Keras 3 file name."""
    if isinstance(node, cst.Name):  # a path variable used for other things too
        suffix = ".weights.h5" if kind == "weights" else ".keras"
        return cst.BinaryOperation(left=node, operator=cst.Add(), right=cst.SimpleString(f'"{suffix}"'))
    if isinstance(node, cst.SimpleString):
        value = node.value
        prefix = ""
        while value[0] not in "'\"":
            prefix, value = prefix + value[0], value[1:]
        quote = value[:3] if value[:3] in ('"""', "'''") else value[0]
        body = value[len(quote):-len(quote)]
        new = _new_tail(body, kind)
        return None if new == body else node.with_changes(value=prefix + quote + new + quote)
    if isinstance(node, cst.FormattedString):
        parts = list(node.parts)
        if parts and isinstance(parts[-1], cst.FormattedStringText):
            new = _new_tail(parts[-1].value, kind)
            if new == parts[-1].value:
                return None
            parts[-1] = parts[-1].with_changes(value=new)
        else:
            parts.append(cst.FormattedStringText(_new_tail("", kind)))
        return node.with_changes(parts=parts)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        right = _string_with_tail(node.right, kind)
        return None if right is None else node.with_changes(right=right)
    if isinstance(node, cst.ConcatenatedString):
        right = _string_with_tail(node.right, kind)
        return None if right is None else node.with_changes(right=right)
    if isinstance(node, cst.Call) and node.args:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "format":
            inner = _string_with_tail(func.value, kind)
            return None if inner is None else node.with_changes(func=func.with_changes(value=inner))
        if isinstance(func, cst.Attribute) and func.attr.value == "join":  # os.path.join(..., "last")
            args = list(node.args)
            last = _string_with_tail(args[-1].value, kind)
            if last is None:
                return None
            args[-1] = args[-1].with_changes(value=last)
            return node.with_changes(args=args)
    return None


def _path_arg_index(call: cst.Call, positional: int) -> Optional[int]:
    for i, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == "filepath":
            return i
    if len(call.args) > positional and call.args[positional].keyword is None:
        return positional
    for i, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value in ("export_dir", "saved_model_dir"):
            return i
    return None


def _without_keyword(call: cst.Call, names) -> cst.Call:
    args = [a for a in call.args if not (a.keyword is not None and a.keyword.value in names)]
    if len(args) == len(call.args):
        return call
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT) \
            if not isinstance(call.args[-1].comma, cst.Comma) else args[-1]
    return call.with_changes(args=args)


class SavedModel(Rule):
    id = "KM141"
    name = "saved_model"
    description = "Move SavedModel saves/loads and TF-checkpoint weight paths to .keras, model.export(), TFSMLayer and .weights.h5."
    TRIGGERS = ("save", "load_model", "load_weights", "ModelCheckpoint")
    EXAMPLES = (
        # Reloaded for training in the same file: the .keras format, both sides.
        Example(
            before="""
            import os
            import keras

            model = keras.Sequential([keras.layers.Dense(2)])
            path = os.path.join(workdir, "my_model")
            model.save(path)
            model.save_weights("weights.h5")
            reloaded = keras.models.load_model(path)
            reloaded.fit(x, y)
            model.load_weights("weights.h5")
            """,
            after="""
            import os
            import keras

            model = keras.Sequential([keras.layers.Dense(2)])
            path = os.path.join(workdir, "my_model.keras")
            model.save(path)
            model.save_weights("weights.weights.h5")
            reloaded = keras.models.load_model(path)
            reloaded.fit(x, y)
            model.load_weights("weights.weights.h5")
            """,
            diagnostics=("KM141",),
        ),
        # Served: export(), and the Keras-side reload becomes a TFSMLayer.
        Example(
            before="""
            import tensorflow as tf
            import keras

            model = keras.Sequential([keras.layers.Dense(2)])
            model.save("serving_model", save_format="tf")
            served = tf.saved_model.load("serving_model")
            inference = keras.models.load_model("serving_model")
            print(inference.predict(x))
            """,
            after="""
            import tensorflow as tf
            import keras

            model = keras.Sequential([keras.layers.Dense(2)])
            model.export("serving_model")
            served = tf.saved_model.load("serving_model")
            inference = keras.Sequential([keras.layers.TFSMLayer("serving_model", call_endpoint="serve")])
            print(inference.predict(x))
            """,
        ),
        Example(
            before="""
            import keras

            ckpt = keras.callbacks.ModelCheckpoint(f"{run}/weights-{{epoch}}", save_weights_only=True)
            best = keras.callbacks.ModelCheckpoint("best_model", save_best_only=True)
            """,
            after="""
            import keras

            ckpt = keras.callbacks.ModelCheckpoint(f"{run}/weights-{{epoch}}.weights.h5", save_weights_only=True)
            best = keras.callbacks.ModelCheckpoint("best_model.keras", save_best_only=True)
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._plan: Optional[_Plan] = None
        tree = _scan.file_ast(ctx)
        if tree is not None:
            plan = _Plan(tree, _scan.names(ctx), _scan.scoped_nodes(ctx))
            if plan.actions or plan.var_edits:
                self._plan = plan

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        plan = self._plan
        if plan is None or not plan.var_edits or len(original.targets) != 1 \
                or not isinstance(original.targets[0].target, cst.Name):
            return updated
        kind = plan.var_edits.get((_scan.cst_scope(self.ctx), original.targets[0].target.value))
        if kind is None:
            return updated
        value = _string_with_tail(updated.value, kind)
        if value is None:
            return updated
        self.fired()
        return updated.with_changes(value=value)

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        plan = self._plan
        if plan is None or not plan.actions:
            return updated
        func = original.func
        if isinstance(func, cst.Attribute):
            if func.attr.value not in ("save", "save_weights", "load_weights", "load_model", "ModelCheckpoint",
                                       "save_model"):
                return updated
        elif not (isinstance(func, cst.Name) and func.value in ("load_model", "ModelCheckpoint", "save_model")):
            return updated
        action = plan.actions.get((_scan.cst_scope(self.ctx), _scan.expr_key(original) or ""))
        if action is None:
            return updated
        if action.message is not None:
            severity, message, fix = action.message
            self.report(original, message, fix=fix, severity=Severity(severity))
        result = updated
        changed = False
        if action.suffix_kind is not None:
            is_save_model = isinstance(func, cst.Attribute) and func.attr.value == "save_model" or \
                (isinstance(func, cst.Name) and func.value == "save_model")
            index = _path_arg_index(result, 1 if is_save_model else 0)
            if index is not None:
                value = _string_with_tail(result.args[index].value, action.suffix_kind)
                if value is not None:
                    args = list(result.args)
                    args[index] = args[index].with_changes(value=value)
                    result = result.with_changes(args=args)
                    changed = True
        if action.drop_save_format:
            result = _without_keyword(result, ("save_format",))
            changed = True
        if action.export and isinstance(result.func, cst.Attribute):
            result = _without_keyword(result, ("save_format", "include_optimizer", "overwrite"))
            result = result.with_changes(func=result.func.with_changes(attr=cst.Name("export")))
            changed = True
        if action.tfsm_endpoint is not None:
            keras_name = self.ctx.require_keras()
            args = [a for a in result.args if a.keyword is None or a.keyword.value not in _LOAD_MODEL_KEYWORDS_DROPPED]
            path_arg = args[0].with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT,
                                            comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            layer = cst.Call(
                func=dotted(f"{keras_name}.layers.TFSMLayer"),
                args=[path_arg, cst.Arg(keyword=cst.Name("call_endpoint"), value=cst.SimpleString(f'"{action.tfsm_endpoint}"'),
                                        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                              whitespace_after=cst.SimpleWhitespace("")))],
            )
            if action.wrap_sequential:
                result = cst.Call(func=dotted(f"{keras_name}.Sequential"),
                                  args=[cst.Arg(cst.List([cst.Element(layer)]))])
            else:
                result = layer
            changed = True
        if changed:
            self.fired()
        return result
