"""engine.walk must call a CSTVisitor's methods exactly as node.visit does (same nodes,
same order, children skipped after visit_* -> False): rules switched to it for speed and
their outputs must not move."""

import ast
import glob
import inspect
import os
import typing

import libcst as cst
import pytest

from keras_migrate.engine import ast_children, ast_walk, iter_nodes, walk
from keras_migrate.engine._walk import LEAVES, TRIVIA, children, fields_in_visit_order

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CORPUS = os.environ.get("KERAS_MIGRATE_CORPUS", os.path.join(os.path.dirname(ROOT), "shared", "corpus", "keras_io_keras2"))
FILES = (sorted(glob.glob(os.path.join(CORPUS, "*.py")))[::4]
         + sorted(glob.glob(os.path.join(ROOT, "tests", "parity", "programs", "*.py")))[::4]
         + [os.path.join(ROOT, "tools", "keras_migrate", "rules", "saved_model.py")])
NODE_TYPES = [t for t in vars(cst).values() if isinstance(t, type) and issubclass(t, cst.CSTNode)]
# Every syntax libcst knows that the files above may lack.
SNIPPET = '''
from . import a
from x import (b as c, d)
from y import *
async def f(*, p: int = 1, q=2, **kw) -> "r":
    async with a as b, c:
        pass
    async for i in j:
        yield i
    await g(*xs, **kw)
    global G
    nonlocal_ = lambda x, /, y=1: x
    del a[1:2:3], b.c
    x = f"{a!r:>{w}} {b=}" "s" "t"
    y = [i for i in j if i] + {k: v for k, v in d.items()} or {s for s in t} and (g for g in h)
    z = -a ** ~b @ c // d % e << f >> g & h | i ^ j
    assert a is not b, "m"
    if (n := 10) > 5 >= 4 != 3 not in q:
        raise E from F
    try:
        pass
    except* T as e:
        pass
    match p:
        case [1, *rest] | {"k": v, **kw} | P(a, b=c) if rest:
            pass
        case None:
            pass
    return x if y else z
type A[T, *Ts, **P] = list[T]
class K[T](B, metaclass=M):
    a: int = 1; b += 2
    @d
    def m(self): ...
while True:
    break
else:
    continue
'''



class _Log(cst.CSTVisitor):
    def __init__(self, skip_under=()):
        self.log = []
        self.skip_under = skip_under

    def on_visit(self, node):
        self.log.append(("visit", type(node).__name__, id(node)))
        return not isinstance(node, self.skip_under)

    def on_leave(self, node):
        self.log.append(("leave", type(node).__name__, id(node)))


def _logging_visitor(types, skip_under=()):
    """A visitor with visit_X/leave_X for `types` (what walk dispatches on)."""
    def visit(self, node):
        self.log.append(("visit", type(node).__name__, id(node)))
        return False if isinstance(node, skip_under) else None

    def leave(self, node):
        self.log.append(("leave", type(node).__name__, id(node)))

    methods = {}
    for node_type in types:
        methods[f"visit_{node_type.__name__}"] = visit
        methods[f"leave_{node_type.__name__}"] = leave
    methods["__init__"] = lambda self: setattr(self, "log", [])
    return type("Logging", (cst.CSTVisitor,), methods)()


@pytest.mark.parametrize("path", FILES + ["<snippet>"], ids=os.path.basename)
@pytest.mark.parametrize("skip_under", [(), (cst.Call, cst.FunctionDef)], ids=["all", "pruned"])
def test_walk_calls_what_visit_calls_in_the_same_order(path, skip_under):
    text = SNIPPET if path == "<snippet>" else open(path, encoding="utf-8").read()
    module = cst.parse_module(text)
    expected = _Log(skip_under)
    module.visit(expected)
    every = _logging_visitor(NODE_TYPES, skip_under)
    walk(module, every)
    assert every.log == expected.log
    # Without handlers for whitespace and punctuation, those subtrees are skipped: the
    # rest comes in the same order.
    some = _logging_visitor([t for t in NODE_TYPES if t not in TRIVIA], skip_under)
    walk(module, some)
    assert some.log == [entry for entry in expected.log if getattr(cst, entry[1]) not in TRIVIA]


