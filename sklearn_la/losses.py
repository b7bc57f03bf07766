"""Torch losses for long-tail learning: the logit-adjusted loss and its baselines.

Every loss here takes raw logits ``input`` and class-index ``target`` with the
call signature of :class:`torch.nn.CrossEntropyLoss` (``input`` of shape
``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``, classes along dimension 1) and
subclasses it, so skorch and other tools that recognise a cross-entropy
criterion apply a softmax to the logits at prediction time.

Per-class quantities (priors, margins, weights) are registered buffers: they
follow ``.to(device)``, are saved in ``state_dict`` and survive pickling. They
are stored in float64 and used cast to the logits' dtype (the cast is cached),
so float32 logits are never promoted and float16/bfloat16 logits stay in their
dtype.
Log-priors rather than priors are stored, because a prior such as ``1e-8``
underflows to zero in float16 while its logarithm does not.

This module imports torch; ``import sklearn_la`` does not import it.
"""

from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._priors import _check_priors, _check_tau

__all__ = [
    "BalancedSoftmaxLoss",
    "ClassBalancedLoss",
    "EqualizationLoss",
    "FocalLoss",
    "LDAMLoss",
    "LogitAdjustedLoss",
    "PairwiseMarginLoss",
    "logit_adjusted_loss",
]

_REDUCTIONS = ("none", "mean", "sum")


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------


def _to_numpy(values):
    """Tensors (on any device) as float64 ndarrays; other values unchanged."""
    if torch.is_tensor(values):
        return values.detach().cpu().double().numpy()
    return values


def _check_class_vector(values, name, n_classes=None):
    """Validate a positive per-class vector (priors or counts) without rescaling it."""
    values = _to_numpy(values)
    if isinstance(values, str) or np.ndim(values) != 1 or len(values) == 0:
        shape = "a string" if isinstance(values, str) else f"shape {np.shape(values)}"
        raise ValueError(
            f"`{name}` must be a non-empty 1-D array-like with one entry per "
            f"class; got {shape}."
        )
    expected = len(values) if n_classes is None else n_classes
    # `_check_priors` checks length, finiteness and positivity and names `name`;
    # its normalised output is only wanted by callers that need priors.
    _check_priors(values, expected, name=name)
    return np.asarray(values, dtype=np.float64)


def _check_weight(weight, n_classes, name="weight"):
    """Per-class loss weights: finite, non-negative, one per class."""
    if weight is None:
        return None
    weight = _to_numpy(weight)
    if isinstance(weight, str) or np.ndim(weight) != 1:
        raise ValueError(
            f"`{name}` must be a 1-D array-like of per-class weights; got {weight!r}."
        )
    try:
        arr = np.asarray(weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"`{name}` must contain numbers; got {weight!r}.") from exc
    if n_classes is not None and arr.shape[0] != n_classes:
        raise ValueError(
            f"`{name}` has length {arr.shape[0]}, expected n_classes={n_classes}."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(
            f"`{name}` must be finite and non-negative; got {arr.tolist()!r}."
        )
    return torch.as_tensor(arr, dtype=torch.float64)


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"`reduction` must be one of {_REDUCTIONS!r}; got {reduction!r}."
        )
    return reduction


def _check_real(value, name, *, low=None, high=None, low_inclusive=True):
    """A finite real in ``[low, high)``; ``(low, high)`` if not ``low_inclusive``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"`{name}` must be a finite real number; got {value!r}.")
    below = low is not None and (value < low or (value == low and not low_inclusive))
    above = high is not None and value >= high
    if below or above:
        left = "[" if low_inclusive else "("
        lower = "-inf" if low is None else low
        upper = "inf" if high is None else high
        interval = f"{left}{lower}, {upper})"
        raise ValueError(f"`{name}` must be in {interval}; got {value!r}.")
    return float(value)


def _effective_number_weights(counts, beta):
    """Class-balanced weights ``(1 - beta) / (1 - beta^n_y)``, scaled to sum to K.

    Cui et al. (2019), eq. 3 and section 4: ``(1 - beta^n) / (1 - beta)`` is the
    effective number of samples of a class with ``n`` samples; its inverse is
    the weight. ``beta=0`` gives equal weights, ``beta -> 1`` gives ``1 / n``.
    """
    effective = (1.0 - np.power(beta, counts)) / (1.0 - beta)
    weights = 1.0 / effective
    return weights * (len(counts) / weights.sum())


# --------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------


def _class_dim(input):
    # nn.CrossEntropyLoss convention: (C,) unbatched, else classes along dim 1.
    return 0 if input.dim() == 1 else 1


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

    The ignored entries are then dropped by the reduction, so the class they
    point at does not matter; indexing with ``ignore_index`` (-100) would fail.
    """
    return target.masked_fill(target == ignore_index, 0)


