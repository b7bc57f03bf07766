"""Argument checks of the torch subpackage: hyperparameters and per-class vectors.

Each check names the argument and refuses a wrong type with ``TypeError`` and a
wrong value with ``ValueError``, before anything reaches torch. Per-class
vectors go through :mod:`sklearn_la._validation` (the package's only copy of
those rules); a loss knows no labels, so its classes are the indices
``0..K-1`` and a pandas Series or a mapping is aligned on those.
"""

from numbers import Integral, Real

import numpy as np
import torch

from .._validation import _check_class_vector, _check_priors

_REDUCTIONS = ("none", "mean", "sum")


def _on(values, input, dtype):
    return None if values is None else values.to(device=input.device, dtype=dtype)


def _class_weight(weight, n_classes, name="weight"):
    """Validated per-class weights (float64 tensor) and their number of classes."""
    weight = _check_weight(weight, n_classes, name=name)
    return weight, (n_classes if weight is None else len(weight))


def _to_numpy(values):
    """Tensors (on any device) as float64 ndarrays; other values unchanged."""
    if torch.is_tensor(values):
        return values.detach().cpu().double().numpy()
    return values


def _check_real(value, name, *, low=None, high=None, low_open=False, high_open=True):
    """A finite real in the given interval, as a float.

    ``low_open``/``high_open`` exclude the bound; ``None`` means unbounded.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"`{name}` must be a real number; got {value!r}.")
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite; got {value!r}.")
    below = low is not None and (value < low or (value == low and low_open))
    above = high is not None and (value > high or (value == high and high_open))
    if below or above:
        interval = (
            f"{'(' if low_open or low is None else '['}"
            f"{'-inf' if low is None else low}, {'inf' if high is None else high}"
            f"{')' if high_open or high is None else ']'}"
        )
        raise ValueError(f"`{name}` must be in {interval}; got {value!r}.")
    return float(value)


def _check_tau(tau, name="tau"):
    """``tau`` (or ``posthoc_tau``) as a finite float."""
    return _check_real(tau, name)


def _check_shift(shift, value, name):
    """Refuse a non-finite centred shift, naming the parameter that scaled it.

    A finite ``tau`` can still overflow ``tau * log(priors)`` (``tau=1e308``);
    the loss (or the predicted probabilities) would then be infinite or NaN.
    ``shift`` is a float64 numpy array or tensor.
    """
    finite = torch.isfinite(shift) if torch.is_tensor(shift) else np.isfinite(shift)
    if not bool(finite.all()):
        raise ValueError(
            f"`{name}` value {value!r} is too large for these priors: the shift "
            f"{name} * log(priors) overflows. Use a smaller `{name}`."
        )
    return shift


def _check_int(value, name, low=0, *, none_ok=False):
    """An int ``>= low`` (bools refused), or None when ``none_ok``."""
    if value is None and none_ok:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral):
        expected = "None or an int" if none_ok else "an int"
        raise TypeError(f"`{name}` must be {expected}; got {value!r}.")
    if value < low:
        raise ValueError(f"`{name}` must be >= {low}; got {value!r}.")
    return int(value)


def _check_reduction(reduction):
    if not isinstance(reduction, str):
        raise TypeError(f"`reduction` must be a string; got {reduction!r}.")
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"`reduction` must be one of {_REDUCTIONS!r}; got {reduction!r}."
        )
    return reduction


def _indices(values, name):
    """Class indices ``0..K-1`` for a non-empty 1-D per-class vector."""
    values = _to_numpy(values)
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1 or len(values) == 0:
        raise ValueError(
            f"`{name}` must be a non-empty 1-D array-like with one entry per "
            f"class; got {values!r}."
        )
    return values, np.arange(len(values))


def _check_loss_priors(priors, name="priors"):
    """Priors (or counts) of a loss: positive, finite, normalised, float64."""
    values, classes = _indices(priors, name)
    return _check_priors(values, classes, name=name)


def _check_counts(counts, name="class_counts"):
    """Class counts of a loss: positive and finite; the scale is kept."""
    values, classes = _indices(counts, name)
    return _check_class_vector(values, classes, name=name, positive=True)


def _check_weight(weight, n_classes, name="weight"):
    """Per-class loss weights as a float64 tensor (None stays None)."""
    if weight is None:
        return None
    values = _to_numpy(weight)
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise ValueError(
            f"`{name}` must be a 1-D array-like of per-class weights; got {weight!r}."
        )
    classes = np.arange(len(values) if n_classes is None else n_classes)
    arr = _check_class_vector(values, classes, name=name, positive=False)
    return torch.as_tensor(arr, dtype=torch.float64)


def _check_ignore_index(ignore_index):
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, Integral):
        raise TypeError(f"`ignore_index` must be an int; got {ignore_index!r}.")
    return int(ignore_index)


def _check_delta(delta):
    """``Delta`` as a square float64 tensor with a zero diagonal."""
    delta = _to_numpy(delta)
    try:
        arr = np.array(delta, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`delta` must contain numbers; got {delta!r}.") from exc
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(
            f"`delta` must be a square (n_classes, n_classes) matrix; got shape "
            f"{arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("`delta` must be finite; got non-finite entries.")
    np.fill_diagonal(arr, 0.0)
    return torch.as_tensor(arr)
