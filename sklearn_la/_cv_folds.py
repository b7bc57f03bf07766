"""One cross-validation fold of :class:`LogitAdjustedClassifierCV`.

A fold fits the base model once, caches its out-of-fold log-scores, and every
``tau`` is then scored on them by handing a scikit-learn scorer a stand-in
that replays the adjusted scores (:class:`_FoldPredictions`). The workers are
module-level functions with keyword-only arguments that receive everything
they need, so joblib can ship them to other processes.
"""

import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import get_scorer
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_method_params

from ._adjust import (
    _base_log_scores,
    _decision_from_scores,
    _effective_offset,
    _proba_from_scores,
    _winners,
)
from ._cost import _cost_decisions
from ._family import _fit_member
from ._tau_scores import _balanced_accuracy_over_taus
from ._validation import _class_priors, _encode_labels


class _FoldPredictions(ClassifierMixin, BaseEstimator):
    """A fitted-classifier stand-in that replays precomputed adjusted scores.

    Scorers call ``predict``/``predict_proba``/``decision_function`` on an
    estimator; handing them this object lets every scikit-learn scorer (names
    and callables alike) score one tau on cached out-of-fold scores without
    any model being refitted or even re-evaluated. ``X`` is ignored. Its
    outputs derive from the canonical scores exactly as the fitted
    estimator's do (see :mod:`._adjust`), so they agree with each other.
    ``decisions``, when given, are the cost rule's (:mod:`._cost`): then
    ``predict`` returns them and the other methods stay the adjusted
    posterior, as the fitted estimator's do.
    """

    def __init__(self, classes, class_counts, log_scores, winners, decisions=None):
        self.classes_ = classes
        self.class_counts_ = class_counts
        self.log_scores = log_scores
        self.winners = winners
        self.decisions = decisions

    def __sklearn_is_fitted__(self):
        return True

    def predict(self, X):
        if self.decisions is not None:
            return self.classes_[self.decisions]
        return self.classes_[self.winners]

    def predict_proba(self, X):
        return _proba_from_scores(self.log_scores.copy(), self.winners)

    def predict_log_proba(self, X):
        return _proba_from_scores(self.log_scores.copy(), self.winners, log=True)

    def decision_function(self, X):
        return _decision_from_scores(self.log_scores)


def _fit_fold(
    *,
    estimator,
    X,
    y,
    train,
    test,
    classes,
    fit_params,
    weight_key,
    sample_weight,
    prior_weight,
    priors,
    weight_power,
    balance,
    seed,
    response_method,
):
    """Fit one clone on ``train``; return its log-scores on ``test`` and priors.

    ``estimator`` is an unfitted clone (or a frozen model); ``X`` and ``y``
    are all the data, indexed by ``train`` and ``test``; ``classes`` is the
    full class set, the columns of the result. ``fit_params``,
    ``weight_key`` and ``sample_weight`` are what :func:`._routing._route_fit_params`
    routed to the base, for all rows; ``prior_weight`` weights the fold's
    priors. ``priors`` is ``"train"`` (the fold's own label frequencies) or a
    vector aligned with ``classes``; ``weight_power`` is the exponent of the
    class-balancing weights, realised as ``balance`` says (only the
    ``train`` rows are resampled, from ``numpy.random.RandomState(seed)``);
    ``response_method`` the base method scores are read from.

    Returns
    -------
    log_scores : ndarray of shape (len(test), n_classes)
        Base log-scores; a class absent from the training fold (or of zero
        weight there) gets ``-inf`` (never predicted), not a shifted column.

    priors : ndarray of shape (n_classes,)
        The fold's training priors (0 for an absent class).

    counts : ndarray of shape (n_classes,)
        Training samples per class in the fold.
    """
    y_train_enc = _encode_labels(_safe_indexing(y, train), classes)
    if isinstance(priors, str):
        priors = _class_priors(y_train_enc, len(classes), _rows(prior_weight, train))
    model = _fit_member(
        estimator,
        _safe_indexing(X, train),
        _safe_indexing(y, train),
        y_encoded=y_train_enc,
        priors=priors,
        weight_power=weight_power,
        balance=balance,
        random_state=np.random.RandomState(seed),
        fit_params=_check_method_params(X, fit_params, indices=train),
        weight_key=weight_key,
        sample_weight=_rows(sample_weight, train),
    )
    log_scores, _ = _base_log_scores(model, _safe_indexing(X, test), response_method)
    columns = _encode_labels(np.asarray(model.classes_), classes)
    if len(columns) < len(classes) or np.any(columns != np.arange(len(classes))):
        # Only a fold that lacks a class (or a base whose classes_ are in
        # another order) pays for a second n_test x K array.
        fold_scores = log_scores
        log_scores = np.full((len(test), len(classes)), -np.inf)
        log_scores[:, columns] = fold_scores
    # A class whose fold samples all weigh 0 was not learnt either: like an
    # absent class it cannot be predicted, rather than be adjusted by log(0).
    log_scores[:, priors == 0] = -np.inf
    counts = np.bincount(y_train_enc, minlength=len(classes))
    return log_scores, priors, counts


