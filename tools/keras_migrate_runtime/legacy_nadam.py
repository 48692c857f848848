"""Keras 2's legacy Nadam (`tf.keras.optimizers.legacy.Nadam`, the only Nadam of TF 2.10
and before) on Keras 3.

Both Nadams keep a product of momentum-schedule factors
mu_t = beta_1 * (1 - 0.5 * 0.96 ** (d * t)); the legacy one decays with
d = schedule_decay = 0.004 (Dozat's paper; its `decay=` argument is overwritten by
it), Keras 3's (and tf_keras's new one) with d = 1. Measured on tf_keras 2.21, a small
dense model, 4 epochs of Nadam(0.01): loss 38.93 (legacy) against 39.27 (Keras 3). The
rest of the update is the same formula, so this is Keras 3's Nadam with d kept.
"""

import keras
from keras import ops

__all__ = ["LegacyNadam"]


@keras.saving.register_keras_serializable(package="keras_migrate_runtime")
class LegacyNadam(keras.optimizers.Nadam):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, schedule_decay=0.004,
                 name="Nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, name=name,
                         **kwargs)
        self.schedule_decay = schedule_decay

    def _schedule(self, step, dtype):
        """mu at `step` (1-based), as the legacy optimizer computed it."""
        decay = ops.power(ops.cast(0.96, dtype), ops.cast(self.schedule_decay, dtype) * step)
        return ops.cast(self.beta_1, dtype) * (1.0 - 0.5 * decay)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        # Keras 3's Nadam moves its product once per step here, before the updates.
        dtype = self._u_product.dtype
        self.assign(self._u_product,
                    self._u_product * self._schedule(ops.cast(self.iterations + 1, dtype), dtype))
        keras.optimizers.Optimizer._backend_update_step(self, grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        local_step = ops.cast(self.iterations + 1, dtype)
        u_t = self._schedule(local_step, dtype)
        u_t_1 = self._schedule(local_step + 1.0, dtype)
        u_product_t = ops.cast(self._u_product, dtype)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), local_step)

        m = self._momentums[self._get_variable_index(variable)]
        v = self._velocities[self._get_variable_index(variable)]
        self.assign_add(m, ops.multiply(ops.subtract(gradient, m), 1 - self.beta_1))
        self.assign_add(v, ops.multiply(ops.subtract(ops.square(gradient), v), 1 - self.beta_2))
        m_hat = ops.add(ops.divide(ops.multiply(u_t_1, m), 1 - u_product_t_1),
                        ops.divide(ops.multiply(1 - u_t, gradient), 1 - u_product_t))
        v_hat = ops.divide(v, 1 - beta_2_power)
        self.assign_sub(variable, ops.divide(ops.multiply(m_hat, lr), ops.add(ops.sqrt(v_hat), self.epsilon)))

    def get_config(self):
        return {**super().get_config(), "schedule_decay": self.schedule_decay}
