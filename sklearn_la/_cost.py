"""Expected-cost decisions: the Bayes rule for a cost matrix.

With posteriors ``p(i|x)`` (for the package, the adjusted posteriors: the
softmax of ``log p(i|x) - tau * log(pi_i) + log(q_i)``) and a cost matrix
``C[i, j]``, the cost of predicting class ``j`` when the truth is ``i`` (rows
true, columns predicted, both in ``classes_`` order), the decision of least
expected cost is

    ``argmin_j  sum_i C[i, j] * p(i|x)``.

The 0-1 cost ``C = 1 - I`` gives ``argmin_j 1 - p(j|x)``, the argmax of post-hoc
logit adjustment (Menon et al., 2021, section 4). The rule is unchanged when
``C`` is multiplied by a positive number or when a constant is added to a row
(the truth's cost shifts every prediction's expected cost alike); adding a
constant to a column is a penalty on predicting that class, which changes it.

Ties go to the first class in ``classes_`` order among those of least expected
cost, as the package's argmax gives the first class among the maxima.
"""

import numpy as np
from sklearn.utils import gen_batches

from ._validation import _encode_labels

# Rows per block of the cost computation: a block holds about this many
# entries, so the temporaries stay in cache and no n x K array is allocated.
_BLOCK_ENTRIES = 2**17


def _zero_one_scale(cost_matrix):
    """``a`` when ``C = a * (1 - I) + r 1^T`` with ``a > 0``, else None.

    Such a matrix (a positive multiple of the 0-1 cost, plus a cost per true
    class) has expected costs ``a * (1 - p_j) + sum_i r_i p_i``: its decision
    is the argmax of the posterior. The regrets ``C[i, j] - C[i, i]`` are
    compared up to 8 units in the last place of the largest cost, the
    rounding that building ``a * (1 - I) + r`` in floats leaves.
    """
    n_classes = cost_matrix.shape[0]
    if n_classes < 2:
        return None
    regret = cost_matrix - np.diag(cost_matrix)[:, None]
    off_diagonal = regret[~np.eye(n_classes, dtype=bool)]
    scale = off_diagonal[0]
    rounding = 8 * np.finfo(np.float64).eps * np.abs(cost_matrix).max()
    if scale > rounding and np.all(np.abs(off_diagonal - scale) <= rounding):
        return float(scale)
    return None


