"""Splitting the pending migration into shards: the pure algorithm (no Bazel, no files).

The unit is a package with pending writes (the driver applies a package whole: its BUILD
edits are per package). Package P depends on Q when a Keras target of P reaches a
pending target of Q (looking through targets without Keras). Packages in one strongly
connected group (a cycle) are never split. Shards come in dependency order: applying
them one by one, in order, never leaves migrated code importing Keras 2 objects from
code not yet migrated.

  by package: one shard per group of packages;
  by owners:  groups walked in dependency order, each joins its primary owner's open
              shard when that keeps the shard within max_files and after all the
              shards its dependencies are in; otherwise it opens a new shard for its
              owner. A group alone over max_files is a shard of its own, "oversize".
"""

from __future__ import annotations

import dataclasses
import heapq
import re
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Tuple

__all__ = ["Unit", "Shard", "BY_PACKAGE", "BY_OWNERS", "make_shards", "groups_in_order", "slug"]

BY_PACKAGE, BY_OWNERS = "package", "owners"
DEFAULT_MAX_FILES = 200


@dataclasses.dataclass(frozen=True)
class Unit:
    """A package with pending writes."""

    package: str
    owner: str  # the primary owner (shards group by it)
    files: int  # source files changed + BUILD files edited
    deps: FrozenSet[str] = frozenset()  # the other packages (units) it depends on
    owners: Tuple[str, ...] = ()  # all its owners, nearest first


@dataclasses.dataclass
class Shard:
    id: str
    packages: List[str]
    owners: List[str]
    files: int
    depends_on: List[str]
    oversize: bool = False


def _components(nodes: Iterable[str], deps: Mapping[str, Iterable[str]]) -> List[List[str]]:
    """Strongly connected components (Tarjan, iterative: deep chains are fine), members sorted."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: Set[str] = set()
    stack: List[str] = []
    out: List[List[str]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(deps.get(root, ()))))]
        while work:
            node, it = work[-1]
            dep = next(it, None)
            if dep is not None:
                if dep not in deps:
                    continue  # not a node
                if dep not in index:
                    index[dep] = low[dep] = len(index)
                    stack.append(dep)
                    on_stack.add(dep)
                    work.append((dep, iter(sorted(deps.get(dep, ())))))
                elif dep in on_stack:
                    low[node] = min(low[node], index[dep])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(sorted(component))
    return out


def groups_in_order(units: Mapping[str, Unit]) -> Tuple[List[List[str]], Dict[int, Set[int]]]:
    """The strongly connected groups of packages, dependencies first (ties: by first
    package name, so the order is stable), and each group's dependency groups (indexes)."""
    deps = {name: {d for d in unit.deps if d in units and d != name} for name, unit in units.items()}
    components = _components(units, deps)
    group_of = {p: i for i, members in enumerate(components) for p in members}
    group_deps: Dict[int, Set[int]] = {
        i: {group_of[d] for p in members for d in deps[p]} - {i} for i, members in enumerate(components)}
    dependents: Dict[int, Set[int]] = {i: set() for i in group_deps}
    for i, ds in group_deps.items():
        for d in ds:
            dependents[d].add(i)
    waiting = {i: len(ds) for i, ds in group_deps.items()}
    ready = [(components[i][0], i) for i, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order: List[int] = []
    while ready:
        _, i = heapq.heappop(ready)
        order.append(i)
        for j in dependents[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, (components[j][0], j))
    renumber = {old: new for new, old in enumerate(order)}
    groups = [components[old] for old in order]
    return groups, {renumber[old]: {renumber[d] for d in group_deps[old]} for old in order}


def slug(text: str, limit: int = 40) -> str:
    """A folder-safe name: "@vision-team" -> "vision-team", "(no owner)" -> "no-owner"."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:limit].strip("-") or "root"


def _group_owner(units: Mapping[str, Unit], members: List[str]) -> str:
    # The primary owner of the group's first package (a cycle across teams is rare: the
    # shard lists every owner anyway).
    return units[members[0]].owner


def make_shards(units: Mapping[str, Unit], shard_by: str = BY_OWNERS,
                max_files: int = DEFAULT_MAX_FILES) -> List[Shard]:
    """The shards, in the order to apply them."""
    if shard_by not in (BY_PACKAGE, BY_OWNERS):
        raise ValueError(f"shard_by: {shard_by!r} (package or owners)")
    if max_files < 1:
        raise ValueError("max_files must be at least 1")
    groups, group_deps = groups_in_order(units)
    shard_of_group: Dict[int, int] = {}
    members: List[List[int]] = []  # shard index -> its groups
    files: List[int] = []
    keys: List[str] = []  # the owner (or package) a shard is named after
    open_shard: Dict[str, int] = {}  # owner -> the shard its next groups may join
    for g, packages in enumerate(groups):
        size = sum(units[p].files for p in packages)
        owner = _group_owner(units, packages)
        target: Optional[int] = None
        if shard_by == BY_OWNERS and owner in open_shard:
            candidate = open_shard[owner]
            latest_dep = max((shard_of_group[d] for d in group_deps[g]), default=-1)
            if latest_dep <= candidate and files[candidate] + size <= max_files:
                target = candidate
        if target is None:
            target = len(members)
            members.append([])
            files.append(0)
            keys.append(owner if shard_by == BY_OWNERS else packages[0])
            open_shard[owner] = target
        members[target].append(g)
        files[target] += size
        shard_of_group[g] = target
    width = max(3, len(str(len(keys))))  # ids sort in the order to apply them
    ids = [f"{i + 1:0{width}d}-{slug(key)}" for i, key in enumerate(keys)]
    shards = []
    for i, gs in enumerate(members):
        packages = sorted(p for g in gs for p in groups[g])
        owners: List[str] = []
        for p in packages:
            for o in units[p].owners or (units[p].owner,):
                if o not in owners:
                    owners.append(o)
        deps = sorted({shard_of_group[d] for g in gs for d in group_deps[g]} - {i})
        oversize = files[i] > max_files
        shards.append(Shard(ids[i], packages, owners, files[i], [ids[d] for d in deps], oversize))
    return shards
