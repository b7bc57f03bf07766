"""Cross-validated post-hoc logit adjustment: tune tau without refitting."""

from itertools import product
from numbers import Integral

import numpy as np
from sklearn.base import _fit_context, clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metadata_routing import MethodMapping
from sklearn.utils.parallel import Parallel, delayed

from ._adjust import _score_method
from ._base import _BaseLogitAdjusted, _is_option
from ._cv_folds import _fit_fold, _score_taus
from ._docstrings import _fill_doc
from ._family import _balancing_weights, _check_family_base
from ._routing import _fit_estimator, _route_fit_params
from ._selection import _summarise_cv
from ._validation import (
    _by_label,
    _check_grid,
    _encode_labels,
    _NumberInterval,
    _plain_list,
    _train_priors,
)


@_fill_doc
class LogitAdjustedClassifierCV(_BaseLogitAdjusted):
    """Post-hoc logit adjustment with ``tau`` tuned by cross-validation.

    Post-hoc adjustment leaves the base model unchanged, so ``tau`` can be
    tuned without refitting it per value: the base model is fitted once per
    fold (and per ``weight_power``), its out-of-fold log-scores are computed
    once, every ``tau`` is scored on them, and the base model is refitted once
    on all the data. With ``T`` values of tau this costs ``T`` times fewer
    fits than ``GridSearchCV(LogitAdjustedClassifier(...))``.

    After :meth:`fit` it predicts exactly as a :class:`LogitAdjustedClassifier`
    with ``tau=best_tau_`` and ``weight_power=best_weight_power_``.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba``, ``predict_log_proba`` or (for
        log-linear models) ``decision_function``. A
        :class:`~sklearn.frozen.FrozenEstimator` is never refitted: then every
        ``tau`` is scored on the whole ``(X, y)`` given to :meth:`fit`, which
        should be held-out data.

    taus : int or array-like of shape (n_taus,), default=21
        Candidate values of ``tau``. An int ``n`` means ``n`` values evenly
        spaced in ``[0, 2]`` (``0.1`` apart by default).

    weight_powers : array-like of shape (n_weight_powers,), default=(0.0,)
        Candidate exponents of the class-balancing sample weights
        ``pi_y ** -w`` (see :class:`LogitAdjustedClassifier`), each in
        ``[0, 1]``. Each value costs one fit per fold; ``(0, 0.25, 0.5, 0.75,
        1)`` searches the whole consistent family. Values above 0 need a base
        estimator whose ``fit`` takes ``sample_weight``.

    cv : int, cross-validation generator or iterable, default=5
        As in :func:`~sklearn.model_selection.check_cv`; an int means
        :class:`~sklearn.model_selection.StratifiedKFold`. A class with fewer
        members than folds does not crash it (scikit-learn warns): it is
        missing from some training folds, whose models then score it ``-inf``
        (they cannot predict it), which is what such a model would do.

    scoring : str or callable, default="balanced_accuracy"
        Score to maximise: a scikit-learn scorer name, one of
        :func:`sklearn_la.metrics.get_scorer`'s long-tail names (e.g.
        ``"worst_class_accuracy"``, ``"few_shot_accuracy"``), or a callable
        ``scorer(estimator, X, y)``. The estimator handed to the scorer
        replays cached scores and ignores ``X``.

    selection : {"best", "one_se"}, default="best"
        How the candidate is chosen from the mean CV scores: ``"best"`` is the
        plain argmax (as in ``GridSearchCV``); ``"one_se"`` keeps, among
        candidates within one standard error of the best, the one nearest the
        consistent ``tau = 1 - w``. On long-tailed data the CV scores are
        noisy; in ``benchmarks/experiments/selection.py`` a repeated split
        (``cv=RepeatedStratifiedKFold(n_splits=3, n_repeats=3)``) with
        ``"best"`` chose better held-out candidates than either rule on a
        single split.

    refit : bool, default=True
        Refit the base model on all data with the chosen ``weight_power``.
        With ``False`` only the CV results are kept and the prediction methods
        are unavailable (as with ``GridSearchCV(refit=False)``).

    n_jobs : int, default=None
        Folds fitted in parallel through joblib; ``None`` means 1 unless in a
        :obj:`joblib.parallel_backend` context (a Dask or Ray backend
        distributes the folds over a cluster).

    {priors}

        In each fold the training priors ``"train"`` are those of the fold.

    target_priors : {"uniform", "train"}, array-like of shape (n_classes,), \
pandas Series or dict, default="uniform"
        Deployment priors ``q``, as in :class:`LogitAdjustedClassifier`.
        ``"estimate"`` is refused at :meth:`fit`, since ``q`` is only known at
        prediction time; :meth:`estimate_target_priors` still works on the
        fitted estimator.

    {response_method}

    Attributes
    ----------
    best_tau_ : float
        Chosen ``tau``; also ``tau_``.

    best_weight_power_ : float
        Chosen ``weight_power``; also ``weight_power_``.

    best_score_ : float
        Mean CV score of the chosen candidate.

    best_index_ : int
        Index of the chosen candidate in ``cv_results_``.

    cv_results_ : dict of ndarrays
        ``param_weight_power``, ``param_tau``, ``params``,
        ``split{k}_test_score``, ``mean_test_score``, ``std_test_score`` and
        ``rank_test_score``, one entry per (weight_power, tau) candidate.

    estimator_ : estimator instance
        The base estimator refitted on all the data (only with
        ``refit=True``).

    tau_ : float
        Same as ``best_tau_``.

    weight_power_ : float
        Same as ``best_weight_power_``.

    {fitted_attributes}

    See Also
    --------
    LogitAdjustedClassifier : Post-hoc adjustment with a fixed ``tau``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_la import LogitAdjustedClassifierCV
    >>> X, y = make_classification(n_samples=1000, n_classes=3, n_informative=4,
    ...                            weights=[0.8, 0.15, 0.05], random_state=0)
    >>> clf = LogitAdjustedClassifierCV(LogisticRegression(), cv=3).fit(X, y)
    >>> clf.cv_results_["param_tau"].shape
    (21,)
    >>> 0.0 <= clf.best_tau_ <= 2.0
    True
    """

    _parameter_constraints: dict = {
        **_BaseLogitAdjusted._parameter_constraints,
        "taus": [_NumberInterval(Integral, 1, None, closed="left"), "array-like"],
        "weight_powers": ["array-like"],
        "cv": ["cv_object"],
        "scoring": [str, callable],
        "selection": [StrOptions({"one_se", "best"})],
        "refit": ["boolean"],
        "n_jobs": [Integral, None],
    }
    _parameter_constraints.pop("weight_power")

    def __init__(
        self,
        estimator,
        *,
        taus=21,
        weight_powers=(0.0,),
        cv=5,
        scoring="balanced_accuracy",
        selection="best",
        refit=True,
        n_jobs=None,
        priors="train",
        target_priors="uniform",
        response_method="auto",
    ):
        self.estimator = estimator
        self.taus = taus
        self.weight_powers = weight_powers
        self.cv = cv
        self.scoring = scoring
        self.selection = selection
        self.refit = refit
        self.n_jobs = n_jobs
        self.priors = priors
        self.target_priors = target_priors
        self.response_method = response_method

    def __sklearn_is_fitted__(self):
        # cv_results_ alone (refit=False) does not make it able to predict.
        return hasattr(self, "estimator_")

    def _candidate_grid(self):
        if isinstance(self.taus, Integral):
            # Rounded so that grid values print as typed (0.3, not 0.30000000000000004).
            grid = np.linspace(0.0, 2.0, self.taus) if self.taus > 1 else np.ones(1)
            taus = np.round(grid, 12)
        else:
            taus = _check_grid(self.taus, "taus")
        weight_powers = _check_grid(self.weight_powers, "weight_powers", low=0, high=1)
        return taus, weight_powers

    def _check_fit_inputs(self, X, y, sample_weight):
        # Checked before any data, like the other parameters.
        if _is_option(self.target_priors, "estimate"):
            raise ValueError(
                "target_priors='estimate' is not supported by "
                "LogitAdjustedClassifierCV: the deployment prior is only known at "
                "prediction time. Tune with another target_priors, then use "
                "LogitAdjustedClassifier(target_priors='estimate', tau=best_tau_)."
            )
        return super()._check_fit_inputs(X, y, sample_weight)

    def _classes_and_splits(self, X, y, split_params):
        """The full class set and the (train, test) splits."""
        if isinstance(self.estimator, FrozenEstimator):
            # A frozen model is the same in every fold: it is scored once on
            # all the data given, in its own class order.
            everything = np.arange(len(y))
            return np.asarray(self.estimator.classes_), [(everything, everything)]
        cv = check_cv(self.cv, y, classifier=True)
        return np.unique(y), list(cv.split(X, y, **split_params))

    @_fit_context(
        # The base estimator's parameters are validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Cross-validate ``tau`` (and ``weight_power``), then refit once.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, validated by the base estimator.

        y : array-like of shape (n_samples,)
            Class labels.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights for the base estimator's fits and the priors
            (see :meth:`LogitAdjustedClassifier.fit` for routing).

        **fit_params : dict
            Passed to the base estimator's ``fit`` (and, with metadata routing
            enabled, to the CV splitter, e.g. ``groups``).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y, sample_weight = self._check_fit_inputs(X, y, sample_weight)
        taus, weight_powers = self._candidate_grid()
        _check_family_base(self.estimator, weight_powers)
        routing = _route_fit_params(
            self,
            n_samples=len(y),
            sample_weight=sample_weight,
            fit_params=fit_params,
            needs_weights=bool(np.any(weight_powers > 0)),
        )
        classes, splits = self._classes_and_splits(X, y, routing.split_params)
        priors = _by_label(self.priors, classes, name="priors")
        target = _by_label(self.target_priors, classes, name="target_priors")
        scores = self._cross_validate(
            X, y, classes, splits, taus, weight_powers, routing, priors, target
        )
        summary = _summarise_cv(
            scores, taus, weight_powers, selection=self.selection, scoring=self.scoring
        )
        self.cv_results_ = summary.cv_results
        for name in ("index", "tau", "weight_power", "score"):
            setattr(self, f"best_{name}_", summary[f"best_{name}"])
        if not self.refit:
            return self
        self.tau_ = self.best_tau_
        self.weight_power_ = self.best_weight_power_
        self.estimator_ = self._refit(X, y, classes, routing, priors)
        return self._finish_fit(
            y, routing.prior_weight, priors=priors, target_priors=target
        )

    def _refit(self, X, y, classes, routing, priors):
        """Fit the base model on all the data with the chosen weight power."""
        fit_weight = routing.sample_weight
        if self.weight_power_ > 0:
            y_encoded = _encode_labels(y, classes)
            pi = self._fixed_priors(priors, classes, y_encoded, routing.prior_weight)
            fit_weight = _balancing_weights(
                y_encoded, pi, self.weight_power_, fit_weight
            )
        return _fit_estimator(
            clone(self.estimator),
            X,
            y,
            fit_params=routing.fit_params,
            weight_key=routing.weight_key,
            sample_weight=fit_weight,
        )

    @staticmethod
    def _fixed_priors(priors, classes, y_encoded, prior_weight):
        """``priors`` as a vector aligned with ``classes``."""
        if _is_option(priors, "train"):
            return _train_priors(y_encoded, classes, prior_weight)
        return np.array([priors[c] for c in _plain_list(classes)])

    def _cross_validate(
        self, X, y, classes, splits, taus, weight_powers, routing, priors, target
    ):
        """Scores of shape (n_weight_powers, n_splits, n_taus)."""
        fold_priors = priors
        if not isinstance(priors, str):
            fold_priors = self._fixed_priors(priors, classes, None, None)
        if not isinstance(target, str):
            target = np.array([target[c] for c in _plain_list(classes)])
        response_method = _score_method(self.estimator, self.response_method_)
        jobs = list(product(weight_powers, splits))
        fold_results = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_fold)(
                estimator=clone(self.estimator),
                X=X,
                y=y,
                train=train,
                test=test,
                classes=classes,
                fit_params=routing.fit_params,
                weight_key=routing.weight_key,
                sample_weight=routing.sample_weight,
                prior_weight=routing.prior_weight,
                priors=fold_priors,
                weight_power=w,
                response_method=response_method,
            )
            for w, (train, test) in jobs
        )
        scorer = self._get_scorer()
        scores = np.empty((len(weight_powers), len(splits), len(taus)))
        for job, ((_, (_, test)), (log_scores, pi, counts)) in enumerate(
            zip(jobs, fold_results)
        ):
            scores.flat[job * len(taus) : (job + 1) * len(taus)] = _score_taus(
                scorer=scorer,
                log_scores=log_scores,
                priors=pi,
                counts=counts,
                taus=taus,
                y_test=_safe_indexing(y, test),
                classes=classes,
                target=target,
            )
        return scores

    def _get_scorer(self):
        if callable(self.scoring):
            return self.scoring
        from .metrics import get_scorer

        return get_scorer(self.scoring)

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            ``fit``'s ``sample_weight`` is consumed by this estimator (for the
            priors); fit params go to the base estimator's ``fit`` and to the
            CV splitter's ``split`` when they request them.
        """
        return (
            super()
            .get_metadata_routing()
            .add(
                splitter=check_cv(self.cv, classifier=True),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )
