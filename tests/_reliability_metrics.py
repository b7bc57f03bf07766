"""Reliability cases of :mod:`sklearn_la.metrics` (see ``_reliability.py``)."""

import re

import numpy as np
import pandas as pd
import pytest
from _reliability import Case
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_la.metrics import (
    PerClassAccuracyDisplay,
    TauCurveDisplay,
    balanced_error,
    expected_cost,
    group_accuracy,
    make_cost_scorer,
    per_class_recall,
    worst_class_accuracy,
)

AREA = "Metrics"
ORDER = 2

Y_TRUE = np.array(["a", "a", "b", "c"])
Y_PRED = np.array(["a", "b", "b", "c"])
COUNTS = {"c": 1, "a": 500, "b": 50}


def _missing_labels():
    """Each function taking labels refuses a missing one by name; the last
    error propagates."""
    cost = 1 - np.eye(3)
    with pytest.raises(ValueError, match="Labels of mixed types"):
        per_class_recall(Y_TRUE, Y_PRED, labels=["a", 1])
    with pytest.raises(ValueError, match=re.escape("Missing label nan in `labels`")):
        make_cost_scorer(cost, labels=["a", "b", np.nan])
    with pytest.raises(ValueError, match="keys\\) of `class_counts`"):
        _counts({**COUNTS, None: 3})
    with pytest.raises(ValueError, match=re.escape("Missing label None in `labels`")):
        expected_cost(Y_TRUE, Y_PRED, cost_matrix=cost, labels=["a", "b", None])
    per_class_recall(Y_TRUE, Y_PRED, labels=["a", None])


def _group_accuracy(y_true, y_pred):
    return group_accuracy(y_true, y_pred, class_counts=[5, 3, 1])


METRICS = (balanced_error, per_class_recall, worst_class_accuracy, _group_accuracy)


def _every_metric(y_true, y_pred, raises, fragment):
    """Each metric refuses the pair with ``fragment``; the last error propagates."""
    for metric in METRICS[:-1]:
        with pytest.raises(raises, match=re.escape(fragment)):
            metric(y_true, y_pred)
    METRICS[-1](y_true, y_pred)


def _weighted(weights):
    return balanced_error([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], sample_weight=weights)


def _non_finite_weights():
    with pytest.raises(ValueError, match="`sample_weight` must be finite"):
        _weighted([1, 1, np.inf, 1, 1])
    _weighted([1, 1, np.nan, 1, 1])


def _counts(class_counts, **kwargs):
    return group_accuracy(Y_TRUE, Y_PRED, class_counts=class_counts, **kwargs)


def _counts_are_read_by_label():
    expected = {"many": 0.5, "medium": 1.0, "few": 1.0}
    assert _counts(COUNTS, few_threshold=20) == expected
    assert _counts(pd.Series(COUNTS), few_threshold=20) == expected


def _each_threshold(*values):
    for value in values[:-1]:
        with pytest.raises(InvalidParameterError, match="few_threshold"):
            _counts(COUNTS, few_threshold=value)
    _counts(COUNTS, few_threshold=values[-1])


CASES = [
    Case(
        "negative ``sample_weight`` (``balanced_error``)",
        lambda: _weighted([1, 1, -1, 1, 1]),
        ValueError,
        "`sample_weight` must be non-negative",
    ),
    Case(
        "NaN or infinite ``sample_weight`` (``balanced_error``)",
        _non_finite_weights,
        ValueError,
        "`sample_weight` must be finite",
    ),
    Case(
        "non-numeric ``sample_weight`` (``balanced_error``)",
        lambda: _weighted(["a"] * 5),
        TypeError,
        "`sample_weight` must be an array-like of numbers",
    ),
    Case(
        "``sample_weight`` all zero (``balanced_error``)",
        lambda: _weighted([0] * 5),
        ValueError,
        "`sample_weight` sums to zero",
    ),
    Case(
        "``sample_weight`` zero for every sample of one class (``balanced_error``)",
        lambda: _weighted([1, 1, 1, 1, 0]),
        ValueError,
        "`sample_weight` is zero for every sample of class(es) [2] of `y_true`",
    ),
    Case(
        "empty ``y_true`` and ``y_pred`` (any metric)",
        lambda: _every_metric([], [], ValueError, "needs at least one sample"),
        ValueError,
        "needs at least one sample; `y_true` is empty (0 samples)",
    ),
    Case(
        "``y_true`` and ``y_pred`` of different lengths (any metric)",
        lambda: _every_metric([0, 1, 1], [0, 1], ValueError, "same length"),
        ValueError,
        "`y_true` and `y_pred` must have the same length; got 3 and 2 samples",
    ),
    Case(
        "``None`` among the labels (any metric)",
        lambda: _every_metric(
            np.array(["a", None, "b"], dtype=object),
            ["a", "b", "b"],
            ValueError,
            "Missing label None in `y_true`",
        ),
        ValueError,
        "Missing label None in `y_true`",
    ),
    Case(
        "continuous ``y_true`` (any metric)",
        lambda: _every_metric(
            [0.1, 0.5, 0.7], [0.1, 0.5, 0.7], ValueError, "multiclass targets only"
        ),
        ValueError,
        "supports binary or multiclass targets only",
    ),
    Case(
        "int labels in ``y_true``, string labels in ``y_pred`` (any metric)",
        lambda: _every_metric([0, 1, 1], ["0", "1", "1"], ValueError, "same kind"),
        ValueError,
        "`y_true` and `y_pred` must hold labels of the same kind",
    ),
    Case(
        "``None`` (or NaN, or mixed types) in ``labels`` (``per_class_recall``, "
        "``expected_cost``, ``make_cost_scorer``), or among the keys of "
        "``class_counts``",
        _missing_labels,
        ValueError,
        "Missing label None in `labels`; every entry must be a class label",
    ),
    Case(
        "``class_counts`` as a pandas Series or dict in any order",
        _counts_are_read_by_label,
        None,
        "read by label, never by position",
    ),
    Case(
        "``class_counts`` with a duplicate label",
        lambda: _counts(pd.Series([1, 2, 3], index=["a", "a", "b"])),
        ValueError,
        "`class_counts` has duplicate labels",
    ),
    Case(
        "a NaN in ``class_counts``",
        lambda: _counts({**COUNTS, "c": np.nan}),
        ValueError,
        "`class_counts` must be finite",
    ),
    Case(
        "a negative count in ``class_counts``",
        lambda: _counts({**COUNTS, "c": -1}),
        ValueError,
        "`class_counts` must be non-negative",
    ),
    Case(
        "``few_threshold`` (or ``many_threshold``) NaN, negative, infinite or a "
        "bool (``True`` would mean 1)",
        lambda: _each_threshold(np.nan, -1, True, np.inf),
        InvalidParameterError,
        "The 'few_threshold' parameter of group_accuracy",
    ),
    Case(
        "``few_threshold > many_threshold``",
        lambda: _counts(COUNTS, few_threshold=50, many_threshold=10),
        ValueError,
        "`few_threshold` (50) must not exceed `many_threshold` (10)",
    ),
    Case(
        "``PerClassAccuracyDisplay.from_estimator`` with an unfitted model",
        lambda: PerClassAccuracyDisplay.from_estimator(
            LogisticRegression(), [[0], [1]], [0, 1]
        ),
        NotFittedError,
        "is not fitted yet",
    ),
    Case(
        "``TauCurveDisplay.from_estimator`` with another estimator",
        lambda: TauCurveDisplay.from_estimator(LogisticRegression()),
        TypeError,
        "TauCurveDisplay.from_estimator needs a fitted LogitAdjustedClassifierCV",
    ),
]
