"""KM214 tfp_distributions: TFP's normal distributions -> keras_migrate_runtime.distributions.

TensorFlow Probability is built on TensorFlow and Keras 2: a Keras 3 program on JAX or
PyTorch cannot use it. Flows and VAEs mostly use it for a latent prior:
`tfp.distributions.Normal(loc, scale)` and `MultivariateNormalDiag(loc, scale_diag)` with
log_prob / prob / sample / mean / stddev / entropy. keras_migrate_runtime.distributions
has those two in keras.ops with TFP's numbers (log densities summed over the event axis
of the diagonal normal). `import tensorflow_probability` goes when nothing else of TFP is
left; any other TFP use keeps the file on TensorFlow (KM207). Both modes: TFP's import
needs tf_keras beside Keras 3, which the rewrite makes unnecessary.
"""

from __future__ import annotations

import libcst as cst

import ast
from typing import FrozenSet, Optional

from keras_migrate.engine import Example, Rule
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._scan import file_ast, names as ast_names
from keras_migrate.rules._tf_op_emit import bound_names

__all__ = ["TfpDistributions", "TFP_DISTRIBUTIONS", "DISTRIBUTIONS_MODULE", "tfp_fully_rewritten"]

DISTRIBUTIONS_MODULE = "distributions"
TFP_DISTRIBUTIONS = {
    f"tensorflow_probability.{prefix}{name}": name
    for prefix in ("distributions.", "python.distributions.")
    for name in ("Normal", "MultivariateNormalDiag")
}


_MODULE = "tensorflow_probability.distributions"


@per_file
def tfp_fully_rewritten(ctx) -> Optional[FrozenSet[str]]:
    """When every use of TFP in the file is a distribution this rule rewrites (directly, or
    through module-level aliases `tfd = tfp.distributions` used only that way): the alias
    names (maybe none). Otherwise None (the file keeps TFP; KM207 says so)."""
    if DISTRIBUTIONS_MODULE in bound_names(ctx):
        return None
    tree, names = file_ast(ctx), ast_names(ctx)
    local = ctx.names.local_name_for("tensorflow_probability")
    if tree is None or names is None or local is None:
        return None
    rewritten, aliases = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (names.qualified(node.func) or "") in TFP_DISTRIBUTIONS:
            rewritten.update(id(n) for n in ast.walk(node.func))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and names.qualified(node.value) == _MODULE):
            aliases[node.targets[0].id] = {id(n) for n in ast.walk(node.value)}
    for alias_nodes in aliases.values():
        rewritten.update(alias_nodes)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and (
                node.id == local or node.id in aliases) and id(node) not in rewritten:
            return None
    return frozenset(aliases)


class TfpDistributions(Rule):
    id = "KM214"
    name = "tfp_distributions"
    description = ("tfp.distributions.Normal / MultivariateNormalDiag -> keras_migrate_runtime.distributions "
                   "(keras.ops, TFP's log_prob / sample / mean / stddev / entropy).")
    TRIGGERS = ("tensorflow_probability",)
    EXAMPLES = (
        Example(
            before="""
            import tensorflow_probability as tfp
            import keras

            class RealNVP(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.distribution = tfp.distributions.MultivariateNormalDiag(
                        loc=[0.0, 0.0], scale_diag=[1.0, 1.0]
                    )

                def log_loss(self, y, logdet):
                    return -keras.ops.mean(self.distribution.log_prob(y) + logdet)

            prior = tfp.distributions.Normal(0.0, 1.0)
            """,
            after="""
            import keras
            from keras_migrate_runtime import distributions

            class RealNVP(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.distribution = distributions.MultivariateNormalDiag(
                        loc=[0.0, 0.0], scale_diag=[1.0, 1.0]
                    )

                def log_loss(self, y, logdet):
                    return -keras.ops.mean(self.distribution.log_prob(y) + logdet)

            prior = distributions.Normal(0.0, 1.0)
            """,
        ),
        # The `tfd` alias, used only for rewritten distributions.
        Example(
            before="""
            import tensorflow_probability as tfp
            import keras

            tfd = tfp.distributions
            prior = tfd.Normal(loc=0.0, scale=1.0)
            """,
            after="""
            import keras
            from keras_migrate_runtime import distributions

            tfd = distributions
            prior = distributions.Normal(loc=0.0, scale=1.0)
            """,
        ),
        # Other TFP: the import stays (KM207 keeps the file on TensorFlow).
        Example(
            before="""
            import tensorflow_probability as tfp
            import keras

            prior = tfp.distributions.Normal(0.0, 1.0)
            layer = tfp.layers.DenseVariational(4, make_prior_fn=None, make_posterior_fn=None)
            """,
            after="""
            import tensorflow_probability as tfp
            import keras
            from keras_migrate_runtime import distributions

            prior = distributions.Normal(0.0, 1.0)
            layer = tfp.layers.DenseVariational(4, make_prior_fn=None, make_posterior_fn=None)
            """,
        ),
    )

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign):
        """`tfd = tfp.distributions` -> `tfd = distributions` when every use is rewritten."""
        aliases = tfp_fully_rewritten(self.ctx)
        if (not aliases or self.ctx.function_stack or self.ctx.class_stack or len(original.targets) != 1
                or not isinstance(original.targets[0].target, cst.Name)
                or original.targets[0].target.value not in aliases
                or self.ctx.qualified_name(original.value) != _MODULE):
            return updated
        self.ctx.use_runtime(DISTRIBUTIONS_MODULE)
        return updated.with_changes(value=cst.Name(DISTRIBUTIONS_MODULE))

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        name = TFP_DISTRIBUTIONS.get(self.ctx.qualified_name(original.func) or "")
        if name is None or DISTRIBUTIONS_MODULE in bound_names(self.ctx):
            return updated
        self.ctx.use_runtime(DISTRIBUTIONS_MODULE)
        local = self.ctx.names.local_name_for("tensorflow_probability")
        if local is not None:
            self.ctx.remove_import_if_unused("tensorflow_probability",
                                             asname=None if local == "tensorflow_probability" else local)
        return updated.with_changes(func=cst.Attribute(cst.Name(DISTRIBUTIONS_MODULE), cst.Name(name)))
