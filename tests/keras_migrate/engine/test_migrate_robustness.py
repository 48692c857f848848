"""migrate_source never raises for bad input or a rule's bug, keeps untouched bytes, and
says where Python (not libcst) sees a syntax error."""

from keras_migrate.engine import Rule
from keras_migrate.migrator import migrate_source

KERAS2 = "from tensorflow import keras\nlayer = keras.layers.LeakyReLU(alpha=0.2)\n"
KERAS3 = "import keras\nlayer = keras.layers.LeakyReLU(negative_slope=0.2)\n"


class _Boom(Rule):
    id = "KM990"
    name = "boom"
    description = "raises on every call (a stand-in for a rule's bug)"

    def leave_Call(self, original, updated):
        raise KeyError("boom")


def test_rule_exception_becomes_an_internal_error_naming_rule_and_line():
    result = migrate_source("import keras\n\nx = 1\ny = keras.layers.Dense(2)\n", "m.py", rules=[_Boom])
    (diag,) = result.diagnostics
    assert diag.rule_id == "KM003" and "KM990" in diag.message and "KeyError" in diag.message
    assert diag.line == 4 and result.failed and not result.changed


def test_long_sum_and_deep_lists_migrate():
    chain = " + ".join(f"a{i}" for i in range(500))
    result = migrate_source(f"from tensorflow import keras\nx = {chain}\n")
    assert result.code == f"import keras\nx = {chain}\n" and not result.diagnostics
    nested = "[" * 150 + "]" * 150
    assert migrate_source(f"from tensorflow import keras\nx = {nested}\n").code == f"import keras\nx = {nested}\n"


def test_python_nesting_limit_is_a_syntax_error_not_a_bug():
    result = migrate_source("from tensorflow import keras\nx = " + "[" * 300 + "]" * 300 + "\n")
    (diag,) = result.diagnostics
    assert diag.rule_id == "KM001" and diag.line == 2 and "nested parentheses" in diag.message
    assert "bug" not in diag.message + (diag.fix or "")


def test_syntax_error_positions_are_pythons():
    cases = {
        "from tensorflow import keras\n\n\ndef f(:\n    pass\n": (4, 7),
        "from tensorflow import keras\nx = 'abc\ny = 2\n": (2, 5),  # tokenizer error
        "from tensorflow import keras\nif True:\n    x = 1\n  y = 2\n": (4, 8),
        "from tensorflow import keras\nx = (1,\ny = 2\nz = 3\n": (2, 5),
    }
    for source, position in cases.items():
        (diag,) = migrate_source(source).diagnostics
        assert (diag.line, diag.column) == position, (source, diag)


def test_crlf_cr_only_and_bom_are_kept():
    for newline in ("\r\n", "\r"):
        assert migrate_source(KERAS2.replace("\n", newline)).code == KERAS3.replace("\n", newline)
    assert migrate_source("\ufeff" + KERAS2).code == "\ufeff" + KERAS3


def test_unchanged_source_comes_back_identical():
    source = "import keras\r\nx = 1\r"  # mixed newlines, no rule fires
    assert migrate_source(source).code == source


def test_qualified_name_cache_survives_node_id_reuse():
    # Nodes built during the traversal are freed and their ids reused; seed pairs in 30
    # functions must all merge, the same way every time.
    body = "    np.random.seed(42)\n    tf.random.set_seed(42)\n    tf.random.uniform((3,), seed=1)\n"
    source = "import numpy as np\nimport tensorflow as tf\nimport keras\n\n" + "".join(
        f"def f{i}():\n{body}\n" for i in range(30))
    outputs = {migrate_source(source).code for _ in range(3)}
    assert len(outputs) == 1
    assert outputs.pop().count("keras.utils.set_random_seed(42)") == 30


def test_the_collector_threshold_is_raised_only_during_a_migration():
    import gc

    old = gc.get_threshold()
    seen = []

    class Look(Rule):
        id = "KM999"
        name = "look"
        description = "records the collector's threshold"

        def visit_Module(self, node):
            seen.append(gc.get_threshold()[0])

    try:
        gc.set_threshold(700, 10, 10)
        migrate_source(KERAS2, "a.py", rules=[Look])
        migrate_source("import keras\n\nx = 1\ny = keras.layers.Dense(2)\n", "m.py", rules=[_Boom])  # a rule's failure
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(50000, 10, 10)  # the caller's own, higher: kept
        migrate_source(KERAS2, "a.py", rules=[Look])
        assert seen == [10000, 50000] and gc.get_threshold() == (50000, 10, 10)
    finally:
        gc.set_threshold(*old)


def test_migrations_from_threads_run_one_at_a_time_with_the_same_results():
    # CPython 3.11's AST converter is not safe across threads (recursion-depth state per
    # interpreter): migrations never overlap, so each thread gets the sequential result.
    import threading
    import time

    active, overlaps = [0], []

    class Count(Rule):
        id = "KM998"
        name = "count"
        description = "records overlapping migrations"

        def visit_Module(self, node):
            active[0] += 1
            overlaps.append(active[0])
            time.sleep(0.01)  # lets another thread in, were migrations allowed to overlap

        def leave_Module(self, original_node, updated_node):
            active[0] -= 1
            return updated_node

    expected = migrate_source(KERAS2, "a.py").code
    results = []

    def work():
        for _ in range(5):
            migrate_source(KERAS2, "a.py", rules=[Count])
            results.append(migrate_source(KERAS2, "a.py").code)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 20 and set(overlaps) == {1}