class _LongTailLoss(nn.CrossEntropyLoss):
    """Shared plumbing: argument checks, the class-count check, class-index targets.

    ``n_classes=None`` (a loss with no per-class state) skips the class check.
    """

    def __init__(
        self,
        n_classes,
        *,
        weight=None,
        ignore_index=-100,
        reduction="mean",
        label_smoothing=0.0,
    ):
        weight = _check_weight(weight, n_classes)
        _check_reduction(reduction)
        if isinstance(ignore_index, bool) or not isinstance(ignore_index, Integral):
            raise TypeError(f"`ignore_index` must be an int; got {ignore_index!r}.")
        label_smoothing = _check_real(
            label_smoothing, "label_smoothing", low=0.0, high=1.0
        )
        super().__init__(
            weight=weight,
            ignore_index=int(ignore_index),
            reduction=reduction,
            label_smoothing=label_smoothing,
        )
        self.n_classes = n_classes
        self._cast_cache = {}

    def _buffer_as(self, name, dtype):
        """Buffer ``name`` cast to ``dtype``, cached across calls.

        Casting the float64 buffers at every call costs a kernel and an
        allocation, as much as the adjustment itself on small batches. The
        cache is keyed on the buffer object and its version counter, so
        ``.to()``, ``load_state_dict`` and in-place edits invalidate it.
        """
        # `_buffers` directly: nn.Module.__getattr__ is slow on this hot path.
        source = self._buffers[name]
        if source is None or source.dtype == dtype:
            return source
        if source.is_inference():
            # Inference tensors have no version counter to key a cache on.
            return source.to(dtype)
        cached = self._cast_cache.get(name)
        if (
            cached is not None
            and cached[0] is source
            and cached[1] == source._version
            and cached[2] == dtype
        ):
            return cached[3]
        cast = source.to(dtype)
        # A tensor made in inference mode cannot be saved for a later backward
        # (cross-entropy saves its weight), so such casts are not kept.
        if not torch.is_inference_mode_enabled():
            self._cast_cache[name] = (source, source._version, dtype, cast)
        return cast

    def _class_weights(self, dtype):
        """The class weights of the next call, in ``dtype`` (None if uniform).

        The ``"mean"`` reduction divides by the sum of these over the batch's
        targets; :class:`~sklearn_la.LogitAdjustedNet` needs them to weight
        examples the same way.
        """
        return self._buffer_as("weight", dtype)

    def _check_input(self, input):
        if input.dim() == 0:
            raise ValueError(
                f"{type(self).__name__} expects logits of shape (C,), (N, C) or "
                "(N, C, d1, ...); got a 0-dimensional tensor."
            )
        if self.n_classes is None:
            return
        dim = _class_dim(input)
        if input.shape[dim] != self.n_classes:
            raise ValueError(
                f"{type(self).__name__} was built for {self.n_classes} classes, "
                f"but the logits have {input.shape[dim]} along the class "
                f"dimension {dim} (shape {tuple(input.shape)})."
            )

    def _check_index_target(self, target):
        if target.is_floating_point() or target.is_complex():
            raise TypeError(
                f"{type(self).__name__} needs class-index targets (an integer "
                f"tensor); got a tensor of dtype {target.dtype}. Class "
                "probabilities are supported by LogitAdjustedLoss only."
            )

    def extra_repr(self):
        parts = [] if self.n_classes is None else [f"n_classes={self.n_classes}"]
        if self.reduction != "mean":
            parts.append(f"reduction={self.reduction!r}")
        return ", ".join(parts)


