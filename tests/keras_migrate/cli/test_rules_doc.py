"""docs/rules.md is generated from the rules (their examples are their docs): keep it current."""

import os

from keras_migrate.cli._rules_doc import render_markdown
from keras_migrate.rules import ALL_RULES

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "rules.md")


def test_rules_doc_is_up_to_date():
    with open(DOC, encoding="utf-8") as handle:
        current = handle.read()
    assert current == render_markdown(ALL_RULES), (
        "docs/rules.md is stale: run `PYTHONPATH=tools python tools/keras_migrate/cli/_rules_doc.py > docs/rules.md`"
    )
