"""Calibration inside the post-hoc estimators: which held-out scores it is fitted on.

A calibration map (:mod:`._calibration`) must be fitted on scores of data the
base model did not see, or it learns the model's over-confidence on its own
training data. The two estimators get such scores differently:

- :class:`~sklearn_la.LogitAdjustedClassifierCV` has them for free: the
  out-of-fold log-scores of each candidate, pooled over the folds. One map is
  fitted per candidate (its base model differs with ``weight_power``), and
  ``tau`` is then scored on the *calibrated* out-of-fold scores, so the tuned
  ``tau`` is the one for the calibrated scores the refitted model predicts
  from. That is what makes "a temperature only rescales a tuned ``tau``"
  true: ``z / T - tau * log(pi)`` has the argmax of ``z - (T * tau) *
  log(pi)``, and the grid search finds ``T * tau`` either way. Keeping every
  candidate's out-of-fold scores until they are calibrated costs
  ``n_samples x n_classes x n_members`` floats; without calibration none
  are kept beyond a fold's scoring.
- :class:`~sklearn_la.LogitAdjustedClassifier` has no held-out data of its
  own, so it calibrates only a :class:`~sklearn.frozen.FrozenEstimator`
  base: the ``(X, y)`` given to ``fit`` are then held-out data.

A class with a single training row (or a custom ``cv`` that puts all of a
class's rows in one test fold) has no out-of-fold score from a model that
saw it: every fold model that scored its rows lacked that class, so the
folds' models are not the refitted model's kind, and nothing says how that
class's scores are calibrated. The CV estimator then leaves the scores
uncalibrated (an identity map, with a warning) rather than fit a map to
models unlike the one it predicts with.

The map keeps the prior EM must start from (:mod:`._label_shift`) as
``class_priors``: the (weighted) class frequencies of its calibration data
for a temperature, and for BCTS the mean calibrated posterior there, which
its biases make equal to those frequencies up to their prior's shrinkage.
"""

import dataclasses

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.utils import _safe_indexing

from ._adjust import _base_log_scores, _score_method, _winners
from ._calibration import _apply_calibration, _Calibration, _fit_calibration
from ._validation import _class_priors, _encode_labels, _plain_list


def _check_wrapper_calibration(estimator, calibration):
    """Refuse calibration for a base that ``fit`` would train on its own data."""
    if calibration is None or isinstance(estimator, FrozenEstimator):
        return
    raise ValueError(
        f"`calibration={calibration!r}` needs held-out scores, but "
        f"LogitAdjustedClassifier fits `estimator` {type(estimator).__name__} on the "
        "data it would calibrate on, whose scores are over-confident. Use "
        f"LogitAdjustedClassifierCV(estimator, calibration={calibration!r}), which "
        "calibrates on out-of-fold scores, or fit the base model elsewhere and pass "
        "LogitAdjustedClassifier(FrozenEstimator(model), "
        f"calibration={calibration!r}).fit(X_heldout, y_heldout)."
    )


def _fit_on_heldout(log_scores, y_encoded, classes, method, sample_weight=None):
    """A :class:`._calibration._Calibration` with the prior EM starts from.

    Every class must be in the calibration data: its frequency is the prior
    EM starts from, and a class never seen has no calibrated score to speak
    of (BCTS would leave its bias at 0, a guess). For BCTS that prior is the
    weighted mean calibrated posterior over the data: the class frequencies
    up to the bias prior's shrinkage of the smallest classes, and exactly
    the prior under which EM on the calibration data returns itself.
    """
    class_priors = _class_priors(y_encoded, len(classes), sample_weight)
    missing = class_priors == 0
    if np.any(missing):
        raise ValueError(
            f"`calibration` needs every class in the calibration data; class(es) "
            f"{_plain_list(np.asarray(classes)[missing])!r} have no sample (or a zero "
            "total sample_weight) there. Calibrate on data with every class."
        )
    calibration = _fit_calibration(log_scores, y_encoded, method, sample_weight)
    if calibration.bias is not None:
        mean = _mean_posterior(log_scores, calibration, sample_weight)
        # A class the base gives probability 0 on every row (k-NN, trees)
        # has a mean posterior of 0, which EM cannot start from; its
        # frequency stands in (EM's estimate of it is 0 after one step).
        mean = np.where(mean > 0, mean, class_priors)
        class_priors = mean / mean.sum()
    return dataclasses.replace(calibration, class_priors=class_priors)


def _mean_posterior(log_scores, calibration, sample_weight):
    """Weighted mean over the rows of the calibrated posteriors."""
    proba = _apply_calibration(log_scores, calibration)
    proba -= proba.max(axis=1, keepdims=True)
    np.exp(proba, out=proba)
    proba /= proba.sum(axis=1, keepdims=True)
    return np.average(proba, axis=0, weights=sample_weight)


