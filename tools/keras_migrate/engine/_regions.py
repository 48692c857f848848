"""Regions: stretches of the traversal that open at a node and close when it is left.

Several rules need to know "am I inside a node of kind X" (X decided by the migrator,
e.g. a call whose function runs in some other execution model). Each kept its own
stack, pushed in its visit_ and popped in its leave_, all computing the same thing.
A rule instead declares the Region it needs (Rule.regions); the traversal keeps one
stack per region for all rules and answers ctx.region_nodes(region).

The engine knows nothing of what a region means: the predicate comes from the rules.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Callable, Type

import libcst as cst

if TYPE_CHECKING:
    from keras_migrate.engine._context import RuleContext

__all__ = ["Region"]


@dataclasses.dataclass(frozen=True, eq=False)
class Region:
    """A node of `node_type` for which `opens(ctx, node)` holds is pushed before any
    rule's visit_ of it and popped after every rule's leave_ of it: during the node's
    own leave_ it is still the innermost open node. Compared by identity."""

    name: str  # for messages only
    node_type: Type[cst.CSTNode]
    opens: "Callable[[RuleContext, cst.CSTNode], bool]"
