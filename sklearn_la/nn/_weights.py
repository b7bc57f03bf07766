"""Sample weights in :class:`~sklearn_la.nn.LogitAdjustedNet`: skorch's dict-X pattern.

skorch's fit takes no ``sample_weight``; its FAQ ("How do I use sample
weight?") puts the weights next to ``X`` in a dict, so that skorch's Dataset,
splits and DataLoader batch them with the rows, and reads them back in
``get_loss``. The net follows that pattern, with three additions that cannot
stay in a thin subclass, hence this module:

- the module never sees the weights (``infer`` unpacks the dict), so any
  module works unchanged;
- a weighted batch's ``"mean"`` divides by the batch's total weight times the
  criterion's class weights, as cross-entropy's own mean does, so integer
  weights act exactly like repeated rows;
- what cannot carry the weights (a Dataset or dict ``X``, a custom dataset or
  collate function, a criterion without ``reduction``) is refused up front.
"""

import numpy as np
import torch
from skorch.dataset import Dataset as SkorchDataset
from skorch.utils import to_tensor
from torch import nn
from torch.utils.data import DataLoader

from .._validation import _check_sample_weight
from ._input import _passes_through
from ._loss_base import _CastCacheMixin

_X_KEY = "_sklearn_la_X"
_WEIGHT_KEY = "_sklearn_la_sample_weight"


def _reduction(criterion):
    """The criterion's ``reduction``, which the weighted loss switches to 'none'."""
    reduction = getattr(criterion, "reduction", None)
    if reduction not in ("mean", "sum"):
        raise ValueError(
            "sample_weight needs a criterion with a `reduction` attribute of 'mean' "
            "or 'sum' (it is switched to 'none' to weight each example); got "
            f"{criterion!r}."
        )
    return reduction


def _check_weights(net, X, sample_weight, n_samples):
    """Validated float64 weights, or None; refuses what cannot carry them."""
    if sample_weight is None:
        return None
    if _passes_through(X):
        raise ValueError(
            "sample_weight needs X as an array; with a torch Dataset or a dict as "
            "X, keep the weights in X and override get_loss to use them."
        )
    custom = [
        name
        for name, is_custom in [
            ("dataset", net.dataset is not SkorchDataset),
            ("iterator_train", net.iterator_train is not DataLoader),
            ("iterator_valid", net.iterator_valid is not DataLoader),
            (
                "iterator_train__collate_fn",
                "collate_fn" in net.get_params_for("iterator_train"),
            ),
            (
                "iterator_valid__collate_fn",
                "collate_fn" in net.get_params_for("iterator_valid"),
            ),
        ]
        if is_custom
    ]
    if custom:
        raise ValueError(
            f"sample_weight cannot be combined with a custom {custom[0]}: the weights "
            "travel next to X through skorch's default Dataset and collate function. "
            "Weight the loss in an overridden get_loss instead."
        )
    if isinstance(net.criterion, nn.Module):
        # Refused before fit re-initialises a fitted net.
        _reduction(net.criterion)
    try:
        return _check_sample_weight(sample_weight, n_samples)
    except ValueError:
        # scikit-learn's estimator checks expect "weight" and "zero" in this one.
        if _all_zero(sample_weight):
            raise ValueError(
                "`sample_weight` is zero for every sample; expected at least one "
                "positive weight."
            ) from None
        raise


def _all_zero(sample_weight):
    try:
        return not np.any(np.asarray(sample_weight, dtype=np.float64))
    except (TypeError, ValueError):
        return False


def _needed(weights, reduction):
    """The weights, or None when they change nothing.

    Constant weights with the ``"mean"`` reduction give every batch its plain
    mean, so the loss is then computed as without them.
    """
    if weights is None or (reduction == "mean" and np.all(weights == weights[0])):
        return None
    return weights.astype(np.float32)


def _pack(X, weights):
    """``X`` with the weights beside it (skorch's dict-X pattern), or ``X``."""
    return X if weights is None else {_X_KEY: X, _WEIGHT_KEY: weights}


def _unpack(X):
    """``(X, weights)`` of a packed input or batch; ``(X, None)`` otherwise."""
    if isinstance(X, dict) and _WEIGHT_KEY in X:
        return X[_X_KEY], X[_WEIGHT_KEY]
    return X, None


def _weighted_loss(criterion, y_pred, y_true, weights, device):
    """The criterion's loss with each example weighted (see the module docstring)."""
    reduction = _reduction(criterion)
    y_true = to_tensor(y_true, device=device)
    # The criterion reads `reduction` at every call; switching it for this call
    # keeps one criterion (its buffers, its DRW epoch) instead of a copy.
    criterion.reduction = "none"
    try:
        losses = criterion(y_pred, y_true)
    finally:
        criterion.reduction = reduction
    # At least float32: float16 sums of weighted losses overflow.
    dtype = torch.promote_types(losses.dtype, torch.float32)
    weights = to_tensor(weights, device=device).to(dtype)
    total = (weights * losses.to(dtype)).sum()
    if reduction == "sum":
        return total
    # Cross-entropy's mean divides by the class weights of the counted targets;
    # other criteria (MultiMarginLoss, whose weight scales each row's loss but
    # whose mean divides by N) count each row once.
    if isinstance(criterion, (nn.CrossEntropyLoss, nn.NLLLoss, _CastCacheMixin)):
        if isinstance(criterion, _CastCacheMixin):
            class_weights = criterion._class_weights(dtype)
        else:
            class_weights = criterion.weight
        counted = y_true != criterion.ignore_index
        if class_weights is not None:
            safe = y_true.masked_fill(~counted, 0)
            weights = weights * class_weights.to(dtype)[safe]
        weights = weights * counted
    # A batch of zero-weight rows contributes nothing, not 0 / 0.
    return total / weights.sum().clamp_min(torch.finfo(dtype).tiny)
