"""KM205 train_step: custom train_step/test_step -> compute_loss, or a per-backend dispatch.

The guide: when a train_step override only customises the loss (the keras.io pattern:
GradientTape + forward pass + loss, then tape.gradient / apply_gradients / metrics
update), override `compute_loss(x, y, y_pred, sample_weight, training)` instead: it
works on every backend, and Keras' own train_step / test_step do the rest. A
test_step that only evaluates the loss and the compiled metrics is what Keras does
by default and goes too.

When the override changes the optimisation itself (gradient clipping, several
optimizers, extra updates), it is kept as `_tensorflow_train_step` behind a
`train_step` that dispatches on keras.backend.backend() (the guide's structure); the
JAX and PyTorch bodies must be written by hand (diagnosed with the exact structure),
and the file is reported tensorflow-only until then.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import drop_tensorflow_import_if_unused, is_keras_class
from keras_migrate.rules._args import code

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

_GRADIENT_RE = re.compile(r"^(\w+)\s*=\s*(\w+)\.gradient\(\s*(\w+)\s*,")
_TRAINABLE = ("self.trainable_variables", "self.trainable_weights")


class _Step:
    """What a train_step body does, when it is the standard keras.io pattern."""

    def __init__(self) -> None:
        self.unpack: Optional[Tuple[str, ...]] = None  # names from `x, y[, sw] = data`
        self.y_pred: Optional[str] = None
        self.x_arg: Optional[str] = None
        self.loss_statements: List[cst.BaseStatement] = []
        self.loss_name: Optional[str] = None
        self.compiled_loss_only = False
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
                        loss = keras.ops.mean(keras.ops.abs(y - y_pred)) + self.compiled_loss(y, y_pred)
                    grads = tape.gradient(loss, self.trainable_variables)
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    self.compiled_metrics.update_state(y, y_pred)
                    return {m.name: m.result() for m in self.metrics}
            """,
            after="""
            import keras

            class MyModel(keras.Model):
                def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                    loss = keras.ops.mean(keras.ops.abs(y - y_pred)) + super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
                    return loss
            """,
            diagnostics=("KM205",),
        ),
        Example(
            before="""
            import tensorflow as tf
            import keras

            class Clipped(keras.Model):
                def train_step(self, data):
                    x, y = data
                    with tf.GradientTape() as tape:
                        loss = self.compute_loss(y=y, y_pred=self(x, training=True))
                    grads = tape.gradient(loss, self.trainable_variables)
                    grads = [g * 0.5 for g in grads]
                    self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
                    return {"loss": loss}
            """,
            after="""
            import tensorflow as tf
            import keras

            class Clipped(keras.Model):
                def train_step(self, *args, **kwargs):
                    if keras.backend.backend() == "tensorflow":
                        return self._tensorflow_train_step(*args, **kwargs)
                    raise NotImplementedError(f"Clipped.train_step has no {keras.backend.backend()} implementation yet")

                def _tensorflow_train_step(self, data):
                    x, y = data
                    with tf.GradientTape() as tape:
                        loss = self.compute_loss(y=y, y_pred=self(x, training=True))
                    grads = tape.gradient(loss, self.trainable_variables)
                    grads = [g * 0.5 for g in grads]
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
        if "_tensorflow_train_step" in names:  # already dispatched (a previous run)
            if not any(n in names for n in ("_jax_train_step", "_torch_train_step")):
                self.ctx.keep_on_tensorflow(self.id, original, "custom train_step that changes the optimisation "
                                                               "(only a TensorFlow implementation)")
            return updated
        keras = self.ctx.require_keras()
        new_body: List[cst.BaseStatement] = []
        train = body[names.index("train_step")] if "train_step" in names else None
        step = self._analyse_train(train) if train is not None else None
        drop_test = False
        if "test_step" in names:
            drop_test = self._standard_test(body[names.index("test_step")]) and (train is None or step is not None)
        originals = {s.name.value: s for s in original.body.body if isinstance(s, cst.FunctionDef)}
        for stmt, name in zip(body, names):
            if name == "train_step":
                if step is not None:
                    new_body.extend(self._compute_loss(stmt, step, original))
                else:
                    new_body.extend(self._dispatch(stmt, original, keras, originals.get(name, original)))
            elif name == "test_step" and drop_test:
                self.report(original, "test_step removed: Keras 3's default test_step computes the loss "
                                      "(compute_loss) and the compiled metrics the same way", severity=Severity.INFO)
                self.fired()
            else:
                new_body.append(stmt)
        if not new_body:
            new_body = [cst.SimpleStatementLine([cst.Pass()])]
        if new_body and new_body[0] is not body[0]:
            new_body[0] = new_body[0].with_changes(leading_lines=[])
        return updated.with_changes(body=updated.body.with_changes(body=new_body))

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
                if tape_name is not None or len(stmt.items) != 1 or "GradientTape(" not in code(stmt.items[0].item):
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
                step.after_names.add(_assigned(stmt))
                continue
            if text.startswith("self.optimizer.apply_gradients(zip(") and not seen_apply:
                seen_apply = True
                continue
            if re.fullmatch(r"self\.compiled_metrics\.update_state\([^()]*\)", text):
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
        assigned = [_assigned(s) for s in step.loss_statements]
        if step.loss_name not in assigned:
            return None
        if step.trackers and not self._trackers_reported(fn, step):
            return None
        return step

    def _trackers_reported(self, fn: cst.FunctionDef, step: _Step) -> bool:
        # Keras reports (and resets) the metrics in self.metrics: module-level trackers
        # need the class's `metrics` property; `self.x` trackers are tracked anyway.
        has_property = "def metrics(self)" in self.ctx.source
        return all(t.startswith("self.") for t in step.trackers) or has_property

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
            if f'name="{key}"' not in self.ctx.source and f"name='{key}'" not in self.ctx.source:
                return False
        return True

    def _tape_body(self, statements: Sequence[cst.BaseStatement], step: _Step) -> bool:
        for stmt in statements:
            text = _text(stmt)
            forward = re.fullmatch(r"(\w+)\s*=\s*self\(\s*(\w+)\s*,\s*training\s*=\s*True\s*\)", text)
            if forward and step.y_pred is None:
                step.y_pred, step.x_arg = forward.group(1), forward.group(2)
                continue
            if _assigned(stmt) is None or "self(" in text:
                return False
            step.loss_statements.append(stmt)
        if len(step.loss_statements) == 1 and re.fullmatch(
            r"\w+\s*=\s*self\.compiled_loss\([^()]*(\(\))?[^()]*\)", _text(step.loss_statements[0])
        ):
            step.compiled_loss_only = True
        return bool(step.loss_statements)

    def _standard_test(self, fn: cst.FunctionDef) -> bool:
        for stmt in fn.body.body:
            text = _text(stmt)
            if re.fullmatch(r"[\w\s,()]+=\s*\w+", text) and "self" not in text:
                continue  # x, y = data
            if re.fullmatch(r"\w+\s*=\s*self\(\s*\w+\s*,\s*training\s*=\s*False\s*\)", text):
                continue
            if re.fullmatch(r"(\w+\s*=\s*)?self\.compiled_loss\(.*\)", text, re.S):
                continue
            if re.fullmatch(r"self\.compiled_metrics\.update_state\([^()]*\)", text):
                continue
            if isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Return) \
                    and "self.metrics" in text:
                continue
            return False
        return True

    # -- rewrites ----------------------------------------------------------------------
    def _compute_loss(self, fn: cst.FunctionDef, step: _Step, cls: cst.ClassDef) -> List[cst.BaseStatement]:
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)
        if step.compiled_loss_only:
            self.report(cls, "train_step removed: it is Keras' default training step "
                             "(forward pass, compiled loss, gradients, compiled metrics)", severity=Severity.INFO)
            return []
        x_name, y_name = step.unpack[0], step.unpack[1]
        sw_name = step.unpack[2] if len(step.unpack) > 2 else None
        prologue = []
        for mine, theirs in ((x_name, "x"), (y_name, "y"), (step.y_pred, "y_pred"), (sw_name, "sample_weight")):
            if mine is not None and mine != theirs:
                prologue.append(cst.parse_statement(f"{mine} = {theirs}\n"))
        body = []
        for stmt in step.loss_statements + step.tracker_updates:
            text = _text(stmt)
            new_text = re.sub(r"self\.compiled_loss\([^()]*(\(\))?[^()]*\)",
                              "super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, "
                              "training=training)", text)
            body.append(stmt if new_text == text else cst.parse_statement(new_text + "\n"))
        fn_new = cst.parse_statement(
            "def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):\n"
            f"    return {step.loss_name}\n")
        self.report(cls, "train_step only customised the loss: turned into compute_loss(), which works on "
                         "every backend (Keras' own train_step/test_step call it)", severity=Severity.WARNING,
                    fix="check that the loss matches; Keras 3 adds the model's regularization losses "
                        "(self.losses) in super().compute_loss()")
        return [fn_new.with_changes(leading_lines=fn.leading_lines,
                                    body=fn_new.body.with_changes(body=prologue + body + list(fn_new.body.body)))]

    def _dispatch(self, fn: cst.FunctionDef, cls: cst.ClassDef, keras: str, where: cst.CSTNode) -> List[cst.BaseStatement]:
        self.fired()
        cls_name = cls.name.value
        dispatcher = cst.parse_statement(
            "def train_step(self, *args, **kwargs):\n"
            f"    if {keras}.backend.backend() == \"tensorflow\":\n"
            "        return self._tensorflow_train_step(*args, **kwargs)\n"
            f"    raise NotImplementedError(f\"{cls_name}.train_step has no {{{keras}.backend.backend()}} implementation yet\")\n"
        )
        renamed = fn.with_changes(name=cst.Name("_tensorflow_train_step"),
                                  leading_lines=[cst.EmptyLine(indent=False)])
        self.report(where, "train_step changes the optimisation itself: kept for TensorFlow as "
                        "_tensorflow_train_step behind a backend dispatch", _JAX_TORCH_FIX)
        self.ctx.keep_on_tensorflow(self.id, where, "custom train_step that changes the optimisation "
                                                 "(only a TensorFlow implementation)")
        return [dispatcher.with_changes(leading_lines=fn.leading_lines), renamed]


def _text(stmt) -> str:
    """Source of a statement without its comments (leading lines, trailing comment)."""
    if isinstance(stmt, cst.SimpleStatementLine):
        return "; ".join(code(small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)) for small in stmt.body)
    return code(stmt.with_changes(leading_lines=[]))


def _assigned(stmt) -> Optional[str]:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            return small.targets[0].target.value
        if isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            return small.target.value
    return None
