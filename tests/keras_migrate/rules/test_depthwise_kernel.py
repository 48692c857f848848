"""KM253 depthwise_kernel: `.depthwise_kernel` -> `.kernel` in files of depthwise convolutions."""

import pytest

from keras_migrate.rules.depthwise_kernel import DepthwiseKernel
from keras_migrate.testing import assert_migrates


@pytest.mark.parametrize("head, build", [
    ("import tensorflow as tf", "tf.keras.layers.DepthwiseConv2D(3, depth_multiplier=2)"),
    ("from tensorflow.keras.layers import DepthwiseConv1D", "DepthwiseConv1D(5, padding='same')"),
    ("from tensorflow import keras", "keras.layers.DepthwiseConv2D(kernel_size=(3, 3))"),
])
def test_import_styles(head, build):
    source = f"{head}\nlayer = {build}\nshape = layer.depthwise_kernel.shape\nlayer.depthwise_kernel.assign(w)\n"
    assert_migrates(source, source.replace(".depthwise_kernel", ".kernel"), rules=[DepthwiseKernel])


@pytest.mark.parametrize("source", [
    # no depthwise convolution built: another object's attribute
    "import tensorflow as tf\nprint(block.depthwise_kernel)\n",
    # no Keras
    "class Conv:\n    depthwise_kernel = None\nConv().depthwise_kernel\n",
])
def test_left_alone(source):
    assert_migrates(source, rules=[DepthwiseKernel])


def test_both_kinds_reported_not_rewritten():
    source = ("from tensorflow.keras import layers\n"
              "class Sep(layers.SeparableConv1D):\n    pass\n"
              "dw = layers.DepthwiseConv1D(3)\nk = model.layers[1].depthwise_kernel\nj = dw.depthwise_kernel\n")
    assert_migrates(source, source.replace("j = dw.depthwise_kernel", "j = dw.kernel"), rules=[DepthwiseKernel],
                    expected_diagnostics=["KM253"])
