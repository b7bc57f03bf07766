"""The numpy maths of the adjustment: offsets, scores, adjusted probabilities."""

import numpy as np
import pytest
from _core import long_tailed
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import softmax
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from sklearn_la._adjust import (
    _agree,
    _decision_from_scores,
    _effective_offset,
    _effective_offsets,
    _is_log_linear,
    _log_offset,
    _proba_from_proba,
    _proba_from_scores,
    _resolve_response_method,
    _shifted_log_linear,
    _winners,
)

X, Y = long_tailed(n_samples=600)


def test_log_offset_is_minus_tau_log_pi_plus_log_q():
    pi, q = np.array([0.8, 0.2]), np.array([0.5, 0.5])
    np.testing.assert_allclose(_log_offset(pi, 2.0, q), -2.0 * np.log(pi) + np.log(q))


@pytest.mark.parametrize("wrap", ["plain", "pipeline", "frozen"])
def test_shifted_log_linear_adds_the_offset_to_the_decision(wrap):
    base = LogisticRegression(max_iter=1000)
    if wrap == "pipeline":
        base = make_pipeline(StandardScaler(), base)
    base.fit(X, Y)
    if wrap == "frozen":
        base = FrozenEstimator(base)
    assert _is_log_linear(base)
    offset = np.array([0.3, -1.0, 2.0])
    shifted = _shifted_log_linear(base, offset)
    np.testing.assert_allclose(
        shifted.decision_function(X), base.decision_function(X) + offset
    )


def test_auto_response_method_prefers_probabilities():
    assert _resolve_response_method(LogisticRegression(), "auto") == "predict_proba"
    with pytest.raises(ValueError, match="has no predict_proba"):
        _resolve_response_method(LinearSVC(), "predict_proba")


def test_a_finite_tau_that_overflows_the_offset_is_refused():
    with pytest.raises(ValueError, match="`tau` value 1e\\+308 is too large"):
        _log_offset(np.array([0.9, 0.1]), 1e308, np.array([0.5, 0.5]))


@given(
    priors=st.lists(
        st.sampled_from([0.0, 1e-300, 1e-9, 0.01, 0.3, 1.0]), min_size=2, max_size=12
    ),
    target=st.sampled_from(["uniform", "priors", "zero-first"]),
    taus=st.lists(
        st.floats(-50, 50, allow_nan=False) | st.sampled_from([0.0, 1.0]),
        min_size=1, max_size=8,
    ),
)  # fmt: skip
@settings(max_examples=60, deadline=None)
def test_offsets_for_all_taus_are_the_per_tau_offsets_bit_for_bit(
    priors, target, taus
):
    priors = np.asarray(priors)
    pi = np.where(priors > 0, priors, 1.0)  # as the search passes them
    q = {
        "uniform": np.full(pi.size, 1 / pi.size),
        "priors": pi / pi.sum(),
        "zero-first": np.r_[0.0, np.full(pi.size - 1, 1 / (pi.size - 1))],
    }[target]
    every = _effective_offsets(pi, taus, q)
    # Rows of zeros where the offset is constant, -inf where q is 0: each
    # row what the fitted estimator computes for its tau.
    np.testing.assert_array_equal(
        every, np.stack([_effective_offset(pi, tau, q) for tau in taus])
    )


def test_offsets_for_all_taus_refuse_the_first_tau_that_overflows():
    pi, q = np.array([0.9, 0.1]), np.array([0.5, 0.5])
    with pytest.raises(ValueError, match="`taus` value 1e\\+308 is too large"):
        _effective_offsets(pi, [0.0, 1e308, -1e308], q, name="taus")


@pytest.mark.parametrize(
    "row, match",
    [
        ([0.2, np.nan, 0.1], "returned NaN"),
        ([0.2, np.inf, 0.1], "infinite values"),
        ([-np.inf, -np.inf, -np.inf], "every class has probability 0"),
    ],
)
def test_bad_score_rows_are_refused_naming_the_row(row, match):
    scores = np.array([[0.0, 1.0, 2.0], row])
    with pytest.raises(ValueError, match=match + ".*1 row.*index 1"):
        _winners(scores, "predict_proba")


def test_a_rounding_tie_is_broken_towards_the_canonical_winner():
    derived = np.array([[0.5, 0.5, 0.0], [0.25, 0.5, 0.25]])
    _agree(derived, np.array([1, 1]))
    assert derived[0, 1] == np.nextafter(0.5, 1.0)
    np.testing.assert_array_equal(derived[1], [0.25, 0.5, 0.25])
    np.testing.assert_array_equal(np.argmax(derived, axis=1), [1, 1])


def test_scores_a_hair_apart_keep_their_order_in_every_output():
    # exp(-1e-17) rounds to 1: softmax alone would tie the two classes.
    scores = np.array([[0.0, 1e-17], [1e-17, 0.0], [0.0, 0.0]])
    winners = _winners(scores, "decision_function")
    np.testing.assert_array_equal(winners, [1, 0, 0])
    proba = _proba_from_scores(scores.copy(), winners)
    log_proba = _proba_from_scores(scores.copy(), winners, log=True)
    np.testing.assert_array_equal(np.argmax(proba, axis=1), winners)
    np.testing.assert_array_equal(np.argmax(log_proba, axis=1), winners)
    np.testing.assert_array_equal(_decision_from_scores(scores) > 0, winners == 1)