# --------------------------------------------------------------------------
# Logit-adjusted loss (Menon et al., 2021)
# --------------------------------------------------------------------------


def _la_cross_entropy(
    input, target, log_priors, tau, weight, ignore_index, reduction, label_smoothing
):
    """Cross-entropy of ``input + tau * log_priors`` (tensors in input's dtype)."""
    if tau != 0.0:
        shift = _along_classes(log_priors, input)
        # A new tensor: the caller's logits are never modified in place.
        input = input + shift if tau == 1.0 else torch.add(input, shift, alpha=tau)
    return F.cross_entropy(
        input,
        target,
        weight=weight,
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )


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
    r"""Functional form of :class:`LogitAdjustedLoss`.

    Cross-entropy of ``input + tau * log(priors)``; see
    :class:`LogitAdjustedLoss` for the maths and the arguments.

    Parameters
    ----------
    input : Tensor of shape (C,), (N, C) or (N, C, d1, ...)
        Logits, classes along dimension 1 (dimension 0 when unbatched).

    target : Tensor
        Class indices, or class probabilities of the same shape as ``input``,
        as for :func:`torch.nn.functional.cross_entropy`.

    priors : Tensor or array-like of shape (C,)
        Training class priors (or class counts: only their ratios matter).
        An array-like is validated (finite, positive, length C). A tensor is
        only checked for its length, so that a CUDA tensor costs no device
        synchronisation per call; its entries must be positive.

    tau : float, default=1.0
        Strength of the adjustment; ``tau=0`` is plain cross-entropy.

    weight : Tensor or array-like of shape (C,), default=None
        Per-class weights, as for :func:`torch.nn.functional.cross_entropy`.

    ignore_index : int, default=-100
        Target value that is ignored.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses.

    label_smoothing : float, default=0.0
        Label smoothing in ``[0, 1)``, as for cross-entropy.

    Returns
    -------
    loss : Tensor
        A scalar, or per-example losses when ``reduction="none"``.

    See Also
    --------
    LogitAdjustedLoss : The module form, which stores the priors as a buffer.

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.losses import logit_adjusted_loss
    >>> logits = torch.tensor([[2.0, 0.5], [0.1, 1.0]])
    >>> target = torch.tensor([0, 1])
    >>> loss = logit_adjusted_loss(logits, target, priors=[0.9, 0.1])
    >>> shifted = logits + torch.log(torch.tensor([0.9, 0.1]))
    >>> bool(torch.isclose(loss, torch.nn.functional.cross_entropy(shifted, target)))
    True
    """
    tau = _check_tau(tau)
    _check_reduction(reduction)
    if torch.is_tensor(priors):
        if priors.dim() != 1:
            raise ValueError(
                f"`priors` must be a 1-D tensor; got shape {tuple(priors.shape)}."
            )
        log_priors = torch.log(priors.to(device=input.device, dtype=input.dtype))
    else:
        log_priors = torch.as_tensor(
            np.log(_check_class_vector(priors, "priors")),
            dtype=input.dtype,
            device=input.device,
        )
    if input.dim() == 0 or input.shape[_class_dim(input)] != log_priors.shape[0]:
        raise ValueError(
            f"`priors` has {log_priors.shape[0]} entries, but the logits of shape "
            f"{tuple(input.shape)} have "
            f"{input.shape[_class_dim(input)] if input.dim() else 0} classes."
        )
    if weight is not None:
        if not torch.is_tensor(weight):
            weight = _check_weight(weight, log_priors.shape[0])
        weight = weight.to(device=input.device, dtype=input.dtype)
    return _la_cross_entropy(
        input, target, log_priors, tau, weight, ignore_index, reduction, label_smoothing
    )


