"""Migration rules, one per module. ALL_RULES is the order they run in on each node."""

from keras_migrate.rules.imports import Imports
from keras_migrate.rules.jit_compile import JitCompile
from keras_migrate.rules.saved_model import SavedModel

__all__ = ["ALL_RULES", "rule_by_id"]

ALL_RULES = (
    Imports,
    JitCompile,
    SavedModel,
)


def rule_by_id(rule_id: str):
    for rule in ALL_RULES:
        if rule.id == rule_id or rule.name == rule_id:
            return rule
    raise KeyError(rule_id)
