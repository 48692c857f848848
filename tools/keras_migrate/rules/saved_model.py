"""KM141 saved_model: SavedModel saving/loading and weight file names -> Keras 3 formats.

Keras 3 saves whole models only to `.keras` (or legacy `.h5`), weights only to
`.weights.h5`, and exports SavedModels with `model.export()`; `load_model()` no longer
reads SavedModel directories (`keras.layers.TFSMLayer` does, inference only).

Decisions are per file, not per call: an ast pre-pass models every save/load path as a
*shape* (rules/_paths.py: literals, os.path.join, f-strings, `+`, str.format, pathlib,
variables assigned once) and groups the calls that may name the same file, a
ModelCheckpoint `{epoch:02d}` template with the `load_model("ckpt/epoch_02")` that reads
one of its files included. Each group is rewritten as a whole, or not at all with a
warning on every end: a saver renamed without its loader breaks silently.
- a model path read back with a SavedModel reader (tf.saved_model.load, the TFLite
  converter) is served: `save()` -> `export()`, and `load_model()` of it -> TFSMLayer on
  the exported `serve` endpoint (wrapped in a Sequential when the code calls predict());
- any other model path gets `.keras` (Keras 3's whole-model format: it keeps the
  optimizer, so reloading to continue training keeps working); an info diagnostic says
  to use export() instead if the directory is meant for TF Serving. A legacy `.h5` file
  that the program reloads with load_model() moves to `.keras` too: Keras 3 cannot
  restore the compiled loss/metrics of an .h5 file ("Could not deserialize
  'keras.metrics.mse'") nor its TF-op layers;
- an .h5 file the program only reads (one a Keras 2 program wrote) is loaded with
  keras_migrate_runtime.keras2_load_model, which compiles the model as Keras 2 did from
  the file's training config (loss and metrics by name, the optimizer's configuration,
  its state matched by name): Keras 3.15's reader fails on a loss saved by name, makes a
  default optimizer of Keras 2's and drops its state (found on Keras 2 files of four
  compiled models: every continued training differed or crashed);
- weight paths (save_weights, ModelCheckpoint(save_weights_only=True)) get `.weights.h5`;
- the name is changed where it is written: in the call, or where the variable holding
  the whole path is assigned (so `os.path.exists(path)` guards follow it), except for a
  variable that also names a directory (`os.makedirs(path)`), which keeps its value;
- Keras 2 created the parent directories of SavedModel, TF-checkpoint and .h5 writes;
  Keras 3's model.save() and save_weights() do not (ModelCheckpoint and export() do), so
  an `os.makedirs(parent, exist_ok=True)` line precedes such a save unless the parent is
  known to exist;
- a reloaded file that was a SavedModel or .h5 in Keras 2 gets what Keras 3's .keras
  reader needs and Keras 2 did without: the file's custom layer classes and Lambda
  functions in `custom_objects=`, and `safe_mode=False` for Lambda layers holding a
  Python lambda;
- a SavedModel reloaded and then trained: Keras 2 restored its optimizer without state
  (iterations 0), the .keras reader restores it; the reload is wrapped in
  keras_migrate_runtime.keras2_fresh_optimizer(...) (found by keras-migrate verify on an
  independent program: the continued training differed on every backend).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, ast_walk
from keras_migrate.rules import _paths, _scan
from keras_migrate.rules._util import COMMA, comma_after, comma_separated, dotted, keyword, keyword_arg, with_keyword
from keras_migrate.spec._guide_part1 import (
    DIRECTORY_PROBES,
    MODEL_FILE_SUFFIXES,
    PATH_PROBES,
    SAVEDMODEL_READERS,
    TRAINING_METHODS,
)

__all__ = ["SavedModel"]

_LOAD_MODEL = ("models.load_model", "saving.load_model")
_SAVE_MODEL = ("models.save_model", "saving.save_model")
_CHECKPOINT = ("callbacks.ModelCheckpoint",)
_FITS = frozenset({"fit", "fit_generator", "train_on_batch"})
FRESH_OPTIMIZER = "keras2_fresh_optimizer"  # keras_migrate_runtime.saving
KERAS2_LOAD_MODEL = "keras2_load_model"  # keras_migrate_runtime.saving
_LAMBDA = ("layers.Lambda", "layers.core.Lambda")
# Extensions that still mean "a TF SavedModel directory / TF checkpoint prefix".
_TF_EXTENSIONS = ("", ".tf", ".ckpt", ".model", ".savedmodel")
_H5 = (".h5", ".hdf5")
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,9}$")
_LOAD_MODEL_KEYWORDS_DROPPED = ("compile", "custom_objects", "safe_mode")
_LATEST_CHECKPOINT = ("tensorflow.train.latest_checkpoint", "tensorflow.compat.v1.train.latest_checkpoint")
_WRITERS = ("save", "save_weights", "checkpoint")
_SUFFIX = {"keras": ".keras", "weights": ".weights.h5"}


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
        for old in _H5:
            if tail.endswith(old):
                return tail[: -len(old)] + ".weights.h5"
        return tail + ".weights.h5"
    if tail.endswith(".keras"):
        return tail
    for old in _H5:  # only reached for an .h5 file reloaded by load_model()
        if tail.endswith(old):
            return tail[: -len(old)] + ".keras"
    return tail + ".keras"


@dataclasses.dataclass
class _Event:
    kind: str  # save | save_weights | load_weights | load_model | checkpoint | reader | probe | dir_probe
    scope: _scan.Scope
    call: ast.Call
    arg: ast.AST  # the path expression
    shape: _paths.Shape
    pattern: _paths.Shape  # what it matches: the shape, with a checkpoint's {epoch} fields as holes
    carrier: Union[None, str, _paths.VarKey]
    target: Optional[str] = None  # name the result is assigned to
    weights_only: bool = False
    save_format: Optional[str] = None
    model_receiver: bool = True  # save(): the receiver is known to be a Keras model
    in_expression: bool = False  # inside a lambda/comprehension: no statement to add before
    subclass: Optional[str] = None  # save(): the model is an instance of this file's Model subclass

    @property
    def tail(self) -> Optional[str]:
        return _paths.tail_text(self.shape)

    @property
    def ext(self) -> Optional[str]:
        return None if self.tail is None else _extension(self.tail)

    @property
    def line(self) -> int:
        return self.call.lineno


@dataclasses.dataclass
class _MakeDirs:
    parent: Optional[_paths.Shape]  # the directory's shape; None: unknown (`dirname(p) or "."`)
    scope: _scan.Scope


@dataclasses.dataclass
class _Action:
    suffix_kind: Optional[str] = None  # "keras" | "weights": rewrite the path argument
    export: bool = False  # save() -> export()
    tfsm_endpoint: Optional[str] = None  # load_model() -> TFSMLayer(endpoint)
    wrap_sequential: bool = False
    drop_save_format: bool = False
    makedirs: Optional[_MakeDirs] = None  # create the parent directory first
    custom_objects: Tuple[str, ...] = ()  # names to pass in custom_objects=
    unsafe_lambdas: bool = False  # add safe_mode=False
    fresh_optimizer: bool = False  # load_model(...) -> keras2_fresh_optimizer(load_model(...))
    keras2_h5: bool = False  # load_model(<a .h5 file>) -> keras2_load_model(<the same arguments>)
    messages: List[Tuple[str, str, Optional[str]]] = dataclasses.field(default_factory=list)

    def say(self, severity: str, message: str, fix: Optional[str] = None) -> None:
        if (severity, message, fix) not in self.messages:
            self.messages.append((severity, message, fix))


class _Plan:
    def __init__(self, tree: ast.Module, names: _scan.AstNames, nodes) -> None:
        self.names = names
        self.paths = _paths.PathModel(nodes, names)
        self.model_names: Set[Tuple[_scan.Scope, str]] = set()
        self.model_functions: Set[str] = set()
        self.methods_on: Dict[Tuple[_scan.Scope, str], Set[str]] = {}
        model_classes = self._model_classes(nodes)
        assigns = [(scope, node) for scope, node in nodes if isinstance(node, ast.Assign)
                   and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)]
        # Instances of the file's own keras.Model subclasses: Keras 3 rebuilds them from
        # get_config() on reload, where Keras 2 revived them from the SavedModel.
        self.subclass_of: Dict[Tuple[_scan.Scope, str], str] = {}
        for scope, node in assigns:
            if self._is_model_expr(node.value, model_classes):
                self.model_names.add((scope, node.targets[0].id))
                if isinstance(node.value.func, ast.Name) and node.value.func.id in model_classes:
                    self.subclass_of[(scope, node.targets[0].id)] = node.value.func.id
        for scope, node in nodes:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name):
                self.methods_on.setdefault((scope, node.func.value.id), set()).add(node.func.attr)
        for scope, node in nodes:  # functions returning a model they built
            if isinstance(node, ast.Return) and scope and node.value is not None:
                if (isinstance(node.value, ast.Name) and (scope, node.value.id) in self.model_names) \
                        or self._is_model_expr(node.value, model_classes):
                    self.model_functions.add(scope[-1])
        for scope, node in assigns:
            value = node.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
                    and value.func.id in self.model_functions:
                self.model_names.add((scope, node.targets[0].id))
        self._targets = {id(node.value): node.targets[0].id for _, node in assigns}
        self._in_expression = _calls_in_expressions(nodes)
        self._lambdas = _LambdaFunctions(nodes, names)
        self._custom_classes = sorted(_module_level_model_classes(tree, names))
        # Where each module-level def/class starts: a module-level load_model() can name
        # in custom_objects only what is defined above it (NameError otherwise).
        self._defined_at = {node.name: node.lineno for node in tree.body
                            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))}
        self.events = [e for e in (self._event(scope, node) for scope, node in nodes
                                   if isinstance(node, ast.Call)) if e is not None]
        self.actions: Dict[Tuple[_scan.Scope, str], _Action] = {}
        self.var_edits: Dict[_paths.VarKey, str] = {}
        for group in self._groups():
            self._decide(group)
        # Names of the calls with actions: the CST pass keys the others out cheaply.
        self.call_names = {_call_name(e.call.func) for e in self.events}

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
        return path is not None and (path in _scan.MODEL_FACTORIES or path.startswith("applications."))

    def _event(self, scope, call: ast.Call) -> Optional[_Event]:
        func = call.func
        kw = _scan.call_keywords(call)
        path_expr = None
        kind = None
        weights_only = False
        save_format = None
        model_receiver = True
        qualified = self.names.qualified(func)
        if isinstance(func, ast.Attribute) and qualified is None:
            if func.attr == "save":
                receiver = func.value
                model_receiver = (isinstance(receiver, ast.Name) and
                                  ((scope, receiver.id) in self.model_names or ((), receiver.id) in self.model_names)) \
                    or "save_format" in kw
                kind = "save"  # an unknown receiver counts only if load_model() reads the path
                path_expr = call.args[0] if call.args else kw.get("filepath")
            elif func.attr in ("save_weights", "load_weights"):
                kind = func.attr
                path_expr = call.args[0] if call.args else kw.get("filepath")
            elif func.attr in ("exists", "is_file") and not call.args:  # pathlib
                kind, path_expr = "probe", func.value
        if kind is None:
            path = self.names.keras(func)
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
                path_expr = call.args[0] if call.args else next(
                    (kw[k] for k in ("export_dir", "saved_model_dir", "input_saved_model_dir") if k in kw), None)
            elif qualified in PATH_PROBES and call.args:
                kind, path_expr = "probe", call.args[0]
            elif qualified in DIRECTORY_PROBES and call.args:
                kind, path_expr = "dir_probe", call.args[0]
            else:
                return None
        if kind == "save":
            fmt = kw.get("save_format")
            if fmt is not None:
                save_format = _scan.string_value(fmt) or "?"
        if path_expr is None:
            return None
        shape = self.paths.shape(path_expr, scope)
        pattern = _paths.template(shape) if kind == "checkpoint" else shape
        return _Event(kind, scope, call, path_expr, shape, pattern, self.paths.carrier(path_expr, scope),
                      self._targets.get(id(call)), weights_only, save_format, model_receiver,
                      id(call) in self._in_expression, self._subclass(call, scope, kind))

    def _subclass(self, call: ast.Call, scope: _scan.Scope, kind: str) -> Optional[str]:
        model = None
        if kind == "save":
            model = call.func.value if isinstance(call.func, ast.Attribute) and len(call.args) < 2 else (
                call.args[0] if call.args else None)
        if not isinstance(model, ast.Name):
            return None
        return self.subclass_of.get((scope, model.id)) or self.subclass_of.get(((), model.id))

    # -- grouping -------------------------------------------------------------------
    def _groups(self) -> List[List[_Event]]:
        """Events whose paths may name the same file, in source order."""
        events = self.events
        parent = list(range(len(events)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(len(events)):
            for j in range(i):
                if root(i) != root(j) and _paths.may_match(events[i].pattern, events[j].pattern):
                    parent[root(i)] = root(j)
        groups: Dict[int, List[_Event]] = {}
        for i, event in enumerate(events):
            groups.setdefault(root(i), []).append(event)
        return list(groups.values())

    # -- decisions ------------------------------------------------------------------
    def _action(self, event: _Event) -> _Action:
        key = (event.scope, _scan.expr_key(event.call) or "")
        return self.actions.setdefault(key, _Action())

    def _decide(self, events: List[_Event]) -> None:
        kinds = {e.kind for e in events}
        if "reader" in kinds:
            self._decide_served(events)
            return
        reloaded = "load_model" in kinds
        model_writers = [e for e in events if (e.kind == "save" and (e.model_receiver or reloaded))
                         or (e.kind == "checkpoint" and not e.weights_only)]
        weight_writers = [e for e in events if e.kind == "save_weights"
                          or (e.kind == "checkpoint" and e.weights_only)]
        if model_writers and weight_writers:
            for event in model_writers + weight_writers:
                self._action(event).say(
                    "warning", "this path is written both as a whole model and as weights; Keras 3 needs "
                    "different file names (.keras and .weights.h5)",
                    "give the model file a .keras name and the weights file a .weights.h5 name, and load "
                    "each from its own name")
            return
        if model_writers or weight_writers:
            kind = "keras" if model_writers else "weights"
            members = [e for e in events if e.kind != "save" or e in model_writers]
            self._decide_files(members, kind, reloaded)
            return
        for event in events:
            if event.kind == "load_weights":
                self._decide_external_weights(event)
            elif event.kind == "load_model":
                self._decide_external_load(event)

    def _needs_new_name(self, event: _Event, kind: str, reloaded: bool) -> bool:
        """Whether this end's (known) file name must change for Keras 3."""
        ext = event.ext
        if kind == "weights":
            return ext != ".weights.h5"
        if ext == ".keras":
            return False
        if ext in _H5 or (event.save_format == "h5" and ext in _TF_EXTENSIONS):
            return reloaded  # Keras 3 writes .h5 fine, but cannot reload it faithfully
        return event.kind != "save" or event.model_receiver or event.save_format is not None or reloaded

    def _decide_files(self, events: List[_Event], kind: str, reloaded: bool) -> None:
        dir_probes = [e for e in events if e.kind == "dir_probe"]
        events = [e for e in events if e.kind != "dir_probe"]  # warned about, never renamed
        known = [e for e in events if e.tail is not None]
        unknown = [e for e in events if e.tail is None]
        writers = [e for e in events if e.kind in _WRITERS]
        has_reader = any(e.kind in ("load_model", "load_weights") for e in events)
        renamed = [e for e in known if self._needs_new_name(e, kind, reloaded)]
        if kind == "weights" and any(e.kind == "save_weights" for e in events):
            for event in events:
                if event.kind == "load_weights" and any(
                        k.arg == "by_name" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                        for k in event.call.keywords):
                    self._action(event).say(
                        "warning", "Keras 3 load_weights(by_name=True) reads only legacy .h5 weights (Keras 2's); "
                        "the .weights.h5 file Keras 3 saves here loads by model structure only",
                        "copy the weights of the layers both models name alike: `for layer in model.layers: "
                        "layer.set_weights(source.get_layer(layer.name).get_weights())` (or drop by_name where "
                        "both models have the same layers)")
        if unknown:
            if not known:
                renamed = unknown if has_reader else []
            elif renamed and len(renamed) == len(known) and not any(e.ext in _H5 for e in known):
                renamed = renamed + unknown  # every end gets the same suffix appended
            elif renamed:  # `f"{name}"` next to "model.h5": the suffix cannot be made the same
                for event in renamed + unknown:
                    self._action(event).say(
                        "warning", "this path is built at run time and may name the file saved or loaded at "
                        f"line(s) {_lines(renamed + unknown, event)}; Keras 3 needs it to end in "
                        f"{_SUFFIX[kind]}", f"end every one of these paths with {_SUFFIX[kind]}")
                return
        for event in writers:
            if event.tail is None and event not in renamed:
                self._unknown_writer(event, kind)
        if not renamed:
            for event in writers:
                self._keep_format(event)
            return
        stuck = [e for e in renamed if e.carrier is None]
        if stuck:
            for event in renamed:
                self._action(event).say(
                    "warning", f"Keras 3 needs this file name to end in {_SUFFIX[kind]}, but the path at line(s) "
                    f"{_lines(stuck, None)} cannot be rewritten, and every save and load of it must change "
                    "together", f"end the path with {_SUFFIX[kind]} here and at line(s) {_lines(renamed, event)}")
            return
        for event in renamed:
            self._rename(event, kind)
        for event in writers:
            if event not in renamed:
                self._keep_format(event)
            elif event.save_format is not None:
                self._action(event).drop_save_format = True
        for event in renamed:
            if event.kind == "save" and event.ext not in _H5 and event.save_format != "h5":
                self._action(event).say("info", "saved as a .keras file (Keras 3 model.save() cannot write "
                                        "SavedModel directories)")
        for event in dir_probes:
            self._action(event).say(
                "warning", f"this tests or lists a SavedModel directory or TF checkpoint; Keras 3 writes a single "
                f"{_SUFFIX[kind]} file instead (a listing fails: \"Not a directory\")",
                f"test os.path.exists() of the {_SUFFIX[kind]} file, or list its parent directory, instead")
        for event in events:
            if event.kind == "load_model" and event in renamed:
                self._reload_needs(event, [e for e in renamed if e.kind in _WRITERS])
        for event in renamed:
            if event.kind in ("save", "save_weights") and self._created_parents(event):
                self._makedirs(event)

    def _rename(self, event: _Event, kind: str) -> None:
        carrier = event.carrier
        if isinstance(carrier, tuple) and carrier not in self.paths.directory_vars:
            self.var_edits[carrier] = kind
        else:
            self._action(event).suffix_kind = kind

    def _unknown_writer(self, event: _Event, kind: str) -> None:
        what = {"save": "model.save()", "save_weights": "save_weights()", "checkpoint": "ModelCheckpoint"}[event.kind]
        suffix = ".weights.h5" if kind == "weights" or event.weights_only else ".keras"
        if event.kind == "save" and event.save_format == "tf":
            self._action(event).say(
                "warning", "save_format='tf' (SavedModel) is not supported by Keras 3 model.save()",
                "save to a path ending in .keras, or call model.export(path) to write a SavedModel for serving")
            return
        self._action(event).say(
            "warning", f"Keras 3 {what} needs a {'filepath' if event.kind == 'checkpoint' else 'path'} ending in "
            f"{suffix}{' (or .h5)' if suffix == '.keras' and event.kind == 'save' else ''}; this one is built "
            "at run time", f"end the {'filepath' if event.kind == 'checkpoint' else 'path'} with {suffix}"
            + (" (and load_weights() the same path)" if event.kind == "save_weights" else ""))

    def _keep_format(self, event: _Event) -> None:
        """A writer whose file name stays: only save_format= needs care."""
        if event.kind != "save" or event.save_format is None:
            return
        ext = event.ext
        action = self._action(event)
        if ext in MODEL_FILE_SUFFIXES or event.save_format in ("h5", "keras"):
            action.drop_save_format = True
            if event.save_format == "h5" and ext not in _H5:
                action.say("warning", "save_format='h5' needs a path ending in .h5 in Keras 3",
                           "end the path with .h5 (or .keras, the recommended format)")

    def _created_parents(self, event: _Event) -> bool:
        """Keras 2 made the missing parent directories of this write (a SavedModel, a TF
        checkpoint, a whole-model .h5); the Keras 3 write that replaces it does not."""
        if event.kind == "save_weights":
            return event.ext not in _H5
        return True

    def _makedirs(self, event: _Event) -> None:
        parent = _paths.dir_shape(event.shape)
        if parent is not None and (not parent or parent in self.paths.existing_dirs):
            return
        action = self._action(event)
        if event.in_expression:
            action.say("warning", "Keras 2 created the missing parent directories of this save; Keras 3 does not",
                       "create the directory first: os.makedirs(os.path.dirname(path), exist_ok=True)")
            return
        action.makedirs = _MakeDirs(parent, event.scope)

    def _reload_needs(self, load: _Event, writers: Sequence[_Event]) -> None:
        """What Keras 3's .keras reader needs that Keras 2's SavedModel/.h5 reader did not."""
        action = self._action(load)
        keywords = _scan.call_keywords(load.call)
        from_savedmodel = not writers or any(e.ext not in _H5 and e.save_format != "h5" for e in writers)
        wanted = list(self._lambdas.functions)
        if from_savedmodel:  # Keras 2 revived custom classes from the SavedModel itself
            wanted = self._custom_classes + wanted
        if not load.scope:  # module level: only what exists when the load runs
            wanted = [n for n in wanted if self._defined_at.get(n, 0) < load.call.lineno]
        given = _dict_keys(keywords.get("custom_objects"))
        if given is not None or "custom_objects" not in keywords:
            action.custom_objects = tuple(n for n in wanted if n not in (given or ()))
        elif wanted:
            action.say("warning", "Keras 3 needs the custom layers and Lambda functions of this model in "
                       "custom_objects= to reload it",
                       "add " + ", ".join(f"{n!r}: {n}" for n in wanted) + " to custom_objects")
        for cls in sorted({e.subclass for e in writers if e.subclass and e.ext not in _H5}):
            action.say("warning", f"Keras 3 rebuilds the subclassed model {cls} from its get_config() and build() "
                       "when it reloads the .keras file (Keras 2 revived it from the SavedModel)",
                       f"check that {cls} reloads (get_config() returning its __init__ arguments, a build() "
                       f"method), or save_weights() and load_weights() into a new {cls}(...) instead")
        if self._lambdas.lambdas and "safe_mode" not in keywords:
            action.unsafe_lambdas = True
        methods = self.methods_on.get((load.scope, load.target), set()) if load.target is not None else set()
        if from_savedmodel and methods & _FITS:
            # Keras 2 reloaded a SavedModel's optimizer without its state (iterations 0):
            # training the reloaded model restarted the optimizer (measured, tf_keras 2.21)
            action.fresh_optimizer = True
        if self._lambdas.global_lambdas:
            action.say("warning", "Keras 3 reloads a Lambda layer's Python lambda without this program's globals, "
                       "so the lambda at line(s) " + ", ".join(map(str, sorted(set(self._lambdas.global_lambdas))))
                       + " fails with a NameError when the model is reloaded",
                       "make the lambda a named function (def fn(x): ...) defined at module level; it is then "
                       "passed in custom_objects")

    def _decide_served(self, events: List[_Event]) -> None:
        for event in events:
            tail, ext = event.tail, event.ext
            if event.kind == "save" and event.model_receiver:
                if tail is None:
                    if event.save_format == "tf":
                        self._action(event).say(
                            "warning", "save_format='tf' (SavedModel) is not supported by Keras 3 model.save()",
                            "save to a path ending in .keras, or call model.export(path) to write a SavedModel "
                            "for serving")
                    continue
                if ext not in _TF_EXTENSIONS and event.save_format not in ("tf", "keras", "h5"):
                    continue
                if event.save_format == "h5" or ext in MODEL_FILE_SUFFIXES:
                    self._keep_format(event)
                    continue
                action = self._action(event)
                action.drop_save_format = event.save_format is not None
                if isinstance(event.call.func, ast.Attribute):
                    action.export = True
                    for other in ("signatures", "options", "include_optimizer", "overwrite"):
                        if other in _scan.call_keywords(event.call):
                            action.say("warning", f"model.export() has no {other}= argument",
                                       f"remove {other}=...; for custom signatures use keras.export.ExportArchive")
                else:
                    self._rename(event, "keras")
            elif event.kind == "load_model":
                self._decide_load(event, saved_here=any(e.kind in ("save", "checkpoint") for e in events),
                                  served=True)

    def _decide_external_weights(self, event: _Event) -> None:
        ext = event.ext
        if event.tail is not None and ext not in ("", ".tf", ".ckpt"):
            return
        action = self._action(event)
        if self._is_latest_checkpoint(event.arg, event.scope):
            action.say("warning", "tf.train.latest_checkpoint() finds TF checkpoints only; Keras 3 load_weights() "
                       "reads .weights.h5 files (and ModelCheckpoint writes those)",
                       "load a known file (e.g. filepath.format(epoch=N) of the ModelCheckpoint), or the newest "
                       "one: max(glob.glob(os.path.join(checkpoint_dir, '*.weights.h5')), key=os.path.getmtime)")
            return
        action.say("warning", "Keras 3 load_weights() reads only .weights.h5, .keras and legacy .h5 files, "
                   "not TF checkpoints",
                   "re-save these weights with Keras 2 as .h5 (model.save_weights('w.h5')) or point this "
                   "call at a .weights.h5 file")

    def _is_latest_checkpoint(self, expr: ast.AST, scope: _scan.Scope) -> bool:
        if isinstance(expr, ast.Name):
            found = self.paths.single_value(expr.id, scope)
            if found is None:
                return False
            expr = found[1]
        return isinstance(expr, ast.Call) and self.names.qualified(expr.func) in _LATEST_CHECKPOINT

    def _decide_external_load(self, event: _Event) -> None:
        if event.ext in _H5:
            compile_arg = _scan.call_keywords(event.call).get("compile")
            if compile_arg is None or isinstance(compile_arg, ast.Constant) and compile_arg.value is True:
                self._action(event).keras2_h5 = True
            return
        self._decide_load(event, saved_here=False, served=False)

    def _decide_load(self, event: _Event, saved_here: bool, served: bool) -> None:
        tail, ext = event.tail, event.ext
        if saved_here and not served:
            return
        if tail is None or ext not in _TF_EXTENSIONS:
            return
        methods = set()
        if event.target is not None:
            methods = self.methods_on.get((event.scope, event.target), set())
        action = self._action(event)
        trained = methods & set(TRAINING_METHODS)
        if trained:
            action.say(
                "error", "load_model() of a SavedModel directory: Keras 3 can only reload it inference-only "
                "(keras.layers.TFSMLayer), but this model is then trained",
                "save the model to a .keras file instead (model.save('model.keras')) and load_model() that file")
            return
        if saved_here:  # exported by this file: the `serve` endpoint returns the tensor itself
            action.tfsm_endpoint = "serve"
            action.wrap_sequential = bool(methods & {"predict", "predict_on_batch", "summary"})
            return
        if methods & {"predict", "evaluate", "predict_on_batch", "summary", "get_layer", "layers"}:
            action.say(
                "warning", "load_model() of a SavedModel directory is not supported by Keras 3",
                "re-save the model with Keras 2 as .keras/.h5 and load that file, or use "
                "keras.Sequential([keras.layers.TFSMLayer(path, call_endpoint='serving_default')]) "
                "(outputs become a dict keyed by output name)")
            return
        action.tfsm_endpoint = "serving_default"
        action.say(
            "warning", "reloaded as keras.layers.TFSMLayer (inference only); the 'serving_default' signature "
            "returns a dict of outputs keyed by output name",
            "index the outputs (e.g. list(outputs.values())[0]) or re-save the model with Keras 2 as .keras")