class LogitAdjustedLoss(_LongTailLoss):
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
    logit_adjusted_loss : The functional form.
    BalancedSoftmaxLoss : The special case ``tau=1``.
    PairwiseMarginLoss : The general pairwise-margin form.

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.losses import LogitAdjustedLoss
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
        priors = _check_class_vector(priors, "priors")
        super().__init__(
            len(priors),
            weight=weight,
            ignore_index=ignore_index,
            reduction=reduction,
            label_smoothing=label_smoothing,
        )
        self.tau = _check_tau(tau)
        self.register_buffer(
            "log_priors", torch.as_tensor(np.log(priors / priors.sum()))
        )
        self._shift_cache = None

    @property
    def priors(self):
        return self.log_priors.exp()

    def _shift_as(self, dtype):
        """``tau * log_priors`` in ``dtype``, cached across calls (None if tau=0).

        Keyed like :meth:`_buffer_as`, and on ``tau`` so that assigning a new
        ``tau`` between epochs takes effect.
        """
        tau = self.tau
        if tau == 0.0:
            return None
        source = self._buffers["log_priors"]
        if source.is_inference():
            # Inference tensors have no version counter to key a cache on.
            return (source * tau).to(dtype)
        # .get: modules pickled before the cache existed lack the attribute.
        cached = self.__dict__.get("_shift_cache")
        if (
            cached is not None
            and cached[0] is source
            and cached[1] == source._version
            and cached[2] == dtype
            and cached[3] == tau
        ):
            return cached[4]
        # Scaled in float64, then cast: one rounding instead of two.
        shift = (source * tau).to(dtype)
        if not torch.is_inference_mode_enabled():
            self._shift_cache = (source, source._version, dtype, tau, shift)
        return shift

    def forward(self, input, target):
        # The hot path of every training step. Each helper call costs about
        # a microsecond of Python, as much as the shift itself on small
        # batches, so the common (N, C) case checks inline and adds one
        # cached tensor.
        if input.dim() != 2 or input.shape[1] != self.n_classes:
            self._check_input(input)
        shift = self._shift_as(input.dtype)
        if shift is not None:
            # A new tensor: the caller's logits are never modified in place.
            input = input + _along_classes(shift, input)
        weight = self._buffers["weight"]
        if weight is not None and weight.dtype != input.dtype:
            weight = self._buffer_as("weight", input.dtype)
        return F.cross_entropy(
            input,
            target,
            weight=weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )

    def extra_repr(self):
        return ", ".join(filter(None, [super().extra_repr(), f"tau={self.tau}"]))


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
    >>> from sklearn_la.losses import BalancedSoftmaxLoss, LogitAdjustedLoss
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


