"""Keras 2's matching of a dict of targets (or sample weights) to a model's outputs.

Keras 2 (tf_keras 2.21, `compile_utils.match_dtype_and_rank` / `training.py`'s
`_standardize_user_data` successors) read `{output_name: y}` by the model's
`output_names` whatever structure the outputs had. Keras 3.15 does so only in part:
a single-output model takes the dict itself as the target ("could not convert string
to float"), and a list of outputs with `sample_weight=` fails in the loss container
(KeyError: 0). `keras2_targets(model, d)` gives the structure Keras 3 reads: the one
value for one output, the values in output order for several, the dict itself for a
model whose outputs are a dict (Keras 3 matches those by key).
"""

__all__ = ["keras2_targets"]


def keras2_targets(model, targets):
    if not isinstance(targets, dict):
        return targets
    try:
        structure = model.output
    except (AttributeError, ValueError):  # a Sequential model not built yet
        structure = None
    if isinstance(structure, dict):
        return targets
    names = list(getattr(model, "output_names", None) or ())
    if not names or any(name not in targets for name in names) or len(targets) != len(names):
        return targets  # keys that name no output: Keras 3's own error says which
    if len(names) == 1:
        return targets[names[0]]
    return [targets[name] for name in names]
