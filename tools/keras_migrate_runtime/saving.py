"""Keras 2's reload of a SavedModel directory, for the .keras file that replaces it.

tf_keras 2.21's `load_model("dir")` of a SavedModel came back with the optimizer's
configuration but not its state: iterations 0, no slot variables (measured for Adam,
legacy Adam and SGD with momentum; .h5 and .keras files kept the state). Keras 3's
`.keras` reader restores the state, so training the reloaded model continues from where
the original stopped, and its numbers differ from Keras 2's. The migrator moves such
saves to `.keras` and wraps the reload in keras2_fresh_optimizer(...) where the file then
trains the reloaded model.
"""

__all__ = ["keras2_fresh_optimizer"]


def keras2_fresh_optimizer(model):
    """`model` with its optimizer's state as a new optimizer of the same configuration
    has it (every variable at its initial value, iterations 0), as Keras 2 reloaded it
    from a SavedModel; the learning rate stays the saved one."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(optimizer, "built", False):
        return model
    fresh = optimizer.__class__.from_config(optimizer.get_config())
    fresh.build(model.trainable_variables)
    if len(fresh.variables) != len(optimizer.variables):
        return model  # a layout this helper does not know: left as loaded
    for old, new in zip(optimizer.variables, fresh.variables):
        if old is not getattr(optimizer, "_learning_rate", None):
            old.assign(new)
    return model
