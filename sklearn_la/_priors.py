"""Class priors: estimating them from labels and validating user-given ones."""

from numbers import Real

import numpy as np


def _class_priors(y_encoded, n_classes, sample_weight=None):
    """Training priors ``pi`` from encoded labels, weighted by ``sample_weight``.

    Parameters
    ----------
    y_encoded : ndarray of shape (n_samples,)
        Labels encoded as integers in ``[0, n_classes)``.

    n_classes : int
        Number of classes; the output has this length even when a class has no
        sample, so the vector is always aligned with ``classes_``.

    sample_weight : array-like of shape (n_samples,), default=None
        Weights; the prior of a class is its share of the total weight.

    Returns
    -------
    priors : ndarray of shape (n_classes,)
        Float64 priors summing to one.
    """
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    counts = np.bincount(y_encoded, weights=weights, minlength=n_classes)
    total = counts.sum()
    if not total > 0:
        raise ValueError(
            "Cannot compute class priors: the total sample weight is "
            f"{total!r}; expected a positive sum."
        )
    return counts / total


def _check_priors(priors, n_classes, *, name="priors", classes=None):
    """Validate a user-given prior vector and normalise it to sum to one.

    Entries must be finite and strictly positive: a zero prior would make
    ``log(pi)`` infinite and the adjustment undefined. Vectors that do not sum
    to one (class counts, for instance) are rescaled, so ``[90, 10]`` and
    ``[0.9, 0.1]`` mean the same thing.

    Parameters
    ----------
    priors : array-like of shape (n_classes,)
        Priors in the order of ``classes_``.

    n_classes : int
        Expected length.

    name : str, default="priors"
        Parameter name used in error messages.

    classes : ndarray, default=None
        Class labels, only used to make error messages concrete.

    Returns
    -------
    priors : ndarray of shape (n_classes,)
        Float64 priors summing to one.
    """
    if isinstance(priors, str) or np.ndim(priors) != 1:
        raise ValueError(
            f"`{name}` must be a 1-D array-like of length n_classes={n_classes}; "
            f"got {priors!r}."
        )
    try:
        arr = np.asarray(priors, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must contain numbers; got {priors!r}.") from exc
    if arr.shape[0] != n_classes:
        which = "" if classes is None else f" (classes {list(classes)!r})"
        raise ValueError(
            f"`{name}` has length {arr.shape[0]}, expected n_classes={n_classes}"
            f"{which}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must be finite; got {arr.tolist()!r}.")
    if np.any(arr <= 0):
        raise ValueError(
            f"`{name}` must be strictly positive (log(0) is undefined); got "
            f"{arr.tolist()!r}."
        )
    return arr / arr.sum()


def _check_tau(tau, name="tau"):
    """Return ``tau`` as a float, refusing non-finite or non-real values."""
    if isinstance(tau, bool) or not isinstance(tau, Real) or not np.isfinite(tau):
        raise ValueError(f"`{name}` must be a finite real number; got {tau!r}.")
    return float(tau)
