"""Functional forms of the long-tail losses, as :mod:`torch.nn.functional`.

One public function per loss, and beside them the maths each one shares with
its module (the private kernels below, which the modules' ``forward`` call on
their cached buffers). A public function validates its arguments (per-class
ones on the CPU, at each call: a module validates once, when built), then
calls its kernel. ``input``, ``target``, ``ignore_index`` and ``reduction``
mean what they mean for :func:`torch.nn.functional.cross_entropy`. Per-class
offsets are centred float64; where one would overflow half precision, the
logits (and the loss) are promoted to float32.
"""

import numpy as np
import torch
import torch.nn.functional as F

from .._docstrings import _fill_doc
from ._checks import (
    _check_counts,
    _check_cross_entropy_target,
    _check_delta,
    _check_ignore_index,
    _check_index_target,
    _check_logits,
    _check_loss_priors,
    _check_real,
    _check_reduction,
    _check_shift,
    _check_weight,
    _class_dim,
)

__all__ = [
    "balanced_softmax_loss",
    "class_balanced_loss",
    "equalization_loss",
    "focal_loss",
    "ldam_loss",
    "logit_adjusted_loss",
    "pairwise_margin_loss",
]


@_fill_doc
def logit_adjusted_loss(
    input,
    target,
    priors,
    tau=1.0,
    *,
    weight=None,
    ignore_index=-100,
    reduction="mean",
    label_smoothing=0.0,
):
    r"""Logit-adjusted cross-entropy (Menon et al., ICLR 2021, eq. 10).

    Cross-entropy of ``input + tau * log(priors)``; see
    :class:`~sklearn_la.nn.LogitAdjustedLoss`.

    Parameters
    ----------
    {loss_logits}
    target : Tensor
        Class indices, or class probabilities shaped as ``input``.
    priors : array-like or Tensor of shape (C,)
        Class priors or counts, finite and positive (a zero prior is refused).
    tau : float, default=1.0
        Strength of the adjustment; ``0`` is plain cross-entropy.
    weight : array-like or Tensor of shape (C,), default=None
        Per-class weights, as for :func:`torch.nn.functional.cross_entropy`.
    label_smoothing : float, default=0.0
        Label smoothing in ``[0, 1)``.
    {loss_tail}

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn.functional import logit_adjusted_loss
    >>> logits, target = torch.tensor([[2.0, 0.5], [0.1, 1.0]]), torch.tensor([0, 1])
    >>> loss = logit_adjusted_loss(logits, target, priors=[0.9, 0.1])
    >>> shifted = logits + torch.log(torch.tensor([0.9, 0.1]))
    >>> bool(torch.isclose(loss, torch.nn.functional.cross_entropy(shifted, target)))
    True
    """
    tau = _check_real(tau, "tau")
    _check_reduction(reduction)
    label_smoothing = _check_real(label_smoothing, "label_smoothing", low=0.0, high=1.0)
    priors = _check_loss_priors(priors)
    weight = _check_weight(weight, len(priors))
    _check_logits(input, len(priors), f"`priors` has {len(priors)} entries")
    _check_cross_entropy_target(target, "logit_adjusted_loss", input)
    shift = _centred_shift(np.log(priors), tau)
    dtype = _compute_dtype(shift, input.dtype)
    shift = _on(shift, input, dtype) if tau != 0.0 else None
    ignore_index = _check_ignore_index(ignore_index)
    return _shifted_cross_entropy(
        input,
        target,
        shift,
        _on(weight, input, dtype),
        ignore_index,
        reduction,
        label_smoothing,
    )


