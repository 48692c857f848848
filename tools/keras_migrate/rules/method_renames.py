"""KM111 method_renames: Model.fit_generator/evaluate_generator/predict_generator -> fit/evaluate/predict."""

from __future__ import annotations

from typing import Dict, List

import libcst as cst

from keras_migrate.engine import Example, Rule, Severity
from keras_migrate.rules._util import COMMA, as_keyword, as_positional, comma_separated
from keras_migrate.rules._args import bind, file_uses_keras
from keras_migrate.spec import METHOD_RENAMES

__all__ = ["MethodRenames"]

_BY_OLD = {entry.old: entry for entry in METHOD_RENAMES}
# Data-pipeline knobs Keras 3 moved to keras.utils.PyDataset (results are unaffected).
_DROPPED = frozenset({"max_queue_size", "workers", "use_multiprocessing"})


class MethodRenames(Rule):
    id = "KM111"
    name = "method_renames"
    description = "Rename Model.*_generator methods to fit/evaluate/predict, passing their arguments by keyword."
    TRIGGERS = tuple(_BY_OLD)
    EXAMPLES = (
        Example(
            before="""
            import keras
            model.fit_generator(train_gen, 100, 5, validation_data=val_gen)
            scores = model.evaluate_generator(val_gen, steps=10)
            """,
            after="""
            import keras
            model.fit(train_gen, steps_per_epoch=100, epochs=5, validation_data=val_gen)
            scores = model.evaluate(val_gen, steps=10, verbose=0)
            """,
        ),
        Example(
            before="""
            import keras
            preds = model.predict_generator(gen, steps=3, workers=4, use_multiprocessing=True, verbose=1)
            """,
            after="""
            import keras
            preds = model.predict(gen, steps=3, verbose=1)
            """,
            diagnostics=("KM111",),
        ),
        # Not a Keras file: an unrelated fit_generator is left alone.
        Example(before="import mylib\nmylib.fit_generator(g, 3)\n"),
    )

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        func = updated.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in _BY_OLD:
            return updated
        if not file_uses_keras(self.ctx):
            return updated
        entry = _BY_OLD[func.attr.value]
        bound = bind(updated, entry.params)
        if bound is None:
            self.report(original, f"Model.{entry.old}() was removed in Keras 3",
                        f"call model.{entry.new}(...) with the same arguments passed by keyword")
            return updated
        renames: Dict[str, str] = dict(entry.renames)
        param_of = {id(arg): param for param, arg in bound.items()}
        args: List[cst.Arg] = []
        dropped = []
        for position, arg in enumerate(updated.args):  # source order
            param = param_of[id(arg)]
            if param in _DROPPED:
                dropped.append(param)
            elif param == entry.params[0]:
                args.append(as_positional(arg))
            else:
                args.append(as_keyword(arg, renames.get(param, param)))
        for keyword, source in entry.defaults:
            if keyword not in bound:
                args.append(as_keyword(cst.Arg(cst.parse_expression(source)), keyword))
        args = _fix_commas(args, updated.args)
        if dropped:
            self.report(original, f"{', '.join(dropped)} dropped: Keras 3 Model.{entry.new}() has no such "
                        "arguments (results are unaffected)",
                        "set workers/use_multiprocessing/max_queue_size on a keras.utils.PyDataset "
                        "(super().__init__(workers=...)) if you relied on parallel loading",
                        Severity.INFO)
        self.fired()
        return updated.with_changes(func=func.with_changes(attr=cst.Name(entry.new)), args=args)


def _fix_commas(args: List[cst.Arg], old_args) -> List[cst.Arg]:
    if not args:
        return args
    multiline = any(isinstance(a.comma, cst.Comma) and "\n" in cst.Module([]).code_for_node(a.comma)
                    for a in old_args)
    if multiline:
        # Keep each argument's own comma (and its newline/indentation); the last one
        # keeps the original last argument's comma (trailing comma or none).
        out = []
        for i, arg in enumerate(args):
            if i < len(args) - 1 and not isinstance(arg.comma, cst.Comma):
                arg = arg.with_changes(comma=COMMA)
            out.append(arg)
        out[-1] = out[-1].with_changes(comma=old_args[-1].comma)
        return out
    return comma_separated(args)
