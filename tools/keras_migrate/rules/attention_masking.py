"""KM230 attention_masking: MultiHeadAttention masks scores as Keras 2 did.

Keras 2 added (1 - mask) * -1e9 to the attention scores before the softmax; Keras 3
replaces masked scores (or runs the backend's fused attention). Probabilities agree
wherever a query row keeps one key, but a row with every key masked (padded queries
under a Keras mask, a padding mask over queries and keys) attends uniformly in Keras 2,
with gradients into the query and key weights, and gets no gradient (or zeros, with
dropout or returned scores) in Keras 3: training numbers differ on every backend (one
SGD step on JAX: kernels off by 0.016). MultiHeadAttention(...) becomes
keras_migrate_runtime's subclass (same name, config and weights), which computes Keras
2's formula when a mask reaches the attention and Keras 3's own path otherwise.
Subclasses of MultiHeadAttention are left alone (they often replace the attention
computation themselves).
"""

from __future__ import annotations

import libcst as cst

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._agnostic import runtime_class_for

__all__ = ["AttentionMasking"]

RUNTIME_CLASS = "MultiHeadAttention"
LOCAL_NAME = "Keras2MultiHeadAttention"
_PATHS = frozenset({"layers.MultiHeadAttention", "layers.multi_head_attention.MultiHeadAttention",
                    "layers.attention.multi_head_attention.MultiHeadAttention"})


class AttentionMasking(Rule):
    id = "KM230"
    name = "attention_masking"
    description = ("MultiHeadAttention becomes keras_migrate_runtime's subclass that masks attention scores as "
                   "Keras 2 did (additively: fully masked query rows attend uniformly and pass gradients).")
    TRIGGERS = ("MultiHeadAttention",)
    EXAMPLES = (
        Example(
            before="""
            from tensorflow.keras import layers
            attention = layers.MultiHeadAttention(num_heads=2, key_dim=16)
            """,
            after="""
            from keras_migrate_runtime import MultiHeadAttention as Keras2MultiHeadAttention
            attention = Keras2MultiHeadAttention(num_heads=2, key_dim=16)
            """,
        ),
        Example(
            before="""
            import keras

            class Attention(keras.layers.MultiHeadAttention):
                pass
            """,
        ),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if self.ctx.keras_path(original.func) not in _PATHS:
            return updated
        self.fired()
        return updated.with_changes(func=runtime_class_for(self.ctx, original.func, RUNTIME_CLASS, LOCAL_NAME))