def _call_name(func: Union[ast.AST, cst.CSTNode]) -> Optional[str]:
    if isinstance(func, (ast.Attribute, cst.Attribute)):
        return func.attr if isinstance(func, ast.Attribute) else func.attr.value
    if isinstance(func, (ast.Name, cst.Name)):
        return func.id if isinstance(func, ast.Name) else func.value
    return None


def _lines(events: Sequence[_Event], but: Optional[_Event]) -> str:
    lines = sorted({e.line for e in events if e is not but}) or sorted({e.line for e in events})
    return ", ".join(map(str, lines))


def _dict_keys(node: Optional[ast.AST]) -> Optional[List[str]]:
    """The string keys of a dict literal (None when `node` is not one)."""
    if node is None or not isinstance(node, ast.Dict):
        return None
    return [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def _calls_in_expressions(nodes: Sequence[Tuple[_scan.Scope, ast.AST]]) -> Set[int]:
    """ids of the calls inside lambdas and comprehensions (no statement of their own)."""
    found: Set[int] = set()
    for _, node in nodes:
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            found.update(id(n) for n in ast_walk(node) if isinstance(n, ast.Call))
    return found


def _module_level_model_classes(tree: ast.Module, names: _scan.AstNames) -> Set[str]:
    """Module-level classes deriving (through the file's own classes) from Keras layers/models."""
    classes: Set[str] = set()
    defs = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    for node in defs:  # bases precede their subclasses in a module
        for base in node.bases:
            path = names.keras(base)
            if (path is not None and (path.startswith("layers.") or path in (
                    "Model", "models.Model", "Sequential", "models.Sequential"))) or (
                    isinstance(base, ast.Name) and base.id in classes):
                classes.add(node.name)
                break
    return classes


class _LambdaFunctions:
    """The functions of the file's Lambda layers, as Keras 3's .keras reader needs them."""

    def __init__(self, nodes, names: _scan.AstNames) -> None:
        module_functions = {node.name for scope, node in nodes
                            if not scope and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
        module_names = module_functions | set(names.bindings)
        for scope, node in nodes:
            if not scope and isinstance(node, ast.Assign):
                module_names.update(_scan.assigned_names(node.targets[0]))
        self.functions: List[str] = []  # module-level functions: passed in custom_objects
        self.lambdas: List[int] = []  # lines of Python lambdas: need safe_mode=False
        self.global_lambdas: List[int] = []  # ... that read globals: Keras 3 cannot rebuild them
        for _, node in nodes:
            if not (isinstance(node, ast.Call) and names.keras(node.func) in _LAMBDA):
                continue
            keywords = _scan.call_keywords(node)
            function = node.args[0] if node.args else keywords.get("function")
            output_shape = node.args[1] if len(node.args) > 1 else keywords.get("output_shape")
            for fn in (function, output_shape):
                if isinstance(fn, ast.Name) and fn.id in module_functions:
                    if fn.id not in self.functions:
                        self.functions.append(fn.id)
                elif isinstance(fn, ast.Lambda):
                    self.lambdas.append(fn.lineno)
                    if _free_names(fn) & module_names:
                        self.global_lambdas.append(fn.lineno)


def _free_names(function: ast.Lambda) -> Set[str]:
    params = {a.arg for a in function.args.posonlyargs + function.args.args + function.args.kwonlyargs}
    params.update(a.arg for a in (function.args.vararg, function.args.kwarg) if a is not None)
    return {n.id for n in ast_walk(function.body) if isinstance(n, ast.Name) and n.id not in params}


# -- CST edits ----------------------------------------------------------------------
def _string_with_tail(node: cst.BaseExpression, kind: str) -> Optional[cst.BaseExpression]:
    """The path expression with its trailing file name made a Keras 3 file name."""
    if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript)):  # an opaque path value
        return cst.BinaryOperation(left=node, operator=cst.Add(), right=cst.SimpleString(f'"{_SUFFIX[kind]}"'))
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
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo) \
            and isinstance(node.left, cst.SimpleString):  # "run_%d.h5" % n
        left = _string_with_tail(node.left, kind)
        return None if left is None else node.with_changes(left=left)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Divide)):
        right = _string_with_tail(node.right, kind)
        if right is not None and isinstance(node.operator, cst.Divide) and isinstance(right, cst.BinaryOperation):
            right = right.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return None if right is None else node.with_changes(right=right)
    if isinstance(node, cst.ConcatenatedString):
        right = _string_with_tail(node.right, kind)
        return None if right is None else node.with_changes(right=right)
    if isinstance(node, cst.Call) and node.args:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "format":
            inner = _string_with_tail(func.value, kind)
            if isinstance(inner, cst.BinaryOperation):
                inner = inner.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return None if inner is None else node.with_changes(func=func.with_changes(value=inner))
        # os.path.join(..., "last"), str(path), Path(a, "b"), p.joinpath("b")
        args = list(node.args)
        last = _string_with_tail(args[-1].value, kind)
        if last is None:
            return None
        args[-1] = args[-1].with_changes(value=last)
        return node.with_changes(args=args)
    return None


