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
    _adjusted_proba_from_proba,
    _is_log_linear,
    _log_offset,
    _resolve_response_method,
    _shifted_log_linear,
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


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda k: st.tuples(
            st.lists(
                st.lists(st.floats(0, 1), min_size=k, max_size=k).filter(
                    lambda row: sum(row) > 1e-3
                ),
                min_size=1,
                max_size=8,
            ),
            st.lists(st.floats(-300, 300), min_size=k, max_size=k),
        )
    )
)
def test_fast_adjusted_proba_matches_log_space_softmax(args):
    rows, offset = args
    proba = np.asarray(rows) / np.sum(rows, axis=1, keepdims=True)
    offset = np.asarray(offset)
    result = _adjusted_proba_from_proba(proba, offset)
    with np.errstate(divide="ignore"):
        expected = softmax(np.log(proba) + offset, axis=1)
    assert np.all(np.isfinite(result))
    np.testing.assert_allclose(result.sum(axis=1), 1.0)
    np.testing.assert_allclose(result, expected, atol=1e-9)
    np.testing.assert_array_equal(result[proba == 0], 0.0)
