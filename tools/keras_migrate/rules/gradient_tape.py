"""KM209 gradient_tape: custom training loops with tf.GradientTape run on every backend.

    with tf.GradientTape() as tape:                  def forward():
        logits = model(x, training=True)                 logits = model(x, training=True)
        loss = loss_fn(y, logits)               ->        loss = loss_fn(y, logits)
    grads = tape.gradient(loss, model.trainable_weights)    return loss
                                                     loss, grads = value_and_grad(forward, model.trainable_weights)

keras_migrate_runtime.value_and_grad runs the forward function once and differentiates
its loss with TensorFlow's tape, torch.autograd or jax.vjp (the variables' assignments
in the forward pass, BatchNorm statistics included, are kept as the eager backends keep
them). The tf.* ops of the block go through the tf_ops rules as anywhere else. A
@tf.function on the converted function becomes keras_migrate_runtime.tensorflow_function:
traced on TensorFlow (measured: 15 ms -> 1 ms a step for a small BatchNorm MLP; Keras 2
traced it too), the plain function on JAX/PyTorch (keras.ops code must not be traced by
TensorFlow there), with its input_signature unless the file exports or inspects the
function as a tf.function. TensorFlow's gradient clipping functions are the tf_ops table's
(runtime versions with TensorFlow's formulas).

A Keras model's train_step/test_step is the train_step rule's (KM205). A watched tape
nested in another's block (a gradient penalty) becomes value_and_input_grad inside the
outer forward function; so does one sharing the outer's `with` statement that watches a
tensor the block computes and takes its gradient before the block ends. A tape that
cannot become a function with the same meaning (a watched tape among several otherwise,
nested tapes over variables, ...) stays, and the file is reported tensorflow-only naming
the construct.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity, walk
from keras_migrate.rules._agnostic import drop_tensorflow_import_if_unused, in_keras_class_method, \
    used_as_tf_function
from keras_migrate.rules._keras import Part
from keras_migrate.rules._tape import GRADIENT_TAPE, Blocker, convert_body
from keras_migrate.rules._util import is_tf_function

__all__ = ["GradientTapeLoops", "STEP_METHODS"]

# A Keras model's own steps: the train_step rule converts those (and adds the mixin), or
# keeps them for TensorFlow under these names.
STEP_METHODS = frozenset({"train_step", "test_step", "_tensorflow_train_step", "_tensorflow_test_step"})
_LOOP_FIX = ("compute these gradients per backend (jax.grad / torch.autograd / tf.GradientTape), or keep "
             "this script on TensorFlow")


class GradientTapeLoops(Rule):
    id = "KM209"
    NODE_KEYED = ("_blocked_ids",)
    name = "gradient_tape"
    description = ("Turn tf.GradientTape blocks of custom training loops into a forward function + "
                   "keras_migrate_runtime.value_and_grad (every backend).")
    part = Part.AGNOSTIC
    TRIGGERS = ("GradientTape",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            @tf.function
            def train_step(x, y):
                with tf.GradientTape() as tape:
                    logits = model(x, training=True)
                    loss_value = loss_fn(y, logits)
                grads = tape.gradient(loss_value, model.trainable_weights)
                optimizer.apply_gradients(zip(grads, model.trainable_weights))
                train_acc_metric.update_state(y, logits)
                return loss_value
            """,
            after="""
            import keras
            from keras_migrate_runtime import value_and_grad
            from keras_migrate_runtime import tensorflow_function

            @tensorflow_function
            def train_step(x, y):
                def forward():
                    logits = model(x, training=True)
                    loss_value = loss_fn(y, logits)
                    return loss_value, logits
                (loss_value, logits), grads = value_and_grad(forward, model.trainable_weights)
                optimizer.apply_gradients(zip(grads, model.trainable_weights))
                train_acc_metric.update_state(y, logits)
                return loss_value
            """,
            diagnostics=("KM209",),
            full=True,
        ),
        # A training step's input_signature only fixes its tracing: kept for TensorFlow
        # (TensorSpec still needs TensorFlow imported); a function the file exports or
        # inspects as a tf.function (saved_model, get_concrete_function) stays on TensorFlow.
        Example(
            before="""
            import tensorflow as tf
            import keras

            @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32), tf.TensorSpec([None], tf.int32)])
            def train_step(x, y):
                with tf.GradientTape() as tape:
                    loss_value = loss_fn(y, model(x, training=True))
                grads = tape.gradient(loss_value, model.trainable_weights)
                optimizer.apply_gradients(zip(grads, model.trainable_weights))
                return loss_value
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import value_and_grad
            from keras_migrate_runtime import tensorflow_function

            @tensorflow_function(input_signature=[tf.TensorSpec([None, 4], "float32"), tf.TensorSpec([None], "int32")])
            def train_step(x, y):
                def forward():
                    loss_value = loss_fn(y, model(x, training=True))
                    return loss_value
                loss_value, grads = value_and_grad(forward, model.trainable_weights)
                optimizer.apply_gradients(zip(grads, model.trainable_weights))
                return loss_value
            """,
            diagnostics=("KM209",),
            full=True,
        ),
        # Clipping with TensorFlow's formulas on every backend.
        Example(
            before="""
            import tensorflow as tf
            import keras

            for x, y in dataset:
                with tf.GradientTape() as tape:
                    loss = loss_fn(y, model(x, training=True))
                grads = tape.gradient(loss, model.trainable_variables)
                grads, norm = tf.clip_by_global_norm(grads, 1.0)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
            """,
            after="""
            import keras
            from keras_migrate_runtime import clip_by_global_norm
            from keras_migrate_runtime import value_and_grad

            for x, y in dataset:
                def forward():
                    loss = loss_fn(y, model(x, training=True))
                    return loss
                loss, grads = value_and_grad(forward, model.trainable_variables)
                grads, norm = clip_by_global_norm(grads, 1.0)
                optimizer.apply_gradients(zip(grads, model.trainable_variables))
            """,
            diagnostics=("KM209",),
            full=True,  # the clipping is the tf_ops table's
        ),
        # A watched tensor (a gradient penalty w.r.t. inputs): the forward function takes it.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def penalty(critic, x):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    score = critic(x)
                return tape.gradient(score, [x])[0]
            """,
            after="""
            import keras
            from keras_migrate_runtime import value_and_input_grad

            def penalty(critic, x):
                def forward(x):
                    score = critic(x)
                    return score
                score, tape_gradients = value_and_input_grad(forward, [x])
                return tape_gradients[0]
            """,
            diagnostics=("KM209",),
        ),
        # A penalty tape sharing the `with` statement, watching a tensor the block computes
        # and taking its gradient in the block (keras.io's StyleGAN): the two tapes nested,
        # the penalty's forward function inside the loss's.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def critic_step(critic, optimizer, real, fake, eps):
                with tf.GradientTape() as gp_tape, tf.GradientTape() as tape:
                    interpolates = eps * real + (1 - eps) * fake
                    gp_tape.watch(interpolates)
                    score = critic(interpolates)
                    slope = gp_tape.gradient(score, [interpolates])
                    loss = tf.reduce_mean(critic(real)) + tf.reduce_mean(tf.square(slope))
                grads = tape.gradient(loss, critic.trainable_variables)
                optimizer.apply_gradients(zip(grads, critic.trainable_variables))
                return loss
            """,
            after="""
            import keras
            from keras_migrate_runtime import value_and_grad
            from keras_migrate_runtime import value_and_input_grad

            def critic_step(critic, optimizer, real, fake, eps):
                def tape_forward():
                    interpolates = eps * real + (1 - eps) * fake
                    def forward(interpolates):
                        score = critic(interpolates)
                        return score
                    score, slope = value_and_input_grad(forward, [interpolates])
                    loss = keras.ops.mean(critic(real)) + keras.ops.mean(keras.ops.square(slope))
                    return loss
                loss, grads = value_and_grad(tape_forward, critic.trainable_variables)
                optimizer.apply_gradients(zip(grads, critic.trainable_variables))
                return loss
            """,
            diagnostics=("KM209",),
            full=True,
        ),
        # The same written nested.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def critic_step(critic, optimizer, real, fake, eps):
                with tf.GradientTape() as tape:
                    interpolates = eps * real + (1 - eps) * fake
                    with tf.GradientTape() as gp_tape:
                        gp_tape.watch(interpolates)
                        score = critic(interpolates)
                    slope = gp_tape.gradient(score, interpolates)
                    loss = tf.reduce_mean(critic(real)) + tf.reduce_mean(tf.square(slope))
                grads = tape.gradient(loss, critic.trainable_variables)
                optimizer.apply_gradients(zip(grads, critic.trainable_variables))
            """,
            after="""
            import keras
            from keras_migrate_runtime import value_and_grad
            from keras_migrate_runtime import value_and_input_grad

            def critic_step(critic, optimizer, real, fake, eps):
                def tape_forward():
                    interpolates = eps * real + (1 - eps) * fake
                    def forward(interpolates):
                        score = critic(interpolates)
                        return score
                    score, slope = value_and_input_grad(forward, interpolates)
                    loss = keras.ops.mean(critic(real)) + keras.ops.mean(keras.ops.square(slope))
                    return loss
                loss, grads = value_and_grad(tape_forward, critic.trainable_variables)
                optimizer.apply_gradients(zip(grads, critic.trainable_variables))
            """,
            diagnostics=("KM209",),
            full=True,
        ),
        # A nested tape over variables (second-order in the weights): kept, named.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def meta_step(model, x, y):
                with tf.GradientTape() as outer:
                    with tf.GradientTape() as inner:
                        loss = tf.reduce_mean(tf.square(model(x) - y))
                    grads = inner.gradient(loss, model.trainable_variables)
                    meta_loss = tf.add_n([tf.reduce_sum(g * g) for g in grads])
                return outer.gradient(meta_loss, model.trainable_variables)
            """,
            diagnostics=("KM209", "KM209"),
            tensorflow_only=True,
        ),
        # The watched tensor read before the watch: the penalty tape recorded that read too
        # (through the critic's weights), which a nested tape would miss. Kept, named.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def critic_step(critic, real, fake, eps):
                with tf.GradientTape() as gp_tape, tf.GradientTape() as tape:
                    interpolates = eps * real + (1 - eps) * fake
                    early = critic(interpolates)
                    gp_tape.watch(interpolates)
                    score = critic(interpolates) + early
                    slope = gp_tape.gradient(score, [interpolates])
                    loss = tf.reduce_mean(tf.square(slope))
                return tape.gradient(loss, critic.trainable_variables)
            """,
            diagnostics=("KM209", "KM209"),
            tensorflow_only=True,
        ),
        # Watched on one of two tapes over one block: kept, named.
        Example(
            before="""
            import tensorflow as tf
            import keras

            def step(critic, x):
                with tf.GradientTape() as gp_tape, tf.GradientTape() as tape:
                    gp_tape.watch(x)
                    score = critic(x)
                return gp_tape.gradient(score, x), tape.gradient(score, critic.trainable_variables)
            """,
            diagnostics=("KM209", "KM209"),
            tensorflow_only=True,
        ),
        # A persistent tape's gradient per part of the model, in a loop over the parts
        # (handson-ml2 ch. 12): the variables are the loop's; hoisting the gradient
        # before the loop would read them unbound. Kept, with the reason.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            def step(x, y):
                with tf.GradientTape(persistent=True) as tape:
                    loss = loss_fn(y, model(x))
                for layers, optimizer in ((lower, lower_opt), (upper, upper_opt)):
                    gradients = tape.gradient(loss, layers.trainable_variables)
                    optimizer.apply_gradients(zip(gradients, layers.trainable_variables))
                del tape

            def per_layer(x, y):
                with tf.GradientTape(persistent=True) as tape:
                    loss = loss_fn(y, model(x))
                for part in model.layers:
                    if part.trainable_variables:
                        grads = tape.gradient(loss, part.trainable_variables)
                        opt.apply_gradients(zip(grads, part.trainable_variables))
            """,
            diagnostics=("KM209", "KM209", "KM209", "KM209"),
            tensorflow_only=True,
        ),
        # The same loop over optimizers only: one gradient, computed once, used by each.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            def step(x, y):
                with tf.GradientTape(persistent=True) as tape:
                    loss = loss_fn(y, model(x))
                for optimizer in (opt_a, opt_b):
                    gradients = tape.gradient(loss, model.trainable_variables)
                    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
                del tape
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import value_and_grad

            def step(x, y):
                def forward():
                    loss = loss_fn(y, model(x))
                    return loss
                loss, tape_gradients = value_and_grad(forward, model.trainable_variables)
                for optimizer in (opt_a, opt_b):
                    gradients = tape_gradients
                    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            """,
            diagnostics=("KM209",),
        ),
        # In a tf.function's loop over a dataset (handson-ml2 ch. 13): AutoGraph makes a
        # graph loop of it on TensorFlow, where the loop's names a nested function reads
        # "must be defined before the loop"; they are bound when forward is defined.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            @tf.function
            def train(model):
                for X_batch, y_batch in dataset:
                    with tf.GradientTape() as tape:
                        loss = loss_fn(y_batch, model(X_batch))
                    gradients = tape.gradient(loss, model.trainable_variables)
                    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import value_and_grad
            from keras_migrate_runtime import tensorflow_function

            @tensorflow_function
            def train(model):
                for X_batch, y_batch in dataset:
                    def forward(X_batch=X_batch, y_batch=y_batch):
                        loss = loss_fn(y_batch, model(X_batch))
                        return loss
                    loss, gradients = value_and_grad(forward, model.trainable_variables)
                    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            """,
            diagnostics=("KM209",),
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._blocked_ids = set()  # tape statements reported here (left for TensorFlow)

    # -- tapes -----------------------------------------------------------------------
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        if original.name.value in STEP_METHODS and len(self.ctx.function_stack) == 1 \
                and in_keras_class_method(self.ctx) is not None:
            return updated  # the train_step rule's
        if not isinstance(updated.body, cst.IndentedBlock) or "GradientTape" not in self.ctx.source:
            return updated
        result = convert_body(self.ctx, updated.body.body, updated)
        new = self._apply(result, updated, lambda body: updated.with_changes(
            body=updated.body.with_changes(body=body)))
        return self._tensorflow_function(new) if result.converted else new

    def _tensorflow_function(self, fn: cst.FunctionDef) -> cst.FunctionDef:
        """@tf.function on a converted training function: traced on TensorFlow only
        (keras_migrate_runtime.tensorflow_function), where it is what made the step fast."""
        decorators = list(fn.decorators)
        for k, decorator in enumerate(decorators):
            if not is_tf_function(self.ctx, decorator.decorator):
                continue
            if isinstance(decorator.decorator, cst.Call) and any(
                    a.keyword is not None and a.keyword.value == "input_signature" for a in decorator.decorator.args) \
                    and used_as_tf_function(self.ctx, fn.name.value):
                return fn  # a serving signature: the tf_function rule's
            # (A training step's input_signature only fixes its tracing on TensorFlow.)
            name = cst.Name("tensorflow_function")
            decorators[k] = decorator.with_changes(decorator=decorator.decorator.with_changes(func=name)
                                                   if isinstance(decorator.decorator, cst.Call) else name)
            self.ctx.use_runtime("tensorflow_function")
            drop_tensorflow_import_if_unused(self.ctx)
            return fn.with_changes(decorators=decorators)
        return fn

    def leave_Module(self, original: cst.Module, updated: cst.Module):
        if "GradientTape" not in self.ctx.source:
            return updated
        result = convert_body(self.ctx, updated.body, updated)
        module = self._apply(result, updated, lambda body: updated.with_changes(body=body))
        # A bare name can only be the tape when imported as one (`from tensorflow import
        # GradientTape`): without such a binding, names need no look.
        aliased = GRADIENT_TAPE in self.ctx.names.bindings.values()
        leftover = (_LeftoverOrAlias if aliased else _Leftover)(self.ctx, self._blocked_ids)
        walk(module, leftover)
        if leftover.node is not None:
            self.report(leftover.node, "tf.GradientTape kept (TensorFlow only): used other than as "
                                       "`with tf.GradientTape() as tape:`", _LOOP_FIX)
            self.ctx.keep_on_tensorflow(self.id, leftover.node, "custom training loop with tf.GradientTape: "
                                                                "a tape used other than in a with statement")
        return module

    def _apply(self, result, node, rebuild):
        for blocker in result.blockers:
            self._block(blocker)
        if not result.converted:
            return node
        self.fired()
        for symbol in sorted(result.runtime):
            self.ctx.use_runtime(symbol)
        drop_tensorflow_import_if_unused(self.ctx)
        self.report(self._origin(result.first),
                    "tf.GradientTape block -> forward function + keras_migrate_runtime.value_and_grad "
                    "(runs on JAX, TensorFlow and PyTorch)", severity=Severity.INFO)
        return rebuild(result.body)

    def _origin(self, statement, fallback=None):
        """Where a diagnostic about a statement of the updated tree points: its source."""
        return self.ctx.original_of(statement) or fallback or statement

    def _block(self, blocker: Blocker) -> None:
        self._blocked_ids.add(id(blocker.statement))
        where = self._origin(blocker.statement, blocker.node)
        self.report(where, f"tf.GradientTape kept (TensorFlow only): {blocker.message()}", _LOOP_FIX)
        self.ctx.keep_on_tensorflow(self.id, where, f"custom training loop with tf.GradientTape: "
                                                           f"{blocker.kind}")


class _Leftover(cst.CSTVisitor):
    """The first tf.GradientTape left outside the tapes already reported and the steps
    the train_step rule kept for TensorFlow."""

    def __init__(self, ctx, reported) -> None:
        super().__init__()
        self.ctx = ctx
        self.reported = reported
        self.node: Optional[cst.CSTNode] = None

    def visit_With(self, node: cst.With) -> Optional[bool]:
        return id(node) not in self.reported and None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> Optional[bool]:
        return node.name.value not in ("_tensorflow_train_step", "_tensorflow_test_step") and None

    def visit_Attribute(self, node: cst.Attribute) -> Optional[bool]:
        # Only `<...>.GradientTape` can name it (an alias is a Name); the chain's inner
        # parts are visited next.
        return self._check(node) if node.attr.value == "GradientTape" else None

    def _check(self, node) -> Optional[bool]:
        if self.node is None and self.ctx.qualified_name(node) == GRADIENT_TAPE:
            self.node = node
            return False
        return None


class _LeftoverOrAlias(_Leftover):
    def visit_Name(self, node: cst.Name) -> None:
        self._check(node)