def _parent_dir(node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """What the spelling of a path shows as its directory part (the caller checks it
    against the path's shape: `os.path.join(a, name)` is `a` only if `name` has no "/")."""
    if isinstance(node, cst.SimpleString) and node.value[-1] in "'\"" and not node.value.startswith(("'''", '"""')):
        quote = node.value[-1]
        start = node.value.index(quote)
        body = node.value[start + 1:-1]
        if "/" not in body or "\\" in body:
            return None
        head = body[: body.rindex("/")] or "/"
        return node.with_changes(value=node.value[: start + 1] + head + quote)
    if isinstance(node, cst.FormattedString):
        parts = list(node.parts)
        for i in range(len(parts) - 1, -1, -1):
            part = parts[i]
            if isinstance(part, cst.FormattedStringText) and "/" in part.value:
                head = part.value[: part.value.rindex("/")]
                kept = parts[:i] + ([part.with_changes(value=head)] if head else [])
                if len(kept) == 1 and isinstance(kept[0], cst.FormattedStringExpression) \
                        and kept[0].conversion is None and kept[0].format_spec is None:
                    return kept[0].expression.with_changes(lpar=[], rpar=[])
                return node.with_changes(parts=kept) if kept else None
        return None
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Divide):
            return node.left
        if isinstance(node.operator, cst.Add) and isinstance(node.right, cst.SimpleString) \
                and isinstance(node.right.evaluated_value, str) and node.right.evaluated_value.startswith("/"):
            return node.left
        return None
    if isinstance(node, cst.Call) and node.args and all(a.keyword is None and not a.star for a in node.args):
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else (func.value if isinstance(func, cst.Name)
                                                                          else None)
        if name in ("str", "fspath") and len(node.args) == 1:
            return _parent_dir(node.args[0].value)
        if name == "join" and len(node.args) > 1:
            if len(node.args) == 2:
                return node.args[0].value
            args = list(node.args[:-1])
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return node.with_changes(args=args)
    return None


