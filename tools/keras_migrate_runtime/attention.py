"""keras.layers.Attention / AdditiveAttention with Keras 2's `causal` argument.

tf_keras 2.21 still took `Attention(causal=True)` (deprecated for the call argument
`use_causal_mask`) and masked every call causally; Keras 3 rejects the argument. These
classes are the Keras 3 layers plus `causal`: a call is causal when the layer was made
causal or the call asks for it, as in Keras 2. Same layer names, weights and config keys
(with `causal`), so summaries and get_layer() read as before.
"""

import keras

from ._surface import Keras2Surface, keras2_variant

__all__ = ["AdditiveAttention", "Attention", "CausalMixin"]


class CausalMixin(Keras2Surface):
    """Keras 2's constructor argument `causal` for a Keras 3 attention layer class."""

    def __init__(self, *args, causal=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.causal = bool(causal)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        return super().call(inputs, mask=mask, training=training, return_attention_scores=return_attention_scores,
                            use_causal_mask=self.causal or use_causal_mask)

    def get_config(self):
        config = super().get_config()
        config["causal"] = self.causal
        return config


Attention = keras2_variant(CausalMixin, keras.layers.Attention, __name__, "causal")
AdditiveAttention = keras2_variant(CausalMixin, keras.layers.AdditiveAttention, __name__, "causal")
