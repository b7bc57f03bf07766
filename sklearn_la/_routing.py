"""How ``fit``'s metadata reaches the base model: routed once, per fit.

With metadata routing enabled, :func:`~sklearn.utils.metadata_routing.process_routing`
decides what the base estimator (and the CV splitter) receive, aliases
included; the meta-estimator consumes ``sample_weight`` itself for the class
priors (its self request). Without routing, fit params go straight to the
base and ``sample_weight`` travels under the keyword the base's ``fit`` takes
(``<last step>__sample_weight`` for a pipeline), as in scikit-learn before
routing. Either way the result is one :class:`~sklearn.utils.Bunch` that the
fit workers receive whole.
"""

import inspect

from sklearn import get_config
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils import Bunch
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    get_routing_for_object,
    process_routing,
)

from ._validation import _check_sample_weight


def _route_fit_params(meta, *, n_samples, sample_weight, fit_params, needs_weights):
    """Route ``fit``'s metadata once.

    Parameters
    ----------
    meta : estimator
        The meta-estimator; its ``get_metadata_routing`` is used.

    n_samples : int
        Number of training samples, to check routed weights.

    sample_weight : ndarray of shape (n_samples,) or None
        The validated weights given to the meta-estimator's ``fit``.

    fit_params : dict
        The other metadata given to ``fit``.

    needs_weights : bool
        Whether the base must be able to take sample weights
        (``weight_power > 0``).

    Returns
    -------
    routing : Bunch
        ``fit_params`` for the base's ``fit`` (weights excluded),
        ``sample_weight`` the base is fitted with (or None), ``weight_key``
        the keyword carrying weights to the base's ``fit`` (None when it takes
        none), ``split_params`` for the CV splitter and ``prior_weight``, the
        weights of the class priors.
    """
    if get_config()["enable_metadata_routing"]:
        routing = _process(meta, n_samples, sample_weight, fit_params, needs_weights)
    else:
        routing = Bunch(
            fit_params=dict(fit_params),
            sample_weight=sample_weight,
            weight_key=None,
            split_params={},
        )
        # A frozen model is never refitted: weights only shape the priors.
        frozen = isinstance(meta.estimator, FrozenEstimator)
        if not frozen and (sample_weight is not None or needs_weights):
            routing.weight_key = _sample_weight_key(
                meta.estimator, needs_weights=needs_weights, owner=meta
            )
    if needs_weights and routing.weight_key is None:
        target = meta.estimator
        if isinstance(target, Pipeline):
            target = target.steps[-1][1]
        # Only a base whose fit takes sample_weight can request it.
        advice = (
            "with metadata routing enabled, request it with "
            "`estimator.set_fit_request(sample_weight=True)`, or use "
            f"{_resample_hint(meta)}"
            if hasattr(target, "set_fit_request")
            else f"{type(target).__name__} cannot take weights: use "
            f"{_resample_hint(meta)}, which draws rows instead"
        )
        raise ValueError(
            "weight_power > 0 with balance='weight' needs the base estimator to "
            f"receive sample_weight in fit; {advice}."
        )
    # The priors describe the data the base model is fitted on: the
    # meta-estimator's own weights, else those routed to the base (an aliased
    # request such as set_fit_request(sample_weight="my_sw")).
    routing.prior_weight = (
        sample_weight if sample_weight is not None else routing.sample_weight
    )
    return routing


def _process(meta, n_samples, sample_weight, fit_params, needs_weights):
    """:func:`process_routing`, and the weights it routes to the base's ``fit``.

    Those weights may come under an alias: a pipeline's last step with
    ``set_fit_request(sample_weight="my_sw")`` receives ``my_sw``, which the
    pipeline, a router, is handed under that name (:func:`_routed_weight_key`).
    """
    params = dict(fit_params)
    if sample_weight is not None:
        params["sample_weight"] = sample_weight
    routed = process_routing(meta, "fit", **params)
    estimator_params = dict(routed.estimator.fit)
    weight_key = _routed_weight_key(meta.estimator)
    base_weight = estimator_params.pop(weight_key, None) if weight_key else None
    if base_weight is not None:
        base_weight = _check_sample_weight(base_weight, n_samples)
    splitter = routed.get("splitter")
    return Bunch(
        fit_params=estimator_params,
        sample_weight=base_weight,
        weight_key=weight_key,
        split_params={} if splitter is None else dict(splitter.split),
    )


