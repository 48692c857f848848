"""Machine-readable reports: JSON (our schema) and SARIF 2.1.0."""

from __future__ import annotations

import collections
import json
from typing import Dict, List

from keras_migrate.engine._diagnostics import Severity

__all__ = ["json_report", "sarif_report", "summary_counts"]

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def summary_counts(outcomes) -> Dict[str, object]:
    by_rule: Dict[str, int] = collections.Counter()
    fired: Dict[str, int] = collections.Counter()
    changed = failed = unchanged = skipped = 0
    for o in outcomes:
        r = o.result
        for d in r.diagnostics:
            by_rule[d.rule_id] += 1
        for rule_id, n in r.rules_fired.items():
            fired[rule_id] += n
        if getattr(o, "skipped", False):
            skipped += 1
        elif r.failed:
            failed += 1
        elif r.changed:
            changed += 1
        else:
            unchanged += 1
    return {
        "files": changed + failed + unchanged + skipped,
        "changed": changed,
        "unchanged": unchanged,
        "failed": failed,
        "skipped": skipped,
        "diagnostics_by_rule": dict(sorted(by_rule.items())),
        "rules_fired": dict(sorted(fired.items())),
    }


def json_report(outcomes, options, rule_set) -> dict:
    outcomes = list(outcomes)
    info = rule_set.report
    files = []
    for o in outcomes:
        r = o.result
        files.append({
            "path": o.path,
            "changed": r.changed,
            "failed": r.failed,
            "rules_fired": r.rules_fired,
            "diagnostics": [d.to_json() for d in r.diagnostics],
            "backends": list(info.restricted_backends if r.tensorflow_only else info.backends),
            "tensorflow_only": r.tensorflow_only,
            "runtime_symbols": r.runtime_symbols,
        })
    return {"tool": info.tool, "mode": rule_set.mode(options).name, "summary": summary_counts(outcomes),
            "files": files}


def sarif_report(outcomes, rule_set) -> dict:
    rules_meta = [
        {"id": r.id, "name": r.name, "shortDescription": {"text": r.description}} for r in rule_set.rules
    ]
    results: List[dict] = []
    for o in outcomes:
        for d in o.result.diagnostics:
            text = d.message + (f" Manual edit required: {d.fix}" if d.fix else "")
            result = {
                "ruleId": d.rule_id,
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": text},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": d.path},
                    "region": {"startLine": d.line, "startColumn": d.column},
                }}],
            }
            if d.cell is not None:
                # SARIF has no notebook cells: the line and column are the cell's; say which.
                result["message"]["text"] = f"cell {d.cell}, line {d.line}: {text}"
                result["locations"][0]["logicalLocations"] = [{"name": f"cell {d.cell}", "kind": "module"}]
                result["properties"] = {"cell": d.cell}
            results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": rule_set.report.tool, "rules": rules_meta}}, "results": results}],
    }


def dumps(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=False) + "\n"