def _rows(weights, indices):
    return None if weights is None else weights[indices]


def _score_taus(
    *,
    scorer,
    log_scores,
    priors,
    counts,
    taus,
    y_test,
    classes,
    target,
    cost_matrix=None,
):
    """Score every tau on one fold's cached out-of-fold log-scores.

    Parameters
    ----------
    scorer : callable or "balanced_accuracy"
        ``scorer(estimator, X, y)``; the string ``"balanced_accuracy"`` takes
        the vectorised path of :mod:`._tau_scores`, which gives the same
        numbers as scikit-learn's scorer of that name, for all taus at once.

    log_scores : ndarray of shape (n_test, n_classes)
        The fold's base log-scores.

    priors : ndarray of shape (n_classes,)
        The fold's training priors (0 for a class absent from it).

    counts : ndarray of shape (n_classes,)
        The fold's training samples per class.

    taus : ndarray of shape (n_taus,)
        Candidate adjustment strengths.

    y_test : ndarray of shape (n_test,)
        True labels of the fold's test rows.

    classes : ndarray of shape (n_classes,)
        Class labels, the columns of ``log_scores``.

    target : {"uniform", "train"} or ndarray of shape (n_classes,)
        Deployment priors; ``"train"`` means the fold's priors.

    cost_matrix : ndarray of shape (n_classes, n_classes), default=None
        Validated costs: predictions then follow the cost rule.

    Returns
    -------
    scores : ndarray of shape (n_taus,)
    """
    # Classes absent from the fold have -inf scores; any finite placeholder
    # prior keeps their offset finite.
    pi = np.where(priors > 0, priors, 1.0)
    if isinstance(target, str):
        target = np.full(len(classes), 1 / len(classes)) if target == "uniform" else pi
    if _is_balanced_accuracy(scorer) and cost_matrix is None:
        if np.all(np.isin(y_test, classes)):
            offsets = np.stack(
                [_effective_offset(pi, tau, target, name="taus") for tau in taus]
            )
            return _balanced_accuracy_over_taus(
                log_scores,
                offsets,
                _encode_labels(y_test, classes),
                np.argsort(classes, kind="stable"),
            )
        # A frozen base may not know every label of y: sklearn's own scorer
        # counts those rows as misclassified.
        scorer = get_scorer("balanced_accuracy")
    placeholder = np.zeros((log_scores.shape[0], 1))
    out = np.empty(len(taus))
    with warnings.catch_warnings():
        # A test fold of long-tailed data often lacks a rare class that the
        # model still predicts; that is expected, not a problem.
        warnings.filterwarnings(
            "ignore", message="y_pred contains classes not in y_true"
        )
        for t, tau in enumerate(taus):
            adjusted = log_scores + _effective_offset(pi, tau, target, name="taus")
            winners = _winners(adjusted, "out-of-fold scores")
            stand_in = _FoldPredictions(
                classes,
                counts,
                adjusted,
                winners,
                _cost_decisions(adjusted, cost_matrix),
            )
            out[t] = scorer(stand_in, placeholder, y_test)
    return out


def _is_balanced_accuracy(scorer):
    """Whether ``scorer`` names scikit-learn's balanced accuracy (by name only)."""
    return isinstance(scorer, str) and scorer == "balanced_accuracy"


def _fit_fold_timed(job, **fold_params):
    """:func:`_fit_fold` with its job index and wall time, for streamed results.

    The tuner consumes folds in the order they finish
    (``return_as="generator_unordered"``), so each result carries the index
    of the job that produced it.

    Returns
    -------
    job : int
        ``job``, unchanged.

    result : tuple
        What :func:`_fit_fold` returns.

    seconds : float
        Wall time of the fit and of computing the out-of-fold scores.
    """
    start = time.perf_counter()
    result = _fit_fold(**fold_params)
    return job, result, time.perf_counter() - start
