"""Estimating a shifted deployment prior from unlabeled data (label shift).

Used by ``target_priors="estimate"`` and the public
``estimate_target_priors(X)`` of both post-hoc estimators.
"""

import warnings

import numpy as np
from scipy.special import softmax
from sklearn.exceptions import ConvergenceWarning


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
        constant; ``-inf`` allowed for impossible classes).

    train_priors : ndarray of shape (n_classes,)
        Training priors ``pi``.

    max_iter : int, default=1000
        EM iterations at most.

    tol : float, default=1e-8
        Stop when no entry of ``q`` moves by more than this.

    Returns
    -------
    q : ndarray of shape (n_classes,)
        Estimated deployment prior, summing to one.
    """
    posteriors = softmax(log_scores, axis=1)
    ratio_base = 1.0 / train_priors
    q = np.asarray(train_priors, dtype=np.float64).copy()
    for _ in range(max_iter):
        reweighted = posteriors * (q * ratio_base)
        reweighted /= reweighted.sum(axis=1, keepdims=True)
        q_new = reweighted.mean(axis=0)
        if np.max(np.abs(q_new - q)) < tol:
            return q_new
        q = q_new
    warnings.warn(
        f"EM estimate of the deployment prior did not converge in {max_iter} "
        "iterations; the last estimate is used.",
        ConvergenceWarning,
    )
    return q


def _estimate_target_priors(log_scores, train_priors):
    """EM estimate of the deployment prior of one batch, at least two rows.

    One row says nothing about a class distribution, so it is refused rather
    than returned as a confident estimate.
    """
    if log_scores.shape[0] < 2:
        raise ValueError(
            "Estimating the deployment prior from a batch needs at least 2 rows; "
            f"got {log_scores.shape[0]}. Predict on a batch, or pass target_priors as "
            "an array."
        )
    return _em_target_priors(log_scores, train_priors)
