"""Mixed precision whose skipped steps count, as in Keras 2.

With a float16 policy both Kerases wrap the optimizer in a LossScaleOptimizer that skips
the update when the scaled gradients overflow (and halves the scale). tf_keras still
advanced the inner optimizer's `iterations` on a skipped step; Keras 3 does not. Adam's
bias correction and every step-based learning-rate schedule then see other step
numbers: measured on tf_keras 2.21 against Keras 3.15 (three skipped steps in the first
epoch of a small float16 model), epoch-2 losses differ by 0.3% on all backends.
`set_global_policy` sets the policy and makes Keras 3's LossScaleOptimizer count
skipped steps the same way (a class-level change, installed once).
"""

import keras

__all__ = ["set_global_policy"]


def set_global_policy(policy):
    keras.mixed_precision.set_global_policy(policy)
    _count_skipped_steps(keras.optimizers.LossScaleOptimizer)


def _count_skipped_steps(cls):
    if getattr(cls, "_keras2_counts_skipped_steps", False):
        return
    stateful = cls._stateful_handle_non_finite_grads

    def _stateful_handle_non_finite_grads(self):
        stateful(self)
        self.inner_optimizer.iterations.assign_add(1)

    def _stateless_handle_non_finite_grads(self, optimizer_variables, trainable_variables):
        # Keras' own method, plus the inner optimizer's step (its variables are in the mapping).
        mapping = list(zip(self.variables, optimizer_variables))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            self.step_counter.assign(0)
            self.dynamic_scale.assign(keras.ops.multiply(self.dynamic_scale, 0.5))
            self.inner_optimizer.iterations.assign_add(1)
        return trainable_variables, [scope.get_current_value(v) for v in self.variables]

    cls._stateful_handle_non_finite_grads = _stateful_handle_non_finite_grads
    cls._stateless_handle_non_finite_grads = _stateless_handle_non_finite_grads
    cls._keras2_counts_skipped_steps = True
