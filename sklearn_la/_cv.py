"""Cross-validated post-hoc logit adjustment: tune tau without refitting."""

import warnings
from numbers import Integral

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_method_params,
)

from ._base import (
    _balancing_weights,
    _base_log_scores,
    _BaseLogitAdjusted,
    _encode_labels,
    _fit_base,
    _is_log_linear,
)
from ._priors import _check_priors, _class_priors


class _FoldPredictions(ClassifierMixin, BaseEstimator):
    """A fitted-classifier stand-in that replays precomputed adjusted scores.

    Scorers call ``predict``/``predict_proba``/``decision_function`` on an
    estimator; handing them this object lets every scikit-learn scorer (names
    and callables alike) score one tau on cached out-of-fold scores without
    any model being refitted or even re-evaluated. ``X`` is ignored.
    """

    def __init__(self, classes, class_counts, log_scores):
        self.classes_ = classes
        self.class_counts_ = class_counts
        self.log_scores = log_scores

    def __sklearn_is_fitted__(self):
        return True

    def predict(self, X):
        return self.classes_[np.argmax(self.log_scores, axis=1)]

    def predict_proba(self, X):
        return softmax(self.log_scores, axis=1)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def decision_function(self, X):
        if self.log_scores.shape[1] == 2:
            return self.log_scores[:, 1] - self.log_scores[:, 0]
        return self.log_scores


def _fit_fold(
    meta,
    estimator,
    X,
    y,
    y_encoded,
    n_classes,
    train,
    val,
    weight_power,
    sample_weight,
    fit_params,
    response_method,
):
    """Fit one clone on ``train``; return its log-scores on ``val`` and priors.

    Columns are aligned with the full class set: a class absent from the
    training fold gets a log-score of ``-inf`` (the fold's model cannot predict
    it) and a prior of 0, never a shifted column.
    """
    y_train_enc = y_encoded[train]
    sw_train = None if sample_weight is None else sample_weight[train]
    priors = _fold_priors(meta.priors, y_train_enc, n_classes, sw_train)
    fit_weight = sw_train
    if weight_power > 0:
        present = priors > 0
        local = np.cumsum(present) - 1
        fit_weight = _balancing_weights(
            local[y_train_enc], priors[present], weight_power, sw_train
        )
    if isinstance(estimator, FrozenEstimator):
        model = estimator
    else:
        params = _check_method_params(X, fit_params, indices=train)
        model = _fit_base(
            meta,
            estimator,
            _safe_indexing(X, train),
            _safe_indexing(y, train),
            fit_weight,
            params,
        )
    fold_scores = _base_log_scores(model, _safe_indexing(X, val), response_method)
    log_scores = np.full((len(val), n_classes), -np.inf)
    log_scores[:, _encode_labels(np.asarray(model.classes_), meta._cv_classes)] = (
        fold_scores
    )
    counts = np.bincount(y_train_enc, minlength=n_classes)
    return log_scores, priors, counts


def _fold_priors(priors_param, y_train_enc, n_classes, sw_train):
    if isinstance(priors_param, str):
        return _class_priors(y_train_enc, n_classes, sw_train)
    return _check_priors(priors_param, n_classes)


def _select_candidate(mean, std, n_splits, taus, weight_powers, selection):
    """Index of the chosen (weight_power, tau) candidate.

    ``"best"`` is the plain argmax of the mean score. ``"one_se"`` is the
    one-standard-error rule: among candidates whose mean is within one
    standard error of the best, take the one nearest the consistent choice
    ``tau = 1 - weight_power`` (Menon et al., Theorem 1), ties to the higher
    mean. Tail classes have a handful of validation samples, so the plain
    argmax chases noise; the rule only leaves the consistent choice when the
    data clearly favour another.
    """
    ranked_mean = np.where(np.isnan(mean), -np.inf, mean)
    best = int(np.argmax(ranked_mean))
    if selection == "best" or n_splits < 2:
        return best
    se = std[best] / np.sqrt(n_splits)
    eligible = ranked_mean >= ranked_mean[best] - se
    distance = np.abs(taus - (1.0 - weight_powers))
    distance = np.where(eligible, distance, np.inf)
    closest = np.flatnonzero(distance == distance.min())
    return int(closest[np.argmax(ranked_mean[closest])])


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
        noisy; in ``benchmarks/bench_selection.py`` a repeated split
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

    priors, target_priors, response_method
        As in :class:`LogitAdjustedClassifier`, except that
        ``target_priors="estimate"`` is not supported here. In each fold the
        training priors are those of the fold.

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

    estimator_, classes_, priors_, class_counts_, target_priors_, \
