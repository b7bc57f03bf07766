"""Choosing the (weight_power, tau) candidate from CV scores."""

import numpy as np
import pytest

from sklearn_la._selection import _select_candidate, _summarise_cv


def test_selection_rules_on_noisy_scores():
    taus = np.array([0.0, 0.5, 1.0, 1.5])
    w = np.zeros(4)
    mean = np.array([0.80, 0.79, 0.78, 0.70])
    std = np.array([0.05, 0.05, 0.05, 0.05])
    assert _select_candidate(mean, std, 5, taus, w, "best") == 0
    # 0.78 is within one standard error (0.022) of 0.80: keep tau = 1.
    assert _select_candidate(mean, std, 5, taus, w, "one_se") == 2
    # A clear winner is kept.
    sharp = np.array([0.001] * 4)
    assert _select_candidate(mean, sharp, 5, taus, w, "one_se") == 0
    # With weight_power w the consistent tau is 1 - w.
    both_w = np.array([0.5, 0.5, 0.5, 0.5])
    assert _select_candidate(mean, std, 5, taus, both_w, "one_se") == 1


def test_summary_ranks_candidates_weight_power_major():
    # scores[w, split, tau]
    scores = np.array([[[0.1, 0.5], [0.3, 0.7]], [[0.2, 0.9], [0.2, 0.9]]])
    summary = _summarise_cv(
        scores,
        np.array([0.0, 1.0]),
        np.array([0.0, 0.5]),
        selection="best",
        scoring="accuracy",
    )
    results = summary.cv_results
    np.testing.assert_allclose(results["mean_test_score"], [0.2, 0.6, 0.2, 0.9])
    np.testing.assert_array_equal(results["param_weight_power"], [0, 0, 0.5, 0.5])
    np.testing.assert_array_equal(results["param_tau"], [0, 1, 0, 1])
    np.testing.assert_array_equal(results["rank_test_score"], [3, 2, 4, 1])
    np.testing.assert_allclose(results["split1_test_score"], [0.3, 0.7, 0.2, 0.9])
    assert (summary.best_index, summary.best_tau, summary.best_weight_power) == (
        3,
        1.0,
        0.5,
    )
    assert summary.best_score == pytest.approx(0.9)


def test_nan_split_is_left_out_and_all_nan_is_refused():
    scores = np.array([[[np.nan, 0.4], [0.6, np.nan]]])
    summary = _summarise_cv(
        scores,
        np.array([0.0, 1.0]),
        np.array([0.0]),
        selection="best",
        scoring="s",
    )
    np.testing.assert_allclose(summary.cv_results["mean_test_score"], [0.6, 0.4])
    with pytest.raises(ValueError, match="scoring='s' returned NaN for every"):
        _summarise_cv(
            np.full((1, 2, 2), np.nan),
            np.array([0.0, 1.0]),
            np.array([0.0]),
            selection="best",
            scoring="s",
        )
