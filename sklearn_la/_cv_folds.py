"""One cross-validation fold of :class:`LogitAdjustedClassifierCV`.

A fold fits the base model once, caches its out-of-fold log-scores, and every
``tau`` is then scored on them by handing a scikit-learn scorer a stand-in
that replays the adjusted scores (:class:`_FoldPredictions`). The workers are
module-level functions with keyword-only arguments that receive everything
they need, so joblib can ship them to other processes.
"""

import warnings

import numpy as np
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_method_params

from ._adjust import _base_log_scores
from ._family import _fit_member
from ._validation import _class_priors, _encode_labels


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
        Base log-scores; a class absent from the training fold gets ``-inf``
        (the fold's model cannot predict it), never a shifted column.

    priors : ndarray of shape (n_classes,)
        The fold's training priors (0 for an absent class).

    counts : ndarray of shape (n_classes,)
        Training samples per class in the fold.
    """
    y_train_enc = _encode_labels(_safe_indexing(y, train), classes)
    if isinstance(priors, str):
        fold_weight = None if prior_weight is None else prior_weight[train]
        priors = _class_priors(y_train_enc, len(classes), fold_weight)
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
        sample_weight=None if sample_weight is None else sample_weight[train],
    )
    fold_scores = _base_log_scores(model, _safe_indexing(X, test), response_method)
    log_scores = np.full((len(test), len(classes)), -np.inf)
    log_scores[:, _encode_labels(np.asarray(model.classes_), classes)] = fold_scores
    counts = np.bincount(y_train_enc, minlength=len(classes))
    return log_scores, priors, counts


def _score_taus(*, scorer, log_scores, priors, counts, taus, y_test, classes, target):
    """Score every tau on one fold's cached out-of-fold log-scores.

    Parameters
    ----------
    scorer : callable
        ``scorer(estimator, X, y)``.

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

    Returns
    -------
    scores : ndarray of shape (n_taus,)
    """
    present = priors > 0
    with np.errstate(divide="ignore"):
        log_pi = np.where(present, np.log(priors), 0.0)
    if isinstance(target, str):
        log_q = np.zeros(len(classes)) if target == "uniform" else log_pi
    else:
        log_q = np.log(target)
    placeholder = np.zeros((log_scores.shape[0], 1))
    out = np.empty(len(taus))
    with warnings.catch_warnings():
        # A test fold of long-tailed data often lacks a rare class that the
        # model still predicts; that is expected, not a problem.
        warnings.filterwarnings(
            "ignore", message="y_pred contains classes not in y_true"
        )
        for t, tau in enumerate(taus):
            adjusted = log_scores + (-tau * log_pi + log_q)
            stand_in = _FoldPredictions(classes, counts, adjusted)
            out[t] = scorer(stand_in, placeholder, y_test)
    return out