@_fill_doc
def balanced_softmax_loss(
    input,
    target,
    priors,
    *,
    weight=None,
    ignore_index=-100,
    reduction="mean",
    label_smoothing=0.0,
):
    r"""Balanced softmax cross-entropy (Ren et al., NeurIPS 2020, eq. 4).

    ``-log(n_y e^{f_y} / sum_j n_j e^{f_j})``, which is
    :func:`logit_adjusted_loss` with ``tau=1``.

    Parameters
    ----------
    {loss_logits}
    target : Tensor
        Class indices, or class probabilities shaped as ``input``.
    priors : array-like or Tensor of shape (C,)
        Class counts or priors, finite and positive.
    weight : array-like or Tensor of shape (C,), default=None
        Per-class weights.
    label_smoothing : float, default=0.0
        Label smoothing in ``[0, 1)``.
    {loss_tail}

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn import functional as LF
    >>> logits, target = torch.randn(4, 3), torch.tensor([0, 1, 2, 0])
    >>> bool(torch.isclose(LF.balanced_softmax_loss(logits, target, [50, 5, 1]),
    ...                    LF.logit_adjusted_loss(logits, target, [50, 5, 1])))
    True
    """
    options = dict(weight=weight, ignore_index=ignore_index, reduction=reduction)
    return logit_adjusted_loss(
        input, target, priors, 1.0, label_smoothing=label_smoothing, **options
    )


@_fill_doc
def pairwise_margin_loss(
    input, target, delta, alpha=None, *, ignore_index=-100, reduction="mean"
):
    r"""Pairwise-margin softmax loss (Menon et al., ICLR 2021, eq. 11).

    ``alpha_y * log(1 + sum_{y' != y} exp(Delta[y, y']) exp(f_y' - f_y))``;
    see :class:`~sklearn_la.nn.PairwiseMarginLoss`.

    Parameters
    ----------
    {loss_input}
    delta : array-like or Tensor of shape (C, C)
        Margins ``Delta[y, y']`` (row: true class), finite; the diagonal is
        not used.
    alpha : array-like or Tensor of shape (C,), default=None
        Per-class weights ``alpha_y``; ``None`` means ones.
    {loss_tail}

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn.functional import pairwise_margin_loss
    >>> logits, target = torch.randn(4, 3), torch.tensor([0, 1, 2, 0])
    >>> loss = pairwise_margin_loss(logits, target, torch.zeros(3, 3))
    >>> bool(torch.isclose(loss, torch.nn.functional.cross_entropy(logits, target)))
    True
    """
    _check_reduction(reduction)
    delta = _check_delta(delta)
    alpha = _check_weight(alpha, len(delta), name="alpha")
    n_classes = len(delta)
    _check_logits(input, n_classes, f"`delta` is for {n_classes} classes")
    _check_index_target(target, "pairwise_margin_loss", input, ignore_index)
    centred = _centred_rows(delta)
    dtype = _compute_dtype(centred, input.dtype)
    centred, alpha = _on(centred, input, dtype), _on(alpha, input, dtype)
    ignore_index = _check_ignore_index(ignore_index)
    return _pairwise(input, target, centred, alpha, ignore_index, reduction)


@_fill_doc
def focal_loss(
    input, target, gamma=2.0, *, weight=None, ignore_index=-100, reduction="mean"
):
    r"""Softmax focal loss (Lin et al., ICCV 2017, eq. 5).

    ``-alpha_y (1 - p_y)^gamma log p_y`` with ``p = softmax(input)``; see
    :class:`~sklearn_la.nn.FocalLoss`.

    Parameters
    ----------
    {loss_input}
    gamma : float, default=2.0
        Focusing parameter, ``>= 0``; ``0`` is cross-entropy.
    weight : array-like or Tensor of shape (C,), default=None
        Per-class weights ``alpha_y``.
    {loss_tail}

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn.functional import focal_loss
    >>> logits, target = torch.tensor([[3.0, 0.0]]), torch.tensor([0])
    >>> ce = torch.nn.functional.cross_entropy(logits, target)
    >>> bool(focal_loss(logits, target) < ce)
    True
    """
    gamma = _check_real(gamma, "gamma", low=0.0)
    _check_reduction(reduction)
    weight = _check_weight(weight, None)
    n_classes = None if weight is None else len(weight)
    _check_logits(input, n_classes, f"`weight` has {n_classes} entries")
    _check_index_target(target, "focal_loss", input, ignore_index)
    weight, ignore_index = (
        _on(weight, input, input.dtype),
        _check_ignore_index(ignore_index),
    )
    return _focal(input, target, gamma, weight, ignore_index, reduction)


