"""Metrics, scorers and plots for long-tailed classification.

Long-tail learning is judged on the *balanced* error, the mean per-class error
(Menon et al., "Long-tail learning via logit adjustment", ICLR 2021, section 2),
and on accuracy broken down by how many training samples a class had. The
long-tail literature splits classes into *many-shot* (more than 100 training
samples), *medium-shot* (20 to 100) and *few-shot* (fewer than 20); the
thresholds are parameters here because smaller data sets need smaller ones.

The scorers returned by :func:`make_group_scorer` and :func:`get_scorer` plug
into :class:`~sklearn.model_selection.GridSearchCV`,
:func:`~sklearn.model_selection.cross_validate` and
:class:`~sklearn_la.LogitAdjustedClassifierCV`. The displays
(:class:`PerClassAccuracyDisplay`, :class:`TauCurveDisplay`) follow
scikit-learn's Display API and need matplotlib.

For errors of unequal costs, :func:`expected_cost` is the mean cost of
predictions under a cost matrix and :func:`make_cost_scorer` its scorer
(greater is better), for the decisions of least expected cost that
``cost_matrix=`` gives both post-hoc estimators.
"""

from ._classification import (
    balanced_error,
    group_accuracy,
    per_class_recall,
    worst_class_accuracy,
)
from ._cost import expected_cost, make_cost_scorer
from ._plot import PerClassAccuracyDisplay, TauCurveDisplay, plot_per_class_accuracy
from ._scorers import get_scorer, make_group_scorer

__all__ = [
    "PerClassAccuracyDisplay",
    "TauCurveDisplay",
    "balanced_error",
    "expected_cost",
    "get_scorer",
    "group_accuracy",
    "make_cost_scorer",
    "make_group_scorer",
    "per_class_recall",
    "plot_per_class_accuracy",
    "worst_class_accuracy",
]
