"""KM205 train_step: custom train_step/test_step -> compute_loss, or a per-backend dispatch.

The guide: when a train_step override only customises the loss (the keras.io pattern:
GradientTape + forward pass + loss, then tape.gradient / apply_gradients / metrics
update), override `compute_loss(x, y, y_pred, sample_weight, training)` instead: it
works on every backend, and Keras' own train_step / test_step do the rest. A
train_step/test_step that is Keras 2's default step (the compiled loss with
`regularization_losses=self.losses` and the step's own sample weights, the compiled
metrics, `{m.name: m.result() ...}`) goes entirely.

Keras 2 semantics the compute_loss() keeps (measured against tf_keras 2.21):
* `self.compiled_loss(y, y_pred)` without `regularization_losses` left the model's
  regularization losses out: it becomes keras_migrate_runtime.keras2_compiled_loss(...)
  (super().compute_loss() always adds them); with `regularization_losses=self.losses`
  it becomes super().compute_loss(...) with the call's own arguments;
* evaluate() ran Keras 2's default test_step (the compiled loss), not the custom loss:
  compute_loss(training=False) returns that;
* fit() logged only the compiled part of a larger loss as "loss": Keras 3 logs what
  compute_loss() returns, which is diagnosed.

When the override changes the optimisation itself (gradient clipping, several
optimizers, extra updates), it is kept as Keras 2 wrote it, stateful: each
`with tf.GradientTape() as tape:` block becomes a forward function given to
keras_migrate_runtime.value_and_grad(s) (rules/_tape.py), and the class derives from
keras_migrate_runtime.BackendAgnosticSteps, which runs such steps on JAX too (and a
custom test_step next to them). What the tape conversion cannot express (a watched
tape (tape.watch, watch_accessed_variables), nested tapes, ...) keeps the step as
`_tensorflow_train_step` behind a `train_step` that dispatches on
keras.backend.backend(); the diagnostic names the construct, and the file is reported
tensorflow-only. The compile-container calls left in kept steps are rewritten by KM160.
"""

from __future__ import annotations

import ast
import re
from typing import List, Optional, Sequence, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, iter_nodes, walk
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import drop_tensorflow_import_if_unused, is_keras_class
from keras_migrate.rules._util import COMMA, assigned_name, code, comma_separated, keyword
from keras_migrate.rules._args import bind
from keras_migrate.rules.compiled_containers import LOSS, METRICS, container_call
from keras_migrate.rules import _scan
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._tape import GRADIENT_TAPE, Blocker, convert_body

__all__ = ["TrainStep"]

_JAX_TORCH_FIX = (
    "write the other backends' steps next to _tensorflow_train_step:\n"
    "    def _jax_train_step(self, state, data):\n"
    "        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state\n"
    "        (loss, (y_pred, non_trainable_variables)), grads = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)(\n"
    "            trainable_variables, non_trainable_variables, x, y, training=True)\n"
    "        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(optimizer_variables, grads, trainable_variables)\n"
    "        ...  # update metrics_variables statelessly, return (logs, new state)\n"
    "    def _torch_train_step(self, data):\n"
    "        self.zero_grad(); y_pred = self(x, training=True); loss = self.compute_loss(y=y, y_pred=y_pred)\n"
    "        loss.backward(); grads = [v.value.grad for v in self.trainable_weights]\n"
    "        with torch.no_grad(): self.optimizer.apply(grads, self.trainable_weights)\n"
    "(keras.io/guides/custom_train_step_in_jax/ and custom_train_step_in_torch/)"
)

_STEP_NAMES = ("train_step", "test_step", "predict_step")
_GRADIENT_RE = re.compile(r"^(\w+)\s*=\s*(\w+)\.gradient\(\s*(\w+)\s*,")
_TRAINABLE = ("self.trainable_variables", "self.trainable_weights")
_INLINE_APPLY_RE = re.compile(
    r"self\.optimizer\.apply_gradients\(\s*zip\(\s*(\w+)\.gradient\(\s*(\w+)\s*,\s*([\w.]+)\s*\)\s*,\s*([\w.]+)\s*\)\s*\)")
