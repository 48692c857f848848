"""Forward passes outside training without a gradient record, as in Keras 2.

Keras 2 recorded gradients only inside a tf.GradientTape, so a callback calling the model
(a GAN monitor drawing samples, a layer's attention maps) got plain tensors that NumPy and
matplotlib take. On PyTorch every call on trainable weights records a graph and returns
tensors that require grad: np.asarray() on them raises ("Can't call numpy() on Tensor
that requires grad"). This calls the layer or model under torch.no_grad() on PyTorch
and as is on the other backends.

Such results then meet NumPy (`np.mean(np.abs(model(x) - y))`): on PyTorch the first
call also makes NumPy take torch tensors as it took TensorFlow's (torch_numpy.py).
"""

from keras import backend

from .torch_numpy import take_numpy_like_tensorflow

__all__ = ["call_without_gradients"]


def call_without_gradients(layer, *args, **kwargs):
    if backend.backend() != "torch":
        return layer(*args, **kwargs)
    import torch  # only on the PyTorch backend

    take_numpy_like_tensorflow(torch)
    with torch.no_grad():
        return layer(*args, **kwargs)
