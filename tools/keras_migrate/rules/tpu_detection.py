"""KM210 tpu_detection: TPU detection with a fallback keeps a program backend-agnostic.

Kaggle and keras.io programs open with

    try:
        tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
        strategy = tf.distribute.TPUStrategy(tpu)
    except ValueError:
        strategy = tf.distribute.get_strategy()

and build their model under `strategy.scope()`. On JAX and PyTorch a tf.distribute
strategy does not distribute a Keras 3 model, and a TensorFlow TPU system would take the
TPU from the backend. The resolver call becomes keras_migrate_runtime's, which on those
backends raises the ValueError a machine without a TPU gives: the program's own fallback,
the default strategy (whose scope() Keras 3 ignores there), runs, with the numbers of a
single device. The rest of the try body then never runs off TensorFlow, so KM207 does
not count its tf.distribute / TPU calls. On TensorFlow nothing changes.

An unguarded resolver, a handler that does not catch ValueError, or another strategy
(MirroredStrategy, strategy.run) stays TensorFlow-only (KM207).
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._agnostic import TPU_DETECTION, TPU_RESOLVERS
from keras_migrate.rules._keras import Part
from keras_migrate.rules._tf_op_emit import bound_names

__all__ = ["TpuDetection"]

_FIX = ("for TPUs or several GPUs on JAX, use keras.distribution (keras.distribution.set_distribution("
        "keras.distribution.DataParallel())); on TensorFlow the strategy works as before")


class TpuDetection(Rule):
    id = "KM210"
    name = "tpu_detection"
    description = ("TPU detection with a ValueError fallback (TPUClusterResolver in try/except): the resolver "
                   "raises off TensorFlow so the default strategy runs there; the program stays backend-agnostic.")
    part = Part.AGNOSTIC
    TRIGGERS = ("TPUClusterResolver",)
    regions = (TPU_DETECTION,)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            try:
                tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
                print("Device:", tpu.master())
                strategy = tf.distribute.TPUStrategy(tpu)
            except:
                strategy = tf.distribute.get_strategy()
            print("Number of replicas:", strategy.num_replicas_in_sync)
            with strategy.scope():
                model = keras.Sequential([keras.layers.Dense(1)])
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import connect_tpu_cluster

            try:
                tpu = connect_tpu_cluster()
                print("Device:", tpu.master())
                strategy = tf.distribute.TPUStrategy(tpu)
            except:
                strategy = tf.distribute.get_strategy()
            print("Number of replicas:", strategy.num_replicas_in_sync)
            with strategy.scope():
                model = keras.Sequential([keras.layers.Dense(1)])
            """,
            diagnostics=("KM210",),
        ),
        # The older spelling: the constructor raises ValueError without a TPU.
        Example(
            before="""
            import tensorflow as tf
            from tensorflow import keras

            try:
                resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu="")
                tf.config.experimental_connect_to_cluster(resolver)
                tf.tpu.experimental.initialize_tpu_system(resolver)
                strategy = tf.distribute.experimental.TPUStrategy(resolver)
            except (ValueError, KeyError):
                strategy = tf.distribute.get_strategy()
            """,
            after="""
            import tensorflow as tf
            from tensorflow import keras
            from keras_migrate_runtime import tpu_cluster_resolver

            try:
                resolver = tpu_cluster_resolver(tpu="")
                tf.config.experimental_connect_to_cluster(resolver)
                tf.tpu.experimental.initialize_tpu_system(resolver)
                strategy = tf.distribute.experimental.TPUStrategy(resolver)
            except (ValueError, KeyError):
                strategy = tf.distribute.get_strategy()
            """,
            diagnostics=("KM210",),
        ),
        # No fallback: on a machine without a TPU the program stops, so it is TPU code.
        Example(
            before="""
            import tensorflow as tf
            import keras

            tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
            strategy = tf.distribute.TPUStrategy(tpu)
            """,
        ),
        # A fallback that is itself a TensorFlow strategy: KM207 keeps the file on TensorFlow.
        Example(
            before="""
            import tensorflow as tf
            import keras

            try:
                tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
                strategy = tf.distribute.TPUStrategy(tpu)
            except ValueError:
                strategy = tf.distribute.MirroredStrategy()
            """,
            after="""
            import tensorflow as tf
            import keras
            from keras_migrate_runtime import connect_tpu_cluster

            try:
                tpu = connect_tpu_cluster()
                strategy = tf.distribute.TPUStrategy(tpu)
            except ValueError:
                strategy = tf.distribute.MirroredStrategy()
            """,
            diagnostics=("KM210",),
        ),
        # A handler that does not catch ValueError: the TPU error would propagate.
        Example(
            before="""
            import tensorflow as tf
            import keras

            try:
                tpu = tf.distribute.cluster_resolver.TPUClusterResolver.connect()
                strategy = tf.distribute.TPUStrategy(tpu)
            except KeyError:
                strategy = tf.distribute.get_strategy()
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        helper = TPU_RESOLVERS.get(self.ctx.qualified_name(original.func) or "")
        if helper is None or not self.ctx.in_region(TPU_DETECTION):
            return updated
        if helper in bound_names(self.ctx):
            return updated  # KM207 reports the resolver; a helper must not shadow the file's name
        self.ctx.use_runtime(helper)
        self.report(original, "TPU detection: off TensorFlow the resolver raises ValueError and the fallback "
                    "(the default strategy) runs; tf.distribute does not distribute Keras 3 on JAX / PyTorch",
                    _FIX, Severity.INFO)
        return updated.with_changes(func=cst.Name(helper))
