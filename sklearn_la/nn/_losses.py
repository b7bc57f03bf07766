"""The loss modules: the logit-adjusted family and the baselines of the paper.

Menon et al., "Long-tail learning via logit adjustment" (ICLR 2021), section 5,
and the losses it compares against. Each module holds its hyperparameters and
its per-class tensors, validated once, and its ``forward`` is a call of the
loss's maths in :mod:`.functional`.

The class tree follows meaning: the softmax cross-entropies (logit-adjusted,
balanced softmax) subclass :class:`torch.nn.CrossEntropyLoss` (class-probability
targets and label smoothing included), so that
``isinstance(criterion, nn.CrossEntropyLoss)`` means "a softmax
cross-entropy"; the others derive from :class:`_LongTailLoss`, a plain
:class:`torch.nn.Module` with the same ``weight`` / ``ignore_index`` /
``reduction`` plumbing, and take class-index targets only. The class-balanced
loss is a focal loss with class-balanced weights, and subclasses it.

Per-class tensors are float64 buffers (they follow ``.to(device)``, are saved
in ``state_dict`` and pickled). Casting them to the logits' dtype at every call
costs a kernel and an allocation, as much as the adjustment itself on small
batches, so the cast (and the centred shift) is cached per dtype and device
(:class:`_CastCacheMixin`); an assignment to the module (a new buffer tensor,
a new ``tau``) and ``load_state_dict`` clear the cache. An in-place edit of a
buffer (``log_priors.copy_(...)``) is not seen: assign a new tensor instead.
"""

import numpy as np
import torch
from torch import nn

from ._checks import (
    _check_counts,
    _check_cross_entropy_target,
    _check_delta,
    _check_ignore_index,
    _check_index_target,
    _check_int,
    _check_logits,
    _check_loss_priors,
    _check_real,
    _check_reduction,
    _check_shift,
    _check_weight,
)
from .functional import (
    _centred_rows,
    _compute_dtype,
    _effective_number_weights,
    _equalization,
    _focal,
    _ldam,
    _ldam_margins,
    _pairwise,
    _rare_classes,
    _shifted_cross_entropy,
)

__all__ = [
    "BalancedSoftmaxLoss",
    "ClassBalancedLoss",
    "EqualizationLoss",
    "FocalLoss",
    "LDAMLoss",
    "LogitAdjustedLoss",
    "PairwiseMarginLoss",
]


def _clear_cast_cache(module, incompatible_keys):
    """``load_state_dict`` post-hook: the buffers were overwritten in place."""
    module._cast_cache = {}


def _cast(buffer, dtype):
    return buffer.to(dtype)


_MISSING = object()


class _CastCacheMixin:
    """The one cache of buffers cast (or derived) for the logits' dtype and device.

    The hot path reads neither buffer nor hyperparameter through
    ``nn.Module.__getattr__`` (which costs as much as the shift itself): an
    entry is computed once per dtype and device, and every assignment to the
    module (a new buffer tensor, a new ``tau``) or ``load_state_dict`` clears
    the cache; ``.to()`` moves the buffers, whose values stay the same.
    """

    def _init_cast_cache(self):
        self._cast_cache = {}
        self.register_load_state_dict_post_hook(_clear_cast_cache)

    def __setattr__(self, name, value):
        vars(self).get("_cast_cache", {}).clear()
        super().__setattr__(name, value)

    def _cached(self, name, dtype, input, make=_cast, *args):
        """``make(buffer, dtype, *args)`` of buffer ``name`` on ``input``'s device.

        None stays None. Casts made in inference mode are not kept: an
        inference tensor cannot be saved for a later backward.
        """
        key = (name, make, dtype, input.device)
        # setdefault: modules unpickled from before the cache lack it.
        cache = self.__dict__.setdefault("_cast_cache", {})
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            source = getattr(self, name)
            if source is not None:
                source = make(source.to(input.device), dtype, *args)
            if torch.is_inference_mode_enabled():
                return source
            value = cache[key] = source
        return value

    def _check_call(self, input, target=None):
        name = type(self).__name__
        _check_logits(
            input, self.n_classes, f"{name} was built for {self.n_classes} classes"
        )
        if target is not None:
            _check_index_target(target, name, input, self.ignore_index)


