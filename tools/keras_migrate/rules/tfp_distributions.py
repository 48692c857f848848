"""KM214 tfp_distributions: TFP's simple distributions -> keras_migrate_runtime.distributions.

TensorFlow Probability is built on TensorFlow and Keras 2: a Keras 3 program on JAX or
PyTorch cannot use it. Flows and VAEs mostly use it for a latent prior:
`tfp.distributions.Normal(loc, scale)` and `MultivariateNormalDiag(loc, scale_diag)` with
log_prob / prob / sample / mean / stddev / entropy; autoregressive samplers (keras.io's
VQ-VAE PixelCNN) draw codes through `tfp.layers.DistributionLambda(tfd.Categorical)`.
keras_migrate_runtime.distributions has those in keras.ops with TFP's numbers (log
densities summed over the event axis of the diagonal normal) and a Keras 3
DistributionLambda whose output is the converted tensor (a sample by default).

A DistributionLambda is rewritten only when every one in the file is (its distribution is
one the runtime has, converted by sample / mean / mode) and nothing calls distribution
methods on a model's output (a `-y_pred.log_prob(y)` loss, `model(x).stddev()`): Keras 3
passes tensors between layers, never distribution objects. `import tensorflow_probability`
goes when nothing else of TFP is left; any other TFP use keeps the file on TensorFlow
(KM207). Both modes: TFP's import needs tf_keras beside Keras 3, which the rewrite makes
unnecessary.
"""

from __future__ import annotations

import libcst as cst

import ast
from typing import FrozenSet, Optional, Set

from keras_migrate.engine import Example, Rule, ast_walk
from keras_migrate.rules._facts import per_file
from keras_migrate.rules._scan import all_nodes, file_ast, names as ast_names
from keras_migrate.rules._tf_op_emit import bound_names
from keras_migrate.rules._util import drop_module_import_if_unused

__all__ = ["TfpDistributions", "TFP_DISTRIBUTIONS", "TFP_LAMBDA_NAMES", "DISTRIBUTIONS_MODULE",
           "distribution_lambdas_rewritten", "tfp_fully_rewritten"]

DISTRIBUTIONS_MODULE = "distributions"
_PREFIXES = ("tensorflow_probability.", "tensorflow_probability.python.")
TFP_DISTRIBUTIONS = {
    f"{prefix}distributions.{name}": name
    for prefix in _PREFIXES
    for name in ("Normal", "MultivariateNormalDiag", "Categorical")
}
_LAMBDA_LAYERS = frozenset(f"{prefix}layers.DistributionLambda" for prefix in _PREFIXES)
# convert_to_tensor_fn values -> the method name the runtime layer takes
_CONVERSIONS = {
    f"{prefix}distributions.Distribution.{method}": method
    for prefix in _PREFIXES for method in ("sample", "mean", "mode")
}
TFP_LAMBDA_NAMES = _LAMBDA_LAYERS | frozenset(_CONVERSIONS)
_TFP_LAYERS = tuple(f"{prefix}layers." for prefix in _PREFIXES)
# Methods only distributions have: called on anything but a distribution the file builds,
# the program uses distribution objects a Keras 3 layer cannot pass on.
_DISTRIBUTION_METHODS = frozenset({
    "log_prob", "prob", "log_cdf", "cdf", "survival_function", "log_survival_function", "kl_divergence",
    "cross_entropy", "entropy", "quantile", "stddev", "variance", "batch_shape_tensor", "event_shape_tensor"})
# ... and methods arrays have too: suspect only on the result of calling a local object (a model)
_SHARED_METHODS = frozenset({"mean", "mode", "sample"})
_NOT_MODEL_CALLS = ("predict", "predict_on_batch", "numpy")
_MODULE = "tensorflow_probability.distributions"


def _layer_parts_ok(first: Optional[str], convert: Optional[str], keywords: FrozenSet[str]) -> bool:
    """A DistributionLambda the runtime layer reproduces: `first` is "" for a lambda whose
    body is a runtime distribution's call, else the qualified name of the class passed;
    `convert` the qualified convert_to_tensor_fn (None when absent)."""
    if first != "" and first not in TFP_DISTRIBUTIONS:
        return False
    if convert is not None and convert not in _CONVERSIONS:
        return False
    return keywords <= {"make_distribution_fn", "convert_to_tensor_fn", "name"}


def _ast_layer_ok(call: ast.Call, names) -> bool:
    args = list(call.args) + [k.value for k in call.keywords if k.arg == "make_distribution_fn"]
    converts = call.args[1:2] + [k.value for k in call.keywords if k.arg == "convert_to_tensor_fn"]
    if len(call.args) > 2 or not args or any(isinstance(a, ast.Starred) for a in call.args) \
            or any(k.arg is None for k in call.keywords):
        return False
    first = args[0]
    if isinstance(first, ast.Lambda):
        body = first.body
        kind = "" if isinstance(body, ast.Call) and names.qualified(body.func) in TFP_DISTRIBUTIONS else None
    else:
        kind = names.qualified(first)
    convert = names.qualified(converts[0]) or "?" if converts else None
    return _layer_parts_ok(kind, convert, frozenset(k.arg for k in call.keywords))


