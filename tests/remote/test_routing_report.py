"""Tests of the routing check (tests/remote/routing_report.py); standard library only."""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import routing_report  # noqa: E402

_TEST = "external/bazel_tools/tools/test/test-setup.sh"
_XML = "external/bazel_tools/tools/test/generate-xml.sh"


def _rec(bot, pool, requested, target, argv0=_TEST, outcome="ran"):
    return {
        "bot": bot,
        "properties": {"Pool": pool, "OSFamily": "linux"},
        "requested": {"Pool": requested, "OSFamily": "linux"},
        "target": target,
        "argv0": argv0,
        "outcome": outcome,
    }


class RoutingReportTest(unittest.TestCase):
    def _write(self, records):
        path = os.path.join(tempfile.mkdtemp(), "bots.jsonl")
        with open(path, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in records)
        return path

    def test_kinds(self):
        self.assertEqual(routing_report.action_kind({"argv0": _TEST}), "test")
        self.assertEqual(routing_report.action_kind({"argv0": _XML}), "xml")
        self.assertEqual(routing_report.action_kind({"argv0": "/bin/sh"}), "other")

    def test_counts_and_violations(self):
        records = [
            _rec("gpu-0", "gpu", "gpu", "//t:probe_gpu_jax"),
            _rec("gpu-0", "gpu", "gpu", "//t:probe_gpu_jax", argv0=_XML),
            _rec("cpu-0", "cpu", "cpu", "//t:probe_cpu_jax"),
            _rec("cpu-1", "cpu", "gpu", "//t:probe_gpu_torch"),
        ]
        counts, violations, errors = routing_report.summarize(records)
        self.assertEqual(counts[("test", "gpu", "gpu")], 1)
        self.assertEqual(counts[("xml", "gpu", "gpu")], 1)
        self.assertEqual(counts[("test", "cpu", "cpu")], 1)
        self.assertEqual([r["bot"] for r in violations], ["cpu-1"])
        self.assertEqual(errors, [])

    def test_main_passes_only_clean_logs_with_enough_runs(self):
        good = self._write([_rec("gpu-0", "gpu", "gpu", "//t:probe_gpu_jax"), _rec("cpu-0", "cpu", "cpu", "//t:x_cpu")])
        self.assertEqual(routing_report.main([good]), 0)
        self.assertEqual(routing_report.main([good, "--expect-min-test-runs", "3"]), 1)
        misrouted = self._write([_rec("cpu-0", "cpu", "gpu", "//t:probe_gpu_jax")])
        self.assertEqual(routing_report.main([misrouted]), 1)
        mislabelled = self._write([_rec("cpu-0", "cpu", "cpu", "//t:probe_gpu_jax")])
        self.assertEqual(routing_report.main([mislabelled]), 1)
        bot_error = self._write([_rec("cpu-0", "cpu", "cpu", "//t:x", outcome="error")])
        self.assertEqual(routing_report.main([bot_error]), 1)


if __name__ == "__main__":
    unittest.main()
