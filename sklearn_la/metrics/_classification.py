"""Long-tail classification metrics: balanced error, per-class and group accuracy.

Every metric checks its label vectors and reads training class counts the
same way, through the shared checks of :mod:`sklearn_la._validation`, so a bad
input gets the same error, naming the argument, whichever metric, scorer or
plot it is given to.
"""

import numpy as np
from sklearn.metrics import balanced_accuracy_score
from sklearn.utils._param_validation import validate_params
from sklearn.utils.multiclass import unique_labels

from .._validation import (
    _CLASS_COUNTS,
    _THRESHOLD,
    _check_class_counts,
    _check_class_weights,
    _check_label_pair,
    _check_labels_argument,
    _check_sample_weight,
    _check_thresholds,
    _counts_for_labels,
)

_GROUPS = ("many", "medium", "few")


def _recall_for(y_true, y_pred, labels):
    """Recall of each of ``labels`` (any order); nan for a label absent from ``y_true``.

    Vectorised with a sorted copy of ``labels`` and ``searchsorted`` rather than
    a Python dict, so the cost stays linear in numpy for millions of samples.
    """
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    pos = np.clip(np.searchsorted(sorted_labels, y_true), 0, labels.shape[0] - 1)
    found = sorted_labels[pos] == y_true
    index = order[pos[found]]
    support = np.bincount(index, minlength=labels.shape[0])
    hits = np.bincount(index[y_pred[found] == y_true[found]], minlength=labels.shape[0])
    recall = np.full(labels.shape[0], np.nan)
    np.divide(hits, support, out=recall, where=support > 0)
    return recall


def _assign_groups(counts, many_threshold, few_threshold):
    """Group name of each training count: many (> many), few (< few), else medium."""
    counts = np.asarray(counts, dtype=float)
    return np.where(
        counts > many_threshold,
        "many",
        np.where(counts < few_threshold, "few", "medium"),
    )


def _per_class_accuracy(y_true, y_pred, class_counts, owner):
    """Labels of ``y_true``, their training counts and their recalls."""
    y_true, y_pred = _check_label_pair(y_true, y_pred, owner)
    counts = _check_class_counts(class_counts)
    labels = np.unique(y_true)
    counts = _counts_for_labels(counts, labels, unique_labels(y_true, y_pred))
    return labels, counts, _recall_for(y_true, y_pred, labels)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def balanced_error(y_true, y_pred, *, sample_weight=None):
    """Balanced error: the mean over classes of the per-class error rate.

    ``BER = 1/K * sum_y P(prediction != y | y)``, the quantity that logit
    adjustment minimises (Menon et al., 2021, section 2). Equal to
    ``1 - balanced_accuracy_score(y_true, y_pred)``; with a balanced test set it is
    the plain error rate.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.

    y_pred : array-like of shape (n_samples,)
        Predicted class labels.

    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights: finite, non-negative, with a positive total for
        every class of ``y_true`` (a class of zero weight has no error rate,
        so it is refused by name rather than silently left out).

    Returns
    -------
    error : float
        Balanced error in ``[0, 1]``; lower is better.

    See Also
    --------
    sklearn.metrics.balanced_accuracy_score : One minus this error.
    per_class_recall : The per-class accuracies it averages.

    Examples
    --------
    >>> from sklearn_la.metrics import balanced_error
    >>> y_true = [0, 0, 0, 0, 1]
    >>> y_pred = [0, 0, 0, 0, 0]
    >>> balanced_error(y_true, y_pred)
    0.5
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred, "balanced_error")
    if sample_weight is not None:
        # Negative weights would give negative per-class supports and a
        # "balanced error" outside [0, 1] (inf for a zero-sum class).
        sample_weight = _check_sample_weight(sample_weight, y_true.shape[0])
        _check_class_weights(y_true, sample_weight)
    return 1.0 - float(
        balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight)
    )


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "labels": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def per_class_recall(y_true, y_pred, *, labels=None):
    """Recall (per-class accuracy) of every class.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.

    y_pred : array-like of shape (n_samples,)
        Predicted class labels.

    labels : array-like of shape (n_labels,), default=None
        Labels to report, in this order. By default the sorted union of the
        labels in ``y_true`` and ``y_pred``.

    Returns
    -------
    recall : ndarray of shape (n_labels,)
        Fraction of the samples of each class that are predicted as that class,
        aligned with ``labels``. A label with no sample in ``y_true`` has no
        recall: its entry is nan.

    See Also
    --------
    worst_class_accuracy : The smallest of these recalls.
    sklearn.metrics.recall_score : With ``average=None``, the same numbers
        (0 instead of nan for classes absent from ``y_true``).

    Examples
    --------
    >>> from sklearn_la.metrics import per_class_recall
    >>> per_class_recall(["a", "a", "b", "b"], ["a", "c", "b", "b"])
    array([0.5, 1. , nan])
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred, "per_class_recall")
    if labels is None:
        labels = unique_labels(y_true, y_pred)
    else:
        labels = _check_labels_argument(labels, y_true)
    return _recall_for(y_true, y_pred, labels)


