from keras_migrate.rules.loss_reduction import LossReduction
from keras_migrate.testing import assert_migrates

RULES = [LossReduction]


def test_all_members_and_import_removed():
    assert_migrates(
        """
        from tensorflow.keras.losses import Reduction, MeanSquaredError
        a = MeanSquaredError(reduction=Reduction.SUM)
        b = MeanSquaredError(reduction=Reduction.SUM_OVER_BATCH_SIZE)
        c = MeanSquaredError(reduction=Reduction.AUTO)
        d = MeanSquaredError(reduction=Reduction.NONE)
        """,
        """
        from tensorflow.keras.losses import MeanSquaredError
        a = MeanSquaredError(reduction="sum")
        b = MeanSquaredError(reduction="sum_over_batch_size")
        c = MeanSquaredError(reduction="sum_over_batch_size")
        d = MeanSquaredError(reduction="none")
        """,
        rules=RULES,
    )


def test_default_parameter_of_custom_loss():
    assert_migrates(
        """
        import tensorflow as tf
        class MyLoss(tf.keras.losses.Loss):
            def __init__(self, reduction=tf.keras.losses.Reduction.AUTO, name="my"):
                super().__init__(reduction=reduction, name=name)
        """,
        """
        import tensorflow as tf
        class MyLoss(tf.keras.losses.Loss):
            def __init__(self, reduction="sum_over_batch_size", name="my"):
                super().__init__(reduction=reduction, name=name)
        """,
        rules=RULES,
    )


def test_auto_string_only_on_keras_losses():
    assert_migrates(
        """
        import keras
        a = keras.losses.Huber(reduction="auto")
        b = torch.nn.Something(reduction="auto")
        """,
        """
        import keras
        a = keras.losses.Huber(reduction="sum_over_batch_size")
        b = torch.nn.Something(reduction="auto")
        """,
        rules=RULES,
    )


def test_tf_compat_v1_reduction_is_not_keras():
    assert_migrates(
        """
        import tensorflow as tf
        r = tf.compat.v1.losses.Reduction.NONE
        """,
        rules=RULES,
    )
