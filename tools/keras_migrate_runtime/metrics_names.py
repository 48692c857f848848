"""Keras 2's `model.metrics_names` for a Keras 3 model.

Keras 2 (tf_keras 2.21) listed one name per value that evaluate() / train_on_batch()
return: "loss", each output's "<output>_loss" (several outputs), then every compiled
metric under its own name (output by output: metrics, then weighted metrics), then
metrics the model's layers added. Keras 3 lists its metric objects instead:
`["loss", "compile_metrics", ...]`, one name for all compiled metrics. Code that reads
the names with the values (`dict(zip(model.metrics_names, scores))`,
`model.metrics_names[1]`, `.index("accuracy")`) then mislabels, misaligns or fails.

The names are those of Keras 3's own results (`evaluate(..., return_dict=True)` keys,
which the migrator's multi-output evaluate() rewrite picks in Keras 2's order); a model
whose `metrics` property is its own (a custom train_step's trackers) keeps those names,
in Keras 2 and Keras 3 alike.
"""

__all__ = ["keras2_metrics", "keras2_metrics_names"]


def _named(metrics_lists, counters, weighted):
    """Keras 3's result names (CompileMetrics.result), per output."""
    per_output = []
    for metrics_list in metrics_lists:
        names = []
        for metric in (metrics_list.metrics if metrics_list else ()):
            prefix = f"{metrics_list.output_name}_" if metrics_list.output_name else ""
            name = prefix + metric.name
            if name not in counters:
                counters[name] = 1
            elif not weighted:
                counters[name] += 1
                name = f"{name}_{counters[name] - 1}"
            else:
                name = f"{prefix}weighted_{metric.name}"
                if name not in counters:
                    counters[name] = 1
                else:
                    counters[name] += 1
                    name = f"{name}_{counters[name] - 1}"
            names.append(name)
        per_output.append(names)
    return per_output


def _compiled_names(compile_metrics):
    if not getattr(compile_metrics, "built", False):
        return []  # Keras 2 too listed compiled metrics only once they had run
    counters = {}
    plain = _named(compile_metrics._flat_metrics, counters, weighted=False)
    weighted = _named(compile_metrics._flat_weighted_metrics, counters, weighted=True)
    names = []
    for k in range(max(len(plain), len(weighted))):  # Keras 2: output by output
        names += plain[k] if k < len(plain) else []
        names += weighted[k] if k < len(weighted) else []
    return names


def _compiled_metrics(compile_metrics):
    """The compiled metric objects, in Keras 2's order (output by output: metrics, then
    weighted metrics); none before they have run, as in Keras 2."""
    if not getattr(compile_metrics, "built", False):
        return []
    plain = [list(m.metrics) if m else [] for m in compile_metrics._flat_metrics]
    weighted = [list(m.metrics) if m else [] for m in compile_metrics._flat_weighted_metrics]
    ordered = []
    for k in range(max(len(plain), len(weighted))):
        ordered += plain[k] if k < len(plain) else []
        ordered += weighted[k] if k < len(weighted) else []
    return ordered


def _in_keras2_order(model, compiled):
    """Keras 3's `model.metrics` regrouped as Keras 2 listed them: the loss, each output's
    loss, the compiled metrics (`compiled(container)` expands Keras 3's one container),
    then the metrics of the model's layers. Items are metric objects, or what `compiled`
    returns."""
    compile_metrics = getattr(model, "_compile_metrics", None)
    compile_loss = getattr(model, "_compile_loss", None)
    output_losses = {id(m) for m in (compile_loss.metrics if compile_loss is not None else ())}
    loss, per_output, compiled_items, others = [], [], [], []
    for metric in model.metrics:
        if compile_metrics is not None and metric is compile_metrics:
            compiled_items += compiled(metric)
        elif metric is getattr(model, "_loss_tracker", None):
            loss.append(metric)
        elif id(metric) in output_losses:
            per_output.append(metric)
        else:
            others.append(metric)
    if compile_loss is not None and not getattr(compile_loss, "built", True):
        loss, per_output = [], []  # Keras 2 listed the losses once they had run, too
    return loss, per_output, compiled_items, others


def keras2_metrics_names(model):
    """What `model.metrics_names` was in Keras 2 (see the module docstring)."""
    loss, per_output, compiled, others = _in_keras2_order(model, _compiled_names)
    return [m.name for m in loss + per_output] + compiled + [m.name for m in others]


def keras2_metrics(model):
    """What `model.metrics` was in Keras 2: the metric objects one by one (Keras 3 lists
    one CompileMetrics container for every compiled metric: `model.metrics[-1].threshold`
    and `[m.result() for m in model.metrics]` read it instead)."""
    loss, per_output, compiled, others = _in_keras2_order(model, _compiled_metrics)
    return loss + per_output + compiled + others
