"""The torch side of sklearn-la: losses, their functional forms and the skorch net.

Needs the ``torch`` extra (``pip install 'sklearn-la[torch]'``); ``import
sklearn_la`` does not import this subpackage.

- :class:`LogitAdjustedNet`: a :class:`skorch.NeuralNetClassifier` trained
  with the logit-adjusted loss (or any criterion given the priors), for any
  labels;
- :class:`TabularMLP`: its default module;
- the loss modules: :class:`LogitAdjustedLoss`, :class:`BalancedSoftmaxLoss`
  and :class:`PairwiseMarginLoss` (Menon et al., 2021), and the baselines
  :class:`FocalLoss`, :class:`ClassBalancedLoss`, :class:`LDAMLoss`,
  :class:`EqualizationLoss`;
- :mod:`sklearn_la.nn.functional`: one function per loss.

Modules, one idea each: ``functional`` (one function per loss, and the maths
the modules share), ``_losses`` (the loss modules), ``_net`` (the net),
``_callbacks`` (its callbacks), ``_modules`` (its default module,
TabularMLP) and ``_checks`` (the torch side's checks: loss arguments, logits
and targets, the net's data).
"""

try:
    import skorch  # noqa: F401
    import torch  # noqa: F401
except ImportError as exc:
    raise ImportError(
        f"sklearn_la.nn needs torch and skorch, which are not installed ({exc}). "
        "Install them with: pip install 'sklearn-la[torch]' (on a CPU-only "
        "machine install a CPU build of torch first, or the extra pulls a CUDA "
        "build of several GB)"
    ) from exc

from . import functional
from ._losses import (
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    PairwiseMarginLoss,
)
from ._modules import TabularMLP
from ._net import LogitAdjustedNet

__all__ = [
    "BalancedSoftmaxLoss",
    "ClassBalancedLoss",
    "EqualizationLoss",
    "FocalLoss",
    "LDAMLoss",
    "LogitAdjustedLoss",
    "LogitAdjustedNet",
    "PairwiseMarginLoss",
    "TabularMLP",
    "functional",
]
