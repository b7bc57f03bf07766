"""Choosing the (weight_power, balance, tau) candidate from CV scores."""

import numpy as np
import pytest

from sklearn_la._selection import _select_candidate, _summarise_cv


def _splits(mean, spread, n_splits=5, seed=0):
    """Per-split scores with the given means and standard deviation."""
    noise = np.random.default_rng(seed).standard_normal((len(mean), n_splits))
    noise -= noise.mean(axis=1, keepdims=True)
    noise /= noise.std(axis=1, keepdims=True)
    return np.asarray(mean)[:, None] + spread * noise


def test_best_and_one_se_on_noisy_scores():
    taus = np.array([0.0, 0.5, 1.0, 1.5])
    w = np.zeros(4)
    per_split = _splits([0.80, 0.79, 0.78, 0.70], 0.05)
    assert _select_candidate(per_split, taus, w, "best") == 0
    # 0.78 is within one standard error of 0.80: keep tau = 1.
    assert _select_candidate(per_split, taus, w, "one_se") == 2
    # A clear winner is kept.
    sharp = _splits([0.80, 0.79, 0.78, 0.70], 0.0005)
    assert _select_candidate(sharp, taus, w, "one_se") == 0
    # With weight_power w the consistent tau is 1 - w.
    assert _select_candidate(per_split, taus, np.full(4, 0.5), "one_se") == 1


def test_consistent_rule_only_considers_tau_one_minus_w():
    taus = np.array([0.0, 1.0, 0.5, 0.0])
    w = np.array([0.0, 0.0, 0.5, 1.0])
    per_split = _splits([0.9, 0.7, 0.75, 0.72], 0.01)
    assert _select_candidate(per_split, taus, w, "best") == 0
    assert _select_candidate(per_split, taus, w, "consistent") == 2


def test_paired_rule_leaves_the_family_only_on_a_consistent_gain():
    taus = np.array([1.0, 0.6])
    w = np.zeros(2)
    base = _splits([0.70], 0.08)[0]
    # Off-family tau better on average but not split by split: stay.
    noisy = np.vstack([base, base + _splits([0.01], 0.05, seed=1)[0]])
    assert _select_candidate(noisy, taus, w, "best") == 1
    assert _select_candidate(noisy, taus, w, "paired") == 0
    # Better on every split by the same margin: take it, however noisy
    # each candidate's own scores are.
    steady = np.vstack([base, base + 0.01 + [0.0, 0.001, 0.0, 0.001, 0.0]])
    assert _select_candidate(steady, taus, w, "paired") == 1


def test_summary_ranks_candidates_member_major():
    # scores[member, split, tau]
    scores = np.array([[[0.1, 0.5], [0.3, 0.7]], [[0.2, 0.9], [0.2, 0.9]]])
    summary = _summarise_cv(
        scores,
        np.array([0.0, 1.0]),
        [(0.0, "weight"), (0.5, "resample")],
        selection="best",
        scoring="accuracy",
    )
    results = summary.cv_results
    np.testing.assert_allclose(results["mean_test_score"], [0.2, 0.6, 0.2, 0.9])
    np.testing.assert_array_equal(results["param_weight_power"], [0, 0, 0.5, 0.5])
    assert list(results["param_balance"]) == ["weight"] * 2 + ["resample"] * 2
    np.testing.assert_array_equal(results["param_tau"], [0, 1, 0, 1])
    np.testing.assert_array_equal(results["rank_test_score"], [3, 2, 4, 1])
    np.testing.assert_allclose(results["split1_test_score"], [0.3, 0.7, 0.2, 0.9])
    assert results["params"][3] == {
        "weight_power": 0.5,
        "balance": "resample",
        "tau": 1.0,
    }
    assert (summary.best_index, summary.best_tau, summary.best_weight_power) == (
        3,
        1.0,
        0.5,
    )
    assert summary.best_balance == "resample"
    assert summary.best_score == pytest.approx(0.9)


def test_nan_split_is_left_out_and_all_nan_is_refused():
    scores = np.array([[[np.nan, 0.4], [0.6, np.nan]]])
    summary = _summarise_cv(
        scores,
        np.array([0.0, 1.0]),
        [(0.0, "weight")],
        selection="paired",
        scoring="s",
    )
    np.testing.assert_allclose(summary.cv_results["mean_test_score"], [0.6, 0.4])
    with pytest.raises(ValueError, match="scoring='s' returned NaN for every"):
        _summarise_cv(
            np.full((1, 2, 2), np.nan),
            np.array([0.0, 1.0]),
            [(0.0, "weight")],
            selection="best",
            scoring="s",
        )
