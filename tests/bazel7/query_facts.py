"""Normalized facts about rule targets from `bazel query --output=xml`, one per line.

Used to show that Bazel 4 (WORKSPACE) and Bazel 7 (bzlmod) see the same targets with
the same test-relevant attributes, e.g. the per-backend targets keras_backend_test
generates:

    bazel query --output=xml --noimplicit_deps 'EXPR' | python3 query_facts.py > facts.txt
    python3 query_facts.py --compare bazel4.txt bazel7.txt
    python3 query_facts.py --expression .    # the query both versions answer

The expression names the repository's top-level directories that hold BUILD files
rather than `//...`: `//...` also walks into bazel-* symlinks that point to another
output base (Bazel 4 follows them), and third_party/ holds per-version stand-ins.

Stdlib only: runs on the host's python and on the sid chroot's.
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

__all__ = ["expression", "facts", "main"]

# Attributes whose values decide what a target is and how it is tested; the rest
# (generator_location, implicit attributes, defaults that moved between versions)
# legitimately differ between Bazel 4 and Bazel 7.
_ATTRS = (
    "args",
    "data",
    "deps",
    "env",
    "exec_properties",
    "flaky",
    "imports",
    "main",
    "python_version",
    "shard_count",
    "size",
    "srcs",
    "tags",
    "target_compatible_with",
    "exec_compatible_with",
    "tests",
    "timeout",
)


# rules_python 0.x's macros tag every target with this (a marker of its native-rule
# migration); a documented Bazel 4 (native rules) / Bazel 7 (rules_python) difference
# that changes nothing about what runs.
_IGNORED_TAGS = ("__PYTHON_RULES_MIGRATION_DO_NOT_USE_WILL_BREAK__",)


def _label(text):
    """Canonical label text: Bazel 7 may spell main-repo labels as @@//x or @//x."""
    text = re.sub(r"^@@?//", "//", text)
    # Canonical external repo names (@@rules_python~//, @@rules_python+//) -> apparent.
    return re.sub(r"^@@([A-Za-z0-9_.-]+?)[~+][^/]*//", r"@\1//", text)


def _value(node):
    tag = node.tag
    if tag in ("string", "label", "output", "int", "boolean", "license"):
        value = node.get("value", "")
        return _label(value) if tag in ("label", "output") else value
    if tag == "list":
        values = [_value(child) for child in node]
        if node.get("name") == "tags":
            values = [v for v in values if v not in _IGNORED_TAGS]
        if node.get("name") not in ("args",):  # args keep their order
            values.sort()
        return "[" + ", ".join(values) + "]"
    if tag == "dict":
        pairs = []
        for pair in node.findall("pair"):
            kids = list(pair)
            if len(kids) == 2:
                pairs.append("%s: %s" % (_value(kids[0]), _value(kids[1])))
        return "{" + ", ".join(sorted(pairs)) + "}"
    return node.get("value", "")


def facts(xml_text):
    """Sorted 'label kind attr=value' lines for every rule in a query's XML output."""
    # Bazel writes an XML 1.1 declaration, which ElementTree refuses; the body is plain.
    xml_text = re.sub(r"^<\?xml[^>]*\?>", "", xml_text.lstrip())
    root = ET.fromstring(xml_text)
    lines = []
    for rule in root.iter("rule"):
        label = _label(rule.get("name", ""))
        kind = rule.get("class", "")
        lines.append("%s kind=%s" % (label, kind))
        for node in rule:
            name = node.get("name")
            if name in _ATTRS:
                value = _value(node)
                if name == "tags" and value == "[]":
                    continue  # Bazel 4 omits empty tags; [] after _IGNORED_TAGS on 7
                lines.append("%s %s=%s" % (label, name, value))
    return sorted(lines)


def _has_build_file(top):
    for _dirpath, _dirnames, filenames in os.walk(top):
        if "BUILD" in filenames or "BUILD.bazel" in filenames:
            return True
    return False


def expression(root):
    """`//:all + //a/... + ...` over root's real top-level directories with BUILD files."""
    parts = []
    if any(os.path.isfile(os.path.join(root, b)) for b in ("BUILD", "BUILD.bazel")):
        parts.append("//:all")
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if name.startswith((".", "bazel-")) or name == "third_party":
            continue
        if os.path.isdir(path) and not os.path.islink(path) and _has_build_file(path):
            parts.append("//%s/..." % name)
    return " + ".join(parts)


def _compare(expected_path, actual_path):
    with open(expected_path) as f:
        expected = set(f.read().splitlines())
    with open(actual_path) as f:
        actual = set(f.read().splitlines())
    missing = sorted(expected - actual)
    extra = sorted(actual - expected)
    for line in missing:
        print("only in %s: %s" % (expected_path, line))
    for line in extra:
        print("only in %s: %s" % (actual_path, line))
    targets = {line.split(" ", 1)[0] for line in expected}
    print(
        "%d targets, %d facts compared; %d differ"
        % (len(targets), len(expected), len(missing) + len(extra))
    )
    return 1 if missing or extra else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", nargs=2, metavar=("EXPECTED", "ACTUAL"))
    parser.add_argument("--expression", metavar="ROOT")
    args = parser.parse_args(argv)
    if args.expression:
        print(expression(args.expression))
        return 0
    if args.compare:
        return _compare(*args.compare)
    sys.stdout.write("".join(line + "\n" for line in facts(sys.stdin.read())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