def _path_arg_index(call: cst.Call, positional: int) -> Optional[int]:
    for i, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == "filepath":
            return i
    if len(call.args) > positional and call.args[positional].keyword is None:
        return positional
    for i, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value in ("export_dir", "saved_model_dir", "input_saved_model_dir"):
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


def _with_custom_objects(call: cst.Call, names: Sequence[str]) -> cst.Call:
    entries = [cst.DictElement(cst.SimpleString(f'"{n}"'), cst.Name(n)) for n in names]
    existing = keyword_arg(call, "custom_objects")
    if existing is None:
        elements = comma_separated(entries, last=None)
        return with_keyword(call, "custom_objects", cst.Dict(elements))
    value = existing.value
    if isinstance(value, cst.Dict):
        old = list(value.elements)
        if old:
            old[-1] = comma_after(old[-1])
        new = old + comma_separated(entries, last=None)
        if isinstance(value.elements[-1].comma, cst.Comma):  # keep a trailing comma
            new[-1] = new[-1].with_changes(comma=value.elements[-1].comma)
        value = value.with_changes(elements=new)
    args = [a.with_changes(value=value) if a is existing else a for a in call.args]
    return call.with_changes(args=args)


class SavedModel(Rule):
    id = "KM141"
    name = "saved_model"
    description = ("Move SavedModel saves/loads and TF-checkpoint weight paths to .keras, model.export(), "
                   "TFSMLayer and .weights.h5, rewriting every save and load of a file together.")
    TRIGGERS = ("save", "load_model", "load_weights", "ModelCheckpoint")
    EXAMPLES = (
        # A module-level reload names in custom_objects only the classes defined above it
        # (handson-ml2 ch. 12: one defined cells later was a NameError).
        Example(
            before="""
            from tensorflow import keras

            class Regressor(keras.Model):
                def call(self, inputs):
                    return inputs

            model = Regressor()
            model.save("regressor")
            model = keras.models.load_model("regressor")

            class Later(keras.Model):
                def call(self, inputs):
                    return inputs
            """,
            after="""
            import keras

            class Regressor(keras.Model):
                def call(self, inputs, training=None):
                    return inputs

            model = Regressor()
            model.save("regressor.keras")
            model = keras.saving.load_model("regressor.keras", custom_objects={"Regressor": Regressor})

            class Later(keras.Model):
                def call(self, inputs, training=None):
                    return inputs
            """,
            diagnostics=("KM141", "KM141"),
            full=True,
        ),
        # Reloaded for training in the same file: the .keras format, both sides (and the
        # optimizer restarted, as Keras 2 reloaded a SavedModel's).
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
            from keras_migrate_runtime import keras2_fresh_optimizer

            model = keras.Sequential([keras.layers.Dense(2)])
            path = os.path.join(workdir, "my_model.keras")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            model.save(path)
            model.save_weights("weights.weights.h5")
            reloaded = keras2_fresh_optimizer(keras.models.load_model(path))
            reloaded.fit(x, y)
            model.load_weights("weights.weights.h5")
            """,
            diagnostics=("KM141",),
        ),
        # by_name loading reads legacy .h5 weights only: the pair is renamed, and the load
        # diagnosed with the by-name copy to write instead.
        Example(
            before="""
            import keras

            source.save_weights("shared.h5")
            target.load_weights("shared.h5", by_name=True)
            """,
            after="""
            import keras

            source.save_weights("shared.weights.h5")
            target.load_weights("shared.weights.h5", by_name=True)
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
        # A checkpoint template and the file of one epoch read back by name: both ends.
        # Keras 2 created "exports/final"'s parents; Keras 3's model.save() does not.
        Example(
            before="""
            import tensorflow as tf

            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            checkpoint = tf.keras.callbacks.ModelCheckpoint("ckpt/epoch_{epoch:02d}")
            model.fit(x, y, epochs=3, callbacks=[checkpoint])
            model.save("exports/final")
            second = tf.keras.models.load_model("ckpt/epoch_02")
            final = tf.keras.models.load_model("exports/final")
            """,
            after="""
            import tensorflow as tf
            import os

            model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
            checkpoint = tf.keras.callbacks.ModelCheckpoint("ckpt/epoch_{epoch:02d}.keras")
            model.fit(x, y, epochs=3, callbacks=[checkpoint])
            os.makedirs("exports", exist_ok=True)
            model.save("exports/final.keras")
            second = tf.keras.models.load_model("ckpt/epoch_02.keras")
            final = tf.keras.models.load_model("exports/final.keras")
            """,
        ),
        # A legacy .h5 file reloaded by the program: Keras 3 cannot restore its compiled
        # loss and metrics, nor rebuild the Lambda without safe_mode=False.
        Example(
            before="""
            from tensorflow import keras

            model = keras.Sequential([keras.layers.Lambda(lambda t: t * 0.5), keras.layers.Dense(1)])
            model.compile(loss="mse", metrics=["mae"])
            model.save("model.h5")
            restored = keras.models.load_model("model.h5")
            """,
            after="""
            from tensorflow import keras

            model = keras.Sequential([keras.layers.Lambda(lambda t: t * 0.5), keras.layers.Dense(1)])
            model.compile(loss="mse", metrics=["mae"])
            model.save("model.keras")
            restored = keras.models.load_model("model.keras", safe_mode=False)
            """,
        ),
        # .h5 files a Keras 2 program wrote, only read here: compiled as Keras 2 did.
        Example(
            before="""
            import os
            from tensorflow import keras
            from tensorflow.keras.models import load_model

            model = keras.models.load_model("pretrained/classifier.h5")
            model.fit(x, y)
            encoder = load_model(os.path.join(root, "encoder.hdf5"), custom_objects={"Block": Block})
            frozen = keras.models.load_model("pretrained/classifier.h5", compile=False)
            """,
            after="""
            import os
            from tensorflow import keras
            from tensorflow.keras.models import load_model
            from keras_migrate_runtime import keras2_load_model

            model = keras2_load_model("pretrained/classifier.h5")
            model.fit(x, y)
            encoder = keras2_load_model(os.path.join(root, "encoder.hdf5"), custom_objects={"Block": Block})
            frozen = keras.models.load_model("pretrained/classifier.h5", compile=False)
            """,
        ),
        # keras-self-attention's tests: a %-formatted temporary path, saved and reloaded.
        Example(
            before="""
            import os
            import tempfile
            from tensorflow import keras

            path = os.path.join(tempfile.gettempdir(), "att_%f.h5" % seed)
            model.save(path)
            restored = keras.models.load_model(path, custom_objects=objects)
            """,
            after="""
            import os
            import tempfile
            from tensorflow import keras

            path = os.path.join(tempfile.gettempdir(), "att_%f.keras" % seed)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            model.save(path)
            restored = keras.models.load_model(path, custom_objects=objects)
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._plan: Optional[_Plan] = None
        self._lines: List[List[cst.BaseStatement]] = []  # statements to add before the current line
        tree = _scan.file_ast(ctx)
        if tree is not None:
            plan = _Plan(tree, _scan.names(ctx), _scan.scoped_nodes(ctx))
            if plan.actions or plan.var_edits:
                self._plan = plan

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if self._plan is not None:
            self._lines.append([])

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine):
        if self._plan is None or not self._lines:
            return updated
        before = self._lines.pop()
        if not before:
            return updated
        before[0] = before[0].with_changes(leading_lines=updated.leading_lines)
        return cst.FlattenSentinel(before + [updated.with_changes(leading_lines=())])

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
        if _call_name(func) not in plan.call_names:
            return updated
        action = plan.actions.get((_scan.cst_scope(self.ctx), _scan.expr_key(original) or ""))
        if action is None:
            return updated
        for severity, message, fix in action.messages:
            self.report(original, message, fix=fix, severity=Severity(severity))
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value
        result = updated
        changed = False
        index = _path_arg_index(result, 1 if name == "save_model" else 0)
        if index is None and name in ("exists", "is_file") and isinstance(result.func, cst.Attribute):
            index = -1  # pathlib probe: the receiver is the path
        if action.makedirs is not None and index is not None and index >= 0:
            self._add_makedirs(original, result.args[index].value, action.makedirs)
        if action.suffix_kind is not None and index is not None:
            path = result.func.value if index < 0 else result.args[index].value
            value = _string_with_tail(path, action.suffix_kind)
            if value is not None:
                if index < 0:
                    if isinstance(value, cst.BinaryOperation):
                        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
                    result = result.with_changes(func=result.func.with_changes(value=value))
                else:
                    args = list(result.args)
                    args[index] = args[index].with_changes(value=value)
                    result = result.with_changes(args=args)
                changed = True
        if action.drop_save_format:
            result = _without_keyword(result, ("save_format",))
            changed = True
        if action.custom_objects:
            result = _with_custom_objects(result, action.custom_objects)
            changed = True
        if action.unsafe_lambdas:
            result = with_keyword(result, "safe_mode", cst.Name("False"))
            changed = True
        if action.export and isinstance(result.func, cst.Attribute):
            result = _without_keyword(result, ("save_format", "include_optimizer", "overwrite"))
            result = result.with_changes(func=result.func.with_changes(attr=cst.Name("export")))
            changed = True
        if action.tfsm_endpoint is not None:
            result = self._tfsm_layer(result, action)
            changed = True
        elif action.fresh_optimizer:
            self.ctx.use_runtime(FRESH_OPTIMIZER)
            result = cst.Call(func=cst.Name(FRESH_OPTIMIZER), args=[cst.Arg(result)])
            changed = True
        elif action.keras2_h5:
            self.ctx.use_runtime(KERAS2_LOAD_MODEL)
            result = result.with_changes(func=cst.Name(KERAS2_LOAD_MODEL))
            changed = True
        if changed:
            self.fired()
        return result

    def _tfsm_layer(self, call: cst.Call, action: _Action) -> cst.Call:
        keras_name = self.ctx.require_keras()
        args = [a for a in call.args if a.keyword is None or a.keyword.value not in _LOAD_MODEL_KEYWORDS_DROPPED]
        path_arg = args[0].with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, comma=COMMA)
        layer = cst.Call(
            func=dotted(f"{keras_name}.layers.TFSMLayer"),
            args=[path_arg, keyword("call_endpoint", cst.SimpleString(f'"{action.tfsm_endpoint}"'))],
        )
        if action.wrap_sequential:
            return cst.Call(func=dotted(f"{keras_name}.Sequential"), args=[cst.Arg(cst.List([cst.Element(layer)]))])
        return layer

    def _add_makedirs(self, call: cst.Call, path: cst.BaseExpression, makedirs: _MakeDirs) -> None:
        """`os.makedirs(<parent of path>, exist_ok=True)` before the statement saving to it."""
        if not self._lines:  # not a statement of its own line (`if ok: model.save(p)`)
            self.report(call, "Keras 2 created the missing parent directories of this save; Keras 3 does not",
                        fix="create the directory first: os.makedirs(os.path.dirname(path), exist_ok=True)")
            return
        os_name = self._os_name()
        parent = _parent_dir(path)
        if parent is None or makedirs.parent is None or self._shape(parent, makedirs.scope) != makedirs.parent:
            parent = cst.Call(func=dotted(f"{os_name}.path.dirname"), args=[cst.Arg(path)])
            if makedirs.parent is None:
                parent = cst.BooleanOperation(left=parent, operator=cst.Or(), right=cst.SimpleString('"."'))
        line = cst.SimpleStatementLine(body=[cst.Expr(cst.Call(
            func=dotted(f"{os_name}.makedirs"),
            args=[cst.Arg(parent, comma=COMMA), keyword("exist_ok", cst.Name("True"))],
        ))])
        self._lines[-1].append(line)

    def _shape(self, node: cst.BaseExpression, scope: _scan.Scope) -> Optional[_paths.Shape]:
        try:
            expr = ast.parse(cst.Module([]).code_for_node(node).strip(), mode="eval").body
        except SyntaxError:
            return None
        return self._plan.paths.shape(expr, scope)

    def _os_name(self) -> str:
        for local, target in _scan.names(self.ctx).bindings.items():
            if target == "os":
                return local
        self.ctx.add_import("os")
        return "os"
