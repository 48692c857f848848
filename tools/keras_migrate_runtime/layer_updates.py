"""Keras 2's `Layer.add_update(updates)` (gone from Keras 3).

In tf_keras 2.21 (TensorFlow 2, eager or tf.function) an update op passed to add_update
had already run when it was made (`self.v.assign(...)` runs where it is written);
add_update only ran the zero-argument callables it was given, unless the layer was
frozen (trainable=False), and nothing while a functional model was being built. The
same here: the callables are called for a trainable layer, the rest has run already.
"""

import keras

__all__ = ["keras2_add_update"]


def keras2_add_update(layer, updates):
    """`layer.add_update(updates)` as Keras 2 ran it."""
    if not layer.trainable:
        return
    for update in keras.tree.flatten(updates):
        if callable(update):
            update()
