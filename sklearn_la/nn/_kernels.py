"""The maths of each long-tail loss, shared by :mod:`.functional` and the modules.

Kernels take tensors already validated, on the logits' device and in the dtype
to compute in; the per-class helpers turn validated float64 vectors into the
float64 tensors the modules keep as buffers.
"""

import numpy as np
import torch
import torch.nn.functional as F

from ._checks import _check_shift
from ._shapes import _along_classes, _class_dim, _rows_to_class_dim, _safe_target

# ---------------------------------------------------------------------------
# Per-class quantities (float64 numpy in, float64 tensors out)
# ---------------------------------------------------------------------------


def _centred_shift(log_priors, tau, name="tau"):
    """``tau * log(pi)`` minus its maximum: the same softmax, nothing above 0.

    Refused, naming ``name``, when a finite ``tau`` overflows it.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        shift = tau * np.asarray(log_priors, dtype=np.float64)
        shift = shift - shift.max()
    return torch.as_tensor(_check_shift(shift, tau, name))


def _effective_number_weights(counts, beta):
    """Cui et al. (2019), eq. 3: ``(1 - beta) / (1 - beta^n_y)``, summing to K."""
    weights = (1.0 - beta) / -np.expm1(np.log(beta) * counts) if beta > 0 else 1.0
    weights = np.broadcast_to(np.asarray(weights, dtype=np.float64), counts.shape)
    return torch.as_tensor(weights * (len(counts) / weights.sum()))


def _centred_rows(delta):
    """Each row of ``Delta`` minus its maximum: the same per-example softmax."""
    return delta - delta.max(dim=1, keepdim=True).values


def _rare_classes(priors, freq_threshold):
    """Tan et al.'s ``T_lambda``: the classes whose prior is below the threshold."""
    return torch.as_tensor(np.asarray(priors) < freq_threshold)


def _ldam_margins(counts, max_m):
    """Cao et al. (2019), eq. 13: ``C / n_y^(1/4)``, the largest equal to max_m."""
    margins = counts**-0.25
    return torch.as_tensor(margins * (max_m / margins.max()))


# ---------------------------------------------------------------------------
# Kernels: the maths, shared with the modules (tensors already in place)
# ---------------------------------------------------------------------------


def _shifted_cross_entropy(
    input, target, shift, weight, ignore_index, reduction, label_smoothing
):
    """Cross-entropy of ``input + shift``; ``input`` is promoted to shift's dtype."""
    if shift is not None:
        if input.dtype != shift.dtype:
            input = input.to(shift.dtype)
        # A new tensor: the caller's logits are never modified in place.
        input = input + _along_classes(shift, input)
    return F.cross_entropy(
        input,
        target,
        weight=weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


def _pairwise(input, target, delta, weight, ignore_index, reduction):
    """Menon et al. eq. 11: row ``Delta[y]`` added to the logits, then CE."""
    rows = delta[_safe_target(target, ignore_index)]
    if input.dtype != delta.dtype:
        input = input.to(delta.dtype)
    input = input + _rows_to_class_dim(rows, input)
    return F.cross_entropy(
        input, target, weight=weight, ignore_index=ignore_index, reduction=reduction
    )


def _focal(input, target, gamma, weight, ignore_index, reduction):
    """Lin et al. eq. 5 in softmax form, reduced as weighted cross-entropy."""
    if gamma == 0.0:
        return F.cross_entropy(
            input, target, weight=weight, ignore_index=ignore_index, reduction=reduction
        )
    dim = _class_dim(input)
    ignored = target == ignore_index
    safe = target.masked_fill(ignored, 0)
    log_p = F.log_softmax(input, dim=dim).gather(dim, safe.unsqueeze(dim)).squeeze(dim)
    # -expm1(log p) keeps 1 - p precise near p = 1; the clamp keeps the gradient
    # of (1 - p)^gamma finite for 0 < gamma < 1 when p rounds to 1.
    one_minus_p = (-torch.expm1(log_p)).clamp_min(torch.finfo(input.dtype).tiny)
    per_example = (~ignored).to(input.dtype)
    if weight is not None:
        per_example = per_example * weight[safe]
    loss = -one_minus_p.pow(gamma) * log_p * per_example
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / per_example.sum()


def _ldam(input, target, margins, s, weight, ignore_index, reduction):
    """Cao et al. eq. 13: the true-class logit lowered by its margin, scaled by s."""
    dim = _class_dim(input)
    safe = _safe_target(target, ignore_index)
    is_true = _rows_to_class_dim(F.one_hot(safe, input.shape[dim]).bool(), input)
    margin = margins[safe].unsqueeze(dim)
    adjusted = torch.where(is_true, input - margin, input) * s
    return F.cross_entropy(
        adjusted, target, weight=weight, ignore_index=ignore_index, reduction=reduction
    )


def _equalization(
    input, target, rare, gamma, training, weight, ignore_index, reduction
):
    """Tan et al. (2020), softmax form: rare negatives dropped w.p. gamma."""
    dim = _class_dim(input)
    safe = _safe_target(target, ignore_index)
    is_true = _rows_to_class_dim(F.one_hot(safe, input.shape[dim]).bool(), input)
    candidates = _along_classes(rare, input) & ~is_true
    if training:
        dropped = candidates & (torch.rand(input.shape, device=input.device) < gamma)
        adjusted = input.masked_fill(dropped, float("-inf"))
    else:
        # The expected weight 1 - gamma, in log space (-inf when gamma = 1).
        adjusted = input + torch.log1p(-gamma * candidates.to(input.dtype))
    return F.cross_entropy(
        adjusted, target, weight=weight, ignore_index=ignore_index, reduction=reduction
    )
