from keras_migrate.rules.keras2_libraries import Keras2Libraries
from keras_migrate.testing import assert_migrates


def test_tf_addons_pieces_with_a_keras3_counterpart_name_it_in_the_fix():
    cases = {
        "tfa.image.gaussian_filter2d(x, sigma=2.0)": "keras.ops.image.gaussian_blur",
        "tfa.image.rotate(x, 0.5)": "keras.ops.image.affine_transform",
        "tfa.optimizers.LAMB()": "keras.optimizers.Lamb",
        "tfa.losses.TripletSemiHardLoss()(y, p)": "reimplement it with keras.ops",
    }
    for use, fix in cases.items():
        source = f"import tensorflow_addons as tfa\ny = {use}\n"
        result = assert_migrates(source, rules=[Keras2Libraries], expected_diagnostics=["KM123"] * 3,
                                 tensorflow_only=True)
        assert "import tensorflow_addons fails next to Keras 3" in result.diagnostics[0].message
        assert fix in result.diagnostics[1].fix, result.diagnostics[1].fix


def test_import_warning_only_when_a_use_survives():
    # Renamed uses lose the import (imports rule); no use: nothing fails to import.
    assert_migrates("import tensorflow_addons as tfa\n", rules=[Keras2Libraries])
    result = assert_migrates("from tensorflow_addons import losses\nx = losses.TripletSemiHardLoss()(a, b)\n",
                             rules=[Keras2Libraries], expected_diagnostics=["KM123"] * 3, tensorflow_only=True)
    assert result.diagnostics[0].line == 1


def test_tf_addons_pieces_keras3_has_are_replaced_not_reported():
    # InstanceNormalization is GroupNormalization(groups=-1); npairs_loss a runtime helper.
    assert_migrates(
        """
        import tensorflow_addons as tfa
        from tensorflow import keras
        from tensorflow_addons.layers import InstanceNormalization
        norm = tfa.layers.InstanceNormalization(epsilon=1e-5)
        other = InstanceNormalization()
        loss = tfa.losses.npairs_loss(labels, logits)
        """,
        """
        import keras
        from keras.layers import GroupNormalization as InstanceNormalization
        from keras_migrate_runtime import npairs_loss
        norm = keras.layers.GroupNormalization(epsilon=1e-5, groups=-1)
        other = InstanceNormalization(groups=-1)
        loss = npairs_loss(labels, logits)
        """,
    )
