"""Keras 2's optimizer state lists, read from a Keras 3 optimizer.

Keras 2 listed an optimizer's state as [iterations, slot variables...]: legacy optimizers
(`optimizers.legacy.*`, and every optimizer before TF 2.11) through get_weights() /
set_weights() / weights / variables(), with the slots grouped by kind (Adam: every first
moment, then every second moment); tf_keras 2.11+ optimizers through the method
variables() and set_weights(), with the slots in creation order, as Keras 3 creates
them. Keras 3 has no such methods, its `variables` property also lists the learning
rate (second), and get_weights() / variables() fail there.

Also the learning rate an optimizer driven by a LearningRateSchedule reports: tf_keras
2.11+ stored the rate of the step it last applied (the schedule at iterations - 1,
computed before each update), Keras 3 evaluates the schedule at the current iteration,
one step further on (a callback logging `optimizer.learning_rate` logged other numbers).
"""

import keras

__all__ = ["keras2_learning_rate", "keras2_optimizer_variables", "keras2_optimizer_weights",
           "keras2_set_optimizer_weights"]


def keras2_learning_rate(optimizer):
    """`optimizer.learning_rate` as tf_keras 2.11+ read it: with a schedule, the rate of the
    last step applied (of step 0 before any); otherwise the optimizer's own."""
    schedule = getattr(optimizer, "_learning_rate", None)
    if not isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        return optimizer.learning_rate
    step = keras.ops.maximum(keras.ops.subtract(optimizer.iterations, 1), 0)
    return schedule(step)


def keras2_optimizer_variables(optimizer, legacy=False):
    """Keras 2's list of `optimizer`'s variables: without the learning rate; with
    `legacy`, the slots grouped by kind in the order the kinds were created."""
    rate = getattr(optimizer, "_learning_rate", None)
    variables = [v for v in optimizer.variables if v is not rate]
    if not legacy:
        return variables
    ids = {id(v) for v in variables}
    iterations = getattr(optimizer, "_iterations", None)
    kinds = {}
    for name, value in vars(optimizer).items():  # _momentums, _velocities, ... (one list per kind)
        if (isinstance(value, list) and value and all(id(v) in ids for v in value)
                and not any(v is iterations for v in value) and len(value) < len(variables)):
            for v in value:
                kinds.setdefault(id(v), name)
    order = []
    for v in variables:
        kind = kinds.get(id(v))
        if kind is not None and kind not in order:
            order.append(kind)
    return [v for v in variables if id(v) not in kinds] + [
        v for kind in order for v in variables if kinds.get(id(v)) == kind]


def keras2_optimizer_weights(optimizer, legacy=True):
    """Keras 2's `optimizer.get_weights()` (legacy optimizers had it): NumPy values."""
    from keras import ops

    return [ops.convert_to_numpy(v) for v in keras2_optimizer_variables(optimizer, legacy)]


def keras2_set_optimizer_weights(optimizer, weights, legacy=False):
    """Keras 2's `optimizer.set_weights(weights)`: values in Keras 2's order."""
    variables = keras2_optimizer_variables(optimizer, legacy)
    if len(variables) != len(weights):
        raise ValueError(f"the optimizer has {len(variables)} variables (Keras 2's count), got {len(weights)} values")
    for variable, value in zip(variables, weights):
        variable.assign(value)
