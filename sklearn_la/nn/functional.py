"""Functional forms of the long-tail losses, as :mod:`torch.nn.functional`.

Each function validates its arguments (per-class ones on the CPU, at each
call: the modules validate once) and calls the kernel of :mod:`._kernels`
that the modules call too. ``input``, ``target``, ``ignore_index`` and
``reduction`` mean what they mean for :func:`torch.nn.functional.cross_entropy`.
Per-class offsets are centred float64; where one would overflow half
precision, the logits (and the loss) are promoted to float32."""

import numpy as np

from .._docstrings import _fill_doc
from ._checks import (
    _check_counts,
    _check_delta,
    _check_ignore_index,
    _check_loss_priors,
    _check_real,
    _check_reduction,
    _check_tau,
    _class_weight,
    _on,
)
from ._kernels import (
    _centred_rows,
    _centred_shift,
    _effective_number_weights,
    _equalization,
    _focal,
    _ldam,
    _ldam_margins,
    _pairwise,
    _rare_classes,
    _shifted_cross_entropy,
)
from ._shapes import (
    _check_cross_entropy_target,
    _check_index_target,
    _check_logits,
    _compute_dtype,
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
    tau = _check_tau(tau)
    _check_reduction(reduction)
    label_smoothing = _check_real(label_smoothing, "label_smoothing", low=0.0, high=1.0)
    priors = _check_loss_priors(priors)
    weight, _ = _class_weight(weight, len(priors))
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
    alpha, n_classes = _class_weight(alpha, len(delta), name="alpha")
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
    weight, n_classes = _class_weight(weight, None)
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
    weight, _ = _class_weight(weight, len(counts))
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
    weight, _ = _class_weight(weight, len(priors))
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
