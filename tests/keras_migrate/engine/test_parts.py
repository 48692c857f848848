"""A large file is migrated in parts (engine/_parts.py): each part must parse into the
nodes the whole-file parse gives its statements, and the migration must come out byte
for byte (code, diagnostics, report data) as from one tree."""

import ast
import glob
import os

import libcst as cst
import pytest

from keras_migrate import migrate_source
from keras_migrate.engine import ReportInfo, Rule, RuleContext, RuleSet, _parts
from keras_migrate.engine import migrate_source as engine_migrate

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CORPUS = os.environ.get("KERAS_MIGRATE_CORPUS", os.path.join(os.path.dirname(ROOT), "shared", "corpus", "keras_io_keras2"))
# Every fifth file: the corpus in parts takes a while (tests/robustness/test_large_files.py runs mutated scripts too).
CORPUS_FILES = sorted(glob.glob(os.path.join(CORPUS, "*.py")))[::5]

SNIPPETS = {
    "two_space_indent_later_four": "import os\nx = 1\nif x:\n  y = 2\ndef f():\n    return 1\nz = 3\n",
    "tabs": "import os\nclass A:\n\tdef f(self):\n\t\treturn 1\nx = A()\ndef g():\n\tpass\n",
    "crlf": "import os\r\nx = 1\r\ndef f():\r\n    return 1\r\n\r\n# c\r\ny = f()\r\n",
    "no_final_newline": "x = 1\ndef f():\n    return 1\ny = 2",
    "comments_between": (
        "# header\nimport os\n\n\ndef f():\n    if os:\n        return 1\n        # inner footer\n"
        "    # block footer\n# next statement's\n\n@decorator\n# between decorator and def\n"
        "def g():\n    pass\n    # g's\n\n\n# trailing of file\n"),
    "semicolons": "a = 1; b = 2\ndef f(): return a\nc = 3; d = 4\nclass K: pass\n",
    "indented_blank_line": "def f():\n    pass\n    \nx = 1\ndef g():\n    pass\n\t\nx = 2\n",
    "docstring_first": '"""doc"""\nfrom __future__ import annotations\ndef f():\n    pass\nx = 1\n',
    "first_indent_in_later_part": "x = 1\ny = 2\ndef f():\n   return 1\nz = 3\ndef g():\n     return 2\n",
}


def _whole_and_parts(text, part_size=1):
    parts = _parts.split_parts(text, ast.parse(text), part_size)
    layout = _parts.layout_of(text)
    return cst.parse_module(text), parts, layout


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_parts_parse_into_the_whole_files_statements(name):
    text = SNIPPETS[name]
    whole, parts, layout = _whole_and_parts(text)
    assert parts is not None and len(parts) > 1
    modules = [_parts.parse_part(part, layout) for part in parts]
    assert "".join(m.code for m in modules) == text
    statements = [stmt for m in modules for stmt in m.body]
    assert len(statements) == len(whole.body)
    for mine, theirs in zip(statements, whole.body):
        assert mine.deep_equals(theirs), cst.Module([]).code_for_node(theirs)
    for module in modules:
        assert (module.default_indent, module.default_newline) == (whole.default_indent, whole.default_newline)
    assert cst.Module(body=[], header=modules[0].header).deep_equals(cst.Module(body=[], header=whole.header))
    assert cst.Module(body=[], footer=modules[-1].footer).deep_equals(cst.Module(body=[], footer=whole.footer))


def test_layout_is_libcsts_own_on_the_corpus():
    for path in CORPUS_FILES[:20]:
        text = open(path, encoding="utf-8").read()
        module = cst.parse_module(text)
        assert _parts.layout_of(text) == _parts.Layout(module.default_indent, module.default_newline), path


def test_no_cut_between_simple_statements():
    # A rule relating adjacent simple statements (leave_Module) must see the whole run.
    text = "import numpy as np\nnp.random.seed(1)\nx = 2\ny = 3\ndef f():\n    pass\n"
    parts = _parts.split_parts(text, ast.parse(text), 1)
    assert [p.text for p in parts] == ["import numpy as np\nnp.random.seed(1)\nx = 2\ny = 3\n",
                                       "def f():\n    pass\n"]


