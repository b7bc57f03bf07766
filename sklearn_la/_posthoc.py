"""Post-hoc logit adjustment of any probabilistic classifier."""

from numbers import Real

import numpy as np
from sklearn.base import _fit_context, clone
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import (
    _balancing_weights,
    _BaseLogitAdjusted,
    _fit_base,
)
from ._priors import _check_priors, _class_priors


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

    priors : "train" or array-like of shape (n_classes,), default="train"
        Training priors ``pi``. ``"train"`` uses the label frequencies of the
        ``y`` given to :meth:`fit` (weighted by ``sample_weight`` when given).
        An array is taken in the order of ``classes_`` and normalised to sum
        to one (so class counts work too); entries must be finite and
        positive.

    target_priors : {"uniform", "train", "estimate"} or array-like of \
            shape (n_classes,), default="uniform"
        Deployment priors ``q``. ``"uniform"`` targets the balanced error (the
        paper's setting); ``"train"`` assumes no shift (with ``tau=1`` it
        reproduces the base model); an array is a known deployment prior,
        normalised like ``priors``. ``"estimate"`` estimates ``q`` from each
        batch given to a prediction method by the EM procedure of Saerens et
        al. (2002), stored in ``estimated_target_priors_``; it needs at least
        two rows per call and is only as good as the base model's calibration.

    response_method : {"auto", "predict_proba", "predict_log_proba", \
            "decision_function"}, default="auto"
        Which base method gives the scores. ``"auto"`` tries
        ``predict_proba``, ``predict_log_proba`` then ``decision_function``.
        ``"decision_function"`` assumes a log-linear model (its softmax is the
        posterior, as for logistic regression).

    weight_power : float in [0, 1], default=0.0
        Exponent ``w`` of the class-balancing sample weights
        ``pi_y ** -w`` (multiplied with any ``sample_weight`` and normalised to
        mean one). Needs a base estimator whose ``fit`` takes
        ``sample_weight``.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted base estimator.

    classes_ : ndarray of shape (n_classes,)
        Class labels, those of ``estimator_``.

    priors_ : ndarray of shape (n_classes,)
        Training priors ``pi`` used by the adjustment.

    class_counts_ : ndarray of shape (n_classes,)
        Number of training samples per class (unweighted); read by the
        many/medium/few-shot scorers of :mod:`sklearn_la.metrics`.

    target_priors_ : ndarray of shape (n_classes,) or None
        Deployment priors ``q``; ``None`` for ``target_priors="estimate"``.

    estimated_target_priors_ : ndarray of shape (n_classes,)
        With ``target_priors="estimate"``, the prior estimated from the last
        batch predicted.

    tau_ : float
        The adjustment strength in use (``tau`` resolved from ``"auto"``).

    weight_power_ : float
        The class-balancing exponent the base model was fitted with.

    response_method_ : str
        Base method the scores come from.

    n_features_in_ : int
        Number of features seen during fit, if the base estimator has it.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, if the base estimator has them.

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
        "tau": [StrOptions({"auto"}), Interval(Real, None, None, closed="neither")],
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
            Weights passed to the base estimator and used for the priors.

        **fit_params : dict
            Passed to the base estimator's ``fit`` (through metadata routing
            when it is enabled).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y, sample_weight = self._validate_fit_data(X, y, sample_weight)
        fit_weight = sample_weight
        if self.weight_power > 0:
            fit_weight = self._balanced_fit_weight(y, sample_weight)
        self.estimator_ = _fit_base(
            self, clone(self.estimator), X, y, fit_weight, fit_params
        )
        self.weight_power_ = float(self.weight_power)
        self.tau_ = 1.0 - self.weight_power_ if self.tau == "auto" else float(self.tau)
        return self._finish_fit(y, sample_weight)

    def _balanced_fit_weight(self, y, sample_weight):
        """Sample weights ``pi_y ** -weight_power`` for the base model's fit.

        The priors are those of the whole ``y`` (or the user's ``priors``), so
        they are computed before the base model exists.
        """
        classes, y_encoded = np.unique(y, return_inverse=True)
        if isinstance(self.priors, str):
            priors = _class_priors(y_encoded, len(classes), sample_weight)
            if sample_weight is not None and not (priors > 0).all():
                raise ValueError(
                    "weight_power > 0 needs every class to have a positive total "
                    "sample_weight; class "
                    f"{classes[priors == 0].tolist()!r} has none."
                )
        else:
            priors = _check_priors(self.priors, len(classes), classes=classes)
        return _balancing_weights(y_encoded, priors, self.weight_power, sample_weight)