@validate_params(
    {"y_true": ["array-like"], "y_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def worst_class_accuracy(y_true, y_pred):
    """Smallest per-class recall over the classes present in ``y_true``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.

    y_pred : array-like of shape (n_samples,)
        Predicted class labels.

    Returns
    -------
    accuracy : float
        ``min_y P(prediction = y | y)``; higher is better.

    See Also
    --------
    per_class_recall : All the per-class recalls.

    Examples
    --------
    >>> from sklearn_la.metrics import worst_class_accuracy
    >>> worst_class_accuracy([0, 0, 1, 1, 2], [0, 0, 1, 0, 0])
    0.0
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred, "worst_class_accuracy")
    return float(np.min(_recall_for(y_true, y_pred, np.unique(y_true))))


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "class_counts": _CLASS_COUNTS,
        "many_threshold": _THRESHOLD,
        "few_threshold": _THRESHOLD,
    },
    prefer_skip_nested_validation=True,
)
def group_accuracy(
    y_true, y_pred, *, class_counts, many_threshold=100, few_threshold=20
):
    """Mean per-class accuracy of many-, medium- and few-shot classes.

    Classes are grouped by their number of *training* samples ``n``:
    many-shot if ``n > many_threshold``, few-shot if ``n < few_threshold``,
    medium-shot otherwise. The defaults give the long-tail literature's
    split (more than 100 / 20 to 100 / fewer than 20). Each group's value is the
    mean recall of its classes present in ``y_true``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels of the evaluation data.

    y_pred : array-like of shape (n_samples,)
        Predicted class labels.

    class_counts : mapping, pandas Series or array-like of shape (n_labels,)
        Training samples per class: a mapping (``Counter(y_train)``) or Series
        (``y_train.value_counts()``), read by label, covering every label of
        ``y_true``; or an array aligned with the sorted labels of ``y_true``
        and ``y_pred`` together (``np.unique(y_train, return_counts=True)[1]``
        when every class occurs in both). A class absent from training counts
        0 and is few-shot.

    many_threshold : float, default=100
        Classes with more training samples than this are many-shot.

    few_threshold : float, default=20
        Classes with fewer training samples than this are few-shot. Must not
        exceed ``many_threshold``.

    Returns
    -------
    accuracies : dict
        ``{"many": float, "medium": float, "few": float}``. A group with no
        class present in ``y_true`` has no accuracy: its value is nan.

    See Also
    --------
    make_group_scorer : The same as a scorer for model selection.
    PerClassAccuracyDisplay : Per-class accuracy against class frequency.

    Examples
    --------
    >>> from sklearn_la.metrics import group_accuracy
    >>> y_true = [0, 0, 1, 1, 2, 2]
    >>> y_pred = [0, 0, 1, 0, 0, 0]
    >>> group_accuracy(y_true, y_pred, class_counts={0: 500, 1: 50, 2: 5})
    {'many': 1.0, 'medium': 0.5, 'few': 0.0}
    >>> group_accuracy(y_true, y_pred, class_counts=[500, 400, 5])["medium"]
    nan
    """
    _check_thresholds(many_threshold, few_threshold)
    _, counts, recall = _per_class_accuracy(
        y_true, y_pred, class_counts, "group_accuracy"
    )
    groups = _assign_groups(counts, many_threshold, few_threshold)
    return {
        group: float(np.mean(recall[groups == group]))
        if np.any(groups == group)
        else float("nan")
        for group in _GROUPS
    }
