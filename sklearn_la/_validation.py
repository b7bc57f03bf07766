"""Validation shared by every estimator: targets, labels, weights, priors, grids.

This module is the only home of these checks. Each refuses bad input with a
``TypeError`` (wrong type) or ``ValueError`` (wrong value) that names the
argument, the value received and what was expected, so no estimator of the
package ends in a NaN, an ``inf`` or a crash deep inside numpy.

Per-class vectors (priors, target priors, class counts) follow one rule: an
array is read in ``classes_`` order, while a pandas Series or a mapping keyed
by label is aligned by label, never read by position (:func:`_is_keyed`
tells them apart). Their checks and alignment live in
:mod:`._class_vectors`.
"""

from collections.abc import Mapping
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length, column_or_1d


def _plain(value):
    """A numpy scalar as a Python value: messages say ``[3]``, not ``[np.int64(3)]``."""
    return value.item() if isinstance(value, np.generic) else value


def _plain_list(values):
    return [_plain(v) for v in values]


def _is_keyed(values):
    """Whether ``values`` is keyed by label: a mapping or a pandas Series.

    pandas is recognised by duck typing so that it stays an optional
    dependency.
    """
    return isinstance(values, Mapping) or (
        type(values).__name__ == "Series" and hasattr(values, "index")
    )


def _check_targets(y, owner, *, min_classes=2, name="y"):
    """Return ``y`` as 1-D single-output class labels, or refuse it clearly.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.

    owner : str
        Name of the estimator or function, for messages.

    min_classes : int, default=2
        Fewest distinct labels accepted (``1`` serves a frozen base model,
        which already knows its classes).

    name : str, default="y"
        Argument name used in messages.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        The labels, raveled from a column vector if need be.
    """
    if y is None:
        # The wording "requires y to be passed" is scikit-learn's; its
        # estimator checks look for it.
        raise ValueError(
            f"{owner} requires y to be passed, but the target y is None: `{name}` "
            "must be an array-like of class labels."
        )
    values = np.asarray(y)
    if values.ndim >= 1 and values.shape[0] == 0:
        raise ValueError(
            f"{owner} needs at least one sample; `{name}` is empty (0 samples)."
        )
    if values.dtype == object:
        _check_label_types(values.ravel(), name)
    y_type = type_of_target(y, input_name=name, raise_unknown=True)
    if y_type not in ("binary", "multiclass"):
        raise ValueError(
            f"{owner} supports binary or multiclass targets only; got `{name}` of "
            f"type {y_type!r}."
        )
    # A column vector is accepted with scikit-learn's DataConversionWarning.
    y = column_or_1d(y, warn=True)
    labels = np.unique(y)
    if labels.shape[0] < min_classes:
        raise ValueError(
            f"{owner} needs at least {min_classes} classes in `{name}`; got "
            f"{labels.shape[0]} class(es): {_plain_list(labels)!r}."
        )
    return y


def _is_missing(value):
    """None, NaN, or pandas' ``pd.NA`` / ``pd.NaT`` (duck-typed: pandas is optional)."""
    return (
        value is None
        or (isinstance(value, float) and value != value)
        or type(value).__name__ in ("NAType", "NaTType")
    )


def _check_label_types(values, name):
    """Refuse missing labels and labels of mixed types in an object array."""
    missing = [v for v in values if _is_missing(v)]
    if missing:
        raise ValueError(
            f"`{name}` contains missing labels ({missing[0]!r}); every sample "
            "needs a class label. Drop or impute those rows first."
        )
    kinds = {"number" if isinstance(v, Real) else type(v).__name__ for v in values}
    if len(kinds) > 1:
        raise ValueError(
            f"`{name}` mixes labels of types {sorted(kinds)!r}; labels must be all "
            "numbers or all strings."
        )


def _encode_labels(y, classes, *, name="y"):
    """Positions of the labels ``y`` in ``classes`` (any order), as int64.

    ``classes`` need not be sorted (a net may be given ``classes=[2, 0, 1]``).
    Labels absent from ``classes`` are refused with the offending labels named.
    """
    classes = np.asarray(classes)
    y = np.asarray(y)
    sorter = np.argsort(classes, kind="stable")
    try:
        pos = np.searchsorted(classes, y, sorter=sorter)
    except TypeError as exc:
        raise ValueError(
            f"`{name}` holds labels of another type than the classes "
            f"{_plain_list(classes)!r}."
        ) from exc
    idx = sorter[np.clip(pos, 0, len(classes) - 1)]
    unknown = classes[idx] != y
    if np.any(unknown):
        raise ValueError(
            f"`{name}` contains labels {_plain_list(np.unique(y[unknown]))!r} that "
            f"are not among the classes {_plain_list(classes)!r}."
        )
    return idx.astype(np.int64)


