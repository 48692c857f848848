"""KM225 loss_function_calls: direct calls of Keras 2's broadcasting loss functions."""

from keras_migrate.rules import loss_function_calls
from keras_migrate.testing import assert_migrates


def test_whole_rule_set_molecule_generation_property_loss():
    assert_migrates(
        """
        import tensorflow as tf
        from tensorflow import keras

        def compute_loss(qed_true, qed_pred, real, generated):
            property_loss = tf.reduce_mean(keras.losses.binary_crossentropy(qed_true, qed_pred))
            graph_loss = tf.reduce_mean(keras.losses.categorical_crossentropy(real, generated))
            return property_loss + graph_loss + keras.metrics.mean_squared_error(qed_true, qed_pred)
        """,
        """
        import keras
        from keras_migrate_runtime import keras2_broadcasting

        def compute_loss(qed_true, qed_pred, real, generated):
            property_loss = keras.ops.mean(keras2_broadcasting(keras.losses.binary_crossentropy)(qed_true, qed_pred))
            graph_loss = keras.ops.mean(keras.losses.categorical_crossentropy(real, generated))
            return property_loss + graph_loss + keras2_broadcasting(keras.metrics.mean_squared_error)(qed_true, qed_pred)
        """,
    )


def test_keras2_short_names_become_keras3_names():
    # Keras 3 has no keras.losses.mae / mse / kld ... (the strings still work)
    assert_migrates(
        """
        from tensorflow import keras
        from tensorflow.keras.metrics import mse

        a = keras.losses.mae(y, p) + mse(y, p)
        b = keras.losses.kullback_leibler_divergence(y, p)
        model.compile(loss=keras.losses.logcosh, metrics=["mae"])
        """,
        """
        import keras
        from keras.metrics import mean_squared_error as mse
        from keras_migrate_runtime import keras2_broadcasting

        a = keras2_broadcasting(keras.losses.mean_absolute_error)(y, p) + keras2_broadcasting(mse)(y, p)
        b = keras2_broadcasting(keras.losses.kl_divergence)(y, p)
        model.compile(loss=keras.losses.log_cosh, metrics=["mae"])
        """,
    )


def test_broadcasting_losses_are_the_runtimes():
    from keras_migrate_runtime import loss_functions

    assert loss_function_calls.BROADCASTING_LOSSES == loss_functions.BROADCASTING_LOSSES


def test_every_function_exists_in_keras3():
    import keras

    for name in loss_function_calls.BROADCASTING_LOSSES:
        assert callable(getattr(keras.losses, name)), name
