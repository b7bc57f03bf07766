"""Balanced accuracy of many taus at once, on one fold's cached log-scores.

:func:`._cv_folds._score_taus` scores a tau by handing a scikit-learn scorer a
stand-in estimator; that costs the scorer's label checks and confusion matrix
per tau, which dominates a tuner with hundreds of taus on small folds. For
``scoring="balanced_accuracy"`` (the default) this module computes the same
numbers directly: per-tau argmax of ``log_scores + offset_t`` (ties to the
first class, as :func:`numpy.argmax` and the estimators' ``predict``), then
per-class recall by :func:`numpy.bincount`, averaged over the classes present
in ``y_true``, as :func:`sklearn.metrics.balanced_accuracy_score` does.
"""

import numpy as np

# Elements of the (taus, rows, classes) block added at once: 8 MiB of float64,
# so that scoring a large fold never needs more than about one n x K array.
_CHUNK_ELEMENTS = 1 << 20


def _balanced_accuracy_over_taus(log_scores, offsets, y_true, label_order):
    """``balanced_accuracy_score(y_true, argmax(log_scores + offsets[t]))`` per t.

    Parameters
    ----------
    log_scores : ndarray of shape (n_samples, n_classes)
        Cached base log-scores (``-inf`` allowed).

    offsets : ndarray of shape (n_taus, n_classes)
        Per-tau offsets added to every row.

    y_true : ndarray of shape (n_samples,) of int
        True labels encoded as column indices of ``log_scores``.

    label_order : ndarray of shape (n_classes,) of int
        The columns in sorted label order: scikit-learn averages the
        per-class recalls in that order, and a float sum depends on it.

    Returns
    -------
    scores : ndarray of shape (n_taus,)
        Bitwise equal to scikit-learn's balanced accuracy of each tau's
        predictions, without its warning for predicted classes absent from
        ``y_true`` (they are left out of the mean, as there).
    """
    n_samples, n_classes = log_scores.shape
    n_taus = offsets.shape[0]
    true_counts = np.bincount(y_true, minlength=n_classes)[label_order]
    present = true_counts > 0
    chunk = max(1, min(n_taus, _CHUNK_ELEMENTS // max(1, n_samples * n_classes)))
    predicted = np.empty((n_taus, n_samples), dtype=np.intp)
    for start in range(0, n_taus, chunk):
        stop = min(start + chunk, n_taus)
        adjusted = log_scores[None, :, :] + offsets[start:stop, None, :]
        predicted[start:stop] = np.argmax(adjusted, axis=2)
    scores = np.empty(n_taus)
    for t in range(n_taus):
        hits = y_true[predicted[t] == y_true]
        correct = np.bincount(hits, minlength=n_classes)[label_order]
        # int / int, then the mean of a 1-D array: sklearn's own operations.
        scores[t] = np.mean(correct[present] / true_counts[present])
    return scores
