"""Unit tests of query_facts.py (Bazel 4/7 query parity)."""

import importlib.util
import os
import tempfile
import unittest

_spec = importlib.util.spec_from_file_location(
    "query_facts", os.path.join(os.path.dirname(os.path.abspath(__file__)), "query_facts.py")
)
query_facts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(query_facts)

# Shaped like `bazel query --output=xml` (Bazel 7 spells main-repo labels @@//).
_XML = """<?xml version="1.1" encoding="UTF-8" standalone="no"?>
<query version="2">
  <rule class="py_test" location="/src/pkg/BUILD:3:1" name="@@//pkg:t_jax">
    <string name="name" value="t_jax"/>
    <list name="tags"><string value="jax"/><string value="keras_backend=jax"/><string value="__PYTHON_RULES_MIGRATION_DO_NOT_USE_WILL_BREAK__"/></list>
    <dict name="env"><pair><string value="KERAS_BACKEND"/><string value="jax"/></pair></dict>
    <list name="srcs"><label value="@@//pkg:t.py"/></list>
    <list name="deps"><label value="@@rules_python~//python:lib"/></list>
    <string name="generator_location" value="pkg/BUILD:3:1"/>
  </rule>
  <source-file name="//pkg:t.py"/>
</query>
"""


class FactsTest(unittest.TestCase):
    def test_normalizes_labels_and_tags_and_keeps_test_attributes_only(self):
        self.assertEqual(
            query_facts.facts(_XML),
            [
                "//pkg:t_jax deps=[@rules_python//python:lib]",
                "//pkg:t_jax env={KERAS_BACKEND: jax}",
                "//pkg:t_jax kind=py_test",
                "//pkg:t_jax srcs=[//pkg:t.py]",
                "//pkg:t_jax tags=[jax, keras_backend=jax]",
            ],
        )

    def test_list_order_does_not_matter_except_for_args(self):
        a = _XML.replace('<string value="jax"/><string value="keras_backend=jax"/>',
                         '<string value="keras_backend=jax"/><string value="jax"/>')
        self.assertEqual(query_facts.facts(a), query_facts.facts(_XML))


class CompareTest(unittest.TestCase):
    def _files(self, a, b):
        d = tempfile.mkdtemp()
        paths = []
        for name, lines in (("a", a), ("b", b)):
            path = os.path.join(d, name)
            with open(path, "w") as f:
                f.write("".join(line + "\n" for line in lines))
            paths.append(path)
        return paths

    def test_equal_sets_pass_and_a_difference_fails(self):
        same = self._files(["//p:t kind=py_test"], ["//p:t kind=py_test"])
        self.assertEqual(query_facts.main(["--compare"] + same), 0)
        differ = self._files(["//p:t kind=py_test"], ["//p:t kind=sh_test"])
        self.assertEqual(query_facts.main(["--compare"] + differ), 1)


class ExpressionTest(unittest.TestCase):
    def test_skips_third_party_hidden_and_bazel_symlinks(self):
        root = tempfile.mkdtemp()
        for d in ("a/b", "empty", "third_party/x", ".hidden"):
            os.makedirs(os.path.join(root, d))
        for f in ("BUILD", "a/b/BUILD", "third_party/x/BUILD", ".hidden/BUILD"):
            open(os.path.join(root, f), "w").close()
        os.symlink(os.path.join(root, "a"), os.path.join(root, "bazel-out"))
        self.assertEqual(query_facts.expression(root), "//:all + //a/...")


if __name__ == "__main__":
    unittest.main()
