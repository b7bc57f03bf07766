"""Reliability cases of cost matrices, calibration and label shift."""

import numpy as np
import pandas as pd
import pytest
from _core import long_tailed
from _reliability import Case
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la.metrics import expected_cost

AREA = "Cost matrices, calibration and label shift"

X, Y = long_tailed(n_samples=120, weights=(0.6, 0.3, 0.1))
ZERO_ONE = 1.0 - np.eye(3)


def _fit(cv=False, base=None, **kwargs):
    base = LogisticRegression() if base is None else base
    if cv:
        return LogitAdjustedClassifierCV(base, cv=2, taus=3, **kwargs).fit(X, Y)
    return LogitAdjustedClassifier(base, **kwargs).fit(X, Y)


def _with_entry(i, j, value):
    matrix = ZERO_ONE.copy()
    matrix[i, j] = value
    return matrix


def _zero_one_changes_nothing():
    plain = _fit()
    costly = _fit(cost_matrix=3 * ZERO_ONE, target_priors="uniform")
    np.testing.assert_array_equal(costly.predict(X), plain.predict(X))
    np.testing.assert_array_equal(costly.predict_proba(X), plain.predict_proba(X))


def _free_class_is_always_predicted():
    matrix = ZERO_ONE * 5
    matrix[:, 1] = 0.0
    assert np.all(_fit(cost_matrix=matrix).predict(X) == 1)


def _data_frame_is_read_by_label():
    frame = pd.DataFrame(_with_entry(2, 0, 9.0), index=[0, 1, 2], columns=[0, 1, 2])
    clf = _fit(cost_matrix=frame.loc[[2, 0, 1], [1, 2, 0]])
    np.testing.assert_array_equal(clf.cost_matrix_, _with_entry(2, 0, 9.0))


def _frozen():
    return FrozenEstimator(LogisticRegression().fit(X, Y))


def _one_row_class_is_left_uncalibrated():
    # Every row of classes 0 and 1, and a single row of class 2.
    rows = np.r_[np.flatnonzero(Y != 2), np.flatnonzero(Y == 2)[0]]
    kwargs = dict(cv=2, taus=3, random_state=0)
    with pytest.warns(UserWarning, match="was not applied"):
        fitted = LogitAdjustedClassifierCV(
            LogisticRegression(), calibration="bcts", **kwargs
        ).fit(X[rows], Y[rows])
    plain = LogitAdjustedClassifierCV(LogisticRegression(), **kwargs)
    plain.fit(X[rows], Y[rows])
    assert fitted.calibration_.temperature == 1.0
    np.testing.assert_array_equal(fitted.calibration_.bias, 0.0)
    np.testing.assert_array_equal(fitted.predict(X), plain.predict(X))
    np.testing.assert_allclose(fitted.predict_proba(X), plain.predict_proba(X))
    np.testing.assert_allclose(
        fitted.estimate_target_priors(X), plain.estimate_target_priors(X)
    )


def _one_row_estimate():
    return _fit(calibration="bcts", cv=True).estimate_target_priors(X[:1])


CASES = [
    Case(
        "``cost_matrix`` of the wrong shape (2 x 2 for 3 classes)",
        lambda: _fit(cost_matrix=1 - np.eye(2)),
        ValueError,
        "`cost_matrix` must be a 3 x 3 array of costs",
    ),
    Case(
        "a negative cost",
        lambda: _fit(cost_matrix=_with_entry(0, 1, -1.0)),
        ValueError,
        "`cost_matrix` must be non-negative; got 1 entry(ies) that are not, the "
        "first cost_matrix[0, 1] = -1.0",
    ),
    Case(
        "a NaN or infinite cost",
        lambda: _fit(cost_matrix=_with_entry(2, 0, np.inf), cv=True),
        ValueError,
        "`cost_matrix` must be finite",
    ),
    Case(
        "an all-zero ``cost_matrix``",
        lambda: _fit(cost_matrix=np.zeros((3, 3))),
        ValueError,
        "does not distinguish any prediction",
    ),
    Case(
        "a ``cost_matrix`` DataFrame missing a label",
        lambda: _fit(
            cost_matrix=pd.DataFrame(ZERO_ONE, index=[0, 1, 7], columns=[0, 1, 2])
        ),  # fmt: skip
        ValueError,
        "its index (true classes) must hold exactly the classes [0, 1, 2]; missing "
        "[2], unknown [7]",
    ),
    Case(
        "a ``cost_matrix`` DataFrame in another label order",
        _data_frame_is_read_by_label,
        None,
        "aligned by label on both axes (``cost_matrix_`` in ``classes_`` order)",
    ),
    Case(
        "``cost_matrix=1 - I`` (or any positive multiple, plus a cost per row), "
        '``target_priors="uniform"``',
        _zero_one_changes_nothing,
        None,
        "exactly the predictions and probabilities without a cost matrix, ties "
        "included",
    ),
    Case(
        "a class whose column costs nothing",
        _free_class_is_always_predicted,
        None,
        "that class is always predicted",
    ),
    Case(
        "``expected_cost`` with a label outside ``labels``",
        lambda: expected_cost(
            [0, 3], [0, 1], cost_matrix=1 - np.eye(2), labels=[0, 1]
        ),  # fmt: skip
        ValueError,
        "`y_true` contains labels [3] that are not among the classes [0, 1]",
    ),
    Case(
        "``calibration`` on an unfrozen base in ``LogitAdjustedClassifier``",
        lambda: _fit(calibration="temperature"),
        ValueError,
        "needs held-out scores",
    ),
    Case(
        "``calibration`` of a frozen base on data lacking a class",
        lambda: LogitAdjustedClassifier(
            _frozen(), calibration="bcts", priors=[0.6, 0.3, 0.1]
        ).fit(X[Y != 2], Y[Y != 2]),
        ValueError,
        "`calibration` needs every class in the calibration data; class(es) [2]",
    ),
    Case(
        "``calibration`` in the CV estimator with a class of one training row",
        _one_row_class_is_left_uncalibrated,
        None,
        "a UserWarning; that class is scored out-of-fold only by models trained "
        "without it, so the scores stay uncalibrated (``calibration_`` is the "
        "identity map) and every output equals the uncalibrated fit's",
    ),
    Case(
        "an unknown ``calibration``",
        lambda: _fit(calibration="platt", cv=True),
        InvalidParameterError,
        "The 'calibration' parameter",
    ),
    Case(
        "``estimate_target_priors`` on one row",
        _one_row_estimate,
        ValueError,
        "needs at least 2 rows; got 1",
    ),
]