@_fill_doc
def class_balanced_loss(
    input,
    target,
    class_counts,
    beta=0.9999,
    gamma=0.0,
    *,
    ignore_index=-100,
    reduction="mean",
):
    r"""Class-balanced loss (Cui et al., CVPR 2019, eq. 3 and 5).

    Cross-entropy (``gamma=0``) or focal loss weighted per class by the
    inverse effective number ``(1 - beta) / (1 - beta^n_y)``; see
    :class:`~sklearn_la.nn.ClassBalancedLoss`.

    Parameters
    ----------
    {loss_input}
    class_counts : array-like or Tensor of shape (C,)
        Training samples per class, finite and positive; the scale matters.
    beta : float, default=0.9999
        Effective-number parameter in ``[0, 1)``.
    gamma : float, default=0.0
        Focal parameter of the base loss, ``>= 0``.
    {loss_tail}

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn.functional import class_balanced_loss
    >>> logits, target = torch.zeros(2, 2), torch.tensor([0, 1])
    >>> loss = class_balanced_loss(logits, target, [90, 10], beta=0.0)
    >>> round(loss.item(), 4)  # beta=0: unweighted, log 2
    0.6931
    """
    beta = _check_real(beta, "beta", low=0.0, high=1.0)
    gamma = _check_real(gamma, "gamma", low=0.0)
    _check_reduction(reduction)
    counts = _check_counts(class_counts)
    _check_logits(input, len(counts), f"`class_counts` has {len(counts)} entries")
    _check_index_target(target, "class_balanced_loss", input, ignore_index)
    weight = _on(_effective_number_weights(counts, beta), input, input.dtype)
    ignore_index = _check_ignore_index(ignore_index)
    return _focal(input, target, gamma, weight, ignore_index, reduction)


@_fill_doc
def ldam_loss(
    input,
    target,
    class_counts,
    max_m=0.5,
    s=30.0,
    *,
    weight=None,
    ignore_index=-100,
    reduction="mean",
):
    r"""Label-distribution-aware margin loss (Cao et al., NeurIPS 2019, eq. 13).

    Cross-entropy of ``s * (f - m_y e_y)``, the true-class logit lowered by
    ``m_y = C / n_y^(1/4)``; see :class:`~sklearn_la.nn.LDAMLoss`.

    Parameters
    ----------
    {loss_input}
    class_counts : array-like or Tensor of shape (C,)
        Training samples per class, finite and positive.
    max_m : float, default=0.5
        Largest margin, ``> 0``.
    s : float, default=30.0
        Logit scale, ``> 0``.
    weight : array-like or Tensor of shape (C,), default=None
        Per-class weights (e.g. deferred re-weighting's).
    {loss_tail}

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn.functional import ldam_loss
    >>> logits, target = torch.zeros(1, 2), torch.tensor([1])
    >>> round(ldam_loss(logits, target, [1600, 100], s=1.0).item(), 4)
    0.9741
    """
    max_m = _check_real(max_m, "max_m", low=0.0, low_open=True)
    s = _check_real(s, "s", low=0.0, low_open=True)
    _check_reduction(reduction)
    counts = _check_counts(class_counts)
    weight = _check_weight(weight, len(counts))
    _check_logits(input, len(counts), f"`class_counts` has {len(counts)} entries")
    _check_index_target(target, "ldam_loss", input, ignore_index)
    margins = _on(_ldam_margins(counts, max_m), input, input.dtype)
    weight, ignore_index = (
        _on(weight, input, input.dtype),
        _check_ignore_index(ignore_index),
    )
    return _ldam(input, target, margins, s, weight, ignore_index, reduction)