def _check_sample_weight(sample_weight, n_samples):
    """Sample weights as a float64 vector: finite, non-negative, positive total.

    Negative weights would make class priors negative and every probability
    NaN, so they are refused here rather than downstream.
    """
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "`sample_weight` must be an array-like of numbers; got "
            f"{type(sample_weight).__name__}."
        ) from exc
    if weights.ndim == 0:
        weights = np.full(n_samples, float(weights))
    if weights.ndim != 1:
        raise ValueError(
            f"`sample_weight` must be 1-D; got an array of shape {weights.shape}."
        )
    check_consistent_length(weights, np.empty(n_samples))
    if not np.all(np.isfinite(weights)):
        raise ValueError("`sample_weight` must be finite; it contains NaN or inf.")
    if np.any(weights < 0):
        raise ValueError(
            "`sample_weight` must be non-negative; got "
            f"{int(np.sum(weights < 0))} negative value(s), the smallest "
            f"{float(weights.min())!r}."
        )
    if not weights.sum() > 0:
        raise ValueError(
            "`sample_weight` sums to zero; expected a positive total (at least "
            "one non-zero weight)."
        )
    return weights


def _class_priors(y_encoded, n_classes, sample_weight=None):
    """Training priors ``pi``: each class's share of the (weighted) samples.

    The vector has ``n_classes`` entries even when a class has no sample (its
    prior is then 0; callers decide whether that is allowed), so it stays
    aligned with ``classes_``. ``sample_weight`` must have been validated by
    :func:`_check_sample_weight`.
    """
    counts = np.bincount(y_encoded, weights=sample_weight, minlength=n_classes)
    total = counts.sum()
    if not total > 0:
        raise ValueError(
            f"Cannot compute class priors: the total sample weight is {total!r}; "
            "expected a positive sum."
        )
    return counts / total


def _train_priors(y_encoded, classes, sample_weight=None):
    """Training priors from labels, refusing a class of zero total weight.

    A class the base model knows but that has no sample (or only samples of
    weight 0) in ``y`` would get a prior of 0 and an infinite offset
    ``-tau * log(0)``; it is refused by name, and the user can pass
    ``priors=`` explicitly instead.
    """
    classes = np.asarray(classes)
    priors = _class_priors(y_encoded, len(classes), sample_weight)
    empty = priors == 0
    if np.any(empty):
        raise ValueError(
            f"class {_plain_list(classes[empty])!r} has no sample (or a zero total "
            "sample_weight) in the y given to fit, so its training prior is 0 and "
            "log(0) is undefined. Pass `priors=` explicitly, or fit on data with "
            "every class."
        )
    return priors


class _NumberInterval(Interval):
    """An :class:`~sklearn.utils._param_validation.Interval` that refuses bools.

    Python counts ``True`` as the integer 1, so ``tau=True`` would silently
    mean ``tau=1.0`` (and ``taus=True`` a one-value grid); a bool there is a
    mistake, refused with scikit-learn's ``InvalidParameterError`` (a
    ``TypeError`` and a ``ValueError``).
    """

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


def _is_bool(value):
    return isinstance(value, (bool, np.bool_))


def _check_grid(values, name, *, low=None, high=None):
    """A non-empty 1-D float grid of finite values within ``[low, high]``.

    The type of a grid parameter is checked declaratively by
    ``_parameter_constraints``; this checks its entries: ``TypeError`` when
    they are not numbers, ``ValueError`` when they are out of range.
    """
    if isinstance(values, (str, bytes)) or any(
        map(_is_bool, np.ravel(np.asarray(values, dtype=object)))
    ):
        raise TypeError(f"`{name}` must be an array-like of numbers; got {values!r}.")
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"`{name}` must be an array-like of numbers; got {values!r}."
        ) from exc
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"`{name}` must be a non-empty 1-D array; got {values!r}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` must be finite; got {arr.tolist()!r}.")
    too_low = low is not None and np.any(arr < low)
    too_high = high is not None and np.any(arr > high)
    if too_low or too_high:
        raise ValueError(
            f"`{name}` entries must lie in [{low}, {high}]; got {arr.tolist()!r}."
        )
    return arr
