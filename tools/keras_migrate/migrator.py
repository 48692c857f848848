"""The Keras migrator: the Keras rule set handed to the API-agnostic engine.

Front ends (CLI, Bazel action, verify, tests) get their RuleSet here; the engine never
imports rules. `migrate_source` is the public one-call API with the Keras rules.
"""

from __future__ import annotations

from typing import Optional, Sequence, Type

from keras_migrate.engine import (
    MigrationOptions, MigrationResult, Mode, ReportInfo, Rule, RuleSet, migrate_source as _engine_migrate,
)
from keras_migrate.rules._keras import KerasContext, Part
from keras_migrate.spec import KERAS_ALIAS_MARKERS

__all__ = ["KERAS_MARKERS", "RUNTIME_MODULE", "keras_rule_set", "migrate_source"]

# A file mentioning none of these cannot use Keras: it is returned byte-identical
# without even being parsed (most files of a monorepo).
KERAS_MARKERS = ("keras", "tensorflow_addons", "tfa.") + KERAS_ALIAS_MARKERS
# The runtime-support package migrated code imports (tools/keras_migrate_runtime).
RUNTIME_MODULE = "keras_migrate_runtime"
# "agnostic" (default): parts 1 and 2 of the guide; "tensorflow": part 1 only.
MODES = (Mode("agnostic"), Mode("tensorflow", skips=frozenset({Part.AGNOSTIC})))
REPORT = ReportInfo(tool="keras_migrate", backends=("jax", "tensorflow", "torch"),
                    restricted_backends=("tensorflow",))


def keras_rule_set(rules: Optional[Sequence[Type[Rule]]] = None) -> RuleSet:
    """The Keras rules (or only `rules`, in that order). ALL_RULES is read on each call:
    tests add a rule by patching it."""
    from keras_migrate import rules as keras_rules

    return RuleSet(
        rules=tuple(keras_rules.ALL_RULES if rules is None else rules),
        markers=KERAS_MARKERS,
        report=REPORT,
        modes=MODES,
        runtime_module=RUNTIME_MODULE,
        context=KerasContext,
    )


def migrate_source(
    source: str,
    path: str = "<string>",
    options: MigrationOptions = MigrationOptions(),
    rules: Optional[Sequence[Type[Rule]]] = None,
) -> MigrationResult:
    """Migrate one Keras 2 source text (see engine.migrate_source for the guarantees)."""
    return _engine_migrate(source, path, options, rule_set=keras_rule_set(rules))
