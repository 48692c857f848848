from keras_migrate.rules.keras2_libraries import Keras2Libraries
from keras_migrate.testing import assert_migrates


def test_tf_addons_pieces_with_a_keras3_counterpart_name_it_in_the_fix():
    cases = {
        "tfa.layers.InstanceNormalization()": "GroupNormalization(groups=-1",
        "tfa.image.gaussian_filter2d(x, sigma=2.0)": "keras.ops.image.gaussian_blur",
        "tfa.image.rotate(x, 0.5)": "keras.ops.image.affine_transform",
        "tfa.optimizers.LAMB()": "keras.optimizers.Lamb",
        "tfa.losses.npairs_loss(y, p)": "reimplement it with keras.ops",
    }
    for use, fix in cases.items():
        source = f"import tensorflow_addons as tfa\ny = {use}\n"
        result = assert_migrates(source, rules=[Keras2Libraries], expected_diagnostics=["KM123", "KM123"], tensorflow_only=True)
        assert fix in result.diagnostics[0].fix, result.diagnostics[0].fix