def _receiver_ok(receiver: ast.AST, method: str, built, names) -> bool:
    """Whether `receiver.method(...)` may stay when DistributionLambda outputs become tensors."""
    if isinstance(receiver, ast.Call) and names.qualified(receiver.func) in TFP_DISTRIBUTIONS:
        return True
    key = ast.unparse(receiver) if isinstance(receiver, (ast.Name, ast.Attribute)) else None
    if key is not None and key in built:
        return built[key]
    if method in _DISTRIBUTION_METHODS:
        return False
    return not (isinstance(receiver, ast.Call) and _model_call(receiver, names))


def _model_call(call: ast.Call, names) -> bool:
    """A call of a local object (a model, a layer): not a module's function, not predict()."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _NOT_MODEL_CALLS:
        return False
    return names.qualified(func) is None


@per_file
def distribution_lambdas_rewritten(ctx) -> bool:
    """Every tfp.layers.DistributionLambda of the file becomes the runtime layer (see the
    module docstring); False when there is none."""
    tree, names = file_ast(ctx), ast_names(ctx)
    if tree is None or names is None or DISTRIBUTIONS_MODULE in bound_names(ctx):
        return False
    layers = [n for n in all_nodes(ctx) if isinstance(n, ast.Call) and names.qualified(n.func) in _LAMBDA_LAYERS]
    if not layers or not all(_ast_layer_ok(call, names) for call in layers):
        return False
    # Other TFP layers (DenseVariational's prior and posterior models) take distributions
    # from the layers before them.
    if any(isinstance(n, ast.Attribute) and (names.qualified(n) or "").startswith(_TFP_LAYERS)
           and names.qualified(n) not in _LAMBDA_LAYERS for n in all_nodes(ctx)):
        return False
    # receivers (names, self.<attr>) -> whether every assignment is a distribution the file builds,
    # or (False) holds a local object's call result
    built = {}
    for node in all_nodes(ctx):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], (ast.Name, ast.Attribute)):
            key = ast.unparse(node.targets[0])  # `name` / `self.attr`, whatever the load/store context
            value = node.value
            is_distribution = isinstance(value, ast.Call) and names.qualified(value.func) in TFP_DISTRIBUTIONS
            if not is_distribution and not (isinstance(value, ast.Call) and _model_call(value, names)):
                continue
            built[key] = built.get(key, True) and is_distribution
    for node in all_nodes(ctx):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _DISTRIBUTION_METHODS | _SHARED_METHODS:
            if not _receiver_ok(node.func.value, node.func.attr, built, names):
                return False
    return True


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
    lambdas = distribution_lambdas_rewritten(ctx)
    rewritten, aliases = set(), {}
    for node in all_nodes(ctx):
        if not isinstance(node, ast.Call):
            continue
        qualified = names.qualified(node.func)
        if qualified in TFP_DISTRIBUTIONS:
            rewritten.update(id(n) for n in ast_walk(node.func))
        elif lambdas and qualified in _LAMBDA_LAYERS:  # the layer, its class and conversion values
            values = [node.func] + [a for a in node.args + [k.value for k in node.keywords]
                                    if not isinstance(a, ast.Lambda)]
            rewritten.update(id(n) for value in values for n in ast_walk(value))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and names.qualified(node.value) == _MODULE):
            aliases[node.targets[0].id] = {id(n) for n in ast_walk(node.value)}
    for alias_nodes in aliases.values():
        rewritten.update(alias_nodes)
    for node in all_nodes(ctx):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and (
                node.id == local or node.id in aliases) and id(node) not in rewritten:
            return None
    return frozenset(aliases)


class TfpDistributions(Rule):
    id = "KM214"
    NODE_KEYED = ("_kept_layers",)
    name = "tfp_distributions"
    description = ("tfp.distributions.Normal / MultivariateNormalDiag / Categorical and tfp.layers.DistributionLambda "
                   "-> keras_migrate_runtime.distributions (keras.ops, TFP's log_prob / sample / mean / stddev / entropy).")
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
        # Other TFP: the import stays (KM207 keeps the file on TensorFlow); distributions TFP's
        # own layers build stay TFP's.
        Example(
            before="""
            import tensorflow_probability as tfp
            import keras

            prior = tfp.distributions.Normal(0.0, 1.0)
            layer = tfp.layers.DenseVariational(4, make_prior_fn=None, make_posterior_fn=None)
            head = tfp.layers.DistributionLambda(lambda t: tfp.distributions.Normal(t, 1.0))
            """,
            after="""
            import tensorflow_probability as tfp
            import keras
            from keras_migrate_runtime import distributions

            prior = distributions.Normal(0.0, 1.0)
            layer = tfp.layers.DenseVariational(4, make_prior_fn=None, make_posterior_fn=None)
            head = tfp.layers.DistributionLambda(lambda t: tfp.distributions.Normal(t, 1.0))
            """,
        ),
        # A sampler drawing codes from a Categorical (keras.io's VQ-VAE PixelCNN): Keras 3's
        # layers pass tensors, so the runtime layer outputs the sample (or mode / mean) TFP
        # converts the distribution to.
        Example(
            before="""
            import tensorflow_probability as tfp
            from tensorflow import keras

            tfd = tfp.distributions
            outputs = pixel_cnn(inputs, training=False)
            outputs = tfp.layers.DistributionLambda(tfp.distributions.Categorical)(outputs)
            sampler = keras.Model(inputs, outputs)
            greedy = tfp.layers.DistributionLambda(
                lambda t: tfd.Categorical(logits=t), convert_to_tensor_fn=tfd.Distribution.mode
            )
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import distributions

            tfd = distributions
            outputs = pixel_cnn(inputs, training=False)
            outputs = distributions.DistributionLambda(distributions.Categorical)(outputs)
            sampler = keras.Model(inputs, outputs)
            greedy = distributions.DistributionLambda(
                lambda t: distributions.Categorical(logits=t), convert_to_tensor_fn="mode"
            )
            """,
        ),
        # Distribution methods on the distributions the file builds itself (a flow's prior,
        # held as self.<attr>) are no model outputs.
        Example(
            before="""
            import tensorflow_probability as tfp
            from tensorflow import keras

            class Flow(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.distribution = tfp.distributions.Normal(0.0, 1.0)

                def log_loss(self, y):
                    return -self.distribution.log_prob(y)

            head = tfp.layers.DistributionLambda(tfp.distributions.Categorical)
            """,
            after="""
            from tensorflow import keras
            from keras_migrate_runtime import distributions

            class Flow(keras.Model):
                def __init__(self):
                    super().__init__()
                    self.distribution = distributions.Normal(0.0, 1.0)

                def log_loss(self, y):
                    return -self.distribution.log_prob(y)

            head = distributions.DistributionLambda(distributions.Categorical)
            """,
        ),
        # ... but not when the program uses the layer's output as a distribution (a
        # negative log-likelihood loss): Keras 3 cannot pass distribution objects on.
        Example(
            before="""
            import tensorflow_probability as tfp
            from tensorflow import keras

            def nll(y_true, y_pred):
                return -y_pred.log_prob(y_true)

            outputs = tfp.layers.DistributionLambda(lambda t: tfp.distributions.Normal(t, 1.0))(hidden)
            stddev = keras.Model(inputs, outputs)(x).stddev()
            """,
            after="""
            import tensorflow_probability as tfp
            import keras

            def nll(y_true, y_pred):
                return -y_pred.log_prob(y_true)

            outputs = tfp.layers.DistributionLambda(lambda t: tfp.distributions.Normal(t, 1.0))(hidden)
            stddev = keras.Model(inputs, outputs)(x).stddev()
            """,
            diagnostics=("KM207", "KM207", "KM123", "KM123"),
            full=True,
            tensorflow_only=True,
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

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self._kept_layers: Set[int] = set()  # tfp.layers calls that stay TFP's
        self._inside_kept = 0

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualified_name(node.func) or ""
        if qualified.startswith(_TFP_LAYERS) and not (
                qualified in _LAMBDA_LAYERS and distribution_lambdas_rewritten(self.ctx)):
            self._kept_layers.add(id(node))
            self._inside_kept += 1

    def leave_Call(self, original: cst.Call, updated: cst.Call):
        if id(original) in self._kept_layers:
            self._kept_layers.discard(id(original))
            self._inside_kept -= 1
            return updated
        if self._inside_kept:
            return updated  # a TFP layer builds TFP distributions: those stay TFP's
        qualified = self.ctx.qualified_name(original.func) or ""
        name = TFP_DISTRIBUTIONS.get(qualified)
        if qualified in _LAMBDA_LAYERS and distribution_lambdas_rewritten(self.ctx):
            name = "DistributionLambda"
            updated = updated.with_changes(args=[self._lambda_arg(arg) for arg in updated.args])
        if name is None or DISTRIBUTIONS_MODULE in bound_names(self.ctx):
            return updated
        self.ctx.use_runtime(DISTRIBUTIONS_MODULE)
        drop_module_import_if_unused(self.ctx, "tensorflow_probability")
        return updated.with_changes(func=cst.Attribute(cst.Name(DISTRIBUTIONS_MODULE), cst.Name(name)))

    def _lambda_arg(self, arg: cst.Arg) -> cst.Arg:
        """A DistributionLambda's class value -> the runtime class; tfd.Distribution.mean ->
        "mean" (the runtime layer converts by method name)."""
        if isinstance(arg.value, cst.Lambda):
            return arg
        qualified = self.ctx.qualified_name(arg.value) or ""
        if qualified in TFP_DISTRIBUTIONS:
            return arg.with_changes(value=cst.Attribute(cst.Name(DISTRIBUTIONS_MODULE),
                                                        cst.Name(TFP_DISTRIBUTIONS[qualified])))
        if qualified in _CONVERSIONS:
            return arg.with_changes(value=cst.SimpleString(f'"{_CONVERSIONS[qualified]}"'))
        return arg
