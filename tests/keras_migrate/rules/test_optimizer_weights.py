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
    after = ("import tensorflow as tf\n"
             "from keras_migrate_runtime import keras2_optimizer_weights\n"
             "from keras_migrate_runtime import keras2_optimizer_variables\n"
             "class Snapshot(tf.keras.callbacks.Callback):\n"
             "    def on_epoch_end(self, epoch, logs=None):\n"
             "        self.states.append(keras2_optimizer_weights(self.model.optimizer))\n"
             "opt = tf.keras.optimizers.Adam(1e-3)\n"
             "before = keras2_optimizer_variables(opt)\n"
             "opt = make_optimizer()\n"
             "after = keras2_optimizer_weights(opt)\n"
             "encoder.get_weights()\n")
    assert_migrates(source, after, rules=[OptimizerWeights])
