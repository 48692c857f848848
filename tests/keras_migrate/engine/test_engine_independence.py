"""The engine knows no API: it imports no rule, spec table or front end, and never
names Keras (rules, markers and report data arrive in a RuleSet from the caller)."""

import ast
import os
import re
import subprocess
import sys

ENGINE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "keras_migrate", "engine")
SOURCES = sorted(os.path.join(ENGINE, f) for f in os.listdir(ENGINE) if f.endswith(".py"))
# The engine's own package, and the tool's name in messages and temp files, are allowed.
_OWN_NAME = re.compile(r"keras[_-]migrate", re.IGNORECASE)


def _imported_modules(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in ast.walk(tree):  # function-level imports too: they close cycles just the same
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_engine_sources_exist():
    assert len(SOURCES) > 10


def test_engine_imports_only_itself_from_the_package():
    for path in SOURCES:
        for module in _imported_modules(path):
            if module.startswith("keras_migrate"):
                assert module == "keras_migrate.engine" or module.startswith("keras_migrate.engine."), (
                    f"{os.path.basename(path)} imports {module}")


def test_engine_never_names_keras():
    for path in SOURCES:
        text = _OWN_NAME.sub("", open(path, encoding="utf-8").read())
        for number, line in enumerate(text.splitlines(), 1):
            assert "keras" not in line.lower(), f"{os.path.basename(path)}:{number}: {line.strip()}"


def test_importing_the_engine_loads_no_rules_or_spec():
    code = ("import sys, keras_migrate.engine, keras_migrate.engine._runner, keras_migrate.engine._report\n"
            "roots = ('keras_migrate.rules', 'keras_migrate.spec', 'keras_migrate.migrator', 'keras_migrate.cli',"
            " 'keras_migrate.bazel', 'keras', 'tensorflow')\n"
            "bad = sorted(m for m in sys.modules if any(m == r or m.startswith(r + '.') for r in roots))\n"
            "print(bad)\n")
    tools = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.path.abspath(tools)})
    assert out.stdout.strip() == "[]", out.stdout
