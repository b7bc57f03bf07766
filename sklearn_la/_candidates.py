"""The candidates :class:`LogitAdjustedClassifierCV` searches.

A candidate is a ``tau`` and a family member ``(weight_power, balance)``:
:func:`_candidate_grid` turns the ``taus``, ``weight_powers`` and
``balances`` parameters into the tau grid and the list of members.
"""

from numbers import Integral

import numpy as np
from sklearn.frozen import FrozenEstimator

from ._family import BALANCES
from ._validation import _check_grid

# The named candidate sets of ``weight_powers``.
WEIGHT_POWERS = {"family": (0.0, 0.25, 0.5, 0.75, 1.0), "fast": (0.0, 0.5, 1.0)}


def _candidate_grid(*, estimator, taus, weight_powers, balances):
    """The taus and the family members ``(weight_power, balance)``."""
    if isinstance(weight_powers, str):
        # A frozen model is never refitted: only tau can be tuned.
        frozen = isinstance(estimator, FrozenEstimator)
        named = WEIGHT_POWERS[weight_powers]
        weight_powers = np.array([0.0] if frozen else named)
    else:
        weight_powers = _check_grid(weight_powers, "weight_powers", low=0, high=1)
    if isinstance(taus, Integral):
        grid = np.linspace(0.0, 2.0, taus) if taus > 1 else np.ones(1)
        # The consistent tau of every weight power is a candidate too; rounded
        # so that grid values print as typed (0.3, not 0.30000000000000004).
        taus = np.unique(np.round(np.append(grid, 1.0 - weight_powers), 12))
    else:
        taus = _check_grid(taus, "taus")
    balances = [balances] if isinstance(balances, str) else balances
    balances = list(dict.fromkeys(balances))
    for balance in balances:
        if balance not in BALANCES:
            raise ValueError(
                f"`balances` entries must be in {BALANCES}; got {balance!r}."
            )
    if not balances:
        raise ValueError("`balances` must hold at least one of 'weight', 'resample'.")
    # At w = 0 there is nothing to balance: one member, whatever the route.
    members = [
        (float(w), b)
        for w in weight_powers
        for b in (balances[:1] if w == 0 else balances)
    ]
    return taus, members
