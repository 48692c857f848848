"""Walking a batch (nested lists, tuples and dicts of arrays) the way Keras' data
adapters do: namedtuples are leaves' containers Keras keeps, so they are kept too."""

__all__ = ["map_batch"]


def map_batch(leaf, batch, lists_as_tuples=False):
    """`batch` with `leaf` applied to every array in it; containers keep their type, except
    lists, which become tuples with `lists_as_tuples` (Keras 2's steps got tuples)."""
    if isinstance(batch, list) or (isinstance(batch, tuple) and not hasattr(batch, "_fields")):
        kind = tuple if lists_as_tuples else type(batch)
        return kind(map_batch(leaf, x, lists_as_tuples) for x in batch)
    if isinstance(batch, dict):
        return {key: map_batch(leaf, value, lists_as_tuples) for key, value in batch.items()}
    return leaf(batch)
