"""Test helpers for rule authors (the equivalent of libcst's CodemodTest.assertCodemod)."""

from __future__ import annotations

import textwrap
from typing import Optional, Sequence, Type

from keras_migrate.engine import Example, MigrationOptions, Rule
from keras_migrate.migrator import migrate_source

__all__ = ["assert_migrates", "check_example"]


def assert_migrates(
    before: str,
    after: Optional[str] = None,
    *,
    rules: Optional[Sequence[Type[Rule]]] = None,
    expected_diagnostics: Sequence[str] = (),
    mode: Optional[str] = None,
    tensorflow_only: Optional[bool] = None,
):
    """Migrate dedented `before` and compare with dedented `after` (None: unchanged).

    `expected_diagnostics` are rule ids in source order. The output must be stable: a
    second run changes nothing and reports no new rewrite.
    """
    before = textwrap.dedent(before).lstrip("\n")
    after = before if after is None else textwrap.dedent(after).lstrip("\n")
    options = MigrationOptions(mode=mode)
    result = migrate_source(before, "test.py", options, rules=rules)
    assert result.code == after, f"--- expected ---\n{after}\n--- got ---\n{result.code}"
    got = [d.rule_id for d in result.diagnostics if d.severity.value != "info" or d.rule_id in expected_diagnostics]
    assert got == list(expected_diagnostics), "diagnostics: " + "\n".join(d.format() for d in result.diagnostics)
    if tensorflow_only is not None:
        assert bool(result.tensorflow_only) == tensorflow_only, result.tensorflow_only
    again = migrate_source(result.code, "test.py", options, rules=rules)
    assert again.code == result.code, f"second run changed the output:\n{again.code}"
    return result


def check_example(rule: Type[Rule], example: Example):
    before, after = example.dedented()
    return assert_migrates(
        before, after,
        rules=None if example.full else [rule],
        expected_diagnostics=example.diagnostics,
        mode=example.mode,
        tensorflow_only=example.tensorflow_only or None,
    )
