"""rules/_util.py: the one module of CST edit helpers (argument lists and their commas)."""

import libcst as cst

from keras_migrate.rules._util import (
    as_keyword, as_positional, code, comma_after, comma_separated, drop_arg, keyword, prepend_arg,
    respaced_like, with_keyword,
)


def _call(text):
    return cst.parse_expression(text)


def _with_args(call, args):
    return code(call.with_changes(args=args))


def test_comma_separated_inline_and_keeping_the_last_comma():
    call = _call("f(a,b,\n  c,)")
    assert _with_args(call, comma_separated(list(call.args))) == "f(a, b, c)"
    assert _with_args(call, comma_separated(list(call.args), last=None)) == "f(a, b, c,)"
    assert comma_separated([]) == []


def test_respaced_like_keeps_one_per_line_layout_and_trailing_comma():
    call = _call("f(\n    a,\n    b,\n)")
    args = [call.args[0], call.args[1].with_changes(comma=cst.MaybeSentinel.DEFAULT), cst.Arg(cst.Name("z"))]
    assert _with_args(call, respaced_like(args, call.args)) == "f(\n    a,\n    b, z,\n)"


def test_keyword_positional_and_prepend():
    call = _call("m.f(x, y=1)")
    assert code(keyword("k", cst.Integer("2"))) == "k=2"
    assert code(as_keyword(call.args[0], "a").with_changes(comma=cst.MaybeSentinel.DEFAULT)) == "a=x"
    assert code(as_positional(call.args[1])) == "1"
    assert _with_args(call, prepend_arg(call, cst.Name("m"))) == "m.f(m, x, y=1)"
    empty = _call("m.f()")
    assert _with_args(empty, prepend_arg(empty, cst.Name("m"))) == "m.f(m)"


def test_comma_after_and_drop_arg_and_with_keyword():
    call = _call("f(a, b,)")
    assert code(comma_after(call.args[0]).with_changes(value=cst.Name("q"))) == "q,"
    assert comma_after(call.args[1]) is call.args[1]
    assert _with_args(call, drop_arg(call.args, 1)) == "f(a,)"
    assert code(with_keyword(_call("f(a)"), "k", cst.Name("v"))) == "f(a, k=v)"
    assert code(with_keyword(_call("f(\n    a,\n    b,\n)"), "k", cst.Name("v"))) == "f(\n    a,\n    b,\n    k=v,\n)"
    # `)` on its own line without a trailing comma stays on its own line.
    assert code(with_keyword(_call("f(\n    a, b\n)"), "k", cst.Name("v"))) == "f(\n    a, b, k=v\n)"
    assert code(with_keyword(_call("f(\n    a,\n    b\n)"), "k", cst.Name("v"))) == "f(\n    a,\n    b,\n    k=v\n)"
    assert code(with_keyword(_call("f(a  # note\n)"), "k", cst.Name("v"))) == "f(a, k=v  # note\n)"
    assert code(with_keyword(_call("f(\n    a\n)"), "k", cst.Name("v"))) == "f(\n    a,\n    k=v\n)"
    # A trailing comma after the only argument, one argument per line.
    assert code(with_keyword(_call("f(\n    a,\n)"), "k", cst.Name("v"))) == "f(\n    a,\n    k=v,\n)"


def test_paired_args_follows_arguments_an_earlier_rule_moved_or_dropped():
    from keras_migrate.rules._args import paired_args

    def pairs(before, after):
        original, updated = _call(before), _call(after)
        return [(code(arg.value), code(updated.args[j].value)) for arg, j in paired_args(original, updated)]

    assert pairs("f(a, b, k=c)", "f(a, b2, k=c2)") == [("a", "a"), ("b", "b2"), ("c", "c2")]
    # A keyword dropped before another: matched by keyword, not by index (was an IndexError).
    assert pairs("f(l, m=1, w=2)", "f(l, w=2)") == [("l", "l"), ("2", "2")]
    # Positionals made keywords: only the keyword-named ones keep a counterpart.
    assert pairs("f(a, b, c, s=1)", "f(a, b, metrics=c)") == [("a", "a"), ("b", "b")]
    assert pairs("f(*xs, k=1)", "f(*xs, k=2)") == [("xs", "xs"), ("1", "2")]
