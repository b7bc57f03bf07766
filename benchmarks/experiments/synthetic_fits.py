"""The synthetic experiment's setting and its affine rules (section 6.1).

Constants of the experiment, the exact population balanced error of an affine
rule ``sign(w . x + b)`` on the paper's distribution, reading a fitted
classifier's affine rule back from its output, and fitting ``nn.Linear(2, 2)``
with a torch loss. Used by ``synthetic`` (the trials) and
``synthetic_report`` (the page).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from sklearn_la.metrics import balanced_error

PNG_NAME = "synthetic_boundaries.png"

POSITIVE_FRACTION = 0.05
TAUS = np.round(np.linspace(0.0, 3.0, 31), 10)  # post-hoc LA and weight-norm sweeps
LDAM_MAX_M, LDAM_S = 0.5, 1.0
EQUAL_MARGIN = 0.5
MARGIN_SWEEP = (0.5, 1.0, 2.0, 4.0, 8.0)  # trial 0 only: is the margin size to blame?
SEQL_THRESHOLD, SEQL_GAMMA = 0.1, 0.9
SEQL_STEPS, SEQL_LR = 400, 0.05
RELATIVE_TOLERANCE = 0.01  # "within 1% relative of Bayes"
# Unregularised logistic regression, solved tightly so that it matches the
# torch models trained to convergence.
LR_PARAMS = dict(C=np.inf, tol=1e-10, max_iter=10_000)

# (key, label, family); the family decides how the verdict is phrased.
METHODS = [
    ("erm", "ERM (LogisticRegression)", "baseline"),
    ("erm_torch", "ERM (torch cross-entropy, 2 logits)", "baseline"),
    ("posthoc_1", "post-hoc LA on ERM, tau=1", "la"),
    ("posthoc_best", "post-hoc LA on ERM, tau tuned on validation", "la"),
    ("la_loss", "LA loss, tau=1 (LogitAdjustedLoss)", "la"),
    ("class_weight", 'class weighting (class_weight="balanced")', "other"),
    ("ldam", "adaptive margin (LDAMLoss, m_y ∝ n_y^(-1/4))", "baseline"),
    ("equal_margin", "equalised margin (PairwiseMarginLoss, Δ=0.5)", "baseline"),
    ("seql", "equalisation loss (Tan et al. 2020, softmax EQL)", "other"),
    (
        "weight_norm",
        "post-hoc weight normalisation, tau tuned on validation",
        "baseline",
    ),
]


# --------------------------------------------------------------------------
# Affine rules: (w, b) with "predict +1 when w . x + b > 0"
# --------------------------------------------------------------------------


def population_balanced_error(w, b):
    """Exact balanced error of ``sign(w . x + b)`` on the paper's distribution."""
    w = np.asarray(w, dtype=float)
    scale = np.linalg.norm(w)
    if scale == 0.0:  # a constant rule errs on a whole class
        return 0.5
    err_pos = norm.cdf(-(w.sum() + b) / scale)  # y=+1: w.x+b ~ N(w1+w2+b, |w|^2)
    err_neg = norm.cdf((-w.sum() + b) / scale)  # y=-1: w.x+b ~ N(-(w1+w2)+b, |w|^2)
    return 0.5 * (err_pos + err_neg)


def sample_balanced_error(w, b, X, y):
    """Balanced error of ``sign(w . x + b)`` on the sample ``(X, y)``."""
    return balanced_error(y, np.where(X @ w + b > 0, 1, -1))


def fast_balanced_error(y, pred):
    """Balanced error for labels in {-1, +1}, for the tau sweeps.

    Equal to :func:`sklearn_la.metrics.balanced_error` (checked once per
    trial) but without its input validation, which dominates 60 calls a trial.
    """
    pos = y == 1
    return 0.5 * (np.mean(pred[pos] != 1) + np.mean(pred[~pos] != -1))


def affine_rule_of(classifier):
    """(w, b) of a fitted binary classifier whose ``decision_function`` is affine.

    Read from the library's own output (scores at 0, e1, e2), not from its
    internals, so that it checks what users get.
    """
    probes = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    scores = np.asarray(classifier.decision_function(probes), dtype=float)
    if scores.ndim != 1:
        raise AssertionError(
            f"binary decision_function should be 1-D; got shape {scores.shape}"
        )
    if list(classifier.classes_) != [-1, 1]:
        raise AssertionError(f"unexpected classes_ {classifier.classes_!r}")
    b = scores[0]
    return np.array([scores[1] - b, scores[2] - b]), b


def check_rule(classifier, w, b, X):
    """The affine rule must reproduce ``classifier.predict`` (ties aside)."""
    score = X @ w + b
    clear = np.abs(score) > 1e-7
    mismatch = np.sum(classifier.predict(X)[clear] != np.where(score > 0, 1, -1)[clear])
    if mismatch:
        raise AssertionError(
            f"affine probe disagrees with predict on {mismatch} points"
        )


def weight_normalised_rule(W, b, tau):
    """Rule of the logits ``W_y . x / ||W_y||^tau + b_y`` (row 0: y=-1, row 1: y=+1)."""
    norms = np.linalg.norm(W, axis=1)
    scaled = W / norms[:, None] ** tau
    return scaled[1] - scaled[0], b[1] - b[0]


# --------------------------------------------------------------------------
# torch models
# --------------------------------------------------------------------------


def fit_linear(X, y01, criterion, *, device, seed, stochastic=False, zero_init=True):
    """Fit ``nn.Linear(2, 2)`` full batch; return (W, b, gradient norm at the end).

    Zero initialisation: the 2-logit parametrisation is only identified up to a
    vector added to both classes, and gradient methods started at zero stay
    on the minimum-norm solution (``W_+ = -W_-``), the one any weight decay
    would pick. Only weight normalisation depends on that choice;
    ``zero_init=False`` keeps PyTorch's default (seeded) random initialisation.
    """
    import torch
    from torch import nn

    torch.manual_seed(seed)
    model = nn.Linear(2, 2).to(device=device, dtype=torch.float64)
    if zero_init:
        with torch.no_grad():
            model.weight.zero_()
            model.bias.zero_()
    criterion = criterion.to(device)
    Xt = torch.as_tensor(X, dtype=torch.float64, device=device)
    yt = torch.as_tensor(y01, dtype=torch.long, device=device)

    if stochastic:
        criterion.train()
        optimizer = torch.optim.Adam(model.parameters(), lr=SEQL_LR)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, SEQL_STEPS)
        for _ in range(SEQL_STEPS):
            optimizer.zero_grad()
            criterion(model(Xt), yt).backward()
            optimizer.step()
            schedule.step()
        grad_norm = float("nan")  # a stochastic objective: no stationarity check
    else:
        optimizer = torch.optim.LBFGS(
            model.parameters(),
            lr=1.0,
            max_iter=500,
            tolerance_grad=1e-10,
            tolerance_change=1e-14,
            history_size=20,
            line_search_fn="strong_wolfe",
        )

        def closure():
            optimizer.zero_grad()
            loss = criterion(model(Xt), yt)
            loss.backward()
            return loss

        optimizer.step(closure)
        closure()
        grad_norm = float(
            torch.cat([p.grad.reshape(-1) for p in model.parameters()]).norm()
        )
    W = model.weight.detach().cpu().numpy().copy()
    b = model.bias.detach().cpu().numpy().copy()
    return W, b, grad_norm
