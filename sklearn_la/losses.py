"""Torch losses for long-tail learning: the logit-adjusted loss and its baselines.

The loss modules and their functional forms, re-exported from
:mod:`sklearn_la.nn` (where :mod:`sklearn_la.nn.functional` also lives). Every
loss takes raw logits and class-index targets with the call signature of
:class:`torch.nn.CrossEntropyLoss`. Needs the ``torch`` extra
(``pip install 'sklearn-la[torch]'``).
"""

from .nn import (
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    PairwiseMarginLoss,
)
from .nn.functional import (
    balanced_softmax_loss,
    class_balanced_loss,
    equalization_loss,
    focal_loss,
    ldam_loss,
    logit_adjusted_loss,
    pairwise_margin_loss,
)

__all__ = [
    "BalancedSoftmaxLoss",
    "ClassBalancedLoss",
    "EqualizationLoss",
    "FocalLoss",
    "LDAMLoss",
    "LogitAdjustedLoss",
    "PairwiseMarginLoss",
    "balanced_softmax_loss",
    "class_balanced_loss",
    "equalization_loss",
    "focal_loss",
    "ldam_loss",
    "logit_adjusted_loss",
    "pairwise_margin_loss",
]