# Keras 2's LossesContainer.__call__ / MetricsContainer.update_state parameters.
_LOSS_PARAMS = ("y_true", "y_pred", "sample_weight", "regularization_losses")
_METRIC_PARAMS = ("y_true", "y_pred", "sample_weight")
# Keras 2's default test_step (and a train_step removed in favour of compute_loss):
# what Keras 3's default test_step computes when compute_loss() is not training.
# (keras2_compiled_loss rather than super().compute_loss(): a model compiled without a
# loss evaluated to 0 in Keras 2, where Keras 3's compute_loss() raises.)
_EVAL_GATE = (
    "if not training:  # Keras 2 evaluated with its default test_step: the compiled loss\n"
    f"    return {LOSS}(self, y, y_pred, sample_weight, regularization_losses=self.losses, update_loss_tracker=False)\n"
)


def _self_container_call(node, kind: str) -> Optional[dict]:
    """The arguments (parameter -> source) of `self.compiled_loss(...)` (kind LOSS) or
    `self.compiled_metrics.update_state(...)` (kind METRICS); None for anything else."""
    if not isinstance(node, cst.Call):
        return None
    found = container_call(node)
    if found is None or found[0] != kind or code(found[1]) != "self":
        return None
    bound = bind(node, _LOSS_PARAMS if kind == LOSS else _METRIC_PARAMS)
    if bound is None or "y_true" not in bound or "y_pred" not in bound:
        return None
    return {name: code(arg.value) for name, arg in bound.items()}