class _LongTailLoss(_CastCacheMixin, nn.Module):
    """Base of the losses that are not a softmax cross-entropy.

    Parameters
    ----------
    n_classes : int or None
        Number of classes; ``None`` (a loss without per-class state) skips the
        check of the logits' class dimension.

    weight : array-like or Tensor of shape (n_classes,), default=None
        Per-class weights, stored as the float64 buffer ``weight``.

    ignore_index : int, default=-100
        Target value that is ignored.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses.
    """

    def __init__(self, n_classes, *, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__()
        self.n_classes = n_classes
        self.ignore_index = _check_ignore_index(ignore_index)
        self.reduction = _check_reduction(reduction)
        self.register_buffer("weight", _check_weight(weight, n_classes))
        self._init_cast_cache()

    def extra_repr(self):
        parts = [] if self.n_classes is None else [f"n_classes={self.n_classes}"]
        if self.reduction != "mean":
            parts.append(f"reduction={self.reduction!r}")
        return ", ".join(parts)


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
    """``Delta`` with each row centred (:func:`.functional._centred_rows`), cast."""
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
        self.tau = _check_real(tau, "tau")
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
            shift = self._cached("log_priors", dtype, input, _centred_shift_as, tau)
            dtype = shift.dtype
        return _shifted_cross_entropy(
            input,
            target,
            shift,
            self._cached("weight", dtype, input),
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
        rows = self._cached("delta", input.dtype, input, _centred_rows_as)
        return _pairwise(
            input,
            target,
            rows,
            self._cached("weight", rows.dtype, input),
            self.ignore_index,
            self.reduction,
        )


class FocalLoss(_LongTailLoss):
    r"""Softmax focal loss (Lin et al., ICCV 2017).

    Lin et al., "Focal Loss for Dense Object Detection" (section 3.2, eq. 5),
    in its multi-class softmax form:

    .. math::

        \ell(y, f(x)) = -\alpha_y (1 - p_y)^{\gamma} \log p_y,
        \qquad p = \mathrm{softmax}(f(x)).

    The factor ``(1 - p_y)^gamma`` down-weights well-classified examples;
    ``gamma=0`` is (weighted) cross-entropy.

    Parameters
    ----------
    gamma : float, default=2.0
        Focusing parameter, ``>= 0``.

    weight : array-like or Tensor of shape (n_classes,), default=None
        Per-class weights ``alpha_y``; the ``"mean"`` reduction divides by
        the total weight of the batch, as in
        :class:`torch.nn.CrossEntropyLoss`.

    ignore_index : int, default=-100
        Target value that is ignored.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses.

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn import FocalLoss
    >>> logits, target = torch.tensor([[3.0, 0.0], [0.0, 0.2]]), torch.tensor([0, 1])
    >>> ce = torch.nn.functional.cross_entropy(logits, target, reduction="none")
    >>> focal = FocalLoss(gamma=2.0, reduction="none")(logits, target)
    >>> bool((focal < ce).all())  # the easy first example is down-weighted most
    True
    """

    def __init__(self, gamma=2.0, *, weight=None, ignore_index=-100, reduction="mean"):
        # Without per-class state the class count is only known from `weight`.
        weight = _check_weight(weight, None)
        super().__init__(
            None if weight is None else len(weight),
            weight=weight,
            ignore_index=ignore_index,
            reduction=reduction,
        )
        self.gamma = _check_real(gamma, "gamma", low=0.0)

    def forward(self, input, target):
        self._check_call(input, target)
        weight = self._cached("weight", input.dtype, input)
        return _focal(
            input, target, self.gamma, weight, self.ignore_index, self.reduction
        )

    def extra_repr(self):
        return ", ".join(filter(None, [super().extra_repr(), f"gamma={self.gamma}"]))


class ClassBalancedLoss(FocalLoss):
    r"""Class-balanced loss by effective number of samples (Cui et al., CVPR 2019).

    Cui et al., "Class-Balanced Loss Based on Effective Number of Samples"
    (section 4, eq. 3 and 5). A class with ``n_y`` samples has
    ``E_y = (1 - beta^{n_y}) / (1 - beta)`` effective samples; the loss of an
    example of class ``y`` is weighted by ``1 / E_y`` (weights rescaled to sum
    to ``n_classes``). ``beta=0`` is the unweighted loss and ``beta -> 1``
    approaches inverse-frequency weighting. The base loss is softmax
    cross-entropy (``gamma=0``) or the softmax focal loss (``gamma > 0``;
    the paper also uses a sigmoid variant, not provided here): this is a
    :class:`FocalLoss` whose class weights are the class-balanced ones.

    Parameters
    ----------
    class_counts : array-like or Tensor of shape (n_classes,)
        Number of training samples per class, finite and positive. Unlike
        priors, the scale matters: effective numbers saturate with ``n``.

    beta : float, default=0.9999
        Hyperparameter in ``[0, 1)``; the paper uses 0.9 to 0.9999.

    gamma : float, default=0.0
        Focal parameter of the base loss, ``>= 0``; ``0`` is cross-entropy.

    ignore_index : int, default=-100
        Target value that is ignored.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses; ``"mean"`` divides by the total
        weight of the batch, as in :class:`torch.nn.CrossEntropyLoss`.

    Attributes
    ----------
    weight : Tensor of shape (n_classes,)
        Buffer holding the class-balanced weights (float64).

    Examples
    --------
    >>> from sklearn_la.nn import ClassBalancedLoss
    >>> criterion = ClassBalancedLoss([1000, 100, 10], beta=0.999)
    >>> [round(w, 3) for w in criterion.weight.tolist()]  # rarer class, larger weight
    [0.042, 0.28, 2.678]
    """

    def __init__(
        self,
        class_counts,
        beta=0.9999,
        gamma=0.0,
        *,
        ignore_index=-100,
        reduction="mean",
    ):
        counts = _check_counts(class_counts)
        beta = _check_real(beta, "beta", low=0.0, high=1.0)
        super().__init__(
            gamma,
            weight=_effective_number_weights(counts, beta),
            ignore_index=ignore_index,
            reduction=reduction,
        )
        self.beta = beta

    def extra_repr(self):
        return ", ".join([super().extra_repr(), f"beta={self.beta}"])


class LDAMLoss(_LongTailLoss):
    r"""Label-distribution-aware margin loss (Cao et al., NeurIPS 2019).

    Cao et al., "Learning Imbalanced Datasets with Label-Distribution-Aware
    Margin Loss" (section 3, eq. 13; algorithm 1 for DRW). The true-class
    logit is lowered by a margin ``m_y = C / n_y^{1/4}`` before a scaled
    softmax cross-entropy:

    .. math::

        \ell(y, f(x)) = -\log \frac{e^{s (f_y(x) - m_y)}}
                         {e^{s (f_y(x) - m_y)} + \sum_{y' \ne y} e^{s f_{y'}(x)}},

    with ``C`` chosen so that the largest margin is ``max_m``. In the
    pairwise-margin form (Menon et al., 2021, eq. 11) this is
    ``Delta[y, y'] = s * m_y`` on the logits ``s * f``.

    Deferred re-weighting (DRW): from epoch ``drw_epoch`` on, examples are
    weighted by the class-balanced weights of :class:`ClassBalancedLoss`
    (effective numbers with ``beta``). The current epoch is set with
    :meth:`set_epoch`; :class:`~sklearn_la.nn.LogitAdjustedNet` does this at the
    start of every epoch.

    Parameters
    ----------
    class_counts : array-like or Tensor of shape (n_classes,)
        Number of training samples per class, finite and positive.

    max_m : float, default=0.5
        Largest margin (that of the rarest class), ``> 0``.

    s : float, default=30.0
        Logit scale, ``> 0``. Cao et al. use 30 with normalised features;
        with an unnormalised linear last layer, ``s=1`` is often better.

    drw_epoch : int or None, default=None
        First (0-based) epoch with deferred re-weighting; ``None`` disables it.

    beta : float, default=0.9999
        Effective-number parameter of the DRW weights, in ``[0, 1)``.

    weight : array-like or Tensor of shape (n_classes,), default=None
        Fixed per-class weights, multiplied with the DRW weights when those
        are active.

    ignore_index : int, default=-100
        Target value that is ignored.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses.

    Attributes
    ----------
    margins : Tensor of shape (n_classes,)
        Buffer holding ``m_y`` (float64).

    drw_weight : Tensor of shape (n_classes,)
        Buffer holding the deferred re-weighting weights (float64).

    epoch : int
        Current epoch, set by :meth:`set_epoch`.

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn import LDAMLoss
    >>> criterion = LDAMLoss([1600, 100], max_m=0.5, s=1.0)
    >>> criterion.margins.tolist()  # (1600 / 100) ** (-1/4) = 1/2
    [0.25, 0.5]
    >>> criterion = LDAMLoss([1600, 100], drw_epoch=2)
    >>> criterion.set_epoch(2)
    >>> criterion.drw_active
    True
    """

    def __init__(
        self,
        class_counts,
        max_m=0.5,
        s=30.0,
        *,
        drw_epoch=None,
        beta=0.9999,
        weight=None,
        ignore_index=-100,
        reduction="mean",
    ):
        counts = _check_counts(class_counts)
        super().__init__(
            len(counts), weight=weight, ignore_index=ignore_index, reduction=reduction
        )
        self.max_m = _check_real(max_m, "max_m", low=0.0, low_open=True)
        self.s = _check_real(s, "s", low=0.0, low_open=True)
        self.drw_epoch = _check_int(drw_epoch, "drw_epoch", 0, none_ok=True)
        self.beta = _check_real(beta, "beta", low=0.0, high=1.0)
        self.register_buffer("margins", _ldam_margins(counts, self.max_m))
        self.register_buffer("drw_weight", _effective_number_weights(counts, self.beta))
        self.epoch = 0

    def set_epoch(self, epoch):
        """Set the current (0-based) training epoch, which switches DRW on.

        Parameters
        ----------
        epoch : int
            The epoch about to start.
        """
        self.epoch = _check_int(epoch, "epoch", 0)

    @property
    def drw_active(self):
        """Whether the deferred re-weighting is applied at the current epoch."""
        return self.drw_epoch is not None and self.epoch >= self.drw_epoch

    def forward(self, input, target):
        self._check_call(input, target)
        margins = self._cached("margins", input.dtype, input)
        weight = self._class_weight(input)
        return _ldam(
            input, target, margins, self.s, weight, self.ignore_index, self.reduction
        )

    def _class_weight(self, input):
        weight = self._cached("weight", input.dtype, input)
        if not self.drw_active:
            return weight
        drw_weight = self._cached("drw_weight", input.dtype, input)
        return drw_weight if weight is None else weight * drw_weight

    def extra_repr(self):
        extra = f"max_m={self.max_m}, s={self.s}, drw_epoch={self.drw_epoch}"
        return ", ".join(filter(None, [super().extra_repr(), extra]))


class EqualizationLoss(_LongTailLoss):
    r"""Softmax equalization loss (Tan et al., CVPR 2020).

    Tan et al., "Equalization Loss for Long-Tailed Object Recognition",
    softmax variant for image classification (section 5, "SEQL"):

    .. math::

        \ell(y, f(x)) = -\log \frac{e^{f_y(x)}}{\sum_{k} w_k e^{f_k(x)}},
        \qquad w_k = 1 - \beta \, T_\lambda(\pi_k) \, [k \ne y],

    where ``T_lambda(pi_k) = 1`` for rare classes (``pi_k < lambda``) and
    ``beta ~ Bernoulli(gamma)`` is drawn per example and class. Dropping a
    rare class from the denominator removes the "discouraging" gradient that
    examples of other classes push onto its logit. In training mode the
    draw uses torch's global generator (seeded by :func:`torch.manual_seed`);
    in evaluation mode the expected weights ``1 - gamma * T * [k != y]`` are
    used, so validation losses are deterministic.

    Parameters
    ----------
    priors : array-like or Tensor of shape (n_classes,)
        Training class priors (or counts; they are normalised), positive.

    freq_threshold : float, default=5e-3
        The frequency threshold ``lambda``: classes with a prior below it are
        rare. Tan et al. tune it per dataset; ``5e-3`` is a common choice for
        CIFAR-100-LT.

    gamma : float, default=0.9
        Probability in ``[0, 1]`` that a rare negative class is dropped.

    weight : array-like or Tensor of shape (n_classes,), default=None
        Per-class weights, as for :class:`torch.nn.CrossEntropyLoss`.

    ignore_index : int, default=-100
        Target value that is ignored.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses.

    Attributes
    ----------
    rare : Tensor of shape (n_classes,)
        Boolean buffer, ``True`` for the classes below ``freq_threshold``.

    Examples
    --------
    >>> from sklearn_la.nn import EqualizationLoss
    >>> criterion = EqualizationLoss([0.9, 0.098, 0.002], freq_threshold=0.01)
    >>> criterion.rare.tolist()
    [False, False, True]
    """

    def __init__(
        self,
        priors,
        freq_threshold=5e-3,
        gamma=0.9,
        *,
        weight=None,
        ignore_index=-100,
        reduction="mean",
    ):
        priors = _check_loss_priors(priors)
        super().__init__(
            len(priors), weight=weight, ignore_index=ignore_index, reduction=reduction
        )
        self.freq_threshold = _check_real(freq_threshold, "freq_threshold", low=0.0)
        self.gamma = _check_real(gamma, "gamma", low=0.0, high=1.0, high_open=False)
        self.register_buffer("rare", _rare_classes(priors, self.freq_threshold))

    def forward(self, input, target):
        self._check_call(input, target)
        return _equalization(
            input,
            target,
            self._cached("rare", torch.bool, input),
            self.gamma,
            self.training,
            self._cached("weight", input.dtype, input),
            self.ignore_index,
            self.reduction,
        )

    def extra_repr(self):
        extra = f"freq_threshold={self.freq_threshold}, gamma={self.gamma}"
        return ", ".join(filter(None, [super().extra_repr(), extra]))
