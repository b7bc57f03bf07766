"""Scorers of the long-tail metrics, for model selection.

The group scorer is a plain callable ``scorer(estimator, X, y)`` rather than
a subclass of scikit-learn's private ``_BaseScorer``: it needs the fitted
estimator (for its ``class_counts_``), which ``make_scorer``'s metric never
sees. Plain callables are what scikit-learn documents for ``scoring``; they
give up only the prediction cache shared by scikit-learn's own scorers in
multi-metric scoring (one more ``predict`` per split).
"""

import numpy as np
from sklearn.metrics import get_scorer as _sklearn_get_scorer
from sklearn.metrics import make_scorer
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import StrOptions, validate_params

from .._validation import (
    _CLASS_COUNTS,
    _THRESHOLD,
    _check_class_counts,
    _check_targets,
    _check_thresholds,
)
from ._classification import (
    _GROUPS,
    balanced_error,
    group_accuracy,
    worst_class_accuracy,
)


def _fitted_class_counts(estimator, y, *, owner, fix):
    """``{label: training count}`` from a fitted estimator's ``class_counts_``.

    A pipeline exposes only its final step's attributes through that step. A
    label of ``y`` the estimator was not trained on (a class missing from a
    cross-validation training fold) had no training sample: its count is 0,
    so it is few-shot. ``fix`` says how to do without ``class_counts_``.
    """
    y = _check_targets(y, owner, min_classes=1, name="y")
    holder = estimator
    while not hasattr(holder, "class_counts_") and isinstance(holder, Pipeline):
        holder = holder.steps[-1][1]
    if not hasattr(holder, "class_counts_"):
        raise TypeError(
            "Training class counts are read from the fitted estimator's "
            f"`class_counts_`, which {type(estimator).__name__} does not have. Use "
            "an estimator that exposes it (such as sklearn_la.LogitAdjustedClassifier, "
            f"alone or last in a Pipeline) or {fix}."
        )
    classes = np.asarray(holder.classes_)
    counts = np.asarray(holder.class_counts_)
    if classes.shape != counts.shape:
        raise ValueError(
            f"`class_counts_` of {type(holder).__name__} has shape {counts.shape}, "
            f"expected {classes.shape} to match `classes_`."
        )
    known = dict(zip(classes.tolist(), counts.tolist(), strict=True))
    return {**dict.fromkeys(np.unique(y).tolist(), 0), **known}


class _GroupScorer:
    """Scorer for one group of :func:`group_accuracy`; see :func:`make_group_scorer`."""

    def __init__(self, group, class_counts, many_threshold, few_threshold):
        self._group = group
        self._class_counts = class_counts
        self._many_threshold = many_threshold
        self._few_threshold = few_threshold

    def __call__(self, estimator, X, y_true, sample_weight=None):
        if sample_weight is not None:
            # Ignoring the weights would silently give an unweighted score.
            raise TypeError(
                "Group accuracy takes no `sample_weight`: its per-class accuracies "
                "are unweighted."
            )
        y_pred = estimator.predict(X)
        counts = self._class_counts
        if counts is None:
            counts = _fitted_class_counts(
                estimator,
                y_true,
                owner="make_group_scorer",
                fix="pass `class_counts=` to make_group_scorer",
            )
        return group_accuracy(
            y_true,
            y_pred,
            class_counts=counts,
            many_threshold=self._many_threshold,
            few_threshold=self._few_threshold,
        )[self._group]

    def _accept_sample_weight(self):
        # scikit-learn (1.7+) asks each scorer of a multi-metric scoring
        # whether to hand it the `sample_weight` given to `fit`; this one takes
        # none, so GridSearchCV warns instead of passing it.
        return False

    def __repr__(self):
        counts = "" if self._class_counts is None else ", class_counts=..."
        return (
            f"make_group_scorer({self._group!r}{counts}, "
            f"many_threshold={self._many_threshold!r}, "
            f"few_threshold={self._few_threshold!r})"
        )


@validate_params(
    {
        "group": [StrOptions(set(_GROUPS))],
        "class_counts": [*_CLASS_COUNTS, None],
        "many_threshold": _THRESHOLD,
        "few_threshold": _THRESHOLD,
    },
    prefer_skip_nested_validation=True,
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

    class_counts : mapping, pandas Series or array-like, default=None
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
        that candidate last. The accuracies are unweighted: the scorer refuses
        ``sample_weight``, and ``GridSearchCV.fit(..., sample_weight=...)``
        warns that it does not support it.

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
    _check_thresholds(many_threshold, few_threshold)
    if class_counts is not None:
        _check_class_counts(class_counts)
    return _GroupScorer(group, class_counts, many_threshold, few_threshold)


_SCORER_FACTORIES = {
    "balanced_error": lambda: make_scorer(balanced_error, greater_is_better=False),
    "worst_class_accuracy": lambda: make_scorer(worst_class_accuracy),
    "many_shot_accuracy": lambda: make_group_scorer("many"),
    "medium_shot_accuracy": lambda: make_group_scorer("medium"),
    "few_shot_accuracy": lambda: make_group_scorer("few"),
}


@validate_params({"scoring": [str, callable]}, prefer_skip_nested_validation=True)
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
