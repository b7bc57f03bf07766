"""Expected cost of predictions under a cost matrix, and its scorer.

The cost-sensitive counterpart of the error rate: ``cost_matrix[i, j]`` is the
cost of predicting ``j`` when the truth is ``i``, and a classifier is judged
by its mean cost. With ``1 - I`` it is the error rate. The scorer, negated so
that greater is better, selects models and ``tau`` for the decisions of
least expected cost (``sklearn_la._cost``).
"""

import numpy as np
from sklearn.metrics import make_scorer
from sklearn.utils._param_validation import validate_params
from sklearn.utils.multiclass import unique_labels

from .._validation import (
    _check_cost_matrix,
    _check_label_pair,
    _check_labels_argument,
    _check_sample_weight,
    _encode_labels,
    _is_data_frame,
    _plain_list,
)


def _cost_labels(cost_matrix, labels, y_true=None, y_pred=None):
    """The labels a cost matrix is read in, and the matrix in that order.

    ``labels`` when given; else a DataFrame's index; else (an array) the
    sorted labels of ``y_true`` and ``y_pred``, or ``None`` when there are no
    data yet (the matrix is then checked against positions only).
    """
    if labels is None and _is_data_frame(cost_matrix):
        labels = _check_labels_argument(
            np.asarray(cost_matrix.index, dtype=object), name="cost_matrix.index"
        )
    elif labels is None and y_true is not None:
        labels = unique_labels(y_true, y_pred)
        n_costs = _n_rows(cost_matrix)
        if labels.shape[0] != n_costs:
            raise ValueError(
                f"`y_true` and `y_pred` hold {labels.shape[0]} labels "
                f"{_plain_list(labels)!r} but `cost_matrix` has {n_costs} rows. An "
                "array is read in the order of these sorted labels; pass `labels=` "
                "(or a DataFrame indexed by label) when a class is missing from the "
                "data."
            )
    elif labels is not None:
        labels = _check_labels_argument(labels)
    if labels is None:
        # Before any data: an array is checked against positions 0..K-1.
        return None, _check_cost_matrix(cost_matrix, np.arange(_n_rows(cost_matrix)))
    return labels, _check_cost_matrix(cost_matrix, labels)


def _n_rows(cost_matrix):
    try:
        return len(cost_matrix)
    except TypeError:
        return 0


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "cost_matrix": ["array-like"],
        "labels": ["array-like", None],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def expected_cost(y_true, y_pred, *, cost_matrix, labels=None, sample_weight=None):
    """Mean cost of the predictions: ``mean_n cost_matrix[y_true_n, y_pred_n]``.

    The empirical risk of a classifier under a cost matrix; the decisions of
    least expected cost (``argmin_j sum_i C[i, j] p(i|x)``) minimise it for
    calibrated posteriors. With ``cost_matrix = 1 - I`` it is the error rate.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.

    y_pred : array-like of shape (n_samples,)
        Predicted class labels.

    cost_matrix : array-like of shape (n_labels, n_labels) or DataFrame
        ``cost_matrix[i, j]`` is the cost of predicting label ``j`` when the
        true label is ``i``: finite and non-negative. An array is read in the
        order of ``labels``; a pandas DataFrame is read by label, its index
        holding the true labels and its columns the predicted ones.

    labels : array-like of shape (n_labels,), default=None
        The labels of the rows and columns of ``cost_matrix``, in order. By
        default a DataFrame's index, or for an array the sorted labels of
        ``y_true`` and ``y_pred`` together (which then must number
        ``n_labels``). Every label of ``y_true`` and ``y_pred`` must be among
        them.

    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights: finite, non-negative, with a positive total. The
        result is then the weighted mean cost.

    Returns
    -------
    cost : float
        Mean cost per sample; lower is better.

    See Also
    --------
    make_cost_scorer : The same as a scorer for model selection.

    Examples
    --------
    >>> from sklearn_la.metrics import expected_cost
    >>> cost_matrix = [[0, 1], [10, 0]]  # missing a 1 costs 10
    >>> expected_cost([0, 0, 1, 1], [0, 1, 1, 0], cost_matrix=cost_matrix)
    2.75
    >>> expected_cost(["a", "b"], ["b", "b"], cost_matrix=[[0, 1], [1, 0]])
    0.5
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred, "expected_cost")
    if labels is not None:
        labels = _check_labels_argument(labels, y_true)
    labels, matrix = _cost_labels(cost_matrix, labels, y_true, y_pred)
    true_index = _encode_labels(y_true, labels, name="y_true")
    pred_index = _encode_labels(y_pred, labels, name="y_pred")
    costs = matrix[true_index, pred_index]
    if sample_weight is None:
        return float(np.mean(costs))
    weights = _check_sample_weight(sample_weight, y_true.shape[0])
    return float(np.dot(weights, costs) / weights.sum())


@validate_params(
    {"cost_matrix": ["array-like"], "labels": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def make_cost_scorer(cost_matrix, *, labels=None):
    """Scorer of the negative mean cost, for model selection.

    Parameters
    ----------
    cost_matrix : array-like of shape (n_labels, n_labels) or DataFrame
        ``cost_matrix[i, j]`` is the cost of predicting label ``j`` when the
        true label is ``i``, as in :func:`expected_cost`. It is checked here,
        so a bad matrix fails before any model is fitted.

    labels : array-like of shape (n_labels,), default=None
        The labels of the rows and columns of an array ``cost_matrix``. Give
        them (or a DataFrame indexed by label) whenever a cross-validation
        split may miss a class: without them each split reads the array in
        the order of the sorted labels it contains.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None)`` returning
        ``-expected_cost(y, estimator.predict(X), ...)``: greater is better,
        as :class:`~sklearn.model_selection.GridSearchCV` and
        :class:`~sklearn_la.LogitAdjustedClassifierCV` expect.

    See Also
    --------
    expected_cost : The metric.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_la.metrics import make_cost_scorer
    >>> X, y = [[0], [0], [0], [0]], [0, 0, 0, 1]
    >>> majority = DummyClassifier().fit(X, y)
    >>> scorer = make_cost_scorer([[0, 1], [10, 0]])
    >>> scorer(majority, X, y)  # one missed positive, at cost 10, in 4 samples
    -2.5
    """
    labels, matrix = _cost_labels(cost_matrix, labels)
    return make_scorer(
        expected_cost,
        greater_is_better=False,
        cost_matrix=matrix,
        labels=labels,
    )