def test_every_field_libcst_visits_is_a_field():
    for node_type in NODE_TYPES:
        if not inspect.isabstract(node_type):
            names = {f.name for f in node_type.__dataclass_fields__.values()}
            assert set(fields_in_visit_order(node_type)) <= names, node_type.__name__


def test_overriding_on_visit_or_attribute_hooks_is_refused():
    class Own(cst.CSTVisitor):
        def on_visit(self, node):
            return True

    class Attr(cst.CSTVisitor):
        def visit_Call_func(self, node):
            pass

    for visitor in (Own(), Attr()):
        with pytest.raises(TypeError):
            walk(cst.parse_module("x = 1\n"), visitor)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # invalid escapes in corpus scripts
@pytest.mark.parametrize("path", FILES, ids=os.path.basename)
def test_ast_walk_is_list_of_ast_walk(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    assert ast_walk(tree) == list(ast.walk(tree))
    for node in ast_walk(tree):
        assert ast_children(node) == list(ast.iter_child_nodes(node))


def _by_children(node, stop):
    yield node
    if not isinstance(node, stop):
        for child in node.children:
            yield from _by_children(child, stop)


@pytest.mark.parametrize("path", FILES[::3] + ["<snippet>"], ids=os.path.basename)
@pytest.mark.parametrize("stop", [(), (cst.FunctionDef, cst.ClassDef, cst.Lambda)], ids=["all", "stop"])
def test_iter_nodes_is_the_children_recursion_without_trivia(path, stop):
    module = cst.parse_module(SNIPPET if path == "<snippet>" else open(path, encoding="utf-8").read())
    expected = [node for node in _by_children(module, stop) if type(node) not in TRIVIA]
    assert list(iter_nodes(module, stop)) == expected
    for node in expected[:200]:
        assert children(node) == [child for child in node.children if type(child) not in TRIVIA]


def test_the_traversal_enters_whitespace_and_punctuation_only_for_a_rule_that_asks():
    from keras_migrate.engine import ReportInfo, Rule, RuleSet
    from keras_migrate.engine import migrate_source as engine_migrate

    class SpaceAfterComma(Rule):
        id = "T900"
        name = "space_after_comma"
        description = "`a,b` -> `a, b` (a rule on punctuation)"

        def leave_Comma(self, original, updated):
            if updated.whitespace_after.value == "":
                self.fired()
                return updated.with_changes(whitespace_after=cst.SimpleWhitespace(" "))
            return updated

        def leave_SimpleWhitespace(self, original, updated):  # inside the comma: entered too
            self.ctx.fired(self.id + "-ws")
            return updated

    rule_set = RuleSet(rules=(SpaceAfterComma,), markers=("f",), report=ReportInfo(tool="toy"))
    result = engine_migrate("f(a,b)\n", rule_set=rule_set)
    assert result.code == "f(a, b)\n"
    assert result.rules_fired["T900-ws"] >= 2


def _annotated(annotation):
    if typing.get_origin(annotation) is None:
        return [annotation]
    return [leaf for arg in typing.get_args(annotation) for leaf in _annotated(arg)]


def test_leaves_are_the_nodes_whose_children_can_only_be_trivia():
    trivia_bases = tuple(TRIVIA) + (cst.BaseParenthesizableWhitespace, cst.BaseBinaryOp, cst.BaseBooleanOp,
                                    cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp)
    derived = set()
    for node_type in NODE_TYPES:
        if inspect.isabstract(node_type) or node_type in TRIVIA:
            continue
        hints = typing.get_type_hints(node_type)
        if all(t is type(None) or t is cst.MaybeSentinel or (isinstance(t, type) and issubclass(t, trivia_bases))
               for field in fields_in_visit_order(node_type) for t in _annotated(hints[field])):
            derived.add(node_type)
    assert derived == set(LEAVES)


def test_walk_keeps_no_visitor_class_alive():
    # Rules define visitor classes inside functions (a new class per call, whose methods
    # close over the call's context): walk's per-class dispatch cache must not keep them.
    import gc
    import weakref

    def look(module):
        found = []

        class _V(cst.CSTVisitor):
            def visit_Name(self, node):
                found.append(node.value)

        walk(module, _V())
        return weakref.ref(_V), found

    ref, found = look(cst.parse_module("a = b\n"))
    assert found == ["a", "b"]
    gc.collect()
    assert ref() is None
