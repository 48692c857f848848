from keras_migrate.rules.saved_model import SavedModel
from keras_migrate.testing import assert_migrates

RULES = [SavedModel]


def test_non_model_saves_are_untouched():
    assert_migrates(
        """
        import numpy as np
        import tensorflow as tf

        image.save("predicted_{i}.png".format(i=1))
        np.save("array", data)
        ckpt = tf.train.Checkpoint(step=step)
        ckpt.save("prefix")
        tokenizer.save("vocab_dir")
        """,
        rules=RULES,
    )


def test_weight_path_variable_rewritten_at_assignment():
    result = assert_migrates(
        """
        import keras

        checkpoint_path = "checkpoints/model_{epoch:02d}"
        cb = keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, save_weights_only=True)
        model.load_weights(checkpoint_path)
        """,
        """
        import keras

        checkpoint_path = "checkpoints/model_{epoch:02d}.weights.h5"
        cb = keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, save_weights_only=True)
        model.load_weights(checkpoint_path)
        """,
        rules=RULES,
    )
    assert result.changed


def test_external_savedmodel_load_becomes_tfsm_layer_with_warning():
    assert_migrates(
        """
        import keras

        teacher = keras.models.load_model("bit_teacher_flowers", compile=False)
        logits = teacher(images)
        """,
        """
        import keras

        teacher = keras.layers.TFSMLayer("bit_teacher_flowers", call_endpoint="serving_default")
        logits = teacher(images)
        """,
        rules=RULES,
        expected_diagnostics=["KM141"],
    )


def test_external_savedmodel_that_is_trained_is_diagnosed():
    assert_migrates(
        """
        from tensorflow import keras

        model = keras.models.load_model("exported")
        model.fit(x, y)
        """,
        rules=RULES,
        expected_diagnostics=["KM141"],
    )


def test_tf_checkpoint_weights_not_written_here_are_diagnosed():
    assert_migrates(
        """
        import tensorflow as tf
        import keras

        model.load_weights(tf.train.latest_checkpoint("ckpts"))
        model.load_weights("pretrained/model.h5")
        """,
        rules=RULES,
        expected_diagnostics=["KM141"],
    )


def test_model_save_in_function_and_h5_save_format():
    assert_migrates(
        """
        import keras

        def train():
            model = keras.Sequential([keras.layers.Dense(1)])
            model.save(f"{out_dir}/final", save_format="tf")
            model.save("final.h5", save_format="h5")
        """,
        """
        import keras

        def train():
            model = keras.Sequential([keras.layers.Dense(1)])
            model.save(f"{out_dir}/final.keras")
            model.save("final.h5")
        """,
        rules=RULES,
        expected_diagnostics=["KM141"],
    )


def test_path_variable_used_elsewhere_gets_suffix_at_call_sites():
    assert_migrates(
        """
        import os
        import keras

        out = os.path.join(root, "export")
        os.makedirs(out)
        model = keras.models.load_model(src)
        model.save(out)
        again = keras.models.load_model(out)
        again.fit(x, y)
        """,
        """
        import os
        import keras

        out = os.path.join(root, "export")
        os.makedirs(out)
        model = keras.models.load_model(src)
        model.save(out + ".keras")
        again = keras.models.load_model(out + ".keras")
        again.fit(x, y)
        """,
        rules=RULES,
        expected_diagnostics=["KM141"],
    )
