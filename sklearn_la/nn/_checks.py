"""Checks of the torch side: loss arguments, logits and targets, the net's data.

Each check names the argument and refuses a wrong type with ``TypeError`` and a
wrong value with ``ValueError``, before anything reaches torch. Per-class
vectors go through :mod:`sklearn_la._validation` (the package's only copy of
those rules); a loss knows no labels, so its classes are the indices
``0..K-1`` and a pandas Series or a mapping is aligned on those. The net's
labels go through :func:`sklearn_la._validation._check_targets`; its features
are converted here, since skorch hands ``X`` to torch as it comes.
"""

from contextlib import suppress
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.utils.validation import validate_data
from skorch.utils import is_dataset

from .._validation import _check_class_vector, _check_priors, _check_targets

_REDUCTIONS = ("none", "mean", "sum")

# ---------------------------------------------------------------------------
# Hyperparameters and per-class vectors of the losses
# ---------------------------------------------------------------------------


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


def _check_ignore_index(ignore_index):
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, Integral):
        raise TypeError(f"`ignore_index` must be an int; got {ignore_index!r}.")
    return int(ignore_index)


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
    """Per-class loss weights as a float64 tensor (None stays None).

    ``n_classes=None`` takes the number of classes from ``weight``.
    """
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


# ---------------------------------------------------------------------------
# Logits and targets, at each call of a loss
# ---------------------------------------------------------------------------


def _class_dim(input):
    """The classes' dimension, as for cross-entropy: 0 unbatched, else 1."""
    return 0 if input.dim() == 1 else 1


def _check_logits(input, n_classes, built_for):
    """Refuse what is not a floating tensor of logits with ``n_classes`` classes.

    ``built_for`` starts the message (e.g. ``"FocalLoss was built for 3
    classes"``); ``n_classes=None`` skips the class count.
    """
    if not torch.is_tensor(input):
        raise TypeError(
            f"`input` must be a torch.Tensor of logits; got {type(input).__name__}."
        )
    if not input.is_floating_point():
        raise TypeError(
            f"`input` must hold floating-point logits; got dtype {input.dtype}."
        )
    if input.dim() == 0:
        raise ValueError(
            "`input` must be logits of shape (C,), (N, C) or (N, C, d1, ...); got a "
            "0-dimensional tensor."
        )
    dim = _class_dim(input)
    if n_classes is not None and input.shape[dim] != n_classes:
        raise ValueError(
            f"{built_for}, but the logits of shape {tuple(input.shape)} have "
            f"{input.shape[dim]} classes along dimension {dim}."
        )


def _check_cross_entropy_target(target, owner, input):
    """Refuse a float target that is neither class indices nor probabilities.

    A softmax cross-entropy takes class indices (an integer tensor) or class
    probabilities shaped as ``input``. A float tensor of the indices' shape
    (``torch.tensor([0., 1, 2])``) is neither; torch would only say "expected
    target dtype to be Long". Only float targets are checked: integer ones
    go to torch as they are, at no cost.
    """
    if not torch.is_tensor(target):
        raise TypeError(
            f"`target` must be a torch.Tensor of class indices or class "
            f"probabilities; got {type(target).__name__}."
        )
    if target.is_floating_point() and target.shape != input.shape:
        raise TypeError(
            f"{owner} needs class-index targets (an integer tensor) or class "
            f"probabilities of the logits' shape {tuple(input.shape)}; got a "
            f"tensor of dtype {target.dtype} and shape {tuple(target.shape)}. "
            "For class indices, convert it with `target.long()`."
        )


def _check_index_target(target, owner, input, ignore_index=-100):
    """Refuse targets that are not class indices matching ``input``.

    The range check runs on CPU tensors only: on an accelerator it would
    synchronise the device at every call.
    """
    if not torch.is_tensor(target):
        raise TypeError(
            f"`target` must be a torch.Tensor of class indices; got "
            f"{type(target).__name__}."
        )
    if target.is_floating_point() or target.is_complex():
        raise TypeError(
            f"{owner} needs class-index targets (an integer tensor); got a tensor "
            f"of dtype {target.dtype}. Class probabilities are supported by "
            "LogitAdjustedLoss and BalancedSoftmaxLoss only."
        )
    dim = _class_dim(input)
    expected = input.shape[:dim] + input.shape[dim + 1 :]
    if target.shape != expected:
        raise ValueError(
            f"`target` has shape {tuple(target.shape)}, but logits of shape "
            f"{tuple(input.shape)} need targets of shape {tuple(expected)}."
        )
    if target.device.type == "cpu" and target.numel():
        counted = target[target != ignore_index]
        n_classes = input.shape[dim]
        if counted.numel() and (counted.min() < 0 or counted.max() >= n_classes):
            raise ValueError(
                f"`target` holds class indices outside [0, {n_classes}) "
                f"(min {int(counted.min())}, max {int(counted.max())}); the "
                f"ignored value is ignore_index={ignore_index}."
            )


# ---------------------------------------------------------------------------
# The net's data: labels and features
# ---------------------------------------------------------------------------


def _as_array(values):
    """A tensor (on any device) as a numpy array; other values unchanged."""
    return values.detach().cpu().numpy() if torch.is_tensor(values) else values


def _check_labels(y, owner):
    """``y`` as 1-D class labels, by the package's one target check (which
    refuses tuple labels, read by scikit-learn as multi-label data)."""
    return _check_targets(_as_array(y), owner, min_classes=1)


def _check_X(net, X, *, reset):
    """``X`` as a dense float32 array; learns (``reset``) or checks its shape.

    Torch Datasets and dicts (not scipy's dok_matrix) pass: the module checks.
    """
    if is_dataset(X) or (isinstance(X, dict) and not sp.issparse(X)):
        if reset:  # sizes learned from earlier array data no longer apply
            for name in ("n_features_in_", "feature_names_in_", "sample_shape_"):
                vars(net).pop(name, None)
        return X
    X = _as_array(X)
    dtypes = getattr(X, "dtypes", None)
    bad = [n for n, t in getattr(dtypes, "items", dict)() if t.kind not in "biuf"]
    if bad:
        raise ValueError(
            f"X must be numeric, but columns {bad!r} are not. Encode them first, "
            "for instance with sklearn's OneHotEncoder in a Pipeline."
        )
    fitted = None if reset else vars(net).get("sample_shape_")
    shape = getattr(X, "shape", None)
    if shape is None and isinstance(X, (list, tuple)):
        with suppress(ValueError):  # ragged: validate_data says what is wrong
            shape = np.shape(X)
    shape = None if fitted is None or shape is None else tuple(shape[1:])
    # Before scikit-learn, which would take an image's channels for features.
    if shape is not None and len(shape) + len(fitted) > 2 and shape != fitted:
        raise ValueError(
            f"X has samples of shape {shape}, but {type(net).__name__} was "
            f"fitted on samples of shape {fitted}."
        )
    X = validate_data(
        net, X, reset=reset, dtype=np.float32, accept_sparse="csr", allow_nd=True
    )
    if reset:
        net.sample_shape_ = tuple(X.shape[1:])
    return X.toarray() if sp.issparse(X) else X  # nn.Linear needs dense input
