"""Choosing the (weight_power, balance, tau) candidate from CV scores.

The rules (``selection``), compared on held-out data in
``benchmarks/results/bench_family.md``:

- ``"best"``: the plain argmax of the mean score, as ``GridSearchCV``.
- ``"one_se"``: among candidates within one standard error of the best, the
  one nearest the consistent ``tau = 1 - weight_power`` (Menon et al.,
  Theorem 1), ties to the higher mean.
- ``"consistent"``: only consistent candidates (``tau = 1 - w``) compete;
  the CV chooses the family member, never a tau off the family.
- ``"paired"``: shrinkage toward the family. Start from the best consistent
  candidate; leave it for the best candidate that beats it by more than one
  standard error of their paired per-split differences. Tail classes have a
  handful of validation samples, so splits disagree a lot, but they disagree
  alike for two candidates: a paired difference is far less noisy than each
  score, and an off-family tau is only taken when every split favours it.
"""

import warnings

import numpy as np
from sklearn.utils import Bunch

SELECTIONS = ("best", "one_se", "consistent", "paired")


def _nan_stats(per_split, ddof=0):
    with warnings.catch_warnings():
        # A split may score NaN (e.g. a group with no class in that fold):
        # it is left out; an all-NaN candidate stays NaN.
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(per_split, axis=1), np.nanstd(per_split, axis=1, ddof=ddof)


def _select_candidate(per_split, taus, weight_powers, selection):
    """Index of the chosen candidate.

    Parameters
    ----------
    per_split : ndarray of shape (n_candidates, n_splits)
        Test score of every candidate on every split.

    taus, weight_powers : ndarray of shape (n_candidates,)
        Each candidate's tau and weight power.

    selection : {"best", "one_se", "consistent", "paired"}
        The rule (see the module docstring).

    Returns
    -------
    index : int
    """
    mean, std = _nan_stats(per_split)
    ranked = np.where(np.isnan(mean), -np.inf, mean)
    best = int(np.argmax(ranked))
    n_splits = per_split.shape[1]
    if selection == "best":
        return best
    consistent = np.isclose(taus, 1.0 - weight_powers)
    if selection == "one_se":
        if n_splits < 2:
            return best
        eligible = ranked >= ranked[best] - std[best] / np.sqrt(n_splits)
        distance = np.where(eligible, np.abs(taus - (1.0 - weight_powers)), np.inf)
        closest = np.flatnonzero(distance == distance.min())
        return int(closest[np.argmax(ranked[closest])])
    if not np.any(consistent & np.isfinite(ranked)):
        return best
    anchor = int(np.argmax(np.where(consistent, ranked, -np.inf)))
    if selection == "consistent" or n_splits < 2:
        return anchor
    gain, spread = _nan_stats(per_split - per_split[anchor], ddof=1)
    clear = gain > spread / np.sqrt(n_splits)
    if not np.any(clear):
        return anchor
    return int(np.argmax(np.where(clear, ranked, -np.inf)))


def _summarise_cv(scores, taus, members, *, selection, scoring):
    """``cv_results_`` and the chosen candidate from per-split scores.

    Parameters
    ----------
    scores : ndarray of shape (n_members, n_splits, n_taus)
        Test score of every candidate on every split.

    taus : ndarray of shape (n_taus,)
        The candidate taus.

    members : list of (float, str)
        The family members ``(weight_power, balance)``, in the order of
        ``scores``.

    selection : str
        The rule of :func:`_select_candidate`.

    scoring : str or callable
        The scoring parameter, for messages.

    Returns
    -------
    summary : Bunch
        ``cv_results`` (a dict as ``GridSearchCV.cv_results_``, candidates
        ordered member-major, tau-minor), ``best_index``, ``best_tau``,
        ``best_weight_power``, ``best_balance`` and ``best_score``.
    """
    n_members, n_splits, n_taus = scores.shape
    per_split = scores.transpose(0, 2, 1).reshape(n_members * n_taus, n_splits)
    mean, std = _nan_stats(per_split)
    if np.all(np.isnan(mean)):
        raise ValueError(
            f"scoring={scoring!r} returned NaN for every candidate, so nothing "
            "can be selected (e.g. a few-shot scorer on data with no few-shot "
            "class). Choose another scoring or other group thresholds."
        )
    cand_w = np.repeat(np.array([w for w, _ in members], dtype=float), n_taus)
    cand_balance = np.repeat(np.array([b for _, b in members], dtype=object), n_taus)
    cand_tau = np.tile(taus, n_members)
    results = _results_dict(per_split, mean, std, cand_w, cand_balance, cand_tau)
    best = _select_candidate(per_split, cand_tau, cand_w, selection)
    return Bunch(
        cv_results=results,
        best_index=best,
        best_tau=float(cand_tau[best]),
        best_weight_power=float(cand_w[best]),
        best_balance=str(cand_balance[best]),
        best_score=float(mean[best]),
    )


def _results_dict(per_split, mean, std, cand_w, cand_balance, cand_tau):
    """``cv_results_`` in ``GridSearchCV``'s layout; NaN means rank last."""
    ranked = np.where(np.isnan(mean), -np.inf, mean)
    rank = np.empty(len(mean), dtype=np.int32)
    rank[np.argsort(-ranked, kind="stable")] = np.arange(1, len(mean) + 1)
    results = {
        "param_weight_power": cand_w,
        "param_balance": cand_balance,
        "param_tau": cand_tau,
        "params": [
            {"weight_power": float(w), "balance": str(b), "tau": float(t)}
            for w, b, t in zip(cand_w, cand_balance, cand_tau)
        ],
    }
    for k in range(per_split.shape[1]):
        results[f"split{k}_test_score"] = per_split[:, k]
    results["mean_test_score"] = mean
    results["std_test_score"] = std
    results["rank_test_score"] = rank
    return results