# --------------------------------------------------------------------------
# Pairwise-margin loss (Menon et al., 2021, eq. 11)
# --------------------------------------------------------------------------


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
    >>> from sklearn_la.losses import LogitAdjustedLoss, PairwiseMarginLoss
    >>> priors = np.array([0.6, 0.3, 0.1])
    >>> delta = np.log(priors[None, :] / priors[:, None])  # tau = 1
    >>> logits, target = torch.randn(5, 3), torch.tensor([0, 1, 2, 2, 0])
    >>> bool(torch.isclose(PairwiseMarginLoss(delta)(logits, target),
    ...                    LogitAdjustedLoss(priors)(logits, target)))
    True
    """

    def __init__(self, delta, alpha=None, *, ignore_index=-100, reduction="mean"):
        delta = _to_numpy(delta)
        try:
            arr = np.array(delta, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"`delta` must contain numbers; got {delta!r}.") from exc
        if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
            raise ValueError(
                "`delta` must be a square (n_classes, n_classes) matrix; got "
                f"shape {arr.shape}."
            )
        if not np.all(np.isfinite(arr)):
            raise ValueError("`delta` must be finite; got non-finite entries.")
        np.fill_diagonal(arr, 0.0)
        super().__init__(
            arr.shape[0],
            weight=_check_weight(alpha, arr.shape[0], name="alpha"),
            ignore_index=ignore_index,
            reduction=reduction,
        )
        self.register_buffer("delta", torch.as_tensor(arr))

    @property
    def alpha(self):
        return self.weight

    def forward(self, input, target):
        self._check_input(input)
        self._check_index_target(target)
        rows = self._buffer_as("delta", input.dtype)[
            _safe_target(target, self.ignore_index)
        ]
        # Row y of Delta added to the logits of an example of class y: with a
        # zero diagonal, the CE of the result is
        # log(1 + sum_{y' != y} e^{Delta[y, y']} e^{f_y' - f_y}).
        return F.cross_entropy(
            input + _rows_to_class_dim(rows, input),
            target,
            weight=self._buffer_as("weight", input.dtype),
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )


# --------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------


def _focal_loss(input, target, gamma, weight, ignore_index, reduction):
    """Softmax focal loss with cross-entropy's weighting and reduction rules.

    ``weight`` is None or already in ``input``'s dtype.
    """
    dim = _class_dim(input)
    ignored = target == ignore_index
    safe = target.masked_fill(ignored, 0)
    log_p = F.log_softmax(input, dim=dim).gather(dim, safe.unsqueeze(dim))
    log_p = log_p.squeeze(dim)
    # 1 - p computed as -expm1(log p) keeps precision when p is close to 1; the
    # clamp keeps the gradient of (1 - p)^gamma finite for 0 < gamma < 1 at p = 1.
    one_minus_p = (-torch.expm1(log_p)).clamp_min(torch.finfo(input.dtype).tiny)
    loss = -one_minus_p.pow(gamma) * log_p
    per_example_weight = (~ignored).to(input.dtype)
    if weight is not None:
        per_example_weight = per_example_weight * weight[safe]
    loss = loss * per_example_weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / per_example_weight.sum()


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
    >>> from sklearn_la.losses import FocalLoss
    >>> logits, target = torch.tensor([[3.0, 0.0], [0.0, 0.2]]), torch.tensor([0, 1])
    >>> ce = torch.nn.functional.cross_entropy(logits, target, reduction="none")
    >>> focal = FocalLoss(gamma=2.0, reduction="none")(logits, target)
    >>> bool((focal < ce).all())  # the easy first example is down-weighted most
    True
    """

    def __init__(self, gamma=2.0, *, weight=None, ignore_index=-100, reduction="mean"):
        # Without per-class state the class count is only known from `weight`.
        n_classes = None if np.ndim(_to_numpy(weight)) != 1 else len(_to_numpy(weight))
        super().__init__(
            n_classes, weight=weight, ignore_index=ignore_index, reduction=reduction
        )
        self.gamma = _check_real(gamma, "gamma", low=0.0)

    def forward(self, input, target):
        self._check_input(input)
        self._check_index_target(target)
        return _focal_loss(
            input,
            target,
            self.gamma,
            self._buffer_as("weight", input.dtype),
            self.ignore_index,
            self.reduction,
        )

    def extra_repr(self):
        return ", ".join(filter(None, [super().extra_repr(), f"gamma={self.gamma}"]))


