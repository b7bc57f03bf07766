"""Estimating a shifted deployment prior from unlabeled data (label shift).

Used by ``target_priors="estimate"`` and the public
``estimate_target_priors(X)`` of both post-hoc estimators.

Under label shift ``p(x|y)`` is fixed and only the class prior moves, from
``pi`` (training) to an unknown ``q``, so ``p_q(y|x) ∝ p(y|x) * q_y / pi_y``.
The EM procedure of Saerens, Latinne & Decaestecker (2002) finds the ``q``
of highest likelihood for an unlabeled batch. It is only as good as the
posteriors it starts from: calibrate them first (:mod:`sklearn_la._calibration`;
bias-corrected temperature scaling is the choice of Alexandari, Kundaje &
Shrikumar, ICML 2020).
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._calibration import _apply_calibration


def _batch_posteriors(log_scores):
    """Unnormalised posteriors of a batch and the rows that carry information.

    ``exp(log_scores - row max)``: a per-row constant changes nothing. A row
    whose every log-score is ``-inf`` gives no class a positive probability,
    so it says nothing about the prior; it is left out of the estimate.
    """
    posteriors = np.array(log_scores, dtype=np.float64)
    if posteriors.ndim != 2:
        raise ValueError(
            "`log_scores` must have shape (n_samples, n_classes); got shape "
            f"{posteriors.shape}."
        )
    row_max = posteriors.max(axis=1, keepdims=True)
    if np.any(np.isnan(row_max) | (row_max == np.inf)):
        raise ValueError(
            "`log_scores` must not contain NaN or +inf (-inf, probability 0, is "
            "allowed)."
        )
    informative = row_max[:, 0] > -np.inf
    if not np.any(informative):
        raise ValueError(
            "Cannot estimate the deployment prior: every row of the batch gives "
            "every class a probability of 0 (log-scores all -inf)."
        )
    if not np.all(informative):
        posteriors, row_max = posteriors[informative], row_max[informative]
    posteriors -= row_max
    np.exp(posteriors, out=posteriors)
    posteriors /= posteriors.sum(axis=1, keepdims=True)
    return posteriors


def _em_target_priors(log_scores, train_priors, *, max_iter=1000, tol=1e-8):
    """Deployment class prior by EM, Saerens, Latinne & Decaestecker (2002).

    Under label shift, ``p_q(y|x) ∝ p(y|x) * q_y / pi_y``. EM alternates
    re-weighting the posteriors with the current ``q`` (E-step) and setting
    ``q`` to the mean re-weighted posterior over the batch (M-step); each step
    increases the likelihood of the unlabeled batch.

    Parameters
    ----------
    log_scores : ndarray of shape (n_samples, n_classes)
        Base-model log-posteriors under the training prior (up to a per-row
        constant; ``-inf`` allowed for impossible classes). Calibrated ones
        give better estimates (:func:`_estimate_target_priors`). Rows whose
        every entry is ``-inf`` carry no information and are left out.

    train_priors : ndarray of shape (n_classes,)
        Training priors ``pi``, strictly positive: the prior the posteriors
        were computed under.

    max_iter : int, default=1000
        EM iterations at most. Each costs two matrix-vector products over the
        n x K posteriors, O(nK) time and no n x K temporary, so the whole
        estimate is bounded by ``max_iter`` such passes.

    tol : float, default=1e-8
        Stop when no entry of ``q`` moves by more than this in one iteration.
        EM converges linearly, so the remaining error is about ``tol / (1 -
        rate)``; with the default it is far below the statistical error of a
        batch of any realistic size (``sqrt(q(1-q)/n)``, 1e-3 for a million
        rows).

    Returns
    -------
    q : ndarray of shape (n_classes,)
        Estimated deployment prior, summing to one. A class that no row gives
        a positive probability gets 0.

    Notes
    -----
    With ``w = q / pi`` and normalised posteriors ``P`` (n x K), the E- and
    M-steps together are ``q_k <- w_k * mean_n(P_nk / (P_n . w))``: the
    re-weighted posteriors are never formed.
    """
    posteriors = _batch_posteriors(log_scores)
    train_priors = np.asarray(train_priors, dtype=np.float64)
    if train_priors.shape != (posteriors.shape[1],) or not np.all(train_priors > 0):
        raise ValueError(
            f"`train_priors` must be {posteriors.shape[1]} strictly positive "
            f"numbers, one per column of `log_scores`; got {train_priors.tolist()!r}."
        )
    n_rows = posteriors.shape[0]
    q = train_priors / train_priors.sum()
    for _ in range(max_iter):
        ratio = q / train_priors
        evidence = posteriors @ ratio
        # A row whose classes all reached q = 0 cannot be re-weighted; it has
        # zero likelihood under q and is left out of this step.
        inverse = np.divide(
            1.0, evidence, out=np.zeros_like(evidence), where=evidence > 0
        )
        q_new = ratio * (inverse @ posteriors) / n_rows
        q_new /= q_new.sum()
        if np.max(np.abs(q_new - q)) < tol:
            return q_new
        q = q_new
    warnings.warn(
        f"EM estimate of the deployment prior did not converge in {max_iter} "
        "iterations; the last estimate is used.",
        ConvergenceWarning,
    )
    return q


def _estimate_target_priors(log_scores, train_priors, *, calibration=None):
    """EM estimate of the deployment prior of one batch, at least two rows.

    One row says nothing about a class distribution, so it is refused rather
    than returned as a confident estimate.

    Parameters
    ----------
    log_scores : ndarray of shape (n_samples, n_classes)
        Base-model log-scores of the batch (unadjusted, under the training
        prior).

    train_priors : ndarray of shape (n_classes,)
        The prior the (calibrated) posteriors are posteriors under
        (``_BaseLogitAdjusted._em_priors`` in :mod:`._posthoc`).

    calibration : _Calibration, default=None
        Fitted by :func:`sklearn_la._calibration._fit_calibration` on held-out
        scores; applied before EM. ``None`` runs EM on the raw scores.

    Returns
    -------
    q : ndarray of shape (n_classes,)
        Estimated deployment prior, summing to one.
    """
    if log_scores.shape[0] < 2:
        raise ValueError(
            "Estimating the deployment prior from a batch needs at least 2 rows; "
            f"got {log_scores.shape[0]}. Predict on a batch, or pass target_priors as "
            "an array."
        )
    if calibration is not None:
        log_scores = _apply_calibration(log_scores, calibration)
    return _em_target_priors(log_scores, train_priors)
