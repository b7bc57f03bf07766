"""The logit-adjusted family: LA loss, balanced softmax, pairwise margins.

Menon et al., "Long-tail learning via logit adjustment" (ICLR 2021), section 5.
The first two are softmax cross-entropies and subclass
:class:`torch.nn.CrossEntropyLoss` (class-probability targets and label
smoothing included); the pairwise-margin loss is not one in general.
"""

import numpy as np
import torch
from torch import nn

from ._checks import (
    _check_delta,
    _check_ignore_index,
    _check_loss_priors,
    _check_real,
    _check_reduction,
    _check_shift,
    _check_tau,
    _check_weight,
)
from ._kernels import _centred_rows, _pairwise, _shifted_cross_entropy
from ._loss_base import _CastCacheMixin, _LongTailLoss
from ._shapes import _check_cross_entropy_target, _compute_dtype

__all__ = ["BalancedSoftmaxLoss", "LogitAdjustedLoss", "PairwiseMarginLoss"]


def _centred_shift_as(log_priors, dtype, tau):
    """``tau * log_priors`` minus its max, in ``dtype`` or a wider one if needed.

    Scaled and centred in float64, then cast: one rounding. Centring changes
    no softmax and keeps a large ``tau`` finite in half precision. A ``tau``
    so large that the float64 shift overflows is refused, naming ``tau``.
    """
    shift = tau * log_priors.double()
    shift = _check_shift(shift - shift.max(), tau, "tau")
    return shift.to(_compute_dtype(shift, dtype))


def _centred_rows_as(delta, dtype):
    """``Delta`` with each row centred (:func:`._kernels._centred_rows`), cast."""
    rows = _centred_rows(delta.double())
    return rows.to(_compute_dtype(rows, dtype))