class ClassBalancedLoss(_LongTailLoss):
    r"""Class-balanced loss by effective number of samples (Cui et al., CVPR 2019).

    Cui et al., "Class-Balanced Loss Based on Effective Number of Samples"
    (section 4, eq. 3 and 5). A class with ``n_y`` samples has
    ``E_y = (1 - beta^{n_y}) / (1 - beta)`` effective samples; the loss of an
    example of class ``y`` is weighted by ``1 / E_y`` (weights rescaled to sum
    to ``n_classes``). ``beta=0`` is the unweighted loss and ``beta -> 1``
    approaches inverse-frequency weighting. The base loss is softmax
    cross-entropy (``gamma=0``) or the softmax focal loss (``gamma > 0``;
    the paper also uses a sigmoid variant, not provided here).

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
    >>> from sklearn_la.losses import ClassBalancedLoss
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
        counts = _check_class_vector(class_counts, "class_counts")
        beta = _check_real(beta, "beta", low=0.0, high=1.0)
        super().__init__(
            len(counts),
            weight=_effective_number_weights(counts, beta),
            ignore_index=ignore_index,
            reduction=reduction,
        )
        self.beta = beta
        self.gamma = _check_real(gamma, "gamma", low=0.0)

    def forward(self, input, target):
        self._check_input(input)
        self._check_index_target(target)
        weight = self._buffer_as("weight", input.dtype)
        if self.gamma == 0.0:
            return F.cross_entropy(
                input,
                target,
                weight=weight,
                ignore_index=self.ignore_index,
                reduction=self.reduction,
            )
        return _focal_loss(
            input, target, self.gamma, weight, self.ignore_index, self.reduction
        )

    def extra_repr(self):
        return ", ".join(
            filter(
                None, [super().extra_repr(), f"beta={self.beta}, gamma={self.gamma}"]
            )
        )


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
    :meth:`set_epoch`; :class:`sklearn_la.LogitAdjustedNet` does this at the
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
    >>> from sklearn_la.losses import LDAMLoss
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
        counts = _check_class_vector(class_counts, "class_counts")
        super().__init__(
            len(counts), weight=weight, ignore_index=ignore_index, reduction=reduction
        )
        self.max_m = _check_real(max_m, "max_m", low=0.0, low_inclusive=False)
        self.s = _check_real(s, "s", low=0.0, low_inclusive=False)
        if drw_epoch is not None and (
            isinstance(drw_epoch, bool)
            or not isinstance(drw_epoch, Integral)
            or drw_epoch < 0
        ):
            raise ValueError(
                f"`drw_epoch` must be None or a non-negative int; got {drw_epoch!r}."
            )
        self.drw_epoch = drw_epoch
        self.beta = _check_real(beta, "beta", low=0.0, high=1.0)
        margins = counts**-0.25
        self.register_buffer(
            "margins", torch.as_tensor(margins * (self.max_m / margins.max()))
        )
        self.register_buffer(
            "drw_weight", torch.as_tensor(_effective_number_weights(counts, self.beta))
        )
        self.epoch = 0

    def set_epoch(self, epoch):
        """Set the current (0-based) training epoch, which switches DRW on.

        Parameters
        ----------
        epoch : int
            The epoch about to start.
        """
        if isinstance(epoch, bool) or not isinstance(epoch, Integral) or epoch < 0:
            raise ValueError(f"`epoch` must be a non-negative int; got {epoch!r}.")
        self.epoch = int(epoch)

    @property
    def drw_active(self):
        """Whether the deferred re-weighting is applied at the current epoch."""
        return self.drw_epoch is not None and self.epoch >= self.drw_epoch

    def forward(self, input, target):
        self._check_input(input)
        self._check_index_target(target)
        dim = _class_dim(input)
        safe = _safe_target(target, self.ignore_index)
        margin = self._buffer_as("margins", input.dtype)[safe].unsqueeze(dim)
        is_true = _rows_to_class_dim(F.one_hot(safe, self.n_classes).bool(), input)
        adjusted = torch.where(is_true, input - margin, input) * self.s
        return F.cross_entropy(
            adjusted,
            target,
            weight=self._class_weights(input.dtype),
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )

    def _class_weights(self, dtype):
        weight = self._buffer_as("weight", dtype)
        if not self.drw_active:
            return weight
        drw_weight = self._buffer_as("drw_weight", dtype)
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
    >>> from sklearn_la.losses import EqualizationLoss
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
        priors = _check_class_vector(priors, "priors")
        super().__init__(
            len(priors), weight=weight, ignore_index=ignore_index, reduction=reduction
        )
        self.freq_threshold = _check_real(freq_threshold, "freq_threshold", low=0.0)
        gamma = _check_real(gamma, "gamma", low=0.0)
        if gamma > 1.0:
            raise ValueError(f"`gamma` must be in [0, 1]; got {gamma!r}.")
        self.gamma = gamma
        self.register_buffer(
            "rare", torch.as_tensor(priors / priors.sum() < self.freq_threshold)
        )

    def forward(self, input, target):
        self._check_input(input)
        self._check_index_target(target)
        safe = _safe_target(target, self.ignore_index)
        is_true = _rows_to_class_dim(F.one_hot(safe, self.n_classes).bool(), input)
        candidates = _along_classes(self.rare, input) & ~is_true
        if self.training:
            dropped = candidates & (
                torch.rand(input.shape, device=input.device) < self.gamma
            )
            adjusted = input.masked_fill(dropped, float("-inf"))
        else:
            # log of the expected weight 1 - gamma (for gamma = 1, -inf: dropped).
            log_keep = torch.log1p(-self.gamma * candidates.to(input.dtype))
            adjusted = input + log_keep
        return F.cross_entropy(
            adjusted,
            target,
            weight=self._buffer_as("weight", input.dtype),
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )

    def extra_repr(self):
        extra = f"freq_threshold={self.freq_threshold}, gamma={self.gamma}"
        return ", ".join(filter(None, [super().extra_repr(), extra]))