_ROWS = st.integers(2, 6).flatmap(
    lambda k: st.tuples(
        st.lists(
            st.lists(
                st.sampled_from([0.0, 0.1, 0.3, 0.5, 1.0]) | st.floats(0, 1),
                min_size=k,
                max_size=k,
            ).filter(lambda row: max(row) > 0),
            min_size=1,
            max_size=8,
        ),
        # Beyond +-372 the scaled probabilities of the fast path underflow.
        st.lists(st.floats(-400, 400), min_size=k, max_size=k),
    )
)


@settings(max_examples=150, deadline=None)
@given(_ROWS)
def test_adjusted_outputs_are_the_softmax_of_the_canonical_scores(args):
    rows, offset = args
    proba = np.asarray(rows)
    with np.errstate(divide="ignore"):
        scores = np.log(proba) + np.asarray(offset)
    winners = _winners(scores, "predict_proba")
    result = _proba_from_scores(scores.copy(), winners)
    log_result = _proba_from_scores(scores.copy(), winners, log=True)
    assert np.all(np.isfinite(result))
    np.testing.assert_allclose(result.sum(axis=1), 1.0)
    np.testing.assert_allclose(result, softmax(scores, axis=1), atol=1e-9)
    np.testing.assert_allclose(np.exp(log_result), result, atol=1e-12)
    np.testing.assert_array_equal(result[proba == 0], 0.0)
    for derived in (result, log_result, scores):
        np.testing.assert_array_equal(np.argmax(derived, axis=1), winners)
    # The fast path from probabilities has the canonical argmax, ties included.
    fast, fast_winners = _proba_from_proba(proba, np.asarray(offset))
    np.testing.assert_array_equal(fast_winners, winners)
    np.testing.assert_array_equal(np.argmax(fast, axis=1), winners)
    np.testing.assert_allclose(fast, result, atol=1e-9)


def test_fast_path_winner_of_a_row_does_not_depend_on_the_rest_of_the_batch():
    # Row 0's scaled probabilities all underflow (it is recomputed from the
    # canonical scores); row 1 is a near-tie, 0.002 / 1580 apart in priors.
    # The near-tie must still be settled, as it is when row 1 comes alone.
    priors = np.array([1.0, 1580.002, 1580.0, 2100.0])
    offset = -100 * np.log(priors / priors.sum())
    proba = np.array([[0.0, 0.0, 0.0, 1.0], [0.0, 0.5, 0.5, 0.0]])
    with np.errstate(divide="ignore"):
        canonical = _winners(np.log(proba) + offset, "predict_proba")
    _, batch = _proba_from_proba(proba, offset)
    _, alone = _proba_from_proba(proba[1:], offset)
    np.testing.assert_array_equal(batch, canonical)
    np.testing.assert_array_equal(alone, canonical[1:])


def test_decision_of_an_impossible_class_is_finite_and_keeps_every_order():
    with np.errstate(divide="ignore"):
        scores = np.log([[0.0, 0.3, 0.7], [0.5, 0.0, 0.0], [0.2, 0.2, 0.6]])
    decision = _decision_from_scores(scores)
    assert np.all(np.isfinite(decision))
    np.testing.assert_array_equal(np.argmax(decision, axis=1), [2, 0, 2])
    # impossible entries tie with each other, below every finite score
    assert decision[1, 1] == decision[1, 2] == decision[0, 0]
    assert decision[0, 0] < np.min(scores[np.isfinite(scores)])
    np.testing.assert_array_equal(
        decision[np.isfinite(scores)], scores[np.isfinite(scores)]
    )


def test_binary_decision_against_an_impossible_class_is_finite_and_signed():
    with np.errstate(divide="ignore"):
        scores = np.log([[0.0, 1.0], [1.0, 0.0], [0.4, 0.6], [0.0, 0.3]])
    decision = _decision_from_scores(scores)
    assert np.all(np.isfinite(decision))
    assert decision[0] > decision[2] > 0 > decision[1]
    # a certain class 1 ranks above every merely likely one
    assert decision[3] > decision[2]


@pytest.mark.parametrize("scoring", ["roc_auc", "average_precision"])
def test_ranking_scorers_accept_a_forest_with_zero_probabilities(scoring):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_score

    from sklearn_la import LogitAdjustedClassifier

    y = (Y > 0).astype(int)
    forest = RandomForestClassifier(n_estimators=5, random_state=0)
    scores = cross_val_score(LogitAdjustedClassifier(forest), X, y, scoring=scoring)
    assert np.all((scores > 0.5) & (scores <= 1))


@pytest.mark.parametrize(
    "scoring, binary",
    [("roc_auc", True), ("average_precision", True), ("top_k_accuracy", False)],
)
@pytest.mark.parametrize("base", ["forest", "knn"])
def test_cv_ranks_taus_of_a_base_with_zero_probabilities(scoring, binary, base):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.neighbors import KNeighborsClassifier

    from sklearn_la import LogitAdjustedClassifierCV

    model = (
        RandomForestClassifier(n_estimators=5, random_state=0)
        if base == "forest"
        else KNeighborsClassifier(n_neighbors=3)
    )
    y = (Y > 0).astype(int) if binary else Y
    clf = LogitAdjustedClassifierCV(model, cv=3, taus=5, scoring=scoring).fit(X, y)
    assert np.all(np.isfinite(clf.cv_results_["mean_test_score"]))
    assert np.all(np.isfinite(clf.decision_function(X)))


def test_check_offset_refuses_a_tau_that_overflows_for_these_priors():
    from sklearn_la._adjust import _check_offset

    _check_offset(np.array([0.9, 0.1]), 2.0)
    with pytest.raises(ValueError, match="`tau` value 1e\\+308 is too large"):
        _check_offset(np.array([0.9, 0.1]), 1e308)