class LogitAdjustedLoss(_CastCacheMixin, nn.CrossEntropyLoss):
    r"""Logit-adjusted softmax cross-entropy (Menon et al., ICLR 2021).

    The loss of Menon et al., "Long-tail learning via logit adjustment"
    (section 5, eq. 10):

    .. math::

        \ell(y, f(x)) = -\log \frac{e^{f_y(x) + \tau \log \pi_y}}
                                  {\sum_{y'} e^{f_{y'}(x) + \tau \log \pi_{y'}}}
                      = \log\Big[1 + \sum_{y' \ne y}
                        \big(\tfrac{\pi_{y'}}{\pi_y}\big)^{\tau}
                        e^{f_{y'}(x) - f_y(x)}\Big]

    i.e. cross-entropy on the logits shifted by ``tau * log(priors)``. Rare
    classes get a larger margin against frequent ones. At test time predict
    with the *unadjusted* ``argmax_y f_y(x)``: with ``tau=1`` the softmax of
    the unadjusted logits estimates the balanced posterior
    ``p(y|x) / pi_y``. Only the ratios of the priors matter, so class counts
    may be passed instead.

    Parameters
    ----------
    priors : array-like or Tensor of shape (n_classes,)
        Training class priors ``pi`` (or counts), finite and positive. Stored
        normalised, as the buffer ``log_priors`` (float64).

    tau : float, default=1.0
        Strength of the adjustment. ``tau=1`` is Fisher-consistent for the
        balanced error; ``tau=0`` is plain cross-entropy.

    weight : array-like or Tensor of shape (n_classes,), default=None
        Per-class weights, as for :class:`torch.nn.CrossEntropyLoss`
        (the ``"mean"`` reduction divides by the total weight of the batch).

    ignore_index : int, default=-100
        Target value that is ignored and does not contribute to the loss.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses.

    label_smoothing : float, default=0.0
        Label smoothing in ``[0, 1)``, as for cross-entropy.

    Attributes
    ----------
    log_priors : Tensor of shape (n_classes,)
        Buffer holding ``log(pi)`` of the normalised priors.

    priors : Tensor of shape (n_classes,)
        The normalised priors, ``exp(log_priors)``.

    n_classes : int
        Number of classes; logits with another size along the class
        dimension are refused.

    See Also
    --------
    sklearn_la.nn.functional.logit_adjusted_loss : The functional form.
    BalancedSoftmaxLoss : The special case ``tau=1``.
    PairwiseMarginLoss : The general pairwise-margin form.

    Notes
    -----
    The shift is computed in float64 and centred (its maximum subtracted,
    which changes no softmax), then cast to the logits' dtype. When it does
    not fit that dtype (half precision with ``tau=1e5``), the logits are
    promoted to float32 instead, and so is the loss, which would not fit
    either.

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn import LogitAdjustedLoss
    >>> criterion = LogitAdjustedLoss(priors=[0.7, 0.2, 0.1], tau=1.0)
    >>> logits = torch.zeros(2, 3, requires_grad=True)
    >>> loss = criterion(logits, torch.tensor([0, 2]))
    >>> loss.backward()
    >>> round(loss.item(), 4)  # -(log 0.7 + log 0.1) / 2
    1.3296
    """

    def __init__(
        self,
        priors,
        tau=1.0,
        *,
        weight=None,
        ignore_index=-100,
        reduction="mean",
        label_smoothing=0.0,
    ):
        priors = _check_loss_priors(priors)
        super().__init__(
            weight=_check_weight(weight, len(priors)),
            ignore_index=_check_ignore_index(ignore_index),
            reduction=_check_reduction(reduction),
            label_smoothing=_check_real(
                label_smoothing, "label_smoothing", low=0.0, high=1.0
            ),
        )
        self.n_classes = len(priors)
        self.tau = _check_tau(tau)
        self.register_buffer("log_priors", torch.as_tensor(np.log(priors)))
        self._init_cast_cache()
        # Refuse an overflowing tau now rather than at the first batch.
        _centred_shift_as(self.log_priors, torch.float64, self.tau)

    @property
    def priors(self):
        return self.log_priors.exp()

    def forward(self, input, target):
        # The hot path of every training step: the common case is checked
        # inline, each helper call costing as much as the shift itself.
        if not (
            torch.is_tensor(input)
            and input.dim() == 2
            and input.shape[1] == self.n_classes
            and input.is_floating_point()
        ):
            self._check_call(input)
        if not torch.is_tensor(target) or target.is_floating_point():
            _check_cross_entropy_target(target, type(self).__name__, input)
        tau = self.tau
        dtype = input.dtype
        shift = None
        if tau != 0.0:
            shift = self._cached("shift", "log_priors", dtype, _centred_shift_as, tau)
            dtype = shift.dtype
        weight = self._buffers["weight"]
        if weight is not None and weight.dtype != dtype:
            weight = self._buffer_as("weight", dtype)
        return _shifted_cross_entropy(
            input,
            target,
            shift,
            weight,
            self.ignore_index,
            self.reduction,
            self.label_smoothing,
        )

    def extra_repr(self):
        parts = [f"n_classes={self.n_classes}", f"tau={self.tau}"]
        if self.reduction != "mean":
            parts.append(f"reduction={self.reduction!r}")
        return ", ".join(parts)


class BalancedSoftmaxLoss(LogitAdjustedLoss):
    r"""Balanced softmax cross-entropy (Ren et al., NeurIPS 2020).

    Ren et al., "Balanced Meta-Softmax for Long-Tailed Visual Recognition"
    (eq. 4): cross-entropy of the softmax reweighted by the class counts,

    .. math::

        \ell(y, f(x)) = -\log \frac{n_y e^{f_y(x)}}{\sum_{y'} n_{y'} e^{f_{y'}(x)}},

    which is the :class:`LogitAdjustedLoss` with ``tau=1`` (Menon et al.,
    2021, section 5 note this equivalence).

    Parameters
    ----------
    priors : array-like or Tensor of shape (n_classes,)
        Class counts ``n`` or priors (only ratios matter), finite and positive.

    weight : array-like or Tensor of shape (n_classes,), default=None
        Per-class weights, as for :class:`torch.nn.CrossEntropyLoss`.

    ignore_index : int, default=-100
        Target value that is ignored.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses.

    label_smoothing : float, default=0.0
        Label smoothing in ``[0, 1)``.

    See Also
    --------
    LogitAdjustedLoss : The same loss with a tunable ``tau``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn import BalancedSoftmaxLoss, LogitAdjustedLoss
    >>> logits, target = torch.randn(4, 3), torch.tensor([0, 1, 2, 0])
    >>> counts = [500, 50, 5]
    >>> bool(torch.isclose(BalancedSoftmaxLoss(counts)(logits, target),
    ...                    LogitAdjustedLoss(counts, tau=1.0)(logits, target)))
    True
    """

    def __init__(
        self,
        priors,
        *,
        weight=None,
        ignore_index=-100,
        reduction="mean",
        label_smoothing=0.0,
    ):
        super().__init__(
            priors,
            tau=1.0,
            weight=weight,
            ignore_index=ignore_index,
            reduction=reduction,
            label_smoothing=label_smoothing,
        )