def _fit_frozen_calibration(estimator, X, y, classes, *, method, response_method,
                            sample_weight=None):  # fmt: skip
    """Calibrate a fitted (frozen) base on the held-out ``(X, y)`` given to fit."""
    score_method = _score_method(estimator, response_method)
    log_scores, _ = _base_log_scores(estimator, X, score_method)
    _winners(log_scores, score_method)
    y_encoded = _encode_labels(y, classes)
    return _fit_on_heldout(log_scores, y_encoded, classes, method, sample_weight)


def _calibrate_out_of_fold(fold_scores, candidates, tests, fold_counts, y, classes,
                           *, method, sample_weight=None):  # fmt: skip
    """Fit one map per candidate on its pooled out-of-fold scores and apply it.

    Parameters
    ----------
    fold_scores : list of ndarray of shape (len(test), n_classes)
        Each job's out-of-fold base log-scores; calibrated in place (the list
        entries are replaced).

    candidates : list of hashable
        Each job's candidate (its ``weight_power``, say): jobs of one
        candidate share one map.

    tests : list of ndarray
        Each job's test indices into ``y``.

    fold_counts : list of ndarray of shape (n_classes,)
        Each job's training rows per class: a class a fold trained without
        is one its out-of-fold scores know nothing of.

    y : array-like of shape (n_samples,)
        All the labels.

    classes : ndarray of shape (n_classes,)
        The columns of the scores.

    method : {"temperature", "bcts"}
        The calibration map.

    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the calibration fit (those of the priors).

    Returns
    -------
    calibrations : dict
        Candidate -> fitted :class:`._calibration._Calibration`; the identity
        map for every candidate when a class was scored only by folds
        trained without it (:func:`_classes_never_seen`).

    unseen : list
        The labels of those classes (empty when the maps were fitted); the
        caller warns, so that the warning points at the user's call.
    """
    unseen = _classes_never_seen(tests, fold_counts, y, classes, sample_weight)
    calibrations = {}
    for candidate in dict.fromkeys(candidates):
        jobs = [k for k, c in enumerate(candidates) if c == candidate]
        if unseen.size:
            calibrations[candidate] = _identity(method, len(classes))
            continue
        rows = np.concatenate([tests[k] for k in jobs])
        calibration = _fit_on_heldout(
            np.concatenate([fold_scores[k] for k in jobs]),
            _encode_labels(_safe_indexing(y, rows), classes),
            classes,
            method,
            None if sample_weight is None else sample_weight[rows],
        )
        for k in jobs:
            fold_scores[k] = _apply_calibration(fold_scores[k], calibration, copy=False)
        calibrations[candidate] = calibration
    return calibrations, _plain_list(np.asarray(classes)[unseen])


def _classes_never_seen(tests, fold_counts, y, classes, sample_weight):
    """Classes whose weighted rows were all scored by folds trained without them.

    Read from the folds' training class counts, not from the scores: a base
    may give a class it was trained on probability 0 (a forest, k-NN), and
    those rows are only left out of the fit (:func:`._calibration._prepare`).
    A class of zero total weight is not listed: :func:`_fit_on_heldout`
    refuses it with its own message.
    """
    n_classes = len(classes)
    seen = np.zeros(n_classes, dtype=bool)
    present = np.zeros(n_classes, dtype=bool)
    for test, counts in zip(tests, fold_counts):
        y_test = _encode_labels(_safe_indexing(y, test), classes)
        if sample_weight is not None:
            y_test = y_test[sample_weight[test] > 0]
        in_test = np.bincount(y_test, minlength=n_classes) > 0
        present |= in_test
        seen |= in_test & (np.asarray(counts) > 0)
    return np.flatnonzero(present & ~seen)


def _identity(method, n_classes):
    """The map that changes nothing.

    Its ``class_priors`` are None, so EM starts from the estimator's
    ``priors_``, exactly as without ``calibration``.
    """
    bias = None if method == "temperature" else np.zeros(n_classes)
    return _Calibration(method, 1.0, bias)


def _in_class_order(calibration, classes, estimator_classes):
    """``calibration``, fitted on columns ``classes``, for ``estimator_classes``.

    The out-of-fold scores are in sorted-label order; a refitted base whose
    ``classes_`` come in another order needs the per-class bias and priors
    permuted to its own columns, or they would land on the wrong classes.
    """
    if calibration is None:
        return None
    order = _encode_labels(np.asarray(estimator_classes), classes)
    return dataclasses.replace(
        calibration,
        bias=None if calibration.bias is None else calibration.bias[order],
        class_priors=(
            None
            if calibration.class_priors is None
            else calibration.class_priors[order]
        ),
    )