def test_no_cut_where_comments_are_indented_or_statements_share_a_line():
    text = "def f():\n    pass\n    # f's footer\nx = 1\n"
    assert _parts.split_parts(text, ast.parse(text), 1) is None
    text = "def f(): pass; \nx = 1\n"
    assert _parts.split_parts(text, ast.parse(text), 1) is not None
    text = "x = 1\rdef f():\r    pass\r"  # line endings CPython counts its own way
    assert _parts.split_parts(text, ast.parse(text), 1) is None


def test_parts_are_about_the_size_asked():
    text = "".join(f"def f{i}():\n    return {i}\n" for i in range(1000))
    parts = _parts.split_parts(text, ast.parse(text), 1000)
    assert all(len(p.text) < 1100 for p in parts) and "".join(p.text for p in parts) == text
    assert [p.first_line for p in parts][:2] == [1, parts[0].text.count("\n") + 1]


@pytest.fixture
def always_in_parts(monkeypatch):
    """Every file in parts of one statement where a cut is allowed (the most cuts, and
    the most reuse of freed nodes' ids)."""
    monkeypatch.setattr(_parts, "PART_THRESHOLD", 0)
    monkeypatch.setattr(_parts, "PART_SIZE", 1)


def _summary(result):
    return (result.code, result.changed, result.failed,
            [(d.rule_id, d.line, d.column, d.severity, d.message, d.fix) for d in result.diagnostics],
            result.rules_fired, result.tensorflow_only, result.runtime_symbols)


@pytest.mark.skipif(not CORPUS_FILES, reason="shared corpus not present")
def test_corpus_migrates_the_same_in_parts(monkeypatch):
    sources = [(path, open(path, encoding="utf-8").read()) for path in CORPUS_FILES]
    whole = [_summary(migrate_source(text, path)) for path, text in sources]
    monkeypatch.setattr(_parts, "PART_THRESHOLD", 0)
    monkeypatch.setattr(_parts, "PART_SIZE", 1)
    for (path, text), expected in zip(sources, whole):
        assert _summary(migrate_source(text, path)) == expected, path


IMPORTS_ACROSS_PARTS = '''\
"""A script."""
import os

import tensorflow as tf
from tensorflow import keras


def helper():
    return os.getcwd()


model = keras.Sequential([keras.layers.Dense(2)])


def loss(x):
    return tf.reduce_sum(x)


class Layer(keras.layers.Layer):
    def call(self, x):
        return tf.nn.relu(x) + tf.reduce_mean(x)


tf.random.set_seed(1)
import numpy as np
np.random.seed(1)
'''


@pytest.mark.parametrize("source", [IMPORTS_ACROSS_PARTS, *SNIPPETS.values()])
def test_imports_added_and_removed_across_parts(source, monkeypatch):
    expected = _summary(migrate_source(source, "x.py"))
    monkeypatch.setattr(_parts, "PART_THRESHOLD", 0)
    monkeypatch.setattr(_parts, "PART_SIZE", 1)
    assert _summary(migrate_source(source, "x.py")) == expected


class _Ids:
    """Node facts shared by rules (ctx.node_facts): dropped between parts."""

    def __init__(self, ctx):
        self.ids = set()


def test_a_rules_node_keyed_state_is_forgotten_between_parts(monkeypatch):
    seen = []

    class Remember(Rule):
        id = "T001"
        name = "remember"
        description = "records ids"
        NODE_KEYED = ("_ids",)

        def __init__(self, ctx):
            super().__init__(ctx)
            self._ids = set()

        def visit_FunctionDef(self, node):
            seen.append(len(self._ids))
            self._ids.add(id(node))
            self.ctx.node_facts(_Ids).ids.add(id(node))

        def leave_FunctionDef(self, original, updated):
            assert len(self.ctx.node_facts(_Ids).ids) == 1
            return updated

    monkeypatch.setattr(_parts, "PART_THRESHOLD", 0)
    monkeypatch.setattr(_parts, "PART_SIZE", 1)
    source = "".join(f"def f{i}():\n    pass\n" for i in range(5))
    rule_set = RuleSet(rules=(Remember,), markers=("def",), report=ReportInfo(tool="test", backends=("a",)),
                       context=RuleContext)
    result = engine_migrate(source, "x.py", rule_set=rule_set)
    assert not result.failed and seen == [0] * 5


