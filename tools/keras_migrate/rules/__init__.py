"""Migration rules, one per module. ALL_RULES is the order they run in on each node."""

from keras_migrate.rules.imports import Imports

__all__ = ["ALL_RULES", "rule_by_id"]

ALL_RULES = (
    Imports,
)


def rule_by_id(rule_id: str):
    for rule in ALL_RULES:
        if rule.id == rule_id or rule.name == rule_id:
            return rule
    raise KeyError(rule_id)
