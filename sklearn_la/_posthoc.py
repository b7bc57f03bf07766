"""Post-hoc logit adjustment of any probabilistic classifier."""

from numbers import Real

import numpy as np
from sklearn.base import _fit_context, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions

from ._base import _BaseLogitAdjusted, _is_option
from ._calibrated import _check_wrapper_calibration, _fit_frozen_calibration
from ._class_vectors import _by_label
from ._docstrings import _fill_doc
from ._family import BALANCES, _check_family_base, _consistent_tau, _fit_member
from ._routing import _route_fit_params
from ._validation import _NumberInterval, _plain_list, _train_priors


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
    With ``balance="resample"`` the same weights are realised by replicating
    rows instead, and ``weight_power=1`` is random oversampling.

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
        Exponent ``w`` of the class-balancing weights ``pi_y ** -w``, realised
        as ``balance`` says.

    {balance}

    {random_state}

    {cost_matrix}

    calibration : {"temperature", "bcts"} or None, default=None
        Calibrate the base log-scores before adjustment: temperature scaling
        (``z / T``) or bias-corrected temperature scaling (``z / T + b``,
        Alexandari et al., ICML 2020; a Gaussian prior of one nat on each
        bias), fitted by likelihood on held-out data.
        Only with a :class:`~sklearn.frozen.FrozenEstimator` base, whose
        ``(X, y)`` given to :meth:`fit` are then that held-out data (every
        class must be in it); any other base raises a ValueError, since its
        scores on its own training data are over-confident: use
        :class:`LogitAdjustedClassifierCV`, which calibrates on out-of-fold
        scores. It changes the probabilities and EM's estimate
        (``target_priors="estimate"``, :meth:`estimate_target_priors`); for
        argmax decisions a temperature amounts to a rescaled ``tau``.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted base estimator.

    tau_ : float
        The adjustment strength in use (``tau`` resolved from ``"auto"``).

    weight_power_ : float
        The class-balancing exponent the base model was fitted with.

    balance_ : str
        How the class-balancing weights were realised (``balance``).

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

    A cost matrix (a missed positive costs 20) moves the decisions, not the
    probabilities; a frozen model is calibrated on held-out data:

    >>> from sklearn.frozen import FrozenEstimator
    >>> costly = LogitAdjustedClassifier(
    ...     LogisticRegression(), target_priors="train", cost_matrix=[[0, 1], [20, 0]]
    ... ).fit(X, y)
    >>> bool((costly.predict(X) == 1).mean() > (base.predict(X) == 1).mean())
    True
    >>> X_fit, y_fit, X_held, y_held = X[:1000], y[:1000], X[1000:], y[1000:]
    >>> frozen = FrozenEstimator(LogisticRegression().fit(X_fit, y_fit))
    >>> calibrated = LogitAdjustedClassifier(frozen, calibration="bcts").fit(
    ...     X_held, y_held)
    >>> calibrated.calibration_.method
    'bcts'
    """

    _parameter_constraints: dict = {
        **_BaseLogitAdjusted._parameter_constraints,
        "tau": [
            StrOptions({"auto"}),
            _NumberInterval(Real, None, None, closed="neither"),
        ],
        "balance": [StrOptions(set(BALANCES))],
        "random_state": ["random_state"],
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
        balance="weight",
        random_state=None,
        cost_matrix=None,
        calibration=None,
    ):
        self.estimator = estimator
        self.tau = tau
        self.priors = priors
        self.target_priors = target_priors
        self.response_method = response_method
        self.weight_power = weight_power
        self.balance = balance
        self.random_state = random_state
        self.cost_matrix = cost_matrix
        self.calibration = calibration

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
        _check_wrapper_calibration(self.estimator, self.calibration)
        X, y, sample_weight = self._check_fit_inputs(X, y, sample_weight)
        _check_family_base(self.estimator, [self.weight_power])
        routing = _route_fit_params(
            self,
            n_samples=len(y),
            sample_weight=sample_weight,
            fit_params=fit_params,
            needs_weights=self.weight_power > 0 and self.balance == "weight",
        )
        priors, y_encoded, pi = self._family_priors(y, routing)
        self.estimator_ = _fit_member(
            clone(self.estimator),
            X,
            y,
            y_encoded=y_encoded,
            priors=pi,
            weight_power=self.weight_power,
            balance=self.balance,
            random_state=check_random_state(self.random_state),
            fit_params=routing.fit_params,
            weight_key=routing.weight_key,
            sample_weight=routing.sample_weight,
        )
        self.balance_ = self.balance
        self.weight_power_ = float(self.weight_power)
        self.tau_ = (
            _consistent_tau(self.weight_power_)
            if _is_option(self.tau, "auto")
            else float(self.tau)
        )
        calibration = None
        if self.calibration is not None:
            calibration = _fit_frozen_calibration(
                self.estimator_,
                X,
                y,
                self.estimator_.classes_,
                method=self.calibration,
                response_method=self.response_method_,
                sample_weight=routing.prior_weight,
            )
        return self._finish_fit(
            y,
            routing.prior_weight,
            priors=priors,
            target_priors=self.target_priors,
            calibration=calibration,
        )

    def _family_priors(self, y, routing):
        """The priors parameter, and the encoded labels and priors of the family.

        With ``weight_power > 0`` the class-balancing weights need the priors
        before the base model exists, so an array ``priors`` is read in the
        order of the sorted labels and keyed by label from then on.
        """
        if self.weight_power == 0:
            return self.priors, None, None
        classes, y_encoded = np.unique(y, return_inverse=True)
        priors = _by_label(self.priors, classes, name="priors")
        if _is_option(priors, "train"):
            pi = _train_priors(y_encoded, classes, routing.prior_weight)
        else:
            pi = np.array([priors[c] for c in _plain_list(classes)])
        return priors, y_encoded, pi
