"""Shards without Bazel: ordering, grouping by owner, max files, cycles, ids."""

import pytest

from keras_migrate.rollout._shards import BY_OWNERS, BY_PACKAGE, Unit, groups_in_order, make_shards, slug


def units(*specs):
    """(package, owner, files, deps...) tuples -> {package: Unit}."""
    return {p: Unit(p, owner, files, frozenset(deps), (owner,)) for p, owner, files, *deps in specs}


def order_ok(shards, us):
    """No shard comes before a shard holding one of its packages' dependencies."""
    where = {p: i for i, s in enumerate(shards) for p in s.packages}
    return all(where[d] <= where[p] for p in us for d in us[p].deps)


def test_dependencies_first_by_package():
    us = units(("app", "@a", 1, "lib"), ("lib", "@b", 1, "base"), ("base", "@a", 1))
    shards = make_shards(us, BY_PACKAGE)
    assert [s.packages for s in shards] == [["base"], ["lib"], ["app"]]
    assert [s.id for s in shards] == ["001-base", "002-lib", "003-app"]
    assert shards[2].depends_on == ["002-lib"] and shards[0].depends_on == []


def test_owner_groups_share_a_shard_only_after_their_dependencies():
    # base(@a) <- lib(@b) <- app(@a); other(@a) independent.
    us = units(("app", "@a", 1, "lib"), ("lib", "@b", 1, "base"), ("base", "@a", 1), ("other", "@a", 1))
    shards = make_shards(us, BY_OWNERS)
    # Walked in dependency order (ties by name): base, lib, app, other; app cannot join
    # base's shard (its dependency lib is in a later one), other then joins app's.
    assert [(s.id, s.packages) for s in shards] == [
        ("001-a", ["base"]), ("002-b", ["lib"]), ("003-a", ["app", "other"])]
    assert order_ok(shards, us)
    assert shards[2].depends_on == ["002-b"]


def test_independent_packages_of_one_owner_are_one_shard():
    us = units(("x", "@team", 2), ("y", "@team", 3), ("z", "@other", 1))
    shards = make_shards(us, BY_OWNERS)
    assert [(s.id, s.packages, s.files) for s in shards] == [("001-team", ["x", "y"], 5), ("002-other", ["z"], 1)]


def test_max_files_opens_a_new_shard_and_a_larger_group_is_oversize():
    us = units(("a", "@t", 3), ("b", "@t", 3), ("c", "@t", 3), ("huge", "@t", 10))
    shards = make_shards(us, BY_OWNERS, max_files=6)
    assert [(s.packages, s.files, s.oversize) for s in shards] == [
        (["a", "b"], 6, False), (["c"], 3, False), (["huge"], 10, True)]
    assert [s.id for s in shards] == ["001-t", "002-t", "003-t"]


def test_a_cycle_is_never_split_even_when_oversize():
    us = units(("p", "@a", 2, "q"), ("q", "@b", 2, "r"), ("r", "@a", 2, "p"), ("top", "@a", 1, "p"))
    groups, group_deps = groups_in_order(us)
    assert groups == [["p", "q", "r"], ["top"]] and group_deps == {0: set(), 1: {0}}
    shards = make_shards(us, BY_OWNERS, max_files=4)
    assert shards[0].packages == ["p", "q", "r"] and shards[0].oversize
    assert shards[0].owners == ["@a", "@b"]
    assert shards[1].packages == ["top"] and shards[1].depends_on == [shards[0].id]
    by_package = make_shards(us, BY_PACKAGE)
    assert [s.packages for s in by_package] == [["p", "q", "r"], ["top"]]


def test_deep_chain_and_stable_ids():
    n = 2000  # iterative: no recursion limit
    specs = [(f"p{i:04d}", "@t" if i % 2 else "(no owner)", 1) + ((f"p{i - 1:04d}",) if i else ()) for i in range(n)]
    us = units(*specs)
    shards = make_shards(us, BY_OWNERS)
    assert len(shards) == n and order_ok(shards, us)
    assert shards[0].id == "0001-no-owner" and shards[-1].id == "2000-t"  # ids sort as the order
    assert [s.id for s in make_shards(dict(reversed(list(us.items()))), BY_OWNERS)] == [s.id for s in shards]


def test_ids_and_slugs():
    assert slug("@vision-team") == "vision-team"
    assert slug("(no owner)") == "no-owner"
    assert slug("org/ML Platform") == "org-ml-platform"
    assert slug("") == "root"
    us = units(("", "(no owner)", 1))
    assert make_shards(us, BY_PACKAGE)[0].id == "001-root"


def test_dependencies_outside_the_units_are_ignored():
    us = units(("a", "@t", 1, "gone", "a"))
    assert [s.packages for s in make_shards(us)] == [["a"]]


def test_bad_arguments():
    with pytest.raises(ValueError):
        make_shards({}, "team")
    with pytest.raises(ValueError):
        make_shards({}, BY_OWNERS, max_files=0)
    assert make_shards({}) == []