def _statement_call(stmt) -> Optional[cst.BaseExpression]:
    """The expression of an expression statement, or the value of `name = <expr>`."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Expr):
        return small.value
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.value
    return None


class _CompiledLossCalls(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.calls: List[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        found = container_call(node)
        if found is not None and found[0] == LOSS:
            self.calls.append(node)


class _Step:
    """What a train_step body does, when it is the standard keras.io pattern."""

    def __init__(self) -> None:
        self.unpack: Optional[Tuple[str, ...]] = None  # names from `x, y[, sw] = data`
        self.y_pred: Optional[str] = None
        self.x_arg: Optional[str] = None
        self.loss_statements: List[cst.BaseStatement] = []
        self.loss_name: Optional[str] = None
        self.compiled_loss_only = False
        self.compiled_losses: List[cst.Call] = []  # self.compiled_loss(...) calls in the loss
        # `tracker.update_state(loss)` statements after the optimizer step (moved into
        # compute_loss, which Keras runs with the metrics' state on every backend).
        self.tracker_updates: List[cst.BaseStatement] = []
        self.trackers: List[str] = []
        self.after_names: set = set()


class TrainStep(Rule):
    id = "KM205"
    name = "train_step"
    description = "Turn loss-only custom train_step/test_step overrides into compute_loss; give the others a per-backend train_step dispatch."
    part = Part.AGNOSTIC
    TRIGGERS = ("def train_step", "def test_step")
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            class MyModel(keras.Model):
                def train_step(self, data):
                    x, y = data
                    with tf.GradientTape() as tape:
                        y_pred = self(x, training=True)
                        loss = keras.ops.mean(keras.ops.abs(y - y_pred)) + self.compiled_loss(
                            y, y_pred, regularization_losses=self.losses)
                    grads = tape.gradient(loss, self.trainable_variables)
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    self.compiled_metrics.update_state(y, y_pred)
                    return {m.name: m.result() for m in self.metrics}
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_compiled_loss

            class MyModel(keras.Model):
                def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                    if not training:  # Keras 2 evaluated with its default test_step: the compiled loss
                        return keras2_compiled_loss(self, y, y_pred, sample_weight, regularization_losses=self.losses, update_loss_tracker=False)
                    loss = keras.ops.mean(keras.ops.abs(y - y_pred)) + super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=None, training=training)
                    return loss
            """,
            diagnostics=("KM205",),
        ),
        # Keras 2's compiled loss adds only the regularization_losses passed to it.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class NoReg(keras.Model):
                def train_step(self, data):
                    x, y = data
                    with tf.GradientTape() as tape:
                        y_pred = self(x, training=True)
                        loss = self.compiled_loss(y, y_pred)
                    grads = tape.gradient(loss, self.trainable_variables)
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    self.compiled_metrics.update_state(y, y_pred)
                    return {m.name: m.result() for m in self.metrics}
            """,
            after="""
            import keras
            from keras_migrate_runtime import keras2_compiled_loss

            class NoReg(keras.Model):
                def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                    if not training:  # Keras 2 evaluated with its default test_step: the compiled loss
                        return keras2_compiled_loss(self, y, y_pred, sample_weight, regularization_losses=self.losses, update_loss_tracker=False)
                    loss = keras2_compiled_loss(self, y, y_pred, update_loss_tracker=False)
                    return loss
            """,
        ),
        # A step that changes the optimisation is kept as written: its tape becomes a
        # forward function for value_and_grad, and the mixin runs it on JAX too.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Clipped(keras.Model):
                def train_step(self, data):
                    x, y = data
                    with tf.GradientTape() as tape:
                        y_pred = self(x, training=True)
                        loss = self.compute_loss(y=y, y_pred=y_pred)
                    grads = tape.gradient(loss, self.trainable_variables)
                    grads = [tf.clip_by_value(g, -0.5, 0.5) for g in grads]
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    self.mae.update_state(y, y_pred)
                    return {"loss": loss, "mae": self.mae.result()}
            """,
            after="""
            import keras
            from keras_migrate_runtime import clip_by_value
            from keras_migrate_runtime import value_and_grad
            from keras_migrate_runtime import BackendAgnosticSteps
            from keras_migrate_runtime import Keras2Training

            class Clipped(Keras2Training, BackendAgnosticSteps, keras.Model):
                def train_step(self, data):
                    x, y = data
                    def forward():
                        y_pred = self(x, training=True)
                        loss = self.compute_loss(y=y, y_pred=y_pred)
                        return loss, y_pred
                    (loss, y_pred), grads = value_and_grad(forward, lambda: self.trainable_variables)
                    grads = [clip_by_value(g, -0.5, 0.5) for g in grads]
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    self.mae.update_state(y, y_pred)
                    return {"loss": loss, "mae": self.mae.result()}
            """,
            diagnostics=("KM205",),
            full=True,
        ),
        # A step handing a changed batch to Keras' own step: the mixin gives Keras 3's
        # stateless JAX step the state (super(Cls, self) too).
        Example(
            before="""
            import keras

            class Scaled(keras.Model):
                def train_step(self, data):
                    x, y = data
                    return super().train_step((x / 255.0, y))

                def test_step(self, data):
                    x, y = data
                    return super(Scaled, self).test_step((x / 255.0, y))
            """,
            after="""
            import keras
            from keras_migrate_runtime import BackendAgnosticSteps

            class Scaled(BackendAgnosticSteps, keras.Model):
                def train_step(self, data):
                    x, y = data
                    return super().train_step((x / 255.0, y))

                def test_step(self, data):
                    x, y = data
                    return super(Scaled, self).test_step((x / 255.0, y))
            """,
            diagnostics=("KM205",),
        ),
        # Keras' step called with more than the batch is not something the mixin can pass on.
        Example(
            before="""
            import keras

            class Odd(keras.Model):
                def train_step(self, data):
                    return super().train_step(data, True)
            """,
            after="""
            import keras

            class Odd(keras.Model):
                def train_step(self, *args, **kwargs):
                    if keras.backend.backend() == "tensorflow":
                        return self._tensorflow_train_step(*args, **kwargs)
                    raise NotImplementedError(f"Odd.train_step has no {keras.backend.backend()} implementation yet")

                def _tensorflow_train_step(self, data):
                    return super().train_step(data, True)
            """,
            diagnostics=("KM205", "KM205"),
            tensorflow_only=True,
        ),
        # What the tape conversion cannot express keeps the step on TensorFlow, named.
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Penalized(keras.Model):
                def train_step(self, data):
                    x, y = data
                    with tf.GradientTape(watch_accessed_variables=False) as tape:
                        loss = self.compute_loss(y=y, y_pred=self(x, training=True))
                    grads = tape.gradient(loss, self.trainable_variables)
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    return {"loss": loss}
            """,
            after="""
            import tensorflow as tf
            import keras

            class Penalized(keras.Model):
                def train_step(self, *args, **kwargs):
                    if keras.backend.backend() == "tensorflow":
                        return self._tensorflow_train_step(*args, **kwargs)
                    raise NotImplementedError(f"Penalized.train_step has no {keras.backend.backend()} implementation yet")

                def _tensorflow_train_step(self, data):
                    x, y = data
                    with tf.GradientTape(watch_accessed_variables=False) as tape:
                        loss = self.compute_loss(y=y, y_pred=self(x, training=True))
                    grads = tape.gradient(loss, self.trainable_variables)
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    return {"loss": loss}
            """,
            diagnostics=("KM205", "KM205"),
            tensorflow_only=True,
        ),
    )

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        body = list(updated.body.body)
        names = [s.name.value if isinstance(s, cst.FunctionDef) else None for s in body]
        if "train_step" not in names and "test_step" not in names:
            return updated
        if not is_keras_class(self.ctx, original):
            return updated
        if "_tensorflow_train_step" in names or "_tensorflow_test_step" in names:  # a previous run
            if not any(n in names for n in ("_jax_train_step", "_torch_train_step")):
                self.ctx.keep_on_tensorflow(self.id, original, "custom train_step kept on TensorFlow: "
                                                               "only a TensorFlow implementation")
            return updated
        keras = self.ctx.require_keras()
        new_body: List[cst.BaseStatement] = []
        train = body[names.index("train_step")] if "train_step" in names else None
        step = self._analyse_train(train) if train is not None else None
        if step is not None and self._calls_compute_loss(updated):
            step = None  # a compute_loss() override would change what those calls compute
        test = body[names.index("test_step")] if "test_step" in names else None
        drop_test = test is not None and self._standard_test(test)
        # Steps kept as Keras 2 wrote them (their tapes -> value_and_grad) run on every
        # backend once the class derives from BackendAgnosticSteps (JAX's steps take the state).
        stateful = {}
        if train is not None and step is None:
            stateful["train_step"] = self._agnostic_step(train, updated.name.value)
        if test is not None and not drop_test and (train is None or step is not None
                                                   or not isinstance(stateful["train_step"], Blocker)):
            stateful["test_step"] = self._agnostic_step(test, updated.name.value)
        if any(isinstance(v, Blocker) for v in stateful.values()):
            # One step stays TensorFlow-only: so do both (as Keras 2 wrote them).
            stateful = {k: v if isinstance(v, Blocker) else None for k, v in stateful.items()}
        originals = {s.name.value: s for s in original.body.body if isinstance(s, cst.FunctionDef)}
        mixin = False
        for stmt, name in zip(body, names):
            converted = stateful.get(name)
            if name == "train_step" and step is not None:
                new_body.extend(self._compute_loss(stmt, step, original))
            elif name == "test_step" and drop_test:
                self.report(original, "test_step removed: Keras 3's default test_step computes the loss "
                                      "(compute_loss) and the compiled metrics the same way", severity=Severity.INFO)
                self.fired()
            elif isinstance(converted, Blocker):
                new_body.extend(self._dispatch(stmt, original, keras, originals.get(name, original), name, converted))
            elif isinstance(converted, cst.FunctionDef):
                new_body.append(converted)
                mixin = True
            else:
                new_body.append(stmt)
        if not new_body:
            new_body = [cst.SimpleStatementLine([cst.Pass()])]
        if new_body and new_body[0] is not body[0]:
            new_body[0] = new_body[0].with_changes(leading_lines=[])
        updated = updated.with_changes(body=updated.body.with_changes(body=new_body))
        return self._with_mixin(updated, original) if mixin else updated

    # -- steps kept stateful (every backend through the runtime) -------------------------
    def _agnostic_step(self, fn: cst.FunctionDef, cls_name: str):
        """The step with its tapes turned into value_and_grad calls, or the Blocker that
        keeps it on TensorFlow."""
        params = [p.name.value for p in fn.params.params]
        if len(params) != 2 or fn.params.star_arg not in (None, cst.MaybeSentinel.DEFAULT) or fn.params.star_kwarg:
            return Blocker(fn, f"def {fn.name.value}({code(fn.params)})", "a step that does not take (self, data)")
        for node in _super_step_calls(fn.body, cls_name):
            # Keras' own step on the step's batch: the mixin calls it as JAX expects.
            if len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star:
                return Blocker(node, code(node), "super() step called with other than one batch argument")
        result = convert_body(self.ctx, fn.body.body, fn)
        if result.blockers:
            return result.blockers[0]
        for symbol in sorted(result.runtime):
            self.ctx.use_runtime(symbol)
        return fn.with_changes(body=fn.body.with_changes(body=result.body))

    def _with_mixin(self, cls: cst.ClassDef, original: cst.ClassDef) -> cst.ClassDef:
        if any(code(base.value).endswith(_MIXIN) for base in cls.bases):
            return cls  # a previous run
        self.fired()
        self.ctx.use_runtime(_MIXIN)
        drop_tensorflow_import_if_unused(self.ctx)
        supers = "; super() steps get JAX's state" if _super_step_calls(original, cls.name.value) else ""
        self.report(original, f"{cls.name.value}'s own train_step/test_step kept as Keras 2 wrote them "
                              f"(tf.GradientTape -> keras_migrate_runtime.value_and_grad{supers}); the class derives from "
                              f"{_MIXIN}, which runs such steps on JAX too", severity=Severity.INFO)
        mixin = cst.Arg(cst.Name(_MIXIN), comma=COMMA)
        return cls.with_changes(bases=[mixin] + list(cls.bases))

    @staticmethod
    def _calls_compute_loss(cls: cst.ClassDef) -> bool:
        """Another method calls (or the class defines) compute_loss: Keras 2 code meant
        Keras' own compute_loss there, which an override would replace."""
        for stmt in cls.body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value != "train_step" \
                    and any(_names(node, "compute_loss") for node in iter_nodes(stmt)):
                return True
        return False

    # -- analysis ----------------------------------------------------------------------
    def _analyse_train(self, fn: cst.FunctionDef) -> Optional[_Step]:
        params = [p.name.value for p in fn.params.params]
        if len(params) != 2:
            return None
        data = params[1]
        step = _Step()
        tape_name = None
        seen_apply = False
        for stmt in fn.body.body:
            text = _text(stmt)
            if isinstance(stmt, cst.With):
                if tape_name is not None or len(stmt.items) != 1 or not self._is_gradient_tape(stmt.items[0].item):
                    return None
                asname = stmt.items[0].asname
                if asname is None or not isinstance(asname.name, cst.Name):
                    return None
                tape_name = asname.name.value
                if not self._tape_body(stmt.body.body, step):
                    return None
                continue
            if tape_name is None:
                match = re.fullmatch(rf"([\w\s,()]+?)\s*=\s*{data}", text)
                if match and step.unpack is None:
                    step.unpack = tuple(n.strip() for n in match.group(1).strip("() ").split(",") if n.strip())
                    if not 2 <= len(step.unpack) <= 3:
                        return None
                    continue
                return None
            gradient = _GRADIENT_RE.match(text)
            if gradient and gradient.group(2) == tape_name:
                if step.loss_name is not None:
                    return None
                step.loss_name = gradient.group(3)
                step.after_names.add(gradient.group(1))
                continue
            if re.fullmatch(r"\w+\s*=\s*self\.trainable_(variables|weights)", text):
                step.after_names.add(assigned_name(stmt))
                continue
            inline = _INLINE_APPLY_RE.fullmatch(text)
            if inline and inline.group(1) == tape_name and step.loss_name is None and not seen_apply \
                    and inline.group(3) == inline.group(4) and inline.group(3) in _TRAINABLE:
                # self.optimizer.apply_gradients(zip(tape.gradient(loss, self.trainable_variables), ...))
                step.loss_name = inline.group(2)
                seen_apply = True
                continue
            if text.startswith("self.optimizer.apply_gradients(zip(") and not seen_apply:
                seen_apply = True
                continue
            if "compiled_metrics" in text:
                # Dropped only when Keras 3's default train_step updates the same metrics
                # with the same values; anything else keeps the custom step.
                metrics = _self_container_call(_statement_call(stmt), METRICS)
                if metrics is None or not self._default_metrics(metrics, step):
                    return None
                continue
            tracker = re.fullmatch(r"((?:self\.)?\w+)\.update_state\((.*)\)", text, re.S)
            if tracker and tracker.group(1) != "self.compiled_metrics" and not (
                set(re.findall(r"[A-Za-z_]\w*", tracker.group(2))) & step.after_names
            ):
                step.tracker_updates.append(stmt)
                step.trackers.append(tracker.group(1))
                continue
            if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Return) \
                    and self._tracker_logs(stmt.body[0].value, step):
                continue
            if isinstance(stmt, cst.For) and "self.metrics" in code(stmt.iter) and "update_state" in text \
                    and "loss" not in code(stmt.body).replace('"loss"', ""):
                continue
            if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Return) \
                    and re.search(r"\bm(etric)?\.result\(\)", text) and "self.metrics" in text:
                continue
            return None
        if tape_name is None or step.loss_name is None or not seen_apply or step.y_pred is None:
            return None
        if step.unpack is None:
            return None
        assigned = [assigned_name(s) for s in step.loss_statements]
        if step.loss_name not in assigned:
            return None
        if step.trackers and not self._trackers_reported(fn, step):
            return None
        return step

    def _trackers_reported(self, fn: cst.FunctionDef, step: _Step) -> bool:
        # Keras reports (and resets) the metrics in self.metrics: module-level trackers
        # need the class's `metrics` property; `self.x` trackers are tracked anyway.
        return all(t.startswith("self.") for t in step.trackers) or self._class_defines("metrics")

    def _is_gradient_tape(self, expr: cst.BaseExpression) -> bool:
        return isinstance(expr, cst.Call) and self.ctx.qualified_name(expr.func) == GRADIENT_TAPE

    def _class_defines(self, name: str) -> bool:
        """Whether the class being migrated (not another class of the file) defines `name`."""
        cls = self.ctx.current_class
        body = cls.body.body if cls is not None and isinstance(cls.body, cst.IndentedBlock) else ()
        return any(isinstance(item, cst.FunctionDef) and item.name.value == name for item in body)

    def _tracker_logs(self, value, step: _Step) -> bool:
        """`{"loss": tracker.result(), ...}` naming each updated tracker by its own name."""
        if not isinstance(value, cst.Dict) or not step.trackers:
            return False
        for element in value.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                return False
            key = element.key.evaluated_value
            result = re.fullmatch(r"((?:self\.)?\w+)\.result\(\)", code(element.value))
            if result is None or result.group(1) not in step.trackers:
                return False
            if not self._tracker_named(result.group(1), key):
                return False
        return True

    def _tracker_named(self, tracker: str, key: str) -> bool:
        """`tracker` (`self.x` of the class being migrated, or a module-level `x`) is
        made with `name=key`: Keras logs a tracker's result under its own name."""
        cls = self.ctx.current_class
        for enclosing, target, name in _named_assignments(self.ctx):
            if target == tracker and name == key and (
                    (cls is not None and cls.name.value in enclosing) if tracker.startswith("self.")
                    else not enclosing):
                return True
        return False

    def _tape_body(self, statements: Sequence[cst.BaseStatement], step: _Step) -> bool:
        for stmt in statements:
            text = _text(stmt)
            forward = re.fullmatch(r"(\w+)\s*=\s*self\(\s*(\w+)\s*,\s*training\s*=\s*True\s*\)", text)
            if forward and step.y_pred is None:
                step.y_pred, step.x_arg = forward.group(1), forward.group(2)
                continue
            if assigned_name(stmt) is None or "self(" in text:
                return False
            finder = _CompiledLossCalls()
            walk(stmt, finder)
            if any(_self_container_call(call, LOSS) is None for call in finder.calls):
                return False  # another receiver, or arguments that cannot be bound
            step.compiled_losses.extend(finder.calls)
            step.loss_statements.append(stmt)
        if len(step.loss_statements) == 1 and _self_container_call(_statement_call(step.loss_statements[0]), LOSS):
            step.compiled_loss_only = True
        return bool(step.loss_statements)

    def _unpacked(self, step: _Step) -> Tuple[str, str, Optional[str]]:
        return step.unpack[0], step.unpack[1], step.unpack[2] if len(step.unpack) > 2 else None

    def _default_loss(self, args: dict, step: _Step) -> bool:
        """`self.compiled_loss(y, y_pred[, sw], regularization_losses=self.losses)`: what
        Keras 3's compute_loss() computes (Keras 2 added only the losses passed here)."""
        _, y, sw = self._unpacked(step)
        return (args["y_true"] == y and args["y_pred"] == step.y_pred and args.get("sample_weight") == sw
                and args.get("regularization_losses") == "self.losses")

    def _default_metrics(self, args: dict, step: _Step) -> bool:
        """`self.compiled_metrics.update_state(y, y_pred[, sw])`: what Keras 3's default
        step updates. Only weighted_metrics read the sample weights, so leaving them out
        changes nothing when the file compiles none."""
        _, y, sw = self._unpacked(step)
        if args["y_true"] != y or args["y_pred"] != step.y_pred:
            return False
        given = args.get("sample_weight")
        return given == sw or (given is None and not _compiles_weighted_metrics(self.ctx))

    def _standard_test(self, fn: cst.FunctionDef) -> bool:
        """Keras 2's default test_step, which Keras 3's default test_step reproduces:
        unpack, forward pass, the default compiled loss, compiled metrics, metric results."""
        params = [p.name.value for p in fn.params.params]
        if len(params) != 2:
            return False
        step = _Step()
        for stmt in fn.body.body:
            text = _text(stmt)
            unpack = re.fullmatch(rf"([\w\s,()]+?)\s*=\s*{params[1]}", text)
            if unpack and step.unpack is None and "self" not in text:
                step.unpack = tuple(n.strip() for n in unpack.group(1).strip("() ").split(",") if n.strip())
                if not 2 <= len(step.unpack) <= 3:
                    return False
                continue
            if step.unpack is None:
                return False
            forward = re.fullmatch(r"(\w+)\s*=\s*self\(\s*(\w+)\s*,\s*training\s*=\s*False\s*\)", text)
            if forward and step.y_pred is None and forward.group(2) == step.unpack[0]:
                step.y_pred = forward.group(1)
                continue
            if step.y_pred is None:
                return False
            value = _statement_call(stmt)
            loss = _self_container_call(value, LOSS)
            if loss is not None and self._default_loss(loss, step):
                continue
            metrics = _self_container_call(value, METRICS)
            if metrics is not None and self._default_metrics(metrics, step):
                continue
            if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Return) \
                    and re.fullmatch(r"return \{(\w+)\.name: \1\.result\(\) for \1 in self\.metrics\}", text):
                continue
            return False
        return True

    # -- rewrites ----------------------------------------------------------------------
    def _compute_loss(self, fn: cst.FunctionDef, step: _Step, cls: cst.ClassDef) -> List[cst.BaseStatement]:
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)
        if step.compiled_loss_only and not step.tracker_updates and self._default_loss(
                _self_container_call(step.compiled_losses[0], LOSS), step):
            self.report(cls, "train_step removed: it is Keras' default training step "
                             "(forward pass, compiled loss, gradients, compiled metrics)", severity=Severity.INFO)
            return []
        x_name, y_name, sw_name = self._unpacked(step)
        prologue = []
        for mine, theirs in ((x_name, "x"), (y_name, "y"), (step.y_pred, "y_pred"), (sw_name, "sample_weight")):
            if mine is not None and mine != theirs:
                prologue.append(cst.parse_statement(f"{mine} = {theirs}\n"))
        replacer = _CompiledLossReplacer(self)
        body = [stmt.visit(replacer) for stmt in step.loss_statements] + step.tracker_updates
        fn_new = cst.parse_statement(
            "def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n"
            f"    return {step.loss_name}\n")
        gate = list(cst.parse_module(_EVAL_GATE).body)
        self.ctx.use_runtime(LOSS)
        message = ("train_step only customised the loss: turned into compute_loss(), which works on every "
                   "backend (Keras' own train_step calls it; evaluate() keeps Keras 2's compiled loss)")
        if step.compiled_losses and not step.compiled_loss_only:
            # Keras 2's "loss" metric only saw what compiled_loss() returned; Keras 3's
            # train_step tracks whatever compute_loss() returns.
            self.report(cls, message + "; fit() now logs the whole loss as \"loss\", where Keras 2 logged only "
                                       "its self.compiled_loss(...) part",
                        fix="the weights train the same; to log Keras 2's value, update a "
                            "keras.metrics.Mean(name=...) with the compiled part inside compute_loss()")
        else:
            self.report(cls, message, severity=Severity.INFO)
        return [fn_new.with_changes(leading_lines=fn.leading_lines,
                                    body=fn_new.body.with_changes(body=gate + prologue + body + list(fn_new.body.body)))]

    def compiled_loss_replacement(self, call: cst.Call) -> cst.BaseExpression:
        """`self.compiled_loss(...)` inside compute_loss(): super().compute_loss() when it
        computes the same (the model's losses passed as regularization_losses), else
        Keras 2's compiled loss from the runtime (Keras 3's train_step tracks "loss")."""
        args = _self_container_call(call, LOSS)
        if args.get("regularization_losses") == "self.losses":
            return cst.parse_expression(
                f"super().compute_loss(x=x, y={args['y_true']}, y_pred={args['y_pred']}, "
                f"sample_weight={args.get('sample_weight', 'None')}, training=training)")
        self.ctx.use_runtime(LOSS)
        new_args = [cst.Arg(cst.Name("self")), *call.args, keyword("update_loss_tracker", cst.Name("False"))]
        return cst.Call(cst.Name(LOSS), comma_separated(new_args))

    def _dispatch(self, fn: cst.FunctionDef, cls: cst.ClassDef, keras: str, where: cst.CSTNode,
                  method: str = "train_step", blocker: Optional[Blocker] = None) -> List[cst.BaseStatement]:
        self.fired()
        cls_name = cls.name.value
        kept = f"_tensorflow_{method}"
        dispatcher = cst.parse_statement(
            f"def {method}(self, *args, **kwargs):\n"
            f"    if {keras}.backend.backend() == \"tensorflow\":\n"
            f"        return self.{kept}(*args, **kwargs)\n"
            f"    raise NotImplementedError(f\"{cls_name}.{method} has no {{{keras}.backend.backend()}} implementation yet\")\n"
        )
        renamed = fn.with_changes(name=cst.Name(kept), leading_lines=[cst.EmptyLine(indent=False)])
        why = f" ({blocker.message()})" if blocker is not None else ""
        if method == "train_step":
            self.report(where, "train_step kept for TensorFlow as _tensorflow_train_step behind a backend "
                               f"dispatch: it cannot run as is on JAX/PyTorch{why}", _JAX_TORCH_FIX)
            self.ctx.keep_on_tensorflow(self.id, where, "custom train_step kept on TensorFlow: "
                                                        + (blocker.kind if blocker else "only a TensorFlow implementation"))
        else:
            self.report(where, "test_step is not Keras' default evaluation step: kept for TensorFlow as "
                               "_tensorflow_test_step behind a backend dispatch (JAX's test_step takes the "
                               f"state as well){why}",
                        "move what it adds into compute_loss(..., training=False) / compute_metrics(), or write "
                        "the JAX step: def test_step(self, state, data) returning (logs, state) "
                        "(keras.io/guides/custom_train_step_in_jax/)")
            self.ctx.keep_on_tensorflow(self.id, where, "custom test_step (only a TensorFlow implementation)")
        return [dispatcher.with_changes(leading_lines=fn.leading_lines), renamed]


