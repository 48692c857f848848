from keras_migrate.rules.optimizer_weights import OptimizerWeights
from keras_migrate.testing import assert_migrates


def test_callbacks_and_rebound_names():
    source = ("import tensorflow as tf\n"
              "class Snapshot(tf.keras.callbacks.Callback):\n"
              "    def on_epoch_end(self, epoch, logs=None):\n"
              "        self.states.append(self.model.optimizer.get_weights())\n"
              "opt = tf.keras.optimizers.Adam(1e-3)\n"
              "before = opt.variables()\n"
              "opt = make_optimizer()\n"
              "after = opt.get_weights()\n"
              "encoder.get_weights()\n")
    assert_migrates(source, rules=[OptimizerWeights], expected_diagnostics=["KM251", "KM251"])