def _node_keyed_attributes_missing():
    """Rule attributes touched in a statement that calls id(...) but not declared in
    NODE_KEYED (a static approximation of "keyed by id(node)")."""
    rules_dir = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "keras_migrate", "rules")
    from keras_migrate.rules import ALL_RULES

    rule_names = {rule.__name__ for rule in ALL_RULES}
    missing = []
    for path in sorted(glob.glob(os.path.join(rules_dir, "*.py"))):
        tree = ast.parse(open(path, encoding="utf-8").read())
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name in rule_names):
            assigned = {t.attr for n in ast.walk(cls) if isinstance(n, (ast.Assign, ast.AnnAssign))
                        for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
            declared = next((set(ast.literal_eval(n.value)) for n in cls.body if isinstance(n, ast.Assign)
                             and any(isinstance(t, ast.Name) and t.id == "NODE_KEYED" for t in n.targets)), set())
            for stmt in ast.walk(cls):
                if not isinstance(stmt, ast.stmt) or hasattr(stmt, "body"):
                    continue
                if not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "id"
                           for n in ast.walk(stmt)):
                    continue
                for n in ast.walk(stmt):
                    if (isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"
                            and n.attr in assigned and n.attr not in declared):
                        missing.append(f"{os.path.basename(path)}:{stmt.lineno} {cls.name}.{n.attr}")
                    if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "facts"
                            and isinstance(n.func.value, ast.Attribute) and n.func.value.attr == "ctx"):
                        missing.append(f"{os.path.basename(path)}:{stmt.lineno} ctx.facts with id(): use ctx.node_facts")
    return missing


def test_rules_declare_their_node_keyed_state():
    assert _node_keyed_attributes_missing() == []


def test_big_file_generator_is_valid_python():
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "benchmarks"))
    try:
        import big_file
    finally:
        sys.path.pop(0)
    if not CORPUS_FILES:
        pytest.skip("shared corpus not present")
    text = big_file.generate(0.2, CORPUS)
    ast.parse(text)
    assert len(text) >= 0.2 * 2 ** 20
    assert _parts.split_parts(text, ast.parse(text)) is not None or len(text) < _parts.PART_SIZE


class _Breaks(Rule):
    """Writes `if` for the name `broken` (invalid output) and reads `late` early."""

    id = "T010"
    name = "breaks"
    description = "test rule producing invalid code"

    def leave_Name(self, original, updated):
        if original.value == "wants_os":
            self.ctx.add_import("os")
        if original.value == "broken":
            return updated.with_changes(value="if")
        if original.value == "early":
            return updated.with_changes(value="late")
        return updated


_BREAKS = RuleSet(rules=(_Breaks,), markers=("",), report=ReportInfo(tool="test"), context=RuleContext)


@pytest.mark.parametrize("source", [
    "x = 1\ndef f():\n    return 1\n\n\ny = broken\ndef g():\n    pass\n",
    "x = 1\ndef f():\n    return 1\ny = early\ndef g():\n    pass\nimport late\n",
    "x = 1\ndef f():\n    return 1\ny = early\ndef g():\n    pass\nimport late\ndef h():\n    pass\nz = early\n",
])
def test_invalid_output_is_refused_at_the_same_line_in_parts(source, monkeypatch):
    expected = _summary(engine_migrate(source, "x.py", rule_set=_BREAKS))
    assert expected[2] and expected[3][0][0] == "KM002"  # failed, with the right diagnostic
    monkeypatch.setattr(_parts, "PART_THRESHOLD", 0)
    monkeypatch.setattr(_parts, "PART_SIZE", 1)
    assert _summary(engine_migrate(source, "x.py", rule_set=_BREAKS)) == expected


def test_invalid_output_with_imports_to_add_never_raises(monkeypatch):
    source = "x = wants_os\ndef f():\n    return 1\ny = broken\ndef g():\n    pass\n"
    whole = engine_migrate(source, "x.py", rule_set=_BREAKS)
    assert whole.failed and whole.diagnostics[0].rule_id == "KM002" and whole.code == source
    monkeypatch.setattr(_parts, "PART_THRESHOLD", 0)
    monkeypatch.setattr(_parts, "PART_SIZE", 1)
    parts = engine_migrate(source, "x.py", rule_set=_BREAKS)
    assert parts.failed and parts.code == source
    # The line is CPython's in the code without the added import (one line less).
    assert [(d.rule_id, d.line) for d in parts.diagnostics] == [("KM002", whole.diagnostics[0].line - 1)]
