"""keras.layers.MultiHeadAttention masking as Keras 2 did it.

Keras 2 masked attention scores additively: scores + (1 - mask) * -1e9, then softmax. A
query row whose every key is masked (a padded query under a Keras mask, a padding mask
combined over queries and keys) then attends uniformly, and gradients flow through that
softmax into the query and key weights. Keras 3 replaces masked scores instead
(`where`, or the backends' fused dot_product_attention): the same probabilities
elsewhere, but such rows get no gradient, and where it zeroes them (dropout, returned
scores) other outputs too. Measured on tf_keras 2.21 against Keras 3.15 (JAX, one SGD
step, a 2-D padding mask): query/key kernels off by 0.016; identical without fully
masked rows. This subclass computes Keras 2's formula whenever a mask reaches the
attention, Keras 3's own path otherwise.
"""

import keras
from keras import ops

from ._surface import saved_as_keras

__all__ = ["MultiHeadAttention"]


@saved_as_keras("keras.layers")
class MultiHeadAttention(keras.layers.MultiHeadAttention):
    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False, **kwargs):
        if attention_mask is None:
            return super()._compute_attention(query, key, value, attention_mask, training,
                                              return_attention_scores, **kwargs)
        query = ops.multiply(query, ops.cast(self._inverse_sqrt_key_dim, query.dtype))
        scores = ops.einsum(self._dot_product_equation, key, query)
        scores = self._keras2_masked_softmax(scores, attention_mask)
        attended = self._dropout_layer(scores, training=training) if self._dropout > 0.0 else scores
        return ops.einsum(self._combine_equation, attended, value), scores

    def _keras2_masked_softmax(self, scores, mask):
        # The mask broadcasts from the heads axis on, as in Keras' own _masked_softmax.
        axis = -len(self._attention_axes) * 2 - 1
        for _ in range(len(scores.shape) - len(mask.shape)):
            mask = ops.expand_dims(mask, axis=axis)
        # tf_keras' _large_compatible_negative: float16's lowest value, else -1e9.
        negative = -65504.0 if keras.backend.standardize_dtype(scores.dtype) == "float16" else -1e9
        scores = scores + (1.0 - ops.cast(mask, scores.dtype)) * ops.cast(negative, scores.dtype)
        axes = self._softmax.axis
        if isinstance(axes, (tuple, list)) and len(axes) > 1:
            return ops.exp(scores - ops.logsumexp(scores, axis=axes, keepdims=True))
        return ops.softmax(scores, axis=axes[0] if isinstance(axes, (tuple, list)) else axes)
