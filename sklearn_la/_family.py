"""The paper's consistent family: class-balancing weights ``pi_y ** -w``.

Menon et al. (2021), Theorem 1 with ``delta = pi ** (1 - w)``: fitting the base
model with sample weights ``pi_y ** -w`` and adjusting post hoc by
``-(1 - w) * log(pi_y)`` is consistent for the balanced error for every
``w`` in ``[0, 1]``. ``w = 0`` is post-hoc adjustment, ``w = 1`` is
``class_weight="balanced"``.
"""

import numpy as np
from sklearn.frozen import FrozenEstimator


def _consistent_tau(weight_power):
    """The adjustment strength that keeps weight power ``w`` consistent."""
    return 1.0 - weight_power


def _check_family_base(estimator, weight_powers):
    """Refuse class-balancing weights for a base model that is never refitted.

    A :class:`~sklearn.frozen.FrozenEstimator` ignores ``fit``, so the weights
    would be silently dropped and the adjustment computed for another model.
    """
    if isinstance(estimator, FrozenEstimator) and np.any(np.asarray(weight_powers) > 0):
        raise ValueError(
            "weight_power > 0 re-weights the base model's fit, but the estimator "
            "is a FrozenEstimator, which is never refitted. Use weight_power=0, "
            "or pass an unfitted estimator."
        )


def _balancing_weights(y_encoded, priors, weight_power, sample_weight):
    """Per-sample weights ``sample_weight * pi_y ** -weight_power``.

    They are scaled to keep the total weight of the data (``n_samples``, or the
    sum of ``sample_weight``), so the base model's effective regularisation is
    unchanged, as with ``class_weight="balanced"``, and integer weights stay
    equivalent to repeated rows. A class of prior 0 (all its samples weigh 0)
    keeps a factor of 1 rather than an infinite one.
    """
    factors = np.where(priors > 0, priors, 1.0) ** (-weight_power)
    weights = factors[y_encoded]
    if sample_weight is None:
        return weights / weights.mean()
    weights = weights * sample_weight
    return weights * (sample_weight.sum() / weights.sum())
