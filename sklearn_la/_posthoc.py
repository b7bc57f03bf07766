"""Post-hoc logit adjustment of any probabilistic classifier."""

from numbers import Real

import numpy as np
from sklearn.base import _fit_context, clone
from sklearn.utils._param_validation import StrOptions

from ._base import _BaseLogitAdjusted, _is_option
from ._docstrings import _fill_doc
from ._family import _balancing_weights, _check_family_base, _consistent_tau
from ._routing import _fit_estimator, _route_fit_params
from ._validation import _by_label, _NumberInterval, _plain_list, _train_priors


@_fill_doc
class LogitAdjustedClassifier(_BaseLogitAdjusted):
    """Post-hoc logit adjustment of a probabilistic classifier.

    Fits ``estimator`` as usual, then predicts

    ``argmax_y  log p(y|x) - tau * log(pi_y) + log(q_y)``

    where ``pi`` are the training class priors and ``q`` the deployment
    priors (uniform by default). With ``tau=1`` and uniform ``q`` this is the
    Bayes-optimal rule for the balanced error, the mean per-class error
    (Menon et al., "Long-tail learning via logit adjustment", ICLR 2021,
    section 4). The base model is unchanged; only its scores are shifted.

    ``weight_power`` selects a member of the paper's consistent family
    (Theorem 1): the base model is fitted with sample weights
    ``pi_y ** -weight_power`` and the post-hoc offset shrinks to
    ``tau = 1 - weight_power``. ``weight_power=0`` is pure post-hoc adjustment,
    ``weight_power=1`` is ``class_weight="balanced"`` with no adjustment.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba``, ``predict_log_proba`` or (for
        log-linear models) ``decision_function``. It is cloned and fitted in
        :meth:`fit`. To adjust an already fitted model without refitting, wrap
        it in :class:`~sklearn.frozen.FrozenEstimator`; the priors then come
        from the ``y`` given to :meth:`fit` or from ``priors``.

    tau : float or "auto", default="auto"
        Strength of the adjustment. ``"auto"`` is the consistent choice
        ``1 - weight_power``, i.e. ``1.0`` unless ``weight_power`` is set.
        ``tau=0`` (with uniform ``target_priors``) reproduces the base model's
        predictions exactly. A number given explicitly is used as is, whatever
        ``weight_power``: set both to explore outside the consistent family.

    {priors}

    target_priors : {"uniform", "train", "estimate"} or array-like of \
            shape (n_classes,), default="uniform"
        Deployment priors ``q``. ``"uniform"`` targets the balanced error (the
        paper's setting); ``"train"`` assumes no shift (with ``tau=1`` it
        reproduces the base model); an array, Series or dict is a known
        deployment prior, aligned and normalised like ``priors``.
        ``"estimate"`` estimates ``q`` from each batch given to a prediction
        method by the EM procedure of Saerens et al. (2002), as
        :meth:`estimate_target_priors` returns it; it needs at least two rows
        per call and is only as good as the base model's calibration.

    {response_method}

    weight_power : float in [0, 1], default=0.0
        Exponent ``w`` of the class-balancing sample weights
        ``pi_y ** -w`` (multiplied with any ``sample_weight`` and normalised to
        mean one). Needs a base estimator whose ``fit`` takes
        ``sample_weight``.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted base estimator.

    tau_ : float
        The adjustment strength in use (``tau`` resolved from ``"auto"``).

    weight_power_ : float
        The class-balancing exponent the base model was fitted with.

    {fitted_attributes}

    See Also
    --------
    LogitAdjustedClassifierCV : Tunes ``tau`` (and ``weight_power``) by
        cross-validation without refitting the base model per value.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.metrics import balanced_accuracy_score
    >>> from sklearn_la import LogitAdjustedClassifier
    >>> X, y = make_classification(n_samples=2000, weights=[0.95, 0.05],
    ...                            flip_y=0, class_sep=0.5, random_state=0)
    >>> base = LogisticRegression().fit(X, y)
    >>> clf = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    >>> clf.priors_
    array([0.95, 0.05])
    >>> bool(balanced_accuracy_score(y, clf.predict(X))
    ...      > balanced_accuracy_score(y, base.predict(X)))
    True
    """

    _parameter_constraints: dict = {
        **_BaseLogitAdjusted._parameter_constraints,
        "tau": [
            StrOptions({"auto"}),
            _NumberInterval(Real, None, None, closed="neither"),
        ],
    }

    def __init__(
        self,
        estimator,
        *,
        tau="auto",
        priors="train",
        target_priors="uniform",
        response_method="auto",
        weight_power=0.0,
    ):
        self.estimator = estimator
        self.tau = tau
        self.priors = priors
        self.target_priors = target_priors
        self.response_method = response_method
        self.weight_power = weight_power

    @_fit_context(
        # The base estimator's parameters are validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the base estimator and learn the class priors.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, validated by the base estimator.

        y : array-like of shape (n_samples,)
            Class labels (any hashable labels: ints, strings, categoricals).

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, passed to the base estimator and used for
            the priors. With metadata routing enabled they reach the base only
            if it requests them (``set_fit_request``); the priors use them
            either way, or, when none are given here, the weights routed to
            the base under an alias.

        **fit_params : dict
            Passed to the base estimator's ``fit`` (through metadata routing
            when it is enabled).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y, sample_weight = self._check_fit_inputs(X, y, sample_weight)
        _check_family_base(self.estimator, [self.weight_power])
        routing = _route_fit_params(
            self,
            n_samples=len(y),
            sample_weight=sample_weight,
            fit_params=fit_params,
            needs_weights=self.weight_power > 0,
        )
        priors, fit_weight = self._family_fit_weight(y, routing)
        self.estimator_ = _fit_estimator(
            clone(self.estimator),
            X,
            y,
            fit_params=routing.fit_params,
            weight_key=routing.weight_key,
            sample_weight=fit_weight,
        )
        self.weight_power_ = float(self.weight_power)
        self.tau_ = (
            _consistent_tau(self.weight_power_)
            if _is_option(self.tau, "auto")
            else float(self.tau)
        )
        return self._finish_fit(
            y, routing.prior_weight, priors=priors, target_priors=self.target_priors
        )

    def _family_fit_weight(self, y, routing):
        """The priors parameter and the weights of the base model's fit.

        With ``weight_power > 0`` the class-balancing weights need the priors
        before the base model exists, so an array ``priors`` is read in the
        order of the sorted labels and keyed by label from then on.
        """
        if self.weight_power == 0:
            return self.priors, routing.sample_weight
        classes, y_encoded = np.unique(y, return_inverse=True)
        priors = _by_label(self.priors, classes, name="priors")
        if _is_option(priors, "train"):
            pi = _train_priors(y_encoded, classes, routing.prior_weight)
        else:
            pi = np.array([priors[c] for c in _plain_list(classes)])
        weights = _balancing_weights(
            y_encoded, pi, self.weight_power, routing.sample_weight
        )
        return priors, weights
