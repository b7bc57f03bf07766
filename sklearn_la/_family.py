"""The paper's consistent family: class-balancing by weights or by resampling.

Menon et al. (2021), Theorem 1 with ``delta = pi ** (1 - w)``: fitting the base
model with sample weights ``pi_y ** -w`` and adjusting post hoc by
``-(1 - w) * log(pi_y)`` is consistent for the balanced error for every
``w`` in ``[0, 1]``. ``w = 0`` is post-hoc adjustment, ``w = 1`` is
``class_weight="balanced"``.

The same weights can be realised by replicating rows instead
(``balance="resample"``): class ``y`` is oversampled to about
``n_y * pi_y ** -w`` rows (scaled so that no class loses rows), so the
resampled class frequencies are ``pi_y ** (1 - w)`` up to rounding, and the
same ``tau = 1 - w`` stays consistent. Models whose fit counts rows rather
than weights (a gradient-boosting leaf's ``min_samples_leaf``, a forest's
bootstrap) see a different data set, which is why both routes are members.
``w = 1`` is random oversampling, row for row as imbalanced-learn's
``RandomOverSampler`` with the same ``random_state``.
"""

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.utils import Bunch, _safe_indexing
from sklearn.utils.validation import _check_method_params

from ._routing import _fit_estimator
from ._validation import _plain

BALANCES = ("weight", "resample")
# Resampling never makes a class more than this many times the largest
# class's row count (weights or priors far from the counts would otherwise
# ask for any number of rows).
_MAX_ROWS_FACTOR = 10


def _consistent_tau(weight_power):
    """The adjustment strength that keeps weight power ``w`` consistent."""
    return 1.0 - weight_power