response_method_, n_features_in_, feature_names_in_
        As in :class:`LogitAdjustedClassifier` (``estimator_`` only with
        ``refit=True``).

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
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "predict_log_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "taus": [Interval(Integral, 1, None, closed="left"), "array-like"],
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
        weight_powers = _check_grid(self.weight_powers, "weight_powers")
        if np.any((weight_powers < 0) | (weight_powers > 1)):
            raise ValueError(
                "`weight_powers` entries must lie in [0, 1]; got "
                f"{weight_powers.tolist()!r}."
            )
        return taus, weight_powers

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
            Weights for the base estimator's fits and the priors.

        **fit_params : dict
            Passed to the base estimator's ``fit`` (and, with metadata routing
            enabled, to the CV splitter, e.g. ``groups``).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if isinstance(self.target_priors, str) and self.target_priors == "estimate":
            raise ValueError(
                "target_priors='estimate' is not supported by "
                "LogitAdjustedClassifierCV: the deployment prior is only known at "
                "prediction time. Tune with another target_priors, then use "
                "LogitAdjustedClassifier(target_priors='estimate', tau=best_tau_)."
            )
        X, y, sample_weight = self._validate_fit_data(X, y, sample_weight)
        taus, weight_powers = self._candidate_grid()
        frozen = isinstance(self.estimator, FrozenEstimator)
        if frozen and np.any(weight_powers > 0):
            raise ValueError(
                "weight_powers > 0 re-weight the base model's fit, but the "
                "estimator is a FrozenEstimator, which is never refitted; use "
                "weight_powers=(0.0,)."
            )
        score_method = self.response_method_
        if score_method != "decision_function" and _is_log_linear(self.estimator):
            score_method = "decision_function"

        classes, y_encoded = np.unique(y, return_inverse=True)
        if frozen:
            classes = np.asarray(self.estimator.classes_)
            y_encoded = _encode_labels(y, classes)
        self._cv_classes = classes
        n_classes = len(classes)

        if _routing_enabled():
            routed = process_routing(self, "fit", **fit_params)
            split_params = routed.splitter.split
            fit_params = routed.estimator.fit
        else:
            split_params = {}
        if frozen:
            splits = [(np.arange(len(y)), np.arange(len(y)))]
        else:
            cv = check_cv(self.cv, y, classifier=True)
            splits = list(cv.split(X, y, **split_params))

        jobs = [(w, train, val) for w in weight_powers for train, val in splits]
        fold_results = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_fold)(
                self,
                clone(self.estimator),
                X,
                y,
                y_encoded,
                n_classes,
                train,
                val,
                w,
                sample_weight,
                fit_params,
                score_method,
            )
            for w, train, val in jobs
        )

        scorer = self._get_scorer()
        n_splits = len(splits)
        scores = np.empty((len(weight_powers), n_splits, len(taus)))
        for job, ((_, _, val), (log_scores, fold_pi, counts)) in enumerate(
            zip(jobs, fold_results)
        ):
            i_w, i_split = divmod(job, n_splits)
            scores[i_w, i_split] = self._score_taus(
                scorer,
                log_scores,
                fold_pi,
                counts,
                taus,
                _safe_indexing(y, val),
                classes,
            )
        self._store_cv_results(scores, taus, weight_powers)
        del self._cv_classes

        if not self.refit:
            return self
        self.tau_ = self.best_tau_
        self.weight_power_ = self.best_weight_power_
        fit_weight = sample_weight
        if self.weight_power_ > 0:
            priors = _fold_priors(self.priors, y_encoded, n_classes, sample_weight)
            fit_weight = _balancing_weights(
                y_encoded, priors, self.weight_power_, sample_weight
            )
        if frozen:
            self.estimator_ = self.estimator
        else:
            self.estimator_ = _fit_base(
                self, clone(self.estimator), X, y, fit_weight, fit_params
            )
        return self._finish_fit(y, sample_weight)

    def _get_scorer(self):
        if callable(self.scoring):
            return self.scoring
        from .metrics import get_scorer

        return get_scorer(self.scoring)

    def _score_taus(
        self, scorer, log_scores, fold_priors, counts, taus, y_val, classes
    ):
        """Score every tau on one fold's cached out-of-fold log-scores."""
        present = fold_priors > 0
        with np.errstate(divide="ignore"):
            log_pi = np.where(present, np.log(fold_priors), 0.0)
        if isinstance(self.target_priors, str):
            if self.target_priors == "uniform":
                log_q = np.zeros(len(classes))
            else:
                log_q = log_pi
        else:
            log_q = np.log(
                _check_priors(self.target_priors, len(classes), name="target_priors")
            )
        placeholder = np.zeros((log_scores.shape[0], 1))
        out = np.empty(len(taus))
        with warnings.catch_warnings():
            # A validation fold of long-tailed data often lacks a rare class
            # that the model still predicts; that is expected, not a problem.
            warnings.filterwarnings(
                "ignore", message="y_pred contains classes not in y_true"
            )
            for t, tau in enumerate(taus):
                adjusted = log_scores + (-tau * log_pi + log_q)
                stand_in = _FoldPredictions(classes, counts, adjusted)
                out[t] = scorer(stand_in, placeholder, y_val)
        return out

    def _store_cv_results(self, scores, taus, weight_powers):
        """Fill ``cv_results_`` and the ``best_*`` attributes."""
        n_w, n_splits, n_taus = scores.shape
        # candidates ordered weight_power-major, tau-minor
        per_split = scores.transpose(0, 2, 1).reshape(n_w * n_taus, n_splits)
        with warnings.catch_warnings():
            # A split may score NaN (e.g. a group with no class in that fold):
            # it is left out of the mean; an all-NaN candidate stays NaN.
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(per_split, axis=1)
            std = np.nanstd(per_split, axis=1)
        if np.all(np.isnan(mean)):
            raise ValueError(
                f"scoring={self.scoring!r} returned NaN for every candidate, so "
                "nothing can be selected (e.g. a few-shot scorer on data with no "
                "few-shot class). Choose another scoring or other group thresholds."
            )
        cand_w = np.repeat(weight_powers, n_taus)
        cand_tau = np.tile(taus, n_w)
        ranked = np.where(np.isnan(mean), -np.inf, mean)
        order = np.argsort(-ranked, kind="stable")
        rank = np.empty(len(mean), dtype=np.int32)
        rank[order] = np.arange(1, len(mean) + 1)
        results = {
            "param_weight_power": cand_w,
            "param_tau": cand_tau,
            "params": [
                {"weight_power": float(w), "tau": float(t)}
                for w, t in zip(cand_w, cand_tau)
            ],
        }
        for k in range(n_splits):
            results[f"split{k}_test_score"] = per_split[:, k]
        results["mean_test_score"] = mean
        results["std_test_score"] = std
        results["rank_test_score"] = rank
        self.cv_results_ = results
        self.best_index_ = _select_candidate(
            mean, std, n_splits, cand_tau, cand_w, self.selection
        )
        self.best_tau_ = float(cand_tau[self.best_index_])
        self.best_weight_power_ = float(cand_w[self.best_index_])
        self.best_score_ = float(mean[self.best_index_])

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            ``fit``'s metadata goes to the base estimator's ``fit`` and to the
            CV splitter's ``split``.
        """
        return (
            MetadataRouter(owner=self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
            .add(
                splitter=check_cv(self.cv, classifier=True),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )


def _check_grid(values, name):
    """A non-empty 1-D float grid of finite values."""
    if isinstance(values, str):
        raise ValueError(f"`{name}` must be an array-like of numbers; got {values!r}.")
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"`{name}` must be an array-like of numbers; got {values!r}."
        ) from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"`{name}` must be a non-empty 1-D array; got {values!r}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must be finite; got {arr.tolist()!r}.")
    return arr