_MIXIN = "BackendAgnosticSteps"


class _CompiledLossReplacer(cst.CSTTransformer):
    def __init__(self, rule: TrainStep) -> None:
        super().__init__()
        self.rule = rule

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if _self_container_call(original, LOSS) is None:
            return updated
        return self.rule.compiled_loss_replacement(original)


def _super_step_calls(node: cst.CSTNode, cls_name: str) -> List[cst.Call]:
    """`super().train_step(...)` (test_step, predict_step; `super(<the class>, self)` too)
    calls under `node`."""
    return [n for n in iter_nodes(node) if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
            and n.func.attr.value in _STEP_NAMES and _is_super(n.func.value, cls_name)]


def _is_super(node: cst.BaseExpression, cls_name: str) -> bool:
    """`super()` or `super(<the class>, self)`."""
    return isinstance(node, cst.Call) and code(node.func) == "super" and (
        not node.args or [code(a.value) for a in node.args] == [cls_name, "self"])


def _names(node: cst.CSTNode, name: str) -> bool:
    """`node` names `name`: a Name, an attribute `.name`, or a definition of it."""
    if isinstance(node, cst.Name):
        return node.value == name
    if isinstance(node, cst.Attribute):
        return node.attr.value == name
    return isinstance(node, cst.FunctionDef) and node.name.value == name