def _expected_cost_decision(scores, cost_matrix, *, log_scores=True):
    """Index of the class of least expected cost, for each row of ``scores``.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_classes)
        Log-scores ``log p(i|x)`` up to a per-row constant (``-inf`` for an
        impossible class), or probabilities when ``log_scores=False`` (rows
        need not sum to one: the decision does not depend on a row's scale).
        Not modified.

    cost_matrix : ndarray of shape (n_classes, n_classes)
        Validated by :func:`_check_cost_matrix`.

    log_scores : bool, default=True
        Whether ``scores`` are log-scores or probabilities.

    Returns
    -------
    indices : ndarray of shape (n_samples,)
        ``argmin_j sum_i C[i, j] p(i|x)``, the first class among equal minima.

    Notes
    -----
    When ``C = a * (1 - I) + r 1^T`` (``a > 0``: the 0-1 cost, scaled, plus
    any cost per true class; up to float rounding), the result is ``np.argmax(scores,
    axis=1)``, computed on ``scores`` as given. Computing ``1 - p`` or
    ``p @ C`` would round distinct probabilities to equal costs (``1 - 1e-20``
    is ``1.0``) and so break ties differently from the argmax; the shortcut
    makes the 0-1 cost reproduce the argmax exactly, ties included. Pass it
    the very array the argmax would be taken of (the adjusted log-scores).

    Otherwise the expected costs are ``p @ C`` in blocks of rows, so that no
    n x K array is allocated; ``p`` is ``exp(scores - row max)`` (not
    normalised: the decision does not depend on a row's scale). A row with no
    positive probability (all ``-inf``, or all zero) carries no information
    and is decided as under a uniform posterior; with the 0-1 cost that is
    the first class, as the argmax gives. A row with NaN or ``+inf`` is
    refused.
    """
    scores = np.asarray(scores)
    n_classes = cost_matrix.shape[0]
    if scores.ndim != 2 or scores.shape[1] != n_classes:
        raise ValueError(
            f"`scores` must have shape (n_samples, {n_classes}) to match the cost "
            f"matrix; got shape {scores.shape}."
        )
    if _zero_one_scale(cost_matrix) is not None:
        return np.argmax(scores, axis=1)
    uniform_cost = cost_matrix.sum(axis=0)
    indices = np.empty(scores.shape[0], dtype=np.intp)
    batch_size = max(1, _BLOCK_ENTRIES // n_classes)
    for rows in gen_batches(scores.shape[0], batch_size):
        proba, empty = _block_probabilities(scores[rows], log_scores)
        costs = proba @ cost_matrix
        costs[empty] = uniform_cost
        indices[rows] = np.argmin(costs, axis=1)
    return indices


def _block_probabilities(block, log_scores):
    """Unnormalised probabilities of a block of rows, and its empty rows."""
    proba = np.array(block, dtype=np.float64)
    if log_scores:
        row_max = proba.max(axis=1)
        if np.any(np.isnan(row_max) | (row_max == np.inf)):
            raise ValueError(
                "`scores` must be log-scores without NaN or +inf; a row holds one."
            )
        empty = row_max == -np.inf
        row_max[empty] = 0.0
        proba -= row_max[:, None]
        np.exp(proba, out=proba)
        return proba, empty
    row_sum = proba.sum(axis=1)
    if not np.all(np.isfinite(row_sum)) or np.any(proba < 0):
        raise ValueError(
            "`scores` must be probabilities: finite and non-negative; a row is not."
        )
    return proba, row_sum == 0


def _binary_threshold(cost_matrix):
    """Threshold on ``p(classes_[1]|x)`` of the cost rule for two classes.

    With regrets ``d0 = C[0, 1] - C[0, 0]`` (a false positive) and
    ``d1 = C[1, 0] - C[1, 1]`` (a false negative), the rule predicts
    ``classes_[1]`` exactly when ``p1 * d1 > (1 - p1) * d0``, i.e. when
    ``p1 > d0 / (d0 + d1)``. That is the threshold a
    :class:`~sklearn.model_selection.FixedThresholdClassifier` on
    ``predict_proba`` needs; it predicts the positive class at equality, where
    this rule, breaking the tie towards the first class, does not.

    Parameters
    ----------
    cost_matrix : ndarray of shape (2, 2)
        Validated by :func:`_check_cost_matrix`.

    Returns
    -------
    threshold : float
        ``d0 / (d0 + d1)``; below 0 or above 1 when one class is always
        predicted.

    Raises
    ------
    ValueError
        If ``d0 + d1 <= 0``: the rule then predicts ``classes_[1]`` when
        ``p1`` is *small*, or never depends on ``p1``; no threshold of this
        form exists.
    """
    if cost_matrix.shape != (2, 2):
        raise ValueError(
            "A decision threshold exists for two classes only; `cost_matrix` has "
            f"shape {cost_matrix.shape}."
        )
    false_positive = cost_matrix[0, 1] - cost_matrix[0, 0]
    false_negative = cost_matrix[1, 0] - cost_matrix[1, 1]
    total = false_positive + false_negative
    if not total > 0:
        raise ValueError(
            "`cost_matrix` gives no threshold on p(classes_[1]|x): its regrets "
            f"C[0, 1] - C[0, 0] = {false_positive!r} and C[1, 0] - C[1, 1] = "
            f"{false_negative!r} must have a positive sum (an error must cost more "
            "than the right answer overall)."
        )
    return float(false_positive / total)


def _cost_decisions(scores, cost_matrix):
    """The cost rule's class indices, or None where it is the plain argmax.

    ``None`` for no cost matrix or a 0-1 one (see :func:`_zero_one_scale`):
    the caller then keeps its own argmax, so the prediction methods agree
    exactly as without a cost matrix, ties included.
    """
    if cost_matrix is None or _zero_one_scale(cost_matrix) is not None:
        return None
    return _expected_cost_decision(scores, cost_matrix)


def _deployment_cost_scorer(cost_matrix, classes, target):
    """Scorer of the negative expected cost at the deployment prior ``q``.

    The cost counterpart of balanced accuracy: the cost rule minimises the
    expected cost under ``q``, ``sum_i q_i E[C[i, h(x)] | y = i]``, so that is
    what validation measures, each class's mean cost weighted by ``q_i``.
    ``target`` is ``"uniform"`` (the class-balanced cost), ``"train"`` (the
    plain mean cost) or a vector in ``classes`` order. A class missing from
    a validation fold is left out and ``q`` renormalised over the others, as
    balanced accuracy does.
    """
    classes = np.asarray(classes)
    n_classes = classes.shape[0]
    if isinstance(target, str):
        q = None if target == "train" else np.full(n_classes, 1.0 / n_classes)
    else:
        q = np.asarray(target, dtype=np.float64)

    def deployment_cost(estimator, X, y):
        truth = _encode_labels(y, classes)
        costs = cost_matrix[truth, _encode_labels(estimator.predict(X), classes)]
        if q is None:
            return -float(costs.mean())
        counts = np.bincount(truth, minlength=n_classes)
        present = counts > 0
        mean_cost = np.bincount(truth, weights=costs, minlength=n_classes)[present]
        mean_cost /= counts[present]
        return -float(q[present] @ mean_cost / q[present].sum())

    return deployment_cost
