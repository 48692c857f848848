"""Python generators handed to predict(), as Keras 2 read them.

Keras 2 took a bare array (or list of arrays) yielded by a generator as the batch's
inputs; Keras 3's generator adapter requires a tuple, `(inputs,)`, and raises otherwise
("the generator must return a tuple").
"""

__all__ = ["keras2_input_batches"]


def keras2_input_batches(batches):
    """Each batch of `batches` as Keras 3 wants it: tuples kept, anything else -> (batch,)."""
    for batch in batches:
        yield batch if isinstance(batch, tuple) else (batch,)