@_fill_doc
def equalization_loss(
    input,
    target,
    priors,
    freq_threshold=5e-3,
    gamma=0.9,
    *,
    training=True,
    weight=None,
    ignore_index=-100,
    reduction="mean",
):
    r"""Softmax equalization loss (Tan et al., CVPR 2020, section 5).

    Rare negative classes (prior below ``freq_threshold``) are dropped from the
    softmax denominator with probability ``gamma``; see
    :class:`~sklearn_la.nn.EqualizationLoss`.

    Parameters
    ----------
    {loss_input}
    priors : array-like or Tensor of shape (C,)
        Training class priors or counts, finite and positive.
    freq_threshold : float, default=5e-3
        Frequency below which a class is rare, ``>= 0``.
    gamma : float, default=0.9
        Drop probability in ``[0, 1]``.
    training : bool, default=True
        Draw the drops (torch's global generator); ``False`` uses the
        expected weights ``1 - gamma``, deterministically.
    weight : array-like or Tensor of shape (C,), default=None
        Per-class weights.
    {loss_tail}

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn.functional import equalization_loss
    >>> logits, target = torch.randn(4, 3), torch.tensor([0, 1, 2, 0])
    >>> loss = equalization_loss(logits, target, [0.9, 0.09, 0.01], 0.0)
    >>> bool(torch.isclose(loss, torch.nn.functional.cross_entropy(logits, target)))
    True
    """
    freq_threshold = _check_real(freq_threshold, "freq_threshold", low=0.0)
    gamma = _check_real(gamma, "gamma", low=0.0, high=1.0, high_open=False)
    _check_reduction(reduction)
    priors = _check_loss_priors(priors)
    weight = _check_weight(weight, len(priors))
    _check_logits(input, len(priors), f"`priors` has {len(priors)} entries")
    _check_index_target(target, "equalization_loss", input, ignore_index)
    rare = _rare_classes(priors, freq_threshold).to(input.device)
    weight, ignore_index = (
        _on(weight, input, input.dtype),
        _check_ignore_index(ignore_index),
    )
    return _equalization(
        input, target, rare, gamma, bool(training), weight, ignore_index, reduction
    )


# ---------------------------------------------------------------------------
# Shapes and dtypes: classes along dimension 1 (0 when unbatched)
# ---------------------------------------------------------------------------


def _on(values, input, dtype):
    """A per-class tensor on the logits' device, in ``dtype`` (None stays None)."""
    return None if values is None else values.to(device=input.device, dtype=dtype)


def _along_classes(vector, input):
    """View a length-C vector so that it broadcasts along ``input``'s class dim."""
    if input.dim() <= 2:
        return vector
    return vector.view(-1, *([1] * (input.dim() - 2)))


def _rows_to_class_dim(rows, input):
    """Move the trailing class axis of per-target rows to ``input``'s class dim."""
    if input.dim() <= 2:
        return rows
    return rows.movedim(-1, 1)


def _safe_target(target, ignore_index):
    """Targets usable as indices: ignored entries point at class 0.

    The reduction drops the ignored entries, so the class they point at does
    not matter; indexing with ``ignore_index`` (-100) would fail.
    """
    return target.masked_fill(target == ignore_index, 0)


def _compute_dtype(values, dtype):
    """The dtype to compute in: ``dtype``, or the first wider one ``values`` fit.

    ``values`` is a float64 tensor of finite per-class offsets (a shift or
    margins). When one of them is beyond the range of ``dtype`` (``tau=1e5``
    times a log-prior ratio in half precision, ``tau=1e300`` in float32), the
    logits are promoted, to float32 or float64, instead of the offsets
    becoming infinite: the loss, too, would not fit in that dtype.
    """
    if dtype == torch.float64 or values.numel() == 0:
        return dtype
    largest = values.abs().max().item()
    for candidate in (dtype, torch.promote_types(dtype, torch.float32)):
        if largest < torch.finfo(candidate).max / 2:
            return candidate
    return torch.float64


# ---------------------------------------------------------------------------
# Per-class quantities (float64 numpy in, float64 tensors out)
# ---------------------------------------------------------------------------


def _centred_shift(log_priors, tau):
    """``tau * log(pi)`` minus its maximum: the same softmax, nothing above 0.

    Refused, naming ``tau``, when a finite ``tau`` overflows it.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        shift = tau * np.asarray(log_priors, dtype=np.float64)
        shift = shift - shift.max()
    return torch.as_tensor(_check_shift(shift, tau, "tau"))


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
