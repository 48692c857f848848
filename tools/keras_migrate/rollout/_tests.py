"""The workspace's tests and what they depend on, from ONE `bazel query`, so each shard's
affected tests (those that depend on it, transitively) are a reverse walk in Python, not
a query per shard."""

from __future__ import annotations

import collections
import dataclasses
import sys
import xml.etree.ElementTree as ET
from typing import Dict, Iterable, List, Optional, Set

from keras_migrate.bazel import _driver as driver

__all__ = ["TestGraph", "query_tests", "parse_query_xml", "label_path"]

# Every test target of the workspace and everything it depends on (test_suites expanded).
TESTS_QUERY = "deps(tests(//...))"


def label_path(label: str) -> Optional[str]:
    """Workspace-relative path of a source-file label in the main repository."""
    if not label.startswith("//"):
        return None
    package, _, name = label[2:].partition(":")
    return f"{package}/{name}" if package else name


@dataclasses.dataclass
class TestGraph:
    __test__ = False  # not a pytest class

    kinds: Dict[str, str]  # rule label -> rule class
    inputs: Dict[str, List[str]]  # rule label -> every label it takes (deps, srcs, data, ...)
    main: Dict[str, str]  # test label -> its main source file label (py tests)
    sources: Set[str]  # source-file labels

    def is_test(self, label: str) -> bool:
        return self.kinds.get(label, "").endswith("_test")

    def affected(self, labels: Iterable[str]) -> List[str]:
        """The test targets that depend on any of `labels` (a test among them counts)."""
        reverse = self._reverse()
        seen: Set[str] = set()
        queue = collections.deque(labels)
        while queue:
            label = queue.popleft()
            if label in seen:
                continue
            seen.add(label)
            queue.extend(reverse.get(label, ()))
        return sorted(l for l in seen if self.is_test(l))

    def closure_sources(self, label: str) -> List[str]:
        """Workspace-relative paths of the main repository's source files `label` needs."""
        seen: Set[str] = set()
        queue = collections.deque([label])
        files: Set[str] = set()
        while queue:
            current = queue.popleft()
            if current in seen:
                continue
            seen.add(current)
            if current in self.sources:
                path = label_path(current)
                if path:
                    files.add(path)
            queue.extend(self.inputs.get(current, ()))
        return sorted(files)

    def _reverse(self) -> Dict[str, List[str]]:
        if not hasattr(self, "_reverse_cache"):
            reverse: Dict[str, List[str]] = collections.defaultdict(list)
            for rule, inputs in self.inputs.items():
                for dep in inputs:
                    reverse[dep].append(rule)
            self._reverse_cache = reverse
        return self._reverse_cache


def parse_query_xml(text: str) -> TestGraph:
    graph = TestGraph({}, {}, {}, set())
    if not text.strip():
        return graph
    root = ET.fromstring(text)
    for element in root:
        name = element.get("name", "")
        if element.tag == "source-file":
            graph.sources.add(name)
        elif element.tag == "rule":
            graph.kinds[name] = element.get("class", "")
            graph.inputs[name] = [i.get("name") for i in element.iter("rule-input")]
            main = _main_source(element, name)
            if main:
                graph.main[name] = main
    return graph


def _main_source(rule: "ET.Element", label: str) -> Optional[str]:
    """A py test's main file: its `main`, else the src named after it, else its only src."""
    srcs: List[str] = []
    for child in rule:
        if child.get("name") == "main" and child.tag == "label" and child.get("value"):
            return child.get("value")
        if child.get("name") == "srcs":
            srcs = [l.get("value") for l in child.iter("label")]
    py = [s for s in srcs if s.endswith(".py")]
    base = label.rsplit(":", 1)[-1]
    for src in py:
        if src.rsplit(":", 1)[-1].rsplit("/", 1)[-1] == base + ".py":
            return src
    return py[0] if len(py) == 1 else None


def query_tests(workspace: str) -> TestGraph:
    """One query for the whole workspace (--keep_going: a broken package elsewhere leaves
    the rest)."""
    out, err = driver._bazel(workspace, "query", "--keep_going", "--output=xml", "--noimplicit_deps",
                             TESTS_QUERY, partial_ok=True)
    for line in driver._errors(err):
        print(f"keras-migrate: warning: {line[len('ERROR: '):]}", file=sys.stderr)
    return parse_query_xml(out)