def _can_take_weights(meta):
    """Whether ``meta``'s base can be fitted with sample weights, as routed.

    With metadata routing, when it requests them; without, when its ``fit``
    (a pipeline's last step's) takes ``sample_weight``. A frozen base is
    never fitted.
    """
    if isinstance(meta.estimator, FrozenEstimator):
        return False
    if get_config()["enable_metadata_routing"]:
        return _routed_weight_key(meta.estimator) is not None
    try:
        _sample_weight_key(meta.estimator)
    except TypeError:
        return False
    return True


def _caller_weight_name(estimator):
    """The name a caller passes ``estimator``'s fit weights under, or None.

    A consumer's request: ``True`` means ``sample_weight``, a string is an
    alias, anything else none. A pipeline passes names through unchanged to
    its last step. Another router is only known to take ``sample_weight``.
    """
    if isinstance(estimator, Pipeline):
        return _caller_weight_name(estimator.steps[-1][1])
    routing = get_routing_for_object(estimator)
    if isinstance(routing, MetadataRouter):
        consumed = routing.consumes("fit", ["sample_weight"])
        return "sample_weight" if consumed else None
    request = routing.fit.requests.get("sample_weight")
    if request is True:
        return "sample_weight"
    # "$UNUSED$" and "$WARN$" are markers, not aliases
    return request if isinstance(request, str) and request.isidentifier() else None


def _routed_weight_key(estimator):
    """Key of the sample weights among the params routed to ``estimator.fit``.

    :func:`process_routing` hands a consumer its metadata under the consumer's
    own names (``sample_weight``, whatever the alias) but a router under the
    caller's names (the alias).
    """
    name = _caller_weight_name(estimator)
    if name is None or isinstance(get_routing_for_object(estimator), MetadataRouter):
        return name
    return "sample_weight"


def _resample_hint(meta):
    """How ``meta`` is told to realise the family by resampling: the
    wrapper's ``balance``, the search's ``balances``."""
    return "balance='resample'" if hasattr(meta, "balance") else "balances='resample'"


def _sample_weight_key(estimator, *, needs_weights=True, owner=None):
    """Fit keyword that carries sample weights to ``estimator`` without routing.

    A pipeline takes them as ``<last step>__sample_weight`` (scikit-learn's
    convention before metadata routing). A base that cannot take weights gets
    a clear error instead of silently ignoring them, because the adjustment
    would then be computed for a different model.
    """
    key, target = "sample_weight", estimator
    if isinstance(estimator, Pipeline):
        name, target = estimator.steps[-1]
        key = f"{name}__sample_weight"
        # An imbalanced-learn sampler before the last step hands it other rows
        # than those the weights were given for.
        samplers = [s for _, s in estimator.steps[:-1] if hasattr(s, "fit_resample")]
        if samplers:
            raise TypeError(
                f"`estimator` is a pipeline whose sampler "
                f"{type(samplers[0]).__name__} changes the rows before its last "
                f"step {type(target).__name__}, so sample weights given for the "
                "rows of X cannot reach it; sample_weight and balance='weight' "
                "with weight_power > 0 need them. Use balance='resample' (or a "
                "sampler as balance) for the family, and no sample_weight."
            )
    if "sample_weight" not in inspect.signature(target.fit).parameters:
        name = type(target).__name__
        if needs_weights:
            hint = "balance='resample'" if owner is None else _resample_hint(owner)
            raise TypeError(
                f"`estimator` {name} does not accept sample_weight in fit, which "
                "weight_power > 0 with balance='weight' needs. Use "
                f"{hint} for the family (it draws rows instead of weighting "
                "them)."
            )
        raise TypeError(
            f"`estimator` {name} does not accept sample_weight in fit. For "
            "sample_weight to weight the priors only, enable metadata routing "
            "(sklearn.set_config(enable_metadata_routing=True)): the base then "
            "gets no weights it did not request."
        )
    return key


def _fit_estimator(estimator, X, y, *, fit_params, weight_key, sample_weight):
    """Fit ``estimator`` with its routed params and, if any, sample weights.

    Parameters
    ----------
    estimator : estimator instance
        An unfitted clone (or a frozen model, whose ``fit`` does nothing).

    X, y : array-like
        Training data.

    fit_params : dict
        Routed fit params, already indexed to the rows of ``X``.

    weight_key : str or None
        Keyword carrying the weights; None when the base takes none.

    sample_weight : ndarray of shape (n_samples,) or None
        Weights for the base's fit.

    Returns
    -------
    estimator : estimator instance
        The fitted estimator.
    """
    kwargs = dict(fit_params)
    if weight_key is not None and sample_weight is not None:
        kwargs[weight_key] = sample_weight
    return estimator.fit(X, y, **kwargs)
