"""KM203 tf_random: tf.random.* -> keras.random.* with a SeedGenerator in layers; seeding."""

from __future__ import annotations

import dataclasses
from typing import List, Optional, Sequence, Tuple

import libcst as cst

from keras_migrate.engine._names import module_name

from keras_migrate.engine import Example, Rule, Severity, is_docstring
from keras_migrate.rules._keras import Part
from keras_migrate.rules._agnostic import DATA_CALLS, data_context, drop_tensorflow_import_if_unused, in_keras_class_method
from keras_migrate.rules._util import code
from keras_migrate.rules._tf_op_emit import Refuse, TfOpRewriter
from keras_migrate.spec._tf_ops import TF_RANDOM_OPS

__all__ = ["TfRandom"]

_GENERATOR = "seed_generator"
_SEEDERS = {"numpy.random.seed": "numpy", "random.seed": "random"}
_TF_SET_SEED = "tensorflow.random.set_seed"


class _ClassState:
    def __init__(self, node: cst.ClassDef) -> None:
        self.node = node
        self.used = False
        self.seed: Optional[str] = None
        self.seed_attribute: Optional[str] = None  # seed=self.<attribute>: set in __init__ first


class TfRandom(Rule):
    id = "KM203"
    name = "tf_random"
    description = "Rewrite tf.random ops to keras.random with a SeedGenerator created in the layer's __init__, and seed pairs to keras.utils.set_random_seed."
    part = Part.AGNOSTIC
    TRIGGERS = ("random", "dropout")
    regions = (DATA_CALLS,)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow as tf
            import keras

            class RandomNoise(keras.layers.Layer):
                def __init__(self, rate, **kwargs):
                    super().__init__(**kwargs)
                    self.rate = rate

                def call(self, inputs):
                    return inputs + tf.random.uniform(tf.shape(inputs), maxval=self.rate, seed=1337)
            """,
            after="""
            import tensorflow as tf
            import keras

            class RandomNoise(keras.layers.Layer):
                def __init__(self, rate, **kwargs):
                    super().__init__(**kwargs)
                    self.seed_generator = keras.random.SeedGenerator(1337)
                    self.rate = rate

                def call(self, inputs):
                    return inputs + keras.random.uniform(tf.shape(inputs), maxval=self.rate, seed=self.seed_generator)
            """,
        ),
        Example(
            before="""
            import numpy as np
            import tensorflow as tf
            import keras

            np.random.seed(42)
            tf.random.set_seed(42)

            class Drop(keras.layers.Layer):
                def call(self, x):
                    return tf.nn.dropout(x, 0.5)
            """,
            after="""
            import keras

            keras.utils.set_random_seed(42)

            class Drop(keras.layers.Layer):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    self.seed_generator = keras.random.SeedGenerator()
                def call(self, x):
                    return keras.random.dropout(x, 0.5, seed=self.seed_generator)
            """,
        ),
        # Outside layers a fixed integer seed stays a (stateless) integer seed.
        Example(
            before="""
            import tensorflow as tf
            import keras
            noise = tf.random.normal((2, 3), seed=123)
            """,
            after="""
            import keras
            noise = keras.random.normal((2, 3), seed=123)
            """,
        ),
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._data = data_context(ctx)
        self._classes: List[_ClassState] = []
        self._ops = TfOpRewriter(ctx)

    # -- classes -------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(_ClassState(node))

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef):
        state = self._classes.pop()
        if not state.used:
            return updated
        return self._add_generator(updated, state)

    def _add_generator(self, cls: cst.ClassDef, state: _ClassState) -> cst.ClassDef:
        keras = self.ctx.require_keras()
        body = list(cls.body.body)
        for k, stmt in enumerate(body):
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "__init__":
                statements = stmt.body.body
                at = _assigned_at(statements, state.seed_attribute) if state.seed_attribute else None
                seed = state.seed if state.seed_attribute is None or at is not None else None
                assign = cst.parse_statement(f"self.{_GENERATOR} = {keras}.random.SeedGenerator({seed or ''})")
                if at is not None:  # the layer's own seed, once __init__ has stored it
                    statements = list(statements[:at + 1]) + [assign] + list(statements[at + 1:])
                else:
                    statements = _insert_after_super(statements, assign)
                body[k] = stmt.with_changes(body=stmt.body.with_changes(body=statements))
                return cls.with_changes(body=cls.body.with_changes(body=body))
        init = cst.parse_statement(
            "def __init__(self, *args, **kwargs):\n"
            "    super().__init__(*args, **kwargs)\n"
            f"    self.{_GENERATOR} = {keras}.random.SeedGenerator({'' if state.seed_attribute else state.seed or ''})\n"
        )  # (no __init__ stores a seed attribute: unseeded)
        at = 1 if body and is_docstring(body[0]) else 0
        body.insert(at, init)
        return cls.with_changes(body=cls.body.with_changes(body=body))

    # -- calls -----------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call):
        qualified = self.ctx.qualified_name(original.func)
        entry = TF_RANDOM_OPS.get(qualified or "")
        if entry is None:
            if qualified and qualified.startswith("tensorflow.random.stateless_"):
                self.report(original, f"{qualified[len('tensorflow.'):]} takes a [2]-int seed pair",
                            "keras.random.<op>(shape, seed=<int>) is stateless with an integer seed")
            return updated
        if self._data.active(self.ctx) or module_name(updated.func) != module_name(original.func):
            return updated
        seed_arg = _seed_argument(original, entry.params)
        cls = in_keras_class_method(self.ctx)
        state = self._classes[-1] if cls is not None and self._classes and self._classes[-1].node is cls else None
        if state is not None:
            seed_value = f"self.{_GENERATOR}"
            if seed_arg is not None and state.seed is None and isinstance(seed_arg.value, cst.Integer):
                state.seed = seed_arg.value.value
            elif (seed_arg is not None and state.seed is None and isinstance(seed_arg.value, cst.Attribute)
                  and isinstance(seed_arg.value.value, cst.Name) and seed_arg.value.value.value == "self"):
                state.seed, state.seed_attribute = code(seed_arg.value), seed_arg.value.attr.value
        elif seed_arg is not None:
            seed_value = code(seed_arg.value)
        else:
            seed_value = None
            if self.ctx.function_stack:
                self.report(original, "unseeded keras.random ops cannot be traced by JAX (jit)",
                            "pass seed=a keras.random.SeedGenerator kept outside the traced function",
                            Severity.INFO)
        target = entry
        if entry.keras == "random.uniform" and _int_dtype(original, entry.params):
            target = dataclasses.replace(entry, keras="random.randint", values=())
        dropped = tuple(target.dropped) + ("seed",)
        add = tuple(target.add) + ((("seed", seed_value),) if seed_value else ())
        target = dataclasses.replace(target, dropped=dropped, add=add)
        try:
            replacement = self._ops.rewrite(target, qualified[len("tensorflow."):], original, updated)
        except Refuse as why:  # the binder refuses what it cannot map exactly; anything else is a bug
            self.report(original, f"{qualified} left as is: {why}",
                        "rewrite with keras.random.* and seed=a keras.random.SeedGenerator")
            return updated
        if state is not None:
            state.used = True
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)
        return replacement

    # -- tf.random.set_seed + np.random.seed (+ random.seed) -------------------------
    def leave_Module(self, original: cst.Module, updated: cst.Module):
        body = self._merge_seeds(updated.body, original.body)
        return updated if body is None else updated.with_changes(body=body)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock):
        body = self._merge_seeds(updated.body, original.body)
        return updated if body is None else updated.with_changes(body=body)

    def _merge_seeds(self, body: Sequence[cst.BaseStatement], original: Sequence[cst.BaseStatement]):
        """Each run of adjacent seeding statements that seeds TF and NumPy with one value
        becomes one keras.utils.set_random_seed. Only adjacent ones: code between two
        seedings may draw numbers, and moving or dropping a reseed would change them."""
        runs = _seed_runs([self._seeding(stmt) for stmt in body])
        if not runs:
            return None
        merged = {}
        for run in runs:
            # Diagnostics go to the original statements (updated ones have no position).
            replacement = self._merge_run(body, run, original if len(original) == len(body) else body)
            if replacement is not None:
                merged[run[0][0]] = (replacement, run)
        if not merged:
            return None
        dropped = {k for _, run in merged.values() for k, _ in run}
        out = []
        for k, stmt in enumerate(body):
            if k in merged:
                out.append(merged[k][0])
            elif k not in dropped:
                out.append(stmt)
        self.fired()
        drop_tensorflow_import_if_unused(self.ctx)
        return out

    def _seeding(self, stmt) -> Optional[Tuple[str, str]]:
        """(qualified seeding function, seed source) of `f(seed)` statements, else None."""
        call = _statement_call(stmt)
        if call is None or len(call.args) != 1:
            return None
        qualified = self.ctx.qualified_name(call.func)
        if qualified == _TF_SET_SEED or qualified in _SEEDERS:
            return qualified, code(call.args[0].value)
        return None

    def _merge_run(self, body: Sequence[cst.BaseStatement], run: List[Tuple[int, Tuple[str, str]]],
                   anchors: Sequence[cst.BaseStatement]):
        tf_seeds = [k for k, (q, _) in run if q == _TF_SET_SEED]
        if not tf_seeds:
            return None
        seed = dict(run)[tf_seeds[0]][1]
        # keras.utils.set_random_seed seeds Python, NumPy and the backend: only exact when
        # NumPy is seeded with the same value here (and Python's random, if at all).
        if not any(q == "numpy.random.seed" for _, (q, _) in run) or any(s != seed for _, (_, s) in run):
            self.report(anchors[tf_seeds[0]], "tf.random.set_seed does not seed JAX/torch RNGs",
                        f"keras.utils.set_random_seed({seed}) (it also seeds numpy and random)", Severity.INFO)
            return None
        keras = self.ctx.require_keras()
        # Sorted, not a set: the imports asked for must come in the same order every run.
        for qualified in sorted({q for _, (q, _) in run if q in _SEEDERS}):
            local = self.ctx.names.local_name_for(_SEEDERS[qualified])
            if local is not None:
                self.ctx.remove_import_if_unused(_SEEDERS[qualified], asname=None if local == _SEEDERS[qualified] else local)
        first = body[run[0][0]]
        return first.with_changes(body=[cst.Expr(cst.parse_expression(f"{keras}.utils.set_random_seed({seed})"))])


def _seed_runs(seedings: Sequence[Optional[Tuple[str, str]]]) -> List[List[Tuple[int, Tuple[str, str]]]]:
    """Maximal runs of adjacent seeding statements, as [(index, (function, seed))]."""
    runs: List[List[Tuple[int, Tuple[str, str]]]] = []
    current: List[Tuple[int, Tuple[str, str]]] = []
    for k, seeding in enumerate(seedings):
        if seeding is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((k, seeding))
    if current:
        runs.append(current)
    return runs


def _statement_call(stmt) -> Optional[cst.Call]:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr):
        value = stmt.body[0].value
        if isinstance(value, cst.Call):
            return value
    return None


def _seed_argument(call: cst.Call, params: Sequence[str]) -> Optional[cst.Arg]:
    index = list(params).index("seed")
    positional = [a for a in call.args if a.keyword is None and not a.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "seed":
            return arg
    return positional[index] if index < len(positional) else None


def _int_dtype(call: cst.Call, params: Sequence[str]) -> bool:
    index = list(params).index("dtype")
    positional = [a for a in call.args if a.keyword is None]
    arg = next((a for a in call.args if a.keyword is not None and a.keyword.value == "dtype"), None)
    if arg is None and index < len(positional):
        arg = positional[index]
    return arg is not None and "int" in code(arg.value)



def _assigned_at(body: Sequence[cst.BaseStatement], attribute: str) -> Optional[int]:
    """Index of the last statement of `body` (an __init__'s, not nested) that assigns
    `self.<attribute> = ...`."""
    found = None
    for k, line in enumerate(body):
        if isinstance(line, cst.SimpleStatementLine):
            for small in line.body:
                if isinstance(small, cst.Assign) and any(
                        isinstance(t.target, cst.Attribute) and isinstance(t.target.value, cst.Name)
                        and t.target.value.value == "self" and t.target.attr.value == attribute
                        for t in small.targets):
                    found = k
    return found


def _insert_after_super(body: Sequence[cst.BaseStatement], stmt: cst.BaseStatement) -> List[cst.BaseStatement]:
    out = list(body)
    for k, line in enumerate(out):
        call = _statement_call(line)
        if call is not None and isinstance(call.func, cst.Attribute) and call.func.attr.value == "__init__":
            out.insert(k + 1, stmt)
            return out
    out.append(stmt)
    return out
