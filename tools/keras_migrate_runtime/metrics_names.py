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

__all__ = ["keras2_metrics_names"]


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


def keras2_metrics_names(model):
    """What `model.metrics_names` was in Keras 2 (see the module docstring)."""
    compile_metrics = getattr(model, "_compile_metrics", None)
    compile_loss = getattr(model, "_compile_loss", None)
    output_losses = {id(m) for m in (compile_loss.metrics if compile_loss is not None else ())}
    loss, per_output, compiled, others = [], [], [], []
    for metric in model.metrics:
        if compile_metrics is not None and metric is compile_metrics:
            compiled += _compiled_names(metric)
        elif metric is getattr(model, "_loss_tracker", None):
            loss.append(metric.name)
        elif id(metric) in output_losses:
            per_output.append(metric.name)
        else:
            others.append(metric.name)
    if compile_loss is not None and not getattr(compile_loss, "built", True):
        loss, per_output = [], []  # Keras 2 listed the losses once they had run, too
    return loss + per_output + compiled + others
