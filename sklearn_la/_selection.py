"""Choosing the (weight_power, balance, tau) candidate from per-split CV scores.

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

SELECTIONS = ("best", "one_se", "consistent", "paired")
# Far above float rounding of per-split differences (about 1e-16 relative),
# far below any real difference in scores.
_RELATIVE_MARGIN = 1e-9


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
    # A candidate that beats the anchor on a single split (and ties it on
    # the others) has a gain of exactly one standard error; float rounding
    # must not decide such a tie: "clear" needs more, by a relative margin.
    clear = gain > spread / np.sqrt(n_splits) * (1 + _RELATIVE_MARGIN)
    if not np.any(clear):
        return anchor
    return int(np.argmax(np.where(clear, ranked, -np.inf)))
