"""Metrics for long-tailed classification.

Long-tail learning is judged on the *balanced* error, the mean per-class error
(Menon et al., "Long-tail learning via logit adjustment", ICLR 2021, section 2),
and on accuracy broken down by how many training samples a class had. The
long-tail literature splits classes into *many-shot* (more than 100 training
samples), *medium-shot* (20 to 100) and *few-shot* (fewer than 20); the
thresholds are parameters here because smaller data sets need smaller ones.

The scorers returned by :func:`make_group_scorer` and :func:`get_scorer` plug
into :class:`~sklearn.model_selection.GridSearchCV` and
:func:`~sklearn.model_selection.cross_validate`.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np
from sklearn.metrics import balanced_accuracy_score, make_scorer
from sklearn.metrics import get_scorer as _sklearn_get_scorer

# Subclassing scikit-learn's scorer base (what its own scorers do) is the only way
# for a scorer that needs the fitted estimator to share the prediction cache of
# multi-metric scoring and to answer ``_accept_sample_weight``, which
# ``GridSearchCV(scoring={...}).fit(..., sample_weight=...)`` asks every scorer.
from sklearn.metrics._scorer import _BaseScorer
from sklearn.pipeline import Pipeline
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_consistent_length, column_or_1d

__all__ = [
    "balanced_error",
    "get_scorer",
    "group_accuracy",
    "make_group_scorer",
    "per_class_recall",
    "plot_per_class_accuracy",
    "worst_class_accuracy",
]

_GROUPS = ("many", "medium", "few")


def _check_labels(y, name):
    """Return ``y`` as a 1-D array of class labels, refusing anything else."""
    try:
        y = column_or_1d(y)
    except ValueError as exc:
        raise ValueError(
            f"`{name}` must be a 1-D array-like of class labels; got shape "
            f"{np.shape(y)}."
        ) from exc
    target_type = type_of_target(y, input_name=name)
    if target_type not in ("binary", "multiclass"):
        raise ValueError(
            f"`{name}` must hold class labels (a binary or multiclass target); "
            f"got a {target_type!r} target."
        )
    return y


def _check_label_pair(y_true, y_pred):
    """Validate a pair of label vectors: same length, non-empty, same label type."""
    y_true = _check_labels(y_true, "y_true")
    y_pred = _check_labels(y_pred, "y_pred")
    check_consistent_length(y_true, y_pred)
    if y_true.shape[0] == 0:
        raise ValueError(
            "`y_true` and `y_pred` are empty; expected at least one sample."
        )
    return y_true, y_pred


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


def _check_threshold(value, name):
    if isinstance(value, bool) or not isinstance(value, Real) or np.isnan(value):
        raise TypeError(f"`{name}` must be a real number; got {value!r}.")
    return float(value)


def _check_thresholds(many_threshold, few_threshold):
    many = _check_threshold(many_threshold, "many_threshold")
    few = _check_threshold(few_threshold, "few_threshold")
    if few > many:
        raise ValueError(
            f"`few_threshold` ({few_threshold!r}) must not exceed `many_threshold` "
            f"({many_threshold!r}): few-shot classes have fewer training samples than "
            "many-shot ones."
        )
    return many, few


def _assign_groups(counts, many_threshold, few_threshold):
    """Group name of each training count: many (> many), few (< few), else medium."""
    counts = np.asarray(counts, dtype=float)
    return np.where(
        counts > many_threshold,
        "many",
        np.where(counts < few_threshold, "few", "medium"),
    )


def _is_pandas_series(obj):
    # Checked by name so that pandas stays an optional dependency.
    return type(obj).__name__ == "Series" and hasattr(obj, "items")


def _check_count_values(values):
    try:
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"`class_counts` must hold numbers (training samples per class); got "
            f"{values!r}."
        ) from exc
    if values.ndim != 1:
        raise ValueError(
            "`class_counts` must be a mapping {label: count} or a 1-D array of "
            f"counts; got an array of shape {values.shape}."
        )
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(
            f"`class_counts` must be finite and non-negative; got {values.tolist()!r}."
        )
    return values


def _check_class_counts(class_counts):
    """Normalise ``class_counts`` to a dict, or to a 1-D float array (aligned later)."""
    if class_counts is None or isinstance(class_counts, str):
        raise TypeError(
            "`class_counts` must be a mapping {label: training count} or an array of "
            f"counts aligned with the sorted labels; got {class_counts!r}."
        )
    if isinstance(class_counts, Mapping) or _is_pandas_series(class_counts):
        items = list(class_counts.items())
        values = _check_count_values([value for _, value in items])
        return dict(zip([key for key, _ in items], values, strict=True))
    return _check_count_values(class_counts)


def _counts_for_labels(class_counts, labels, y_true, y_pred):
    """Training count of each of ``labels`` (the labels of ``y_true``)."""
    counts = _check_class_counts(class_counts)
    if isinstance(counts, dict):
        missing = [label for label in labels if label not in counts]
        if missing:
            raise ValueError(
                f"`class_counts` has no training count for label(s) "
                f"{[_plain(v) for v in missing]!r} found in `y_true`; give 0 for a "
                "class absent from training."
            )
        return np.array([counts[label] for label in labels], dtype=float)
    # An array is aligned with the sorted labels of y_true and y_pred together,
    # the order of ``np.unique`` on the training labels when every class occurs.
    all_labels = unique_labels(y_true, y_pred)
    if counts.shape[0] != all_labels.shape[0]:
        raise ValueError(
            f"`class_counts` has {counts.shape[0]} entries but `y_true` and `y_pred` "
            f"hold {all_labels.shape[0]} labels {[_plain(v) for v in all_labels]!r}; "
            "an array must be aligned with these sorted labels. Pass a mapping "
            "{label: training count} when some class is absent from the test data."
        )
    return counts[np.searchsorted(all_labels, labels)]


def _plain(value):
    """A numpy scalar as a Python value: messages say ``[3]``, not ``[np.int64(3)]``."""
    return value.item() if isinstance(value, np.generic) else value


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
        Sample weights.

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
    return 1.0 - float(
        balanced_accuracy_score(y_true, y_pred, sample_weight=sample_weight)
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
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    if labels is None:
        labels = unique_labels(y_true, y_pred)
    else:
        labels = _check_labels_argument(labels, y_true)
    return _recall_for(y_true, y_pred, labels)


def _check_labels_argument(labels, y_true):
    if isinstance(labels, str) or np.ndim(labels) != 1 or len(labels) == 0:
        raise ValueError(
            f"`labels` must be a non-empty 1-D array-like of class labels; got "
            f"{labels!r}."
        )
    labels = np.asarray(labels)
    if np.unique(labels).shape[0] != labels.shape[0]:
        raise ValueError(f"`labels` must not repeat a label; got {labels.tolist()!r}.")
    # Comparing string labels with numeric ones would silently match nothing.
    try:
        unique_labels(labels, y_true)
    except ValueError as exc:
        raise ValueError(
            f"`labels` and `y_true` must hold labels of the same kind: {exc}"
        ) from exc
    return labels


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
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    return float(np.min(_recall_for(y_true, y_pred, np.unique(y_true))))


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

    class_counts : mapping or array-like of shape (n_labels,)
        Training samples per class: a mapping ``{label: count}`` (a dict,
        :class:`collections.Counter`, or ``pandas.Series.value_counts()``) that
        covers every label of ``y_true``, or an array aligned with the sorted
        union of the labels of ``y_true`` and ``y_pred`` (what
        ``np.unique(y_train, return_counts=True)[1]`` gives when every class
        occurs in the evaluation data). Give 0 for a class absent from
        training; it is few-shot.

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
    plot_per_class_accuracy : Per-class accuracy against class frequency.

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
    many, few = _check_thresholds(many_threshold, few_threshold)
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    labels = np.unique(y_true)
    counts = _counts_for_labels(class_counts, labels, y_true, y_pred)
    recall = _recall_for(y_true, y_pred, labels)
    groups = _assign_groups(counts, many, few)
    return {
        group: float(np.mean(recall[groups == group]))
        if np.any(groups == group)
        else float("nan")
        for group in _GROUPS
    }


def _fitted_class_counts(estimator):
    """``{label: training count}`` from a fitted estimator's ``class_counts_``.

    A pipeline exposes only its final step's attributes through that step.
    """
    holder = estimator
    while not hasattr(holder, "class_counts_") and isinstance(holder, Pipeline):
        holder = holder.steps[-1][1]
    if not hasattr(holder, "class_counts_"):
        raise TypeError(
            "This group scorer reads training class counts from the fitted "
            f"estimator's `class_counts_`, which {type(estimator).__name__} does not "
            "have. Use an estimator that exposes it (such as "
            "sklearn_la.LogitAdjustedClassifier, alone or last in a Pipeline) or "
            "pass `class_counts=` to make_group_scorer."
        )
    classes = np.asarray(holder.classes_)
    counts = np.asarray(holder.class_counts_)
    if classes.shape != counts.shape:
        raise ValueError(
            f"`class_counts_` of {type(holder).__name__} has shape {counts.shape}, "
            f"expected {classes.shape} to match `classes_`."
        )
    return dict(zip(classes, counts, strict=True))


class _GroupScorer(_BaseScorer):
    """Scorer for one group of :func:`group_accuracy`; see :func:`make_group_scorer`."""

    def __init__(self, group, class_counts, many_threshold, few_threshold):
        super().__init__(
            score_func=group_accuracy,
            sign=1,
            kwargs={"many_threshold": many_threshold, "few_threshold": few_threshold},
            response_method="predict",
        )
        self._group = group
        self._class_counts = class_counts

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        if kwargs:
            # Dropping requested metadata (sample_weight) would silently give an
            # unweighted score.
            raise TypeError(
                f"Group accuracy takes no metadata; got {sorted(kwargs)!r}. Its "
                "per-class accuracies are unweighted."
            )
        y_pred = method_caller(estimator, "predict", X)
        if self._class_counts is not None:
            counts = self._class_counts
        else:
            counts = _fitted_class_counts(estimator)
            # A cross-validation training fold can miss a rare class that the
            # test fold has: it had zero training samples, so it is few-shot.
            for label in np.unique(y_true):
                counts.setdefault(label, 0)
        return group_accuracy(y_true, y_pred, class_counts=counts, **self._kwargs)[
            self._group
        ]

    def __repr__(self):
        counts = "" if self._class_counts is None else ", class_counts=..."
        return (
            f"make_group_scorer({self._group!r}{counts}, "
            f"many_threshold={self._kwargs['many_threshold']!r}, "
            f"few_threshold={self._kwargs['few_threshold']!r})"
        )


def make_group_scorer(
    group, *, class_counts=None, many_threshold=100, few_threshold=20
):
    """Scorer of the many-, medium- or few-shot accuracy, for model selection.

    Parameters
    ----------
    group : {"many", "medium", "few"}
        Which group's mean per-class accuracy to return; see
        :func:`group_accuracy`.

    class_counts : mapping or array-like, default=None
        Training samples per class, as in :func:`group_accuracy`. By default
        they are read from the fitted estimator's ``class_counts_`` (aligned
        with its ``classes_``; for a :class:`~sklearn.pipeline.Pipeline`, from
        its last step), so each cross-validation split uses the counts of its
        own training fold; a class absent from that fold counts 0 (few-shot).
        An estimator without ``class_counts_`` raises a TypeError.

    many_threshold : float, default=100
        Classes with more training samples than this are many-shot.

    few_threshold : float, default=20
        Classes with fewer training samples than this are few-shot.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)`` returning the group's accuracy (higher is
        better). When the evaluation data has no class of the group the score
        is nan; ``GridSearchCV`` then warns about non-finite scores and ranks
        that candidate last.

    See Also
    --------
    get_scorer : Scorers by name, including this one for each group.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn_la import LogitAdjustedClassifier
    >>> from sklearn_la.datasets import make_paper_synthetic
    >>> from sklearn_la.metrics import make_group_scorer
    >>> X, y = make_paper_synthetic(2000, positive_fraction=0.2, random_state=0)
    >>> search = GridSearchCV(
    ...     LogitAdjustedClassifier(LogisticRegression()),
    ...     {"tau": [0.0, 1.0]},
    ...     scoring=make_group_scorer("few", many_threshold=500, few_threshold=500),
    ... ).fit(X, y)
    >>> search.best_params_
    {'tau': 1.0}
    """
    if group not in _GROUPS:
        raise ValueError(f"`group` must be one of {list(_GROUPS)!r}; got {group!r}.")
    _check_thresholds(many_threshold, few_threshold)
    if class_counts is not None:
        _check_class_counts(class_counts)
    return _GroupScorer(group, class_counts, many_threshold, few_threshold)


def _balanced_error_scorer():
    return make_scorer(balanced_error, greater_is_better=False)


def _worst_class_scorer():
    return make_scorer(worst_class_accuracy)


_SCORER_FACTORIES = {
    "balanced_error": _balanced_error_scorer,
    "worst_class_accuracy": _worst_class_scorer,
    "many_shot_accuracy": lambda: make_group_scorer("many"),
    "medium_shot_accuracy": lambda: make_group_scorer("medium"),
    "few_shot_accuracy": lambda: make_group_scorer("few"),
}


def get_scorer(scoring):
    """Scorer by name: this package's long-tail scorers, or scikit-learn's.

    Parameters
    ----------
    scoring : str or callable
        One of

        - ``"balanced_error"``: :func:`balanced_error`, negated as scikit-learn
          does for losses (``greater_is_better=False``), so the score is
          ``-balanced_error`` and higher is better;
        - ``"worst_class_accuracy"``: :func:`worst_class_accuracy`;
        - ``"many_shot_accuracy"``, ``"medium_shot_accuracy"``,
          ``"few_shot_accuracy"``: :func:`make_group_scorer` with the default
          thresholds (100 and 20) and counts from the estimator's
          ``class_counts_``; nan when the evaluation data has no class of the
          group;
        - any name of :func:`sklearn.metrics.get_scorer_names`, or a callable,
          passed to :func:`sklearn.metrics.get_scorer`.

    Returns
    -------
    scorer : callable
        A new scorer ``scorer(estimator, X, y)``.

    See Also
    --------
    make_group_scorer : Group scorers with other thresholds or fixed counts.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn_la.metrics import get_scorer
    >>> X, y = [[0], [0], [0], [0]], [0, 0, 0, 1]
    >>> majority = DummyClassifier().fit(X, y)
    >>> get_scorer("balanced_error")(majority, X, y)
    -0.5
    >>> get_scorer("accuracy")(majority, X, y)
    0.75
    """
    if isinstance(scoring, str) and scoring in _SCORER_FACTORIES:
        return _SCORER_FACTORIES[scoring]()
    try:
        return _sklearn_get_scorer(scoring)
    except ValueError as exc:
        if not isinstance(scoring, str):
            raise
        raise ValueError(
            f"{scoring!r} is not a valid scorer name. sklearn-la provides "
            f"{sorted(_SCORER_FACTORIES)!r}; scikit-learn's names are listed by "
            "sklearn.metrics.get_scorer_names()."
        ) from exc


def plot_per_class_accuracy(y_true, y_pred, *, class_counts, ax=None, label=None):
    """Plot per-class accuracy against the number of training samples per class.

    The picture behind the many/medium/few split: under plain empirical risk
    minimisation accuracy falls with class frequency, and logit adjustment
    flattens that slope. Needs matplotlib.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels of the evaluation data.

    y_pred : array-like of shape (n_samples,)
        Predicted class labels.

    class_counts : mapping or array-like of shape (n_labels,)
        Training samples per class, as in :func:`group_accuracy`. Classes with
        a count of 0 have no place on the logarithmic axis and are left out.

    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is created when None.

    label : str, default=None
        Legend label of this curve (adds a legend), to compare models on one
        Axes.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on.

    See Also
    --------
    group_accuracy : The same accuracies averaged by frequency group.

    Examples
    --------
    >>> from sklearn_la.metrics import plot_per_class_accuracy
    >>> y_true = [0, 0, 1, 1, 2, 2]
    >>> y_pred = [0, 0, 1, 0, 0, 0]
    >>> ax = plot_per_class_accuracy(  # doctest: +SKIP
    ...     y_true, y_pred, class_counts={0: 500, 1: 50, 2: 5}, label="ERM"
    ... )
    """
    y_true, y_pred = _check_label_pair(y_true, y_pred)
    labels = np.unique(y_true)
    counts = _counts_for_labels(class_counts, labels, y_true, y_pred)
    recall = _recall_for(y_true, y_pred, labels)
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "plot_per_class_accuracy needs matplotlib; install it with "
            "`pip install matplotlib`."
        ) from exc
    if ax is None:
        _, ax = plt.subplots()
    shown = counts > 0
    order = np.argsort(counts[shown], kind="stable")
    ax.plot(
        counts[shown][order],
        recall[shown][order],
        marker="o",
        linestyle="-",
        label=label,
    )
    ax.set_xscale("log")
    ax.set_xlabel("training samples per class")
    ax.set_ylabel("per-class accuracy (recall)")
    ax.set_ylim(-0.02, 1.02)
    if label is not None:
        ax.legend()
    return ax
