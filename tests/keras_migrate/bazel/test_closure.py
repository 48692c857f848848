"""The driver's dependency facts: computed once for the whole graph, iteratively (deep
chains, cycles, 10,000 targets), equal to a plain walk of each target's closure."""

import random
import time

from keras_migrate.bazel._driver import Target, closure_facts


def _graph(edges):
    return {label: Target(label, "py_library", "BUILD", [], list(deps), "py_library") for label, deps in edges.items()}


def _walk(graph, label):
    seen, todo = {label}, [label]
    while todo:
        for dep in graph[todo.pop()].deps:
            if dep in graph and dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def _expected(graph, own):
    out = {}
    for label in graph:
        closure = _walk(graph, label)
        out[label] = ({l for l in closure if own.get(l, (False, False))[0]},
                      any(own.get(l, (False, False))[1] for l in closure))
    return out


def _got(facts):
    return {label: (set(f.tensorflow_only), f.keras_code) for label, f in facts.items()}


def test_deep_chain():
    n = 5000  # the recursive walk failed past ~1,000
    graph = _graph({f"//p:t{i}": [f"//p:t{i + 1}"] if i + 1 < n else [] for i in range(n)})
    own = {f"//p:t{n - 1}": (True, True)}
    facts = closure_facts(graph, own)
    assert all(f.tensorflow_only == {f"//p:t{n - 1}"} and f.keras_code for f in facts.values())


def test_cycles_and_missing_deps():
    graph = _graph({"//a": ["//b", "//outside"], "//b": ["//c"], "//c": ["//a", "//d"], "//d": [], "//e": ["//a"]})
    own = {"//d": (True, False), "//b": (False, True)}
    assert _got(closure_facts(graph, own)) == _expected(graph, own)


def test_random_graphs_match_a_plain_walk():
    rng = random.Random(7)
    for _ in range(20):
        labels = [f"//p:t{i}" for i in range(60)]
        graph = _graph({l: rng.sample(labels, rng.randint(0, 4)) for l in labels})
        own = {l: (rng.random() < 0.1, rng.random() < 0.2) for l in labels}
        assert _got(closure_facts(graph, own)) == _expected(graph, own)


def test_ten_thousand_targets_fast():
    n = 10000
    rng = random.Random(1)
    graph = _graph({f"//p{i // 100}:t{i}": [f"//p{j // 100}:t{j}" for j in rng.sample(range(i), min(i, 5))]
                    for i in range(n)})
    own = {f"//p0:t{i}": (True, True) for i in range(3)}
    start = time.perf_counter()
    facts = closure_facts(graph, own)
    assert len(facts) == n and time.perf_counter() - start < 5


def test_tag_reasons_are_never_cut_mid_word():
    from keras_migrate.bazel._driver import shorten

    assert shorten("short reason", 200) == "short reason"
    text = "; ".join(["tf.distribute strategies work with the TensorFlow backend only"] * 10)
    out = shorten(text, 200)
    assert len(out) <= 200 and out.endswith("...") and text.startswith(out[:-3])
    assert text[len(out) - 3] in " ;"  # the cut falls between words
    assert shorten("x" * 300, 200) == "x" * 197 + "..."  # one long word: cut, marked
