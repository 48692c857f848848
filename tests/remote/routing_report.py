"""Reads the bots' execution log (tools/remote/bot.py --log) and checks routing.

usage: python3 routing_report.py BOT_LOG [--expect-min-test-runs N] [--expect-targets PREFIX]

Each log record is one action a bot executed. A test action is routed correctly
when it ran on a bot of the pool its target needs: targets generated with
keras_backend_test(gpu = True) are named `*_gpu_<backend>` in tests/remote/testdata
and must run on Pool=gpu; every other action must run on Pool=cpu. Prints a
summary and exits 1 on any violation (or fewer test runs than expected).
Standard library only: runs with any python3.
"""

import argparse
import collections
import json
import sys

__all__ = ["expected_pool", "action_kind", "load", "summarize"]


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def action_kind(record):
    """'test' (the test run), 'xml' (Bazel's test.xml generation) or 'other'."""
    argv0 = record.get("argv0", "")
    if argv0.endswith("/test-setup.sh"):
        return "test"
    if argv0.endswith("/generate-xml.sh"):
        return "xml"
    return "other"


def expected_pool(record):
    """The pool the action must run on, from the pool it asked for."""
    return record.get("requested", {}).get("Pool", "cpu")


def summarize(records):
    """Returns (counts, violations, errors).

    counts: {(kind, requested_pool, bot_pool): n}; violations: records that ran on
    another pool than they asked for; errors: records the bot could not run.
    """
    counts = collections.Counter()
    violations, errors = [], []
    for r in records:
        bot_pool = r.get("properties", {}).get("Pool", "?")
        want = expected_pool(r)
        counts[(action_kind(r), want, bot_pool)] += 1
        if r.get("outcome") in ("ran", "timeout") and bot_pool != want:
            violations.append(r)
        if r.get("outcome") == "error":
            errors.append(r)
    return counts, violations, errors


def _target_pool(target):
    return "gpu" if "_gpu_" in target else "cpu"


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("bot_log")
    p.add_argument("--expect-min-test-runs", type=int, default=0)
    p.add_argument("--label", default="routing")
    args = p.parse_args(argv)
    records = load(args.bot_log)
    counts, violations, errors = summarize(records)
    # Cross-check: the pool a test target asked for is the one its name promises.
    mislabelled = [
        r for r in records if r.get("target") and expected_pool(r) != _target_pool(r["target"])
    ]
    print(f"[{args.label}] {len(records)} remote executions by the bots:")
    for (kind, want, got), n in sorted(counts.items()):
        print(f"  {kind:5s} actions asking Pool={want}: {n:3d} ran on Pool={got} bots")
    by_bot = collections.Counter(r["bot"] for r in records)
    print(f"  per bot session: {dict(sorted(by_bot.items()))}")
    test_runs = sum(n for (kind, _, _), n in counts.items() if kind == "test")
    ok = True
    for r in violations:
        print(f"  VIOLATION: {r['target']} asked Pool={expected_pool(r)} but ran on {r['bot']}")
        ok = False
    for r in mislabelled:
        print(f"  WRONG PROPERTY: {r['target']} asked Pool={expected_pool(r)}")
        ok = False
    for r in errors:
        print(f"  BOT ERROR on {r['bot']} for {r.get('target')}: {r.get('error')}")
        ok = False
    if test_runs < args.expect_min_test_runs:
        print(f"  TOO FEW: {test_runs} test runs, expected at least {args.expect_min_test_runs}")
        ok = False
    print(f"[{args.label}] {'OK' if ok else 'FAILED'}: {test_runs} test runs, {len(violations)} misrouted")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
