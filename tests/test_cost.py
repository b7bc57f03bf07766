"""Expected-cost decisions, the cost-matrix check, the metric and its scorer."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import softmax
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import FixedThresholdClassifier, GridSearchCV

import sklearn_la._cost as cost_module
from sklearn_la import LogitAdjustedClassifier
from sklearn_la._cost import (
    _binary_threshold,
    _expected_cost_decision,
    _zero_one_scale,
)
from sklearn_la._validation import _check_cost_matrix
from sklearn_la.datasets import make_paper_synthetic
from sklearn_la.metrics._cost import expected_cost, make_cost_scorer

ZERO_ONE = 1.0 - np.eye(3)

# Log-scores on a coarse grid, -inf included, so that exact ties are common.
_GRID = st.sampled_from([-np.inf, -3.0, -1.0, -0.5, 0.0, 0.5, 2.0])


def _log_scores(k):
    return hnp.arrays(
        np.float64, st.tuples(st.integers(1, 12), st.just(k)), elements=_GRID
    )


def _continuous_scores(k):
    return hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.just(k)),
        elements=st.floats(-20, 20, allow_nan=False, allow_infinity=False),
    )


def _cost_matrices(k):
    return hnp.arrays(
        np.float64, (k, k), elements=st.floats(0, 10, allow_nan=False)
    ).filter(lambda c: not np.all(c == c[:, :1]))


def _expected_costs(log_scores, cost_matrix):
    """The textbook computation, for reference: softmax, then p @ C."""
    proba = softmax(
        np.where(np.all(log_scores == -np.inf, 1)[:, None], 0.0, log_scores), 1
    )
    return proba @ cost_matrix


def _assert_near_optimal(indices, log_scores, cost_matrix):
    """Each chosen class is of least expected cost up to float rounding."""
    costs = _expected_costs(log_scores, cost_matrix)
    chosen = costs[np.arange(len(indices)), indices]
    slack = 1e-9 * (1.0 + np.abs(cost_matrix).max())
    assert np.all(chosen <= costs.min(axis=1) + slack)


# -- the decision rule ---------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda k: st.tuples(
            _log_scores(k),
            st.floats(1e-3, 1e3),
            hnp.arrays(np.float64, k, elements=st.floats(0, 5)),
        )
    )
)
def test_zero_one_cost_reproduces_argmax_exactly_ties_included(case):
    log_scores, scale, row_cost = case
    k = log_scores.shape[1]
    for cost_matrix in (1.0 - np.eye(k), scale * (1.0 - np.eye(k)) + row_cost[:, None]):
        np.testing.assert_array_equal(
            _expected_cost_decision(log_scores, cost_matrix),
            np.argmax(log_scores, axis=1),
        )
    with np.errstate(invalid="ignore"):
        proba = np.nan_to_num(softmax(log_scores, axis=1))  # all -inf: a zero row
    np.testing.assert_array_equal(
        _expected_cost_decision(proba, 1.0 - np.eye(k), log_scores=False),
        np.argmax(proba, axis=1),
    )


def test_zero_one_ties_go_to_the_first_class():
    log_scores = np.array(
        [[0.0, 0.0, -1.0], [-np.inf, 0.0, 0.0], [-np.inf] * 3, [1.0, 2.0, 2.0]]
    )
    np.testing.assert_array_equal(
        _expected_cost_decision(log_scores, ZERO_ONE), [0, 1, 0, 1]
    )


def test_zero_one_shortcut_keeps_distinctions_that_one_minus_p_would_round_away():
    # 1 - 1e-20 == 1 - 2e-20 == 1.0 in float64: only the argmax tells them apart.
    proba = np.array([[1e-20, 2e-20, 0.0]])
    assert 1.0 - proba[0, 0] == 1.0 - proba[0, 1]
    assert _expected_cost_decision(proba, 1 - np.eye(3), log_scores=False)[0] == 1


def test_general_cost_ties_go_to_the_first_class_among_the_minima():
    # Predicting 1 or 2 costs 0.5 exactly; predicting 0 costs 1.
    cost_matrix = np.array([[0.0, 1.0, 0.0], [2.0, 0.0, 1.0], [0.0, 5.0, 5.0]])
    proba = np.array([[0.5, 0.5, 0.0]])
    costs = proba @ cost_matrix
    assert costs[0, 1] == costs[0, 2] < costs[0, 0]
    assert _expected_cost_decision(proba, cost_matrix, log_scores=False)[0] == 1
    with np.errstate(divide="ignore"):
        assert _expected_cost_decision(np.log(proba), cost_matrix)[0] == 1


@pytest.mark.parametrize(
    "cost_matrix, expected",
    [
        (1 - np.eye(3), 1.0),
        (4 * (1 - np.eye(3)), 4.0),
        (2 * (1 - np.eye(3)) + np.array([[1.0], [0.0], [3.0]]), 2.0),
        (1 - np.eye(3) + np.array([[0.0, 0.0, 1.0]]), None),  # a column shift
        (np.array([[0.0, 1.0], [5.0, 0.0]]), None),
        (np.eye(2), None),  # a = -1: predicting the truth is the costly choice
    ],
)
def test_zero_one_shortcut_detects_exactly_the_equivalent_matrices(
    cost_matrix, expected
):
    assert _zero_one_scale(cost_matrix) == expected


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5).flatmap(lambda k: _continuous_scores(k)))
def test_general_path_agrees_with_argmax_for_the_zero_one_cost(log_scores):
    # The matmul path, forced, against the argmax: equal away from near-ties.
    k = log_scores.shape[1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cost_module, "_zero_one_scale", lambda cost_matrix: None)
        indices = _expected_cost_decision(log_scores, 1.0 - np.eye(k))
    top = np.sort(log_scores, axis=1)
    clear = top[:, -1] - top[:, -2] > 1e-9
    np.testing.assert_array_equal(indices[clear], np.argmax(log_scores, 1)[clear])
    _assert_near_optimal(indices, log_scores, 1.0 - np.eye(k))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5).flatmap(lambda k: st.tuples(_log_scores(k), _cost_matrices(k)))
)
def test_decision_is_of_least_expected_cost(case):
    log_scores, cost_matrix = case
    indices = _expected_cost_decision(log_scores, cost_matrix)
    _assert_near_optimal(indices, log_scores, cost_matrix)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda k: st.tuples(
            _continuous_scores(k),
            _cost_matrices(k),
            st.integers(-8, 8),
            hnp.arrays(np.float64, k, elements=st.floats(0, 10)),
        )
    )
)
def test_decision_is_invariant_to_scaling_and_to_a_cost_per_true_class(case):
    """``C -> a C + r 1^T`` changes every expected cost by ``(a - 1) E[C] + E[r]``
    alike: ``sum_i (a C_ij + r_i) p_i = a sum_i C_ij p_i + sum_i r_i p_i``."""
    log_scores, cost_matrix, power, row_cost = case
    indices = _expected_cost_decision(log_scores, cost_matrix)
    # A power of two scales every rounding exactly: identical decisions.
    np.testing.assert_array_equal(
        _expected_cost_decision(log_scores, 2.0**power * cost_matrix), indices
    )
    shifted = _expected_cost_decision(log_scores, cost_matrix + row_cost[:, None])
    _assert_near_optimal(shifted, log_scores, cost_matrix)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda k: st.tuples(_log_scores(k), _cost_matrices(k), st.integers(0, k - 1))
    )
)
def test_a_column_penalty_above_the_cost_range_removes_that_class(case):
    """Adding ``M`` to column ``j`` adds ``M`` to the expected cost of predicting
    ``j`` (probabilities sum to one), so it is *not* an invariance: with
    ``M > max C - min C``, ``j`` costs more than any other class, always."""
    log_scores, cost_matrix, j = case
    penalised = cost_matrix.copy()
    penalised[:, j] += cost_matrix.max() - cost_matrix.min() + 1.0
    assert not np.any(_expected_cost_decision(log_scores, penalised) == j)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda k: st.tuples(
            _log_scores(k),
            hnp.arrays(np.float64, (k, k), elements=st.floats(0.01, 10)),
            st.integers(0, k - 1),
        )
    )
)
def test_a_free_class_is_always_predicted(case):
    log_scores, cost_matrix, free = case
    cost_matrix[:, free] = 0.0
    np.testing.assert_array_equal(
        _expected_cost_decision(log_scores, cost_matrix), free
    )


def test_log_scores_and_probabilities_give_the_same_decisions():
    rng = np.random.default_rng(0)
    log_scores = rng.normal(size=(500, 4)) * 3
    log_scores[rng.uniform(size=log_scores.shape) < 0.2] = -np.inf
    log_scores[:, 0] = np.where(np.isinf(log_scores).all(1), 0.0, log_scores[:, 0])
    cost_matrix = rng.uniform(0, 5, size=(4, 4))
    from_log = _expected_cost_decision(log_scores + 7.0, cost_matrix)
    proba = softmax(log_scores, axis=1)
    np.testing.assert_array_equal(
        _expected_cost_decision(proba, cost_matrix, log_scores=False), from_log
    )
    np.testing.assert_array_equal(
        _expected_cost_decision(proba * 3.0, cost_matrix, log_scores=False), from_log
    )


def test_rows_without_information_are_decided_as_under_a_uniform_posterior():
    cost_matrix = np.array([[0.0, 1.0, 4.0], [3.0, 0.0, 4.0], [3.0, 1.0, 0.0]])
    # Column sums 6, 2, 8: under a uniform posterior predicting 1 is cheapest.
    log_scores = np.array([[-np.inf] * 3, [0.0, -np.inf, -np.inf]])
    np.testing.assert_array_equal(
        _expected_cost_decision(log_scores, cost_matrix), [1, 0]
    )
    proba = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(
        _expected_cost_decision(proba, cost_matrix, log_scores=False), [1, 0]
    )


def test_blocks_of_rows_give_the_same_decisions(monkeypatch):
    rng = np.random.default_rng(1)
    log_scores = rng.normal(size=(257, 5))
    cost_matrix = rng.uniform(0, 1, size=(5, 5))
    whole = _expected_cost_decision(log_scores, cost_matrix)
    monkeypatch.setattr(cost_module, "_BLOCK_ENTRIES", 7)
    np.testing.assert_array_equal(
        _expected_cost_decision(log_scores, cost_matrix), whole
    )


def test_the_caller_scores_are_not_modified():
    log_scores = np.array([[0.0, -1.0], [-2.0, -np.inf]])
    copy = log_scores.copy()
    _expected_cost_decision(log_scores, np.array([[0.0, 1.0], [3.0, 0.0]]))
    np.testing.assert_array_equal(log_scores, copy)


@pytest.mark.parametrize(
    "scores, log_scores, match",
    [
        ([[0.0, np.nan]], True, "NaN or \\+inf"),
        ([[0.0, np.inf]], True, "NaN or \\+inf"),
        ([[0.5, -0.1]], False, "finite and non-negative"),
        ([[0.5, np.nan]], False, "finite and non-negative"),
        ([[0.5, 0.2, 0.3]], True, "shape \\(n_samples, 2\\)"),
    ],
)
def test_bad_scores_are_refused(scores, log_scores, match):
    with pytest.raises(ValueError, match=match):
        _expected_cost_decision(
            np.array(scores), np.array([[0.0, 1.0], [2.0, 0.0]]), log_scores=log_scores
        )


def test_many_classes_stay_fast_and_exact():
    rng = np.random.default_rng(2)
    k = 1000
    log_scores = rng.normal(size=(300, k))
    cost_matrix = rng.uniform(0, 1, size=(k, k))
    cost_matrix[:, 7] *= 0.01
    indices = _expected_cost_decision(log_scores, cost_matrix)
    _assert_near_optimal(indices, log_scores, cost_matrix)


# -- binary problems: a threshold on p(classes_[1] | x) --------------------------


@pytest.mark.parametrize(
    "cost_matrix", [[[0, 1], [9, 0]], [[0, 4], [1, 0]], [[1, 3], [6, 2]]]
)
def test_binary_rule_is_sklearn_fixed_threshold_at_the_cost_optimal_threshold(
    cost_matrix,
):
    X, y = make_paper_synthetic(4000, positive_fraction=0.2, random_state=0)
    model = LogisticRegression().fit(X, y)
    cost_matrix = _check_cost_matrix(cost_matrix, model.classes_)
    threshold = _binary_threshold(cost_matrix)
    d0 = cost_matrix[0, 1] - cost_matrix[0, 0]
    d1 = cost_matrix[1, 0] - cost_matrix[1, 1]
    assert threshold == pytest.approx(d0 / (d0 + d1))
    fixed = FixedThresholdClassifier(
        FrozenEstimator(model), threshold=threshold, response_method="predict_proba"
    ).fit(X, y)
    proba = model.predict_proba(X)
    ours = model.classes_[_expected_cost_decision(proba, cost_matrix, log_scores=False)]
    # FixedThresholdClassifier predicts the positive class at p1 == threshold,
    # the cost rule (first class among ties) does not: compare away from it.
    clear = np.abs(proba[:, 1] - threshold) > 1e-12
    assert clear.mean() > 0.99
    np.testing.assert_array_equal(ours[clear], fixed.predict(X)[clear])
    assert 0 < np.mean(ours == 1) < 1


@pytest.mark.parametrize("cost_matrix", [[[1, 0], [0, 1]], [[2, 1], [1, 2]]])
def test_binary_threshold_is_refused_when_errors_cost_less(cost_matrix):
    with pytest.raises(ValueError, match="no threshold"):
        _binary_threshold(np.asarray(cost_matrix, dtype=float))


# -- the cost-matrix check ---------------------------------------------------------


def test_array_is_read_in_classes_order_and_copied():
    given = np.array([[0, 1], [5, 0]])
    checked = _check_cost_matrix(given, np.array(["a", "b"]))
    assert checked.dtype == np.float64
    np.testing.assert_array_equal(checked, given)
    checked[0, 1] = 9
    assert given[0, 1] == 1


def test_data_frame_is_aligned_by_label_on_both_axes():
    classes = np.array(["cat", "dog", "eel"])
    frame = pd.DataFrame(
        [[0, 2, 7], [1, 0, 3], [4, 5, 0]],
        index=["dog", "cat", "eel"],
        columns=["eel", "dog", "cat"],
    )
    checked = _check_cost_matrix(frame, classes)
    for i, true in enumerate(classes):
        for j, predicted in enumerate(classes):
            assert checked[i, j] == frame.loc[true, predicted]


def test_data_frame_with_integer_labels_is_aligned_by_label():
    frame = pd.DataFrame([[0, 3], [1, 0]], index=[2, 1], columns=[1, 2])
    checked = _check_cost_matrix(frame, np.array([1, 2]))
    np.testing.assert_array_equal(checked, [[1, 0], [0, 3]])


@pytest.mark.parametrize(
    "frame, match",
    [
        (
            pd.DataFrame([[0, 1], [1, 0]], index=["a", "x"], columns=["a", "b"]),
            r"index \(true classes\) must hold exactly the classes \['a', 'b'\]; "
            r"missing \['b'\], unknown \['x'\]",
        ),
        (
            pd.DataFrame([[0, 1], [1, 0]], index=["a", "b"], columns=["a", "a"]),
            "duplicate labels in its columns",
        ),
        (
            pd.DataFrame([[0, 1, 1], [1, 0, 1]], index=["a", "b"], columns=list("abc")),
            r"columns \(predicted classes\).*unknown \['c'\]",
        ),
    ],
)
def test_data_frame_with_other_labels_is_refused(frame, match):
    with pytest.raises(ValueError, match=match):
        _check_cost_matrix(frame, np.array(["a", "b"]))


@pytest.mark.parametrize(
    "cost_matrix, error, match",
    [
        ([0, 1], ValueError, r"must be a 2 x 2 array.*got an array of shape \(2,\)"),
        ([[0, 1, 1], [1, 0, 1]], ValueError, r"shape \(2, 3\)"),
        (1 - np.eye(3), ValueError, r"2 x 2 array.*classes \[0, 1\].*shape \(3, 3\)"),
        ([[0, 1], [1]], ValueError, "rows of different lengths"),
        ([["a", "b"], ["c", "d"]], TypeError, "must contain real numbers"),
        ([["0", "1"], ["1", "0"]], TypeError, "real numbers; got .* of dtype <U1"),
        (1 - np.eye(2) + 1j, TypeError, "(?s)real numbers; got .* of dtype complex128"),
        (np.array([[0, "1"], [1, 0]], dtype=object), TypeError, "real numbers"),
        (pd.DataFrame([["0", "1"], ["1", "0"]], dtype="string"), TypeError, "real"),
        (np.array([[0, 1], [1, 0]], dtype="m8[s]"), TypeError, "dtype timedelta64"),
        ("1 - I", TypeError, "got str '1 - I'"),
        ({0: [0, 1], 1: [1, 0]}, TypeError, "got dict"),
        (pd.Series([0, 1]), TypeError, "got Series"),
        (
            [[0, np.nan], [1, 0]],
            ValueError,
            r"must be finite.*cost_matrix\[0, 1\] = nan",
        ),
        ([[0, 1], [np.inf, 0]], ValueError, "must be finite"),
        (
            [[0, 1], [-2, 0]],
            ValueError,
            r"non-negative; got 1 entry\(ies\).*cost_matrix\[1, 0\] = -2.0 \(true "
            r"class 1, predicted 0\)",
        ),
        ([[0, 0], [0, 0]], ValueError, "does not distinguish any prediction"),
        ([[3, 3], [1, 1]], ValueError, "every row is constant"),
    ],
)
def test_bad_cost_matrices_are_refused_clearly(cost_matrix, error, match):
    with pytest.raises(error, match=match) as info:
        _check_cost_matrix(cost_matrix, np.array([0, 1]))
    assert "`cost_matrix`" in str(info.value)


def test_huge_matrices_are_summarised_in_messages():
    cost_matrix = -np.ones((300, 300))
    with pytest.raises(ValueError) as info:
        _check_cost_matrix(cost_matrix, np.arange(300))
    assert len(str(info.value)) < 400


# -- the metric and its scorer ------------------------------------------------------


def test_expected_cost_is_the_mean_cost_of_the_predictions():
    cost_matrix = [[0, 1], [10, 0]]
    assert expected_cost([0, 1, 1], [1, 1, 0], cost_matrix=cost_matrix) == 11 / 3
    assert (
        expected_cost(
            [0, 1, 1], [1, 1, 0], cost_matrix=cost_matrix, sample_weight=[2, 1, 1]
        )
        == 12 / 4
    )


def test_zero_one_expected_cost_is_the_error_rate():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    assert expected_cost(y_true, y_pred, cost_matrix=1 - np.eye(4)) == pytest.approx(
        1 - accuracy_score(y_true, y_pred)
    )


def test_expected_cost_reads_labels_and_data_frames_by_label():
    y_true, y_pred = ["b", "a", "c"], ["a", "a", "b"]
    cost_matrix = np.array([[0, 1, 2], [3, 0, 4], [5, 6, 0]])  # order b, a, c
    by_labels = expected_cost(
        y_true, y_pred, cost_matrix=cost_matrix, labels=["b", "a", "c"]
    )
    assert by_labels == pytest.approx((1 + 0 + 5) / 3)
    frame = pd.DataFrame(cost_matrix, index=["b", "a", "c"], columns=["b", "a", "c"])
    assert expected_cost(y_true, y_pred, cost_matrix=frame) == pytest.approx(by_labels)
    # A label of the matrix may be missing from the data.
    assert expected_cost(["a"], ["b"], cost_matrix=frame) == 3.0


def test_expected_cost_refuses_labels_it_cannot_align():
    with pytest.raises(ValueError, match="pass `labels=`"):
        expected_cost([0, 1], [0, 1], cost_matrix=1 - np.eye(3))
    with pytest.raises(ValueError, match=r"`y_pred` contains labels \[7\]"):
        expected_cost([0, 1], [0, 7], cost_matrix=1 - np.eye(2), labels=[0, 1])
    with pytest.raises(ValueError, match="`labels` must not repeat"):
        expected_cost([0, 1], [0, 1], cost_matrix=1 - np.eye(2), labels=[0, 0])
    with pytest.raises(ValueError, match="`cost_matrix` must be non-negative"):
        expected_cost([0, 1], [0, 1], cost_matrix=[[0, -1], [1, 0]])


def test_cost_scorer_is_the_negative_mean_cost():
    X, y = make_paper_synthetic(2000, positive_fraction=0.1, random_state=0)
    model = LogisticRegression().fit(X, y)
    cost_matrix = pd.DataFrame([[0, 1], [20, 0]], index=[-1, 1], columns=[-1, 1])
    scorer = make_cost_scorer(cost_matrix)
    expected = expected_cost(y, model.predict(X), cost_matrix=cost_matrix)
    assert scorer(model, X, y) == pytest.approx(-expected)
    weights = np.linspace(0.5, 1.5, len(y))
    assert scorer(model, X, y, sample_weight=weights) == pytest.approx(
        -expected_cost(
            y, model.predict(X), cost_matrix=cost_matrix, sample_weight=weights
        )
    )


def test_cost_scorer_refuses_a_bad_matrix_before_any_fit():
    with pytest.raises(ValueError, match="`cost_matrix` must be finite"):
        make_cost_scorer([[0, np.nan], [1, 0]])
    with pytest.raises(ValueError, match="missing \\[2\\]"):
        make_cost_scorer(pd.DataFrame([[0, 1], [1, 0]]), labels=[0, 2])


def test_cost_scorer_selects_tau_in_grid_search_and_the_cost_rule_beats_argmax():
    """On the paper's Gaussians with missed positives costing 20, grid search
    with the cost scorer prefers the adjusted model, and deciding by least
    expected cost beats the argmax on held-out cost."""
    X, y = make_paper_synthetic(4000, positive_fraction=0.05, random_state=0)
    X_test, y_test = make_paper_synthetic(4000, positive_fraction=0.05, random_state=1)
    cost_matrix = np.array([[0.0, 1.0], [20.0, 0.0]])
    search = GridSearchCV(
        LogitAdjustedClassifier(LogisticRegression()),
        {"tau": [0.0, 1.0]},
        scoring=make_cost_scorer(cost_matrix, labels=[-1, 1]),
        cv=3,
    ).fit(X, y)
    assert search.best_params_["tau"] > 0
    model = LogisticRegression().fit(X, y)
    by_cost = model.classes_[
        _expected_cost_decision(model.predict_log_proba(X_test), cost_matrix)
    ]
    cost_rule = expected_cost(y_test, by_cost, cost_matrix=cost_matrix)
    argmax = expected_cost(y_test, model.predict(X_test), cost_matrix=cost_matrix)
    assert cost_rule < 0.8 * argmax


# -- the estimators' cost_matrix -------------------------------------------------

from sklearn.datasets import make_classification  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from sklearn_la import LogitAdjustedClassifierCV  # noqa: E402
from sklearn_la.metrics import expected_cost as public_expected_cost  # noqa: E402
from sklearn_la.metrics import make_cost_scorer as public_make_cost_scorer  # noqa: E402


def _long_tailed(n_classes=3, seed=0):
    weights = {2: [0.9, 0.1], 3: [0.8, 0.15, 0.05]}[n_classes]
    return make_classification(
        n_samples=600, n_classes=n_classes, n_informative=4, weights=weights,
        class_sep=0.6, random_state=seed,
    )  # fmt: skip


def _four_methods(est, X):
    return (
        est.predict(X),
        est.predict_proba(X),
        est.predict_log_proba(X),
        est.decision_function(X),
    )


def test_metrics_exports_the_cost_metric_and_scorer():
    import sklearn_la.metrics as metrics

    assert {"expected_cost", "make_cost_scorer"} <= set(metrics.__all__)
    assert public_expected_cost is expected_cost
    assert public_make_cost_scorer is make_cost_scorer


@pytest.mark.parametrize(
    "base", [LogisticRegression(), DecisionTreeClassifier(max_depth=3, random_state=0)]
)
@pytest.mark.parametrize(
    "matrix",
    [ZERO_ONE, 3.0 * ZERO_ONE, ZERO_ONE + np.array([[2.0], [0.0], [5.0]])],
    ids=["1-I", "3(1-I)", "1-I+rows"],
)
def test_zero_one_cost_matrix_predicts_exactly_as_without_one(base, matrix):
    X, y = _long_tailed()
    # At the balanced prior, 1 - I is logit adjustment.
    plain = LogitAdjustedClassifier(base).fit(X, y)
    costly = LogitAdjustedClassifier(
        base, cost_matrix=matrix, target_priors="uniform"
    ).fit(X, y)
    for ours, theirs in zip(_four_methods(costly, X), _four_methods(plain, X)):
        np.testing.assert_array_equal(ours, theirs)
    # The four methods still agree, ties included.
    pred, proba, log_proba, decision = _four_methods(costly, X)
    for scores in (proba, log_proba, decision):
        np.testing.assert_array_equal(costly.classes_[scores.argmax(1)], pred)


def test_zero_one_cost_matrix_in_the_cv_changes_nothing():
    X, y = _long_tailed()
    plain = LogitAdjustedClassifierCV(LogisticRegression(), cv=3, random_state=0).fit(
        X, y
    )
    costly = LogitAdjustedClassifierCV(
        LogisticRegression(),
        cv=3,
        cost_matrix=ZERO_ONE,
        target_priors="uniform",
        scoring="balanced_accuracy",
        random_state=0,
    ).fit(X, y)
    np.testing.assert_array_equal(
        costly.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(costly.predict(X), plain.predict(X))


@pytest.mark.parametrize("free", [0, 1, 2])
@pytest.mark.parametrize("cv", [False, True])
def test_a_class_that_costs_nothing_to_predict_is_always_predicted(free, cv):
    X, y = _long_tailed()
    matrix = np.ones((3, 3)) * 5.0
    np.fill_diagonal(matrix, 0.0)
    matrix[:, free] = 0.0
    if cv:
        est = LogitAdjustedClassifierCV(
            LogisticRegression(), cv=3, cost_matrix=matrix, random_state=0
        )
    else:
        est = LogitAdjustedClassifier(LogisticRegression(), cost_matrix=matrix)
    assert np.all(est.fit(X, y).predict(X) == free)


def test_predict_follows_the_cost_rule_and_proba_stays_the_adjusted_posterior():
    X, y = _long_tailed()
    matrix = np.array([[0.0, 1, 1], [1, 0, 1], [20, 20, 0]])
    plain = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    costly = LogitAdjustedClassifier(
        LogisticRegression(), cost_matrix=matrix, target_priors="uniform"
    ).fit(X, y)
    np.testing.assert_array_equal(costly.predict_proba(X), plain.predict_proba(X))
    np.testing.assert_array_equal(
        costly.decision_function(X), plain.decision_function(X)
    )
    expected = _expected_cost_decision(costly.predict_log_proba(X), matrix)
    np.testing.assert_array_equal(costly.predict(X), costly.classes_[expected])
    # That is the point: predict is no longer the argmax of predict_proba.
    assert np.any(costly.predict(X) != plain.predict(X))
    np.testing.assert_array_equal(costly.cost_matrix_, matrix)


def test_cost_matrix_data_frame_is_aligned_by_label():
    X, y = _long_tailed()
    labels = np.array(["head", "mid", "tail"])[y]
    matrix = np.array([[0.0, 1, 2], [1, 0, 1], [9, 8, 0]])
    frame = pd.DataFrame(matrix, index=["head", "mid", "tail"],
                         columns=["head", "mid", "tail"])  # fmt: skip
    shuffled = frame.loc[["tail", "head", "mid"], ["mid", "tail", "head"]]
    by_array = LogitAdjustedClassifier(LogisticRegression(), cost_matrix=matrix)
    by_frame = LogitAdjustedClassifier(LogisticRegression(), cost_matrix=shuffled)
    np.testing.assert_array_equal(
        by_frame.fit(X, labels).predict(X), by_array.fit(X, labels).predict(X)
    )
    np.testing.assert_array_equal(by_frame.cost_matrix_, matrix)


@pytest.mark.parametrize(
    "matrix, error, match",
    [
        (np.ones((2, 2)) - np.eye(2), ValueError, r"3 x 3 array .* shape \(2, 2\)"),
        ([[0, 1, 1], [1, 0, 1], [1, -1, 0]], ValueError, r"non-negative.*\[2, 1\]"),
        ([[0, 1, 1], [1, 0, np.nan], [1, 1, 0]], ValueError, "finite"),
        (np.zeros((3, 3)), ValueError, "does not distinguish any prediction"),
        ("1 - I", TypeError, "cost_matrix"),
        (
            pd.DataFrame(ZERO_ONE, index=[0, 1, 5], columns=[0, 1, 2]),
            ValueError,
            r"missing \[2\], unknown \[5\]",
        ),
    ],
)
@pytest.mark.parametrize("cls", [LogitAdjustedClassifier, LogitAdjustedClassifierCV])
def test_bad_cost_matrices_are_refused_before_any_fit(cls, matrix, error, match):
    X, y = _long_tailed()

    class MustNotFit(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            raise AssertionError("the base model was fitted")

    with pytest.raises(error, match=match):
        cls(MustNotFit(), cost_matrix=matrix).fit(X, y)


def test_binary_cost_rule_equals_scikit_learns_fixed_threshold_classifier():
    X, y = make_paper_synthetic(4000, positive_fraction=0.05, random_state=0)
    base = LogisticRegression().fit(X, y)
    matrix = np.array([[0.0, 1.0], [20.0, 0.0]])
    # The base posterior: tau=1 with target_priors="train" is the null
    # adjustment (tau=0 needs target_priors="uniform" for that).
    ours = LogitAdjustedClassifier(
        FrozenEstimator(base), tau=1.0, target_priors="train", cost_matrix=matrix
    ).fit(X, y)
    np.testing.assert_array_equal(ours.predict_proba(X), base.predict_proba(X))
    theirs = FixedThresholdClassifier(
        FrozenEstimator(base),
        threshold=_binary_threshold(matrix),
        response_method="predict_proba",
    ).fit(X, y)
    proba = ours.predict_proba(X)[:, 1]
    # They differ only at p1 equal to the threshold, a tie that does not occur.
    assert not np.any(proba == _binary_threshold(matrix))
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert np.mean(ours.predict(X) == 1) > 2 * np.mean(base.predict(X) == 1)


def test_cv_default_scoring_with_costs_is_the_expected_cost_at_the_deployment_prior():
    X, y = _long_tailed()
    matrix = np.array([[0.0, 1, 1], [1, 0, 1], [10, 10, 0]])
    # "auto" is "train" with a cost matrix: the plain mean cost.
    default = LogitAdjustedClassifierCV(
        LogisticRegression(),
        cv=3,
        cost_matrix=matrix,
        random_state=0,
    ).fit(X, y)
    explicit = LogitAdjustedClassifierCV(
        LogisticRegression(), cv=3, cost_matrix=matrix, target_priors="train",
        scoring=make_cost_scorer(matrix, labels=[0, 1, 2]),
        random_state=0,
    ).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(
        default.cv_results_["mean_test_score"],
        explicit.cv_results_["mean_test_score"],
        rtol=1e-12,
    )
    # With a uniform deployment prior, each class's mean cost counts alike.
    balanced = LogitAdjustedClassifierCV(
        LogisticRegression(),
        taus=[0.0], weight_powers=[0.0],
        cv=[(np.arange(0, 600, 2), np.arange(1, 600, 2))],
        cost_matrix=matrix,
        target_priors="uniform",
        random_state=0,
    ).fit(X, y)  # fmt: skip
    fold = LogisticRegression().fit(X[::2], y[::2])
    adjusted = fold.predict_log_proba(X[1::2])
    pred = _expected_cost_decision(adjusted, matrix)
    per_class = [matrix[k, pred[y[1::2] == k]].mean() for k in range(3)]
    np.testing.assert_allclose(balanced.best_score_, -np.mean(per_class))


def test_cv_tunes_tau_for_the_cost_not_for_balanced_accuracy():
    X, y = _long_tailed(seed=1)
    matrix = np.array([[0.0, 1, 1], [1, 0, 1], [30, 30, 0]])
    by_cost = LogitAdjustedClassifierCV(
        LogisticRegression(),
        cv=3,
        cost_matrix=matrix,
        taus=11,
        random_state=0,
    ).fit(X, y)
    by_accuracy = LogitAdjustedClassifierCV(
        LogisticRegression(), cv=3, cost_matrix=matrix, taus=11,
        scoring="balanced_accuracy",
        random_state=0,
    ).fit(X, y)  # fmt: skip
    assert by_cost.best_score_ <= 0
    cost_of = {}
    for name, est in (("cost", by_cost), ("accuracy", by_accuracy)):
        scores = est.cv_results_["mean_test_score"]
        cost_of[name] = scores
    assert not np.array_equal(cost_of["cost"], cost_of["accuracy"])


def test_cost_scorer_selects_tau_in_grid_search_and_in_the_cv():
    X, y = _long_tailed()
    matrix = np.array([[0.0, 1, 1], [1, 0, 1], [10, 10, 0]])
    scorer = public_make_cost_scorer(matrix, labels=[0, 1, 2])
    search = GridSearchCV(
        LogitAdjustedClassifier(LogisticRegression(), cost_matrix=matrix),
        {"tau": [0.0, 1.0, 2.0]},
        scoring=scorer,
        cv=3,
    ).fit(X, y)
    assert search.best_score_ <= 0
    cv = LogitAdjustedClassifierCV(
        LogisticRegression(), taus=[0.0, 1.0, 2.0], weight_powers=[0.0], cv=3,
        cost_matrix=matrix, scoring=scorer,
        random_state=0,
    ).fit(X, y)  # fmt: skip
    # Same folds, same fits, same cost rule: the same scores.
    np.testing.assert_allclose(
        cv.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )


@pytest.mark.parametrize("cv", [False, True])
def test_auto_target_priors_weigh_costs_at_the_training_mix(cv):
    X, y = _long_tailed()
    matrix = np.array([[0.0, 1, 1], [1, 0, 1], [20, 20, 0]])
    kwargs = dict(cv=3, taus=[1.0], weight_powers=[0.0]) if cv else {}
    meta = LogitAdjustedClassifierCV if cv else LogitAdjustedClassifier
    auto = meta(LogisticRegression(), cost_matrix=matrix, **kwargs).fit(X, y)
    train = meta(
        LogisticRegression(), cost_matrix=matrix, target_priors="train", **kwargs
    ).fit(X, y)
    np.testing.assert_array_equal(auto.target_priors_, auto.priors_)
    np.testing.assert_array_equal(auto.predict(X), train.predict(X))
    # Without a cost matrix, "auto" is the balanced prior.
    plain = meta(LogisticRegression(), **kwargs).fit(X, y)
    np.testing.assert_allclose(plain.target_priors_, np.full(3, 1 / 3))
