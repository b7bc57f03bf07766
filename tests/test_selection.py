"""Choosing the (weight_power, balance, tau) candidate from CV scores."""

import numpy as np
import pytest

from sklearn_la._selection import _select_candidate


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


@pytest.mark.parametrize("n_splits", [2, 3, 5, 10])
@pytest.mark.parametrize("delta", [0.1, 1 / 3, 0.0123, 0.7, 1e-3, 0.05])
def test_a_single_split_win_is_never_clear_whatever_the_rounding(n_splits, delta):
    # Beating the anchor on one split and tying it on the others gives a gain
    # of exactly one standard error: float rounding must not decide.
    taus = np.array([1.0, 0.4])
    w = np.zeros(2)
    base = np.linspace(0.5, 0.7, n_splits)
    other = base.copy()
    other[0] += delta
    per_split = np.vstack([base, other])
    assert _select_candidate(per_split, taus, w, "paired") == 0
    # ... whichever split carries the win.
    assert _select_candidate(per_split[:, ::-1], taus, w, "paired") == 0


def test_all_nan_candidates_rank_last_and_are_never_chosen():
    taus = np.array([1.0, 0.5])
    per_split = np.array([[np.nan, np.nan], [0.4, 0.6]])
    for rule in ("best", "one_se", "paired"):
        assert _select_candidate(per_split, taus, np.zeros(2), rule) == 1