@per_file
def _named_assignments(ctx) -> List[Tuple[Tuple[str, ...], str, str]]:
    """(enclosing classes/functions, target, name) of the file's `target = f(..., name="...")`."""
    found = []
    for enclosing, node in _scan.def_nodes(ctx):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            name = next((_scan.string_value(k.value) for k in node.value.keywords if k.arg == "name"), None)
            if name is not None:
                found.extend((enclosing, ast.unparse(target), name) for target in node.targets)
    return found


@per_file
def _compiles_weighted_metrics(ctx) -> bool:
    """Some code of the file may pass compile() weighted_metrics: a `weighted_metrics`
    keyword, name, attribute or string key, a compile() with the 5th positional argument
    (Keras 2's weighted_metrics) or with **kwargs."""
    tree = _scan.file_ast(ctx)
    if tree is None:
        return True
    for _, node in _scan.scoped_nodes(ctx):
        if isinstance(node, ast.keyword) and node.arg == "weighted_metrics":
            return True
        if (isinstance(node, ast.Name) and node.id == "weighted_metrics") or (
                isinstance(node, ast.Attribute) and node.attr == "weighted_metrics") or (
                _scan.string_value(node) == "weighted_metrics"):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile" and (
                len(node.args) >= 5 or any(k.arg is None for k in node.keywords)):
            return True
    return False


def _text(stmt) -> str:
    """Source of a statement without its comments (leading lines, trailing comment)."""
    if isinstance(stmt, cst.SimpleStatementLine):
        return "; ".join(code(small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)) for small in stmt.body)
    return code(stmt.with_changes(leading_lines=[]))
