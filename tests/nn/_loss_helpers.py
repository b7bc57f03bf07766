"""Losses and batches shared by the loss tests."""

import numpy as np
import torch

from sklearn_la.nn import (
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    PairwiseMarginLoss,
)

PRIORS = np.array([0.55, 0.25, 0.12, 0.05, 0.03])
COUNTS = np.array([550, 250, 120, 50, 30])
K = len(PRIORS)


def la_delta(priors, tau):
    """``Delta[y, y'] = tau * log(pi_y' / pi_y)``: the LA loss as a pairwise loss."""
    log_p = np.log(priors)
    return tau * (log_p[None, :] - log_p[:, None])


# Every loss, built for K classes, in evaluation mode so that the equalisation
# loss is deterministic.
LOSS_FACTORIES = {
    "logit_adjusted": lambda **kw: LogitAdjustedLoss(PRIORS, tau=1.5, **kw),
    "balanced_softmax": lambda **kw: BalancedSoftmaxLoss(COUNTS, **kw),
    "pairwise": lambda **kw: PairwiseMarginLoss(la_delta(PRIORS, 0.7), **kw),
    "ldam": lambda **kw: LDAMLoss(COUNTS, s=2.0, drw_epoch=0, **kw),
    "class_balanced": lambda **kw: ClassBalancedLoss(COUNTS, beta=0.99, **kw),
    "class_balanced_focal": lambda **kw: ClassBalancedLoss(COUNTS, gamma=1.0, **kw),
    "focal": lambda **kw: FocalLoss(gamma=2.0, **kw),
    "equalization": lambda **kw: EqualizationLoss(PRIORS, freq_threshold=0.1, **kw),
}


def make(name, **kwargs):
    return LOSS_FACTORIES[name](**kwargs).eval()


def batch(n=16, k=K, dtype=torch.float64, seed=0):
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, k, generator=gen, dtype=dtype) * 3
    target = torch.randint(0, k, (n,), generator=gen)
    return logits, target
