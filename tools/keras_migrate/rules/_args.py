"""Reading call arguments: binding them to parameters, Keras-ness of names.

Edits (building, moving, dropping arguments and their commas) are in rules/_util.py."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from keras_migrate.rules._facts import FileFacts
from keras_migrate.rules._util import code
from keras_migrate.spec._keras3_renames import KERAS2_COMPILE_KEYWORDS, KERAS2_COMPILE_PARAMETERS

__all__ = [
    "argument",
    "bind",
    "file_uses_keras",
    "has_star",
    "is_string",
    "keras3_path",
    "keras_optimizer_targets",
    "optimizer_like",
    "paired_args",
]


def has_star(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def is_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


def argument(call: cst.Call, name: str, position: int) -> Optional[cst.Arg]:
    """The argument given for parameter `name` (at `position`): by keyword, or the
    positional one there (none after a *args, whose length is unknown)."""
    for i, arg in enumerate(call.args):
        if arg.star:
            if arg.star == "*" and i <= position:
                return None
            continue
        if (arg.keyword is None and i == position) or (arg.keyword is not None and arg.keyword.value == name):
            return arg
    return None


def paired_args(original: cst.Call, updated: cst.Call) -> List[Tuple[cst.Arg, int]]:
    """(argument of `original`, index of its counterpart in `updated.args`) for a call an
    earlier rule may have edited (keywords dropped, positionals made keywords): by position
    while both agree, by keyword otherwise; an argument with no sure counterpart is left
    out (an index of `original` is no index of `updated` once the lists differ)."""
    old, new = original.args, updated.args
    if len(old) == len(new) and all(_keyword(a) == _keyword(b) and a.star == b.star for a, b in zip(old, new)):
        return [(arg, i) for i, arg in enumerate(old)]
    by_keyword = {_keyword(arg): j for j, arg in enumerate(new) if arg.keyword is not None}
    pairs = []
    for i, arg in enumerate(old):
        if arg.keyword is not None:
            if _keyword(arg) in by_keyword:
                pairs.append((arg, by_keyword[_keyword(arg)]))
        elif i < len(new) and new[i].keyword is None and all(a.keyword is None for a in old[:i + 1]) and (
                all(a.keyword is None for a in new[:i + 1])) and new[i].star == arg.star:
            pairs.append((arg, i))  # within the positional prefix both still have
    return pairs


def _keyword(arg: cst.Arg) -> Optional[str]:
    return arg.keyword.value if arg.keyword is not None else None


def bind(call: cst.Call, params: Sequence[str]) -> Optional[Dict[str, cst.Arg]]:
    """Bind a call's arguments to `params` (positional by order, then keywords).
    None when the call cannot be bound statically (*args/**kwargs, unknown keyword,
    too many positionals, duplicates)."""
    bound: Dict[str, cst.Arg] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is None:
            if position >= len(params):
                return None
            bound[params[position]] = arg
            position += 1
        else:
            name = arg.keyword.value
            if name not in params or name in bound:
                return None
            bound[name] = arg
    return bound


def other_compile_keywords(call: cst.Call) -> bool:
    """compile(...) with keywords tf_keras's Model.compile() does not take: a class's own
    compile() (a GAN's compile(d_optimizer=..., ...)), whose arguments mean other things."""
    return any(a.keyword is not None and a.keyword.value not in KERAS2_COMPILE_KEYWORDS for a in call.args)


def compiles_loss_per_output(call: cst.Call) -> bool:
    """Model.compile(...) whose `loss` or `loss_weights` literally names several outputs
    with a loss (a dict, list or tuple; `None` entries have none)."""
    if other_compile_keywords(call):
        return False
    for name in ("loss", "loss_weights"):
        arg = argument(call, name, KERAS2_COMPILE_PARAMETERS.index(name))
        if arg is not None and isinstance(arg.value, (cst.Dict, cst.List, cst.Tuple)):
            values = [e.value for e in arg.value.elements if isinstance(e, (cst.DictElement, cst.Element))]
            if len([v for v in values if not (isinstance(v, cst.Name) and v.value == "None")]) > 1:
                return True
    return False


def file_uses_keras(ctx) -> bool:
    """True once an import bound a Keras name, or tensorflow in a file that mentions
    keras (cached when true)."""
    facts = ctx.facts(FileFacts)
    if facts.uses_keras:
        return True
    from keras_migrate.spec import keras_path

    found = any(
        keras_path(target) is not None
        # `import tensorflow as tf` + `tf.keras.X` uses
        or (target == "tensorflow" and "keras" in ctx.source)
        for target in ctx.names.bindings.values()
    )
    if found:
        facts.uses_keras = True
    return found


def keras3_path(ctx, node: cst.CSTNode) -> Optional[str]:
    """Keras-relative Keras 3 path of a name ("optimizers.legacy.Adam" ->
    "optimizers.Adam"), or None when it is not a Keras name."""
    from keras_migrate.spec import keras_path, map_keras_name

    qualified = ctx.qualified_name(node)
    if qualified is None or keras_path(qualified) is None:
        return None
    mapped = map_keras_name(qualified)
    if mapped is None or not mapped.startswith("keras"):
        return keras_path(qualified)
    return mapped[len("keras."):] if mapped != "keras" else ""


def optimizer_like(name: str) -> bool:
    """An optimizer by naming convention (`optimizer`, `model.optimizer`, `self.opt`,
    `gen_optimizer`): receivers are untyped."""
    last = name.rsplit(".", 1)[-1].lower()
    return "optimizer" in last or last in ("opt", "optim")


def keras_optimizer_targets(ctx, node: cst.Assign) -> List[str]:
    """The code of the targets `node` binds to a new Keras optimizer
    (`opt = keras.optimizers.Adam(...)`), else nothing."""
    if not isinstance(node.value, cst.Call):
        return []
    path = keras3_path(ctx, node.value.func)
    if path is None or not path.startswith("optimizers.") or path.count(".") != 1:
        return []
    return [code(target.target) for target in node.targets]