class PairwiseMarginLoss(_LongTailLoss):
    r"""General pairwise-margin softmax loss (Menon et al., ICLR 2021, eq. 11).

    .. math::

        \ell(y, f(x)) = \alpha_y \cdot \log\Big[1 + \sum_{y' \ne y}
                        e^{\Delta_{y y'}} \, e^{f_{y'}(x) - f_y(x)}\Big]

    computed stably as ``alpha_y * (logsumexp_{y'}(f_{y'} + Delta[y, y']) -
    f_y)`` with the diagonal of ``Delta`` set to zero. Special cases (section
    5 of the paper):

    - ``Delta[y, y'] = tau * log(pi_{y'} / pi_y)``, ``alpha = 1``: the
      logit-adjusted loss (:class:`LogitAdjustedLoss`);
    - ``Delta = 0``, ``alpha_y ∝ 1 / pi_y``: class-weighted cross-entropy;
    - ``Delta[y, y'] = s * m_y`` on logits scaled by ``s``: LDAM
      (:class:`LDAMLoss`).

    Parameters
    ----------
    delta : array-like or Tensor of shape (n_classes, n_classes)
        Margins ``Delta[y, y']`` (row: true class), finite. The diagonal is
        not used (the sum runs over ``y' != y``) and is stored as zero.

    alpha : array-like or Tensor of shape (n_classes,), default=None
        Per-class weights ``alpha_y``, finite and non-negative; ``None`` means
        all ones. Stored as the ``weight`` buffer, so as in
        :class:`torch.nn.CrossEntropyLoss` the ``"mean"`` reduction divides by
        the total weight of the batch's targets.

    ignore_index : int, default=-100
        Target value that is ignored.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses.

    Attributes
    ----------
    delta : Tensor of shape (n_classes, n_classes)
        Buffer holding the margins with a zero diagonal (float64).

    See Also
    --------
    LogitAdjustedLoss : The special case ``Delta = tau * log(pi_{y'} / pi_y)``.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from sklearn_la.nn import LogitAdjustedLoss, PairwiseMarginLoss
    >>> priors = np.array([0.6, 0.3, 0.1])
    >>> delta = np.log(priors[None, :] / priors[:, None])  # tau = 1
    >>> logits, target = torch.randn(5, 3), torch.tensor([0, 1, 2, 2, 0])
    >>> bool(torch.isclose(PairwiseMarginLoss(delta)(logits, target),
    ...                    LogitAdjustedLoss(priors)(logits, target)))
    True
    """

    def __init__(self, delta, alpha=None, *, ignore_index=-100, reduction="mean"):
        delta = _check_delta(delta)
        super().__init__(
            len(delta),
            weight=_check_weight(alpha, len(delta), name="alpha"),
            ignore_index=ignore_index,
            reduction=reduction,
        )
        self.register_buffer("delta", delta)

    @property
    def alpha(self):
        return self.weight

    def forward(self, input, target):
        self._check_call(input, target)
        rows = self._cached("rows", "delta", input.dtype, _centred_rows_as)
        return _pairwise(
            input,
            target,
            rows,
            self._buffer_as("weight", rows.dtype),
            self.ignore_index,
            self.reduction,
        )
