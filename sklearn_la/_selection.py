"""Choosing the (weight_power, tau) candidate from cross-validation scores."""

import warnings

import numpy as np
from sklearn.utils import Bunch


def _select_candidate(mean, std, n_splits, taus, weight_powers, selection):
    """Index of the chosen (weight_power, tau) candidate.

    ``"best"`` is the plain argmax of the mean score. ``"one_se"`` is the
    one-standard-error rule: among candidates whose mean is within one
    standard error of the best, take the one nearest the consistent choice
    ``tau = 1 - weight_power`` (Menon et al., Theorem 1), ties to the higher
    mean. Tail classes have a handful of validation samples, so the plain
    argmax chases noise; the rule only leaves the consistent choice when the
    data clearly favour another.
    """
    ranked_mean = np.where(np.isnan(mean), -np.inf, mean)
    best = int(np.argmax(ranked_mean))
    if selection == "best" or n_splits < 2:
        return best
    se = std[best] / np.sqrt(n_splits)
    eligible = ranked_mean >= ranked_mean[best] - se
    distance = np.abs(taus - (1.0 - weight_powers))
    distance = np.where(eligible, distance, np.inf)
    closest = np.flatnonzero(distance == distance.min())
    return int(closest[np.argmax(ranked_mean[closest])])


def _summarise_cv(scores, taus, weight_powers, *, selection, scoring):
    """``cv_results_`` and the chosen candidate from per-split scores.

    Parameters
    ----------
    scores : ndarray of shape (n_weight_powers, n_splits, n_taus)
        Test score of every candidate on every split.

    taus, weight_powers : ndarray
        The candidate grids.

    selection : {"best", "one_se"}
        The rule of :func:`_select_candidate`.

    scoring : str or callable
        The scoring parameter, for messages.

    Returns
    -------
    summary : Bunch
        ``cv_results`` (a dict as ``GridSearchCV.cv_results_``, candidates
        ordered weight_power-major, tau-minor), ``best_index``, ``best_tau``,
        ``best_weight_power`` and ``best_score``.
    """
    n_w, n_splits, n_taus = scores.shape
    per_split = scores.transpose(0, 2, 1).reshape(n_w * n_taus, n_splits)
    with warnings.catch_warnings():
        # A split may score NaN (e.g. a group with no class in that fold):
        # it is left out of the mean; an all-NaN candidate stays NaN.
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(per_split, axis=1)
        std = np.nanstd(per_split, axis=1)
    if np.all(np.isnan(mean)):
        raise ValueError(
            f"scoring={scoring!r} returned NaN for every candidate, so nothing "
            "can be selected (e.g. a few-shot scorer on data with no few-shot "
            "class). Choose another scoring or other group thresholds."
        )
    cand_w = np.repeat(weight_powers, n_taus)
    cand_tau = np.tile(taus, n_w)
    results = _results_dict(per_split, mean, std, cand_w, cand_tau)
    best = _select_candidate(mean, std, n_splits, cand_tau, cand_w, selection)
    return Bunch(
        cv_results=results,
        best_index=best,
        best_tau=float(cand_tau[best]),
        best_weight_power=float(cand_w[best]),
        best_score=float(mean[best]),
    )


def _results_dict(per_split, mean, std, cand_w, cand_tau):
    """``cv_results_`` in ``GridSearchCV``'s layout; NaN means rank last."""
    ranked = np.where(np.isnan(mean), -np.inf, mean)
    rank = np.empty(len(mean), dtype=np.int32)
    rank[np.argsort(-ranked, kind="stable")] = np.arange(1, len(mean) + 1)
    results = {
        "param_weight_power": cand_w,
        "param_tau": cand_tau,
        "params": [
            {"weight_power": float(w), "tau": float(t)}
            for w, t in zip(cand_w, cand_tau)
        ],
    }
    for k in range(per_split.shape[1]):
        results[f"split{k}_test_score"] = per_split[:, k]
    results["mean_test_score"] = mean
    results["std_test_score"] = std
    results["rank_test_score"] = rank
    return results