def _check_family_base(estimator, weight_powers):
    """Refuse class balancing for a base model that is never refitted.

    A :class:`~sklearn.frozen.FrozenEstimator` ignores ``fit``, so the weights
    or resampled rows would be silently dropped and the adjustment computed
    for another model.
    """
    if isinstance(estimator, FrozenEstimator) and np.any(np.asarray(weight_powers) > 0):
        raise ValueError(
            "weight_power > 0 re-weights or resamples the base model's training "
            "data, but the estimator is a FrozenEstimator, which is never "
            "refitted. Use weight_power=0, or pass an unfitted estimator."
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


def _resampled_counts(counts, priors, weight_power, labels=None):
    """Rows per class after resampling: ``n_y * (max_k pi_k / pi_y) ** w``.

    Rounded to the nearest integer (``numpy.rint``, halves to even) and never
    below ``n_y``, so no row is dropped and the class of largest prior keeps
    its rows as they are. With training priors and ``w = 1`` every class gets
    ``max_k n_k`` rows, the target of ``RandomOverSampler``. A class of prior
    0, or absent (``n_y = 0``), is left as it is.

    With sample weights (or given ``priors``) far from the row counts a class
    can need more rows than that: a class weighted 1e-7 would be replicated a
    billion-fold. No class may grow beyond :data:`_MAX_ROWS_FACTOR` times the
    largest class's row count (what a full ``RandomOverSampler`` gives each
    class); such priors are refused, by name, for ``balance="weight"``,
    which realises the same member exactly.
    """
    present = (priors > 0) & (counts > 0)
    if not np.any(present):
        return counts.copy()
    ratio = np.ones(len(counts))
    ratio[present] = (priors[present].max() / priors[present]) ** weight_power
    target = counts * ratio
    largest = _MAX_ROWS_FACTOR * counts.max()
    too_many = target > largest * (1 + 1e-9)
    if np.any(too_many):
        k = int(np.argmax(np.where(too_many, target / largest, 0)))
        name = f"index {k}" if labels is None else repr(_plain(labels[k]))
        raise ValueError(
            f'`balance="resample"` with weight_power={weight_power:g} cannot be '
            f"realised: class {name} has {int(counts[k])} row(s) but a prior of "
            f"{priors[k]:.3g} (weighted by `sample_weight`, or given as `priors`), "
            f"so it would be replicated to {target[k]:.3g} rows, more than "
            f"{_MAX_ROWS_FACTOR} times the largest class's row count "
            f"({int(counts.max())}, what a full RandomOverSampler gives each class). "
            'Use balance="weight" (balances="weight" in LogitAdjustedClassifierCV), '
            "which realises the same member by weights, or sample weights closer "
            "to the row counts."
        )
    return np.maximum(np.rint(target).astype(np.int64), counts)


def _resample_indices(y_encoded, priors, weight_power, random_state, labels=None):
    """Row indices that replicate each class to :func:`_resampled_counts`.

    Every row is kept once, in order; then, class by class in encoded (sorted)
    order, the missing rows are drawn uniformly with replacement from the
    class's rows by ``random_state.choice``. That is imbalanced-learn's
    ``RandomOverSampler`` draw for draw, so at ``w = 1`` with training priors
    the rows are the same as its ``fit_resample`` with the same seed.

    Parameters
    ----------
    y_encoded : ndarray of shape (n_samples,)
        Class indices.

    priors : ndarray of shape (n_classes,)
        Class priors the weights ``pi ** -w`` are computed from.

    weight_power : float
        Exponent ``w``.

    random_state : numpy.random.RandomState
        Source of the draws.

    labels : ndarray of shape (n_classes,), default=None
        The class labels, for a message naming a class that cannot be
        resampled (:func:`_resampled_counts`).

    Returns
    -------
    indices : ndarray of shape (n_resampled,)
        ``arange(n_samples)`` followed by the replicated rows.
    """
    counts = np.bincount(y_encoded, minlength=len(priors))
    extra = _resampled_counts(counts, priors, weight_power, labels) - counts
    draws = [np.arange(len(y_encoded))]
    # Classes needing no rows are skipped (RandomOverSampler skips its
    # majority class; a zero-size draw would consume no state anyway).
    for k in np.flatnonzero(extra > 0):
        members = np.flatnonzero(y_encoded == k)
        draws.append(random_state.choice(members, size=extra[k], replace=True))
    return np.concatenate(draws)


def _fit_member(
    estimator,
    X,
    y,
    *,
    y_encoded,
    priors,
    weight_power,
    balance,
    random_state,
    fit_params,
    weight_key,
    sample_weight,
):
    """Fit ``estimator`` as the family member ``(weight_power, balance)``.

    ``balance="weight"`` multiplies ``sample_weight`` by ``pi_y ** -w``
    (:func:`_balancing_weights`); ``"resample"`` fits on the rows of
    :func:`_resample_indices`, each carrying its own ``sample_weight`` and
    sample-aligned fit params; an imbalanced-learn sampler or a
    :class:`~sklearn_la.BalancedBagging` is fitted by :mod:`._rebalancing`.
    ``w = 0`` fits on the data as given. ``y_encoded`` indexes ``priors``;
    ``fit_params``, ``weight_key`` and ``sample_weight`` are as routed (see
    :func:`._routing._fit_estimator`), already restricted to the rows of
    ``X``.

    Returns the fitted estimator and ``seen``, a Bunch of the ``y_encoded``
    and ``sample_weight`` of the rows its ``fit`` was given (``y_encoded``
    None if it was None), from which :mod:`._rebalancing` reads the prior it
    was trained under.
    """
    if weight_power > 0 and not isinstance(balance, str):
        from ._rebalancing import _fit_rebalanced

        return _fit_rebalanced(
            estimator, X, y, balance=balance, y_encoded=y_encoded, priors=priors,
            weight_power=weight_power, random_state=random_state,
            fit_params=fit_params, weight_key=weight_key, sample_weight=sample_weight,
        )  # fmt: skip
    if weight_power > 0 and balance == "weight":
        sample_weight = _balancing_weights(
            y_encoded, priors, weight_power, sample_weight
        )
    elif weight_power > 0:
        # The label of each class index, for a message naming the class.
        labels = np.empty(len(priors), dtype=object)
        first = np.unique(y_encoded, return_index=True)
        labels[first[0]] = list(_safe_indexing(y, first[1]))
        rows = _resample_indices(y_encoded, priors, weight_power, random_state, labels)
        fit_params = _check_method_params(X, fit_params, indices=rows)
        X, y = _safe_indexing(X, rows), _safe_indexing(y, rows)
        sample_weight = None if sample_weight is None else sample_weight[rows]
        y_encoded = y_encoded[rows]
    estimator = _fit_estimator(
        estimator,
        X,
        y,
        fit_params=fit_params,
        weight_key=weight_key,
        sample_weight=sample_weight,
    )
    return estimator, Bunch(y_encoded=y_encoded, sample_weight=sample_weight)
