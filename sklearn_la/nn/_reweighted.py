"""Baselines the paper compares against: focal, class-balanced, LDAM, equalisation.

None of them is a plain softmax cross-entropy, so they derive from
:class:`~sklearn_la.nn._loss_base._LongTailLoss`, not from
:class:`torch.nn.CrossEntropyLoss`; they take class-index targets only.
"""

from ._checks import (
    _check_counts,
    _check_int,
    _check_loss_priors,
    _check_real,
    _check_weight,
)
from ._kernels import (
    _effective_number_weights,
    _equalization,
    _focal,
    _ldam,
    _ldam_margins,
    _rare_classes,
)
from ._loss_base import _LongTailLoss

__all__ = ["ClassBalancedLoss", "EqualizationLoss", "FocalLoss", "LDAMLoss"]


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
        weight = self._buffer_as("weight", input.dtype)
        return _focal(
            input, target, self.gamma, weight, self.ignore_index, self.reduction
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
            len(counts),
            weight=_effective_number_weights(counts, beta),
            ignore_index=ignore_index,
            reduction=reduction,
        )
        self.beta = beta
        self.gamma = _check_real(gamma, "gamma", low=0.0)

    def forward(self, input, target):
        self._check_call(input, target)
        weight = self._buffer_as("weight", input.dtype)
        return _focal(
            input, target, self.gamma, weight, self.ignore_index, self.reduction
        )

    def extra_repr(self):
        extra = f"beta={self.beta}, gamma={self.gamma}"
        return ", ".join(filter(None, [super().extra_repr(), extra]))


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
        margins = self._buffer_as("margins", input.dtype)
        weight = self._class_weights(input.dtype)
        return _ldam(
            input, target, margins, self.s, weight, self.ignore_index, self.reduction
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
            self.rare,
            self.gamma,
            self.training,
            self._buffer_as("weight", input.dtype),
            self.ignore_index,
            self.reduction,
        )

    def extra_repr(self):
        extra = f"freq_threshold={self.freq_threshold}, gamma={self.gamma}"
        return ", ".join(filter(None, [super().extra_repr(), extra]))
