"""Every rule's inline EXAMPLES run as tests (Fixit style): they are its docs and its spec."""

import pytest

from keras_migrate.rules import ALL_RULES
from keras_migrate.testing import check_example

CASES = [(rule, i, ex) for rule in ALL_RULES for i, ex in enumerate(rule.EXAMPLES)]


@pytest.mark.parametrize("rule,index,example", CASES, ids=[f"{r.id}-{r.name}-{i}" for r, i, _ in CASES])
def test_example(rule, index, example):
    check_example(rule, example)


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.name for r in ALL_RULES])
def test_rule_metadata(rule):
    assert rule.id.startswith("KM") and rule.id[2:].isdigit(), rule.id
    assert rule.description and rule.description.endswith("."), rule.description
    assert rule.EXAMPLES, f"{rule.__name__} needs at least one example"


def test_ids_unique():
    ids = [r.id for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
