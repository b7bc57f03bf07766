"""The torch side of sklearn-la: losses, their functional forms and the skorch net.

Needs the ``torch`` extra (``pip install 'sklearn-la[torch]'``); ``import
sklearn_la`` does not import this subpackage.

- :class:`LogitAdjustedNet`: a :class:`skorch.NeuralNetClassifier` trained
  with the logit-adjusted loss (or a baseline), for any labels;
- :class:`TabularMLP`: its default module;
- the loss modules: :class:`LogitAdjustedLoss`, :class:`BalancedSoftmaxLoss`
  and :class:`PairwiseMarginLoss` (Menon et al., 2021), and the baselines
  :class:`FocalLoss`, :class:`ClassBalancedLoss`, :class:`LDAMLoss`,
  :class:`EqualizationLoss`;
- :mod:`sklearn_la.nn.functional`: one function per loss.

Modules: ``functional`` (public functions), ``_kernels`` (the maths),
``_shapes`` and ``_checks`` (validation), ``_loss_base`` (cast cache, base of
the non-cross-entropies), ``_adjusted`` and ``_reweighted`` (loss modules),
``_modules`` (TabularMLP), ``_net`` (the net), ``_components``, ``_targets``,
``_input``, ``_weights`` and ``_callbacks`` (what the net needs).
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
from ._adjusted import BalancedSoftmaxLoss, LogitAdjustedLoss, PairwiseMarginLoss
from ._modules import TabularMLP
from ._net import LogitAdjustedNet
from ._reweighted import ClassBalancedLoss, EqualizationLoss, FocalLoss, LDAMLoss

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
