"""The paper's synthetic experiment (Menon et al., ICLR 2021, section 6.1).

Binary data, ``x ~ N(y * (1, 1), I_2)`` with ``P(y = +1) = 5%``
(:func:`sklearn_la.datasets.make_paper_synthetic`), 10,000 training,
10,000 validation and 10,000 test points per trial (2,000 with ``--quick``),
an affine classifier per method. The Bayes-optimal rule for the balanced
error is ``x1 + x2 > 0``, with balanced error ``Phi(-sqrt(2))`` = 7.86%.

Every method learns an affine score ``g(x) = w . x + b`` (predict +1 when
``g > 0``), so besides the balanced error on the test sample the exact
population balanced error is known in closed form: given ``y``,
``w . x + b ~ N(y * (w1 + w2) + b, ||w||^2)``, hence

    BER = ( Phi(-(w1 + w2 + b) / ||w||) + Phi((-(w1 + w2) + b) / ||w||) ) / 2.

Methods (none is regularised: scikit-learn's ``LogisticRegression(C=inf)``,
i.e. no penalty, and torch ``nn.Linear(2, 2)`` trained full batch with
L-BFGS, float64, no weight decay, zero initialisation):

- ERM: ``LogisticRegression`` (and, as a cross-check and as the base of weight
  normalisation, the 2-logit torch model trained with plain cross-entropy);
- post-hoc LA on ERM: ``LogitAdjustedClassifier`` with ``tau=1``, and with the
  ``tau`` of a sweep that minimises the balanced error on the *validation*
  sample (never the test sample); the sweep reuses the fitted base model
  through ``FrozenEstimator``;
- LA loss: ``LogitAdjustedLoss(priors, tau=1)``;
- class weighting: ``LogisticRegression(class_weight="balanced")``;
- adaptive margin: ``LDAMLoss`` (margins proportional to ``n_y^(-1/4)``,
  largest margin 0.5, logit scale ``s=1`` since the affine model is not
  normalised);
- equalised margin: ``PairwiseMarginLoss`` with the same margin 0.5 for every
  pair of classes;
- equalisation loss (Tan et al., 2020; softmax variant), an extra row:
  ``EqualizationLoss(freq_threshold=0.1, gamma=0.9)`` (so the 5% class is the
  rare one), trained in its stochastic training mode with full-batch Adam;
- post-hoc weight normalisation of the torch ERM model: logits
  ``w_y . x / ||w_y||^tau + b_y``, ``tau`` swept and chosen on the validation
  sample; the best ``tau`` in hindsight (on the population error) is also
  reported, to show that no ``tau`` of the sweep helps.

A full run (100 trials) takes 1-2 minutes on 2 cores, ``--quick`` (5 trials)
under 20 s. The page comes with ``synthetic_boundaries.png``.
"""

from __future__ import annotations

import os
import time

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression

from sklearn_la import LogitAdjustedClassifier
from sklearn_la.datasets import BAYES_BALANCED_ERROR_SYNTHETIC, make_paper_synthetic
from sklearn_la.metrics import balanced_error

from _common.render import Page
from _common.runner import Benchmark
from experiments.synthetic_fits import (
    EQUAL_MARGIN,
    LDAM_MAX_M,
    LDAM_S,
    LR_PARAMS,
    MARGIN_SWEEP,
    PNG_NAME,
    POSITIVE_FRACTION,
    SEQL_GAMMA,
    SEQL_THRESHOLD,
    TAUS,
    affine_rule_of,
    check_rule,
    fast_balanced_error,
    fit_linear,
    population_balanced_error,
    sample_balanced_error,
    weight_normalised_rule,
)
from experiments.synthetic_report import plot, render, summarise


def _sklearn_rules(X, y, X_val, y_val, X_test):
    """ERM, post-hoc LA (tau=1 and tuned on validation), class weighting."""
    rules, extras = {}, {}
    erm = LogisticRegression(**LR_PARAMS).fit(X, y)
    rules["erm"] = (erm.coef_[0].copy(), float(erm.intercept_[0]))

    posthoc = LogitAdjustedClassifier(LogisticRegression(**LR_PARAMS), tau=1.0).fit(
        X, y
    )
    rules["posthoc_1"] = affine_rule_of(posthoc)
    check_rule(posthoc, *rules["posthoc_1"], X_test)

    frozen = FrozenEstimator(posthoc.estimator_)
    val_errors = []
    for tau in TAUS:
        clf = LogitAdjustedClassifier(frozen, tau=float(tau)).fit(X, y)
        val_errors.append(fast_balanced_error(y_val, clf.predict(X_val)))
    pred_1 = posthoc.predict(X_val)
    if not np.isclose(
        fast_balanced_error(y_val, pred_1), balanced_error(y_val, pred_1)
    ):
        raise AssertionError("fast_balanced_error disagrees with balanced_error")
    best = int(np.argmin(val_errors))
    rules["posthoc_best"] = affine_rule_of(
        LogitAdjustedClassifier(frozen, tau=float(TAUS[best])).fit(X, y)
    )
    extras["posthoc_tau"] = float(TAUS[best])

    weighted = LogisticRegression(class_weight="balanced", **LR_PARAMS).fit(X, y)
    rules["class_weight"] = (weighted.coef_[0].copy(), float(weighted.intercept_[0]))
    return rules, extras


def _torch_rules(X, y01, counts, device, seed):
    """ERM, LA loss, LDAM, equalised margin, equalisation loss (2-logit models)."""
    import torch

    from sklearn_la.losses import (
        EqualizationLoss,
        LDAMLoss,
        LogitAdjustedLoss,
        PairwiseMarginLoss,
    )

    criteria = {
        "erm_torch": torch.nn.CrossEntropyLoss(),
        "la_loss": LogitAdjustedLoss(counts, tau=1.0),
        "ldam": LDAMLoss(counts, max_m=LDAM_MAX_M, s=LDAM_S),
        "equal_margin": PairwiseMarginLoss(
            EQUAL_MARGIN * (1.0 - np.eye(2))  # Δ_{yy'} = 0.5 for y != y'
        ),
    }
    rules, two_logit, grad_norms = {}, {}, {}
    for key, criterion in criteria.items():
        W, b, grad_norms[key] = fit_linear(X, y01, criterion, device=device, seed=seed)
        two_logit[key] = (W, b)
        rules[key] = (W[1] - W[0], float(b[1] - b[0]))
    seql = EqualizationLoss(counts, freq_threshold=SEQL_THRESHOLD, gamma=SEQL_GAMMA)
    W, b, _ = fit_linear(X, y01, seql, device=device, seed=seed, stochastic=True)
    rules["seql"] = (W[1] - W[0], float(b[1] - b[0]))
    return rules, two_logit["erm_torch"], max(grad_norms.values())


def _weight_norm_sweep(W, b, X_val, y_val):
    """Validation and population errors of weight normalisation along TAUS."""
    val, pop = [], []
    for t in TAUS:
        w_t, b_t = weight_normalised_rule(W, b, t)
        val.append(fast_balanced_error(y_val, np.where(X_val @ w_t + b_t > 0, 1, -1)))
        pop.append(population_balanced_error(w_t, b_t))
    return val, pop


def _weight_norm(W, b, X_val, y_val, erm_rule, counts):
    """Weight normalisation of the torch ERM model, and both sweep curves."""
    val, pop = _weight_norm_sweep(W, b, X_val, y_val)
    best = int(np.argmin(val))
    posthoc_curve = np.array(
        [
            population_balanced_error(
                erm_rule[0], erm_rule[1] - t * np.log(counts[1] / counts[0])
            )
            for t in TAUS
        ]
    )
    extras = {
        "weight_norm_tau": float(TAUS[best]),
        "weight_norm_oracle": float(np.min(pop)),
        "weight_norm_norms": np.linalg.norm(W, axis=1),
        "posthoc_pop_curve": posthoc_curve,
        "weight_norm_pop_curve": np.array(pop),
        "posthoc_oracle": float(np.min(posthoc_curve)),
    }
    return weight_normalised_rule(W, b, TAUS[best]), extras


def _margin_sweep(X, y01, counts, device, seed):
    """Population errors of LDAM and the equalised margin at larger margins."""
    from sklearn_la.losses import LDAMLoss, PairwiseMarginLoss

    sweep = {}
    for margin in MARGIN_SWEEP:
        for name, criterion in (
            ("ldam", LDAMLoss(counts, max_m=margin, s=LDAM_S)),
            ("equal_margin", PairwiseMarginLoss(margin * (1.0 - np.eye(2)))),
        ):
            W_m, b_m, _ = fit_linear(X, y01, criterion, device=device, seed=seed)
            sweep[name, margin] = population_balanced_error(
                W_m[1] - W_m[0], b_m[1] - b_m[0]
            )
    return sweep


def _random_init(X, y01, X_val, y_val, device, seed):
    """Weight normalisation of a torch ERM model from PyTorch's random init.

    The class norms then differ by what the initialisation leaves along the
    unidentified direction (w_+ + w_-).
    """
    import torch

    W, b, _ = fit_linear(
        X, y01, torch.nn.CrossEntropyLoss(), device=device, seed=seed, zero_init=False
    )
    val, pop = _weight_norm_sweep(W, b, X_val, y_val)
    return {
        "random_init_erm": pop[0],
        "random_init_val": pop[int(np.argmin(val))],
        "random_init_oracle": float(np.min(pop)),
        "random_init_norm_ratio": float(np.linalg.norm(W[1]) / np.linalg.norm(W[0])),
    }


def run_trial(n_samples, seeds, device, margin_sweep=False):
    """Fit every method on one draw; return per-method results and extras.

    ``margin_sweep=True`` also refits LDAM and the equalised margin with the
    margins of ``MARGIN_SWEEP`` (population errors in ``extras``).
    """
    *draw_seeds, seed_torch = seeds
    (X, y), (X_val, y_val), (X_test, y_test) = (
        make_paper_synthetic(
            n_samples, positive_fraction=POSITIVE_FRACTION, random_state=seed
        )
        for seed in draw_seeds
    )
    y01 = (y == 1).astype(np.int64)  # class index 0: y=-1, 1: y=+1 (sorted labels)
    counts = np.bincount(y01, minlength=2).astype(float)

    rules, extras = _sklearn_rules(X, y, X_val, y_val, X_test)
    torch_rules, (W, b), grad_norm = _torch_rules(X, y01, counts, device, seed_torch)
    rules.update(torch_rules)
    rules["weight_norm"], wn_extras = _weight_norm(
        W, b, X_val, y_val, rules["erm"], counts
    )
    extras.update(wn_extras)
    if margin_sweep:
        extras["margin_sweep"] = _margin_sweep(X, y01, counts, device, seed_torch)
    extras.update(_random_init(X, y01, X_val, y_val, device, seed_torch))
    erm_gap = np.append(
        rules["erm"][0] - rules["erm_torch"][0], rules["erm"][1] - rules["erm_torch"][1]
    )
    extras["erm_vs_torch"] = float(np.max(np.abs(erm_gap)))
    extras["grad_norm"] = grad_norm

    results = {
        key: (
            sample_balanced_error(w, bias, X_test, y_test),
            population_balanced_error(w, bias),
        )
        for key, (w, bias) in rules.items()
    }
    return results, rules, extras, (X, y)


def _options(parser):
    parser.add_argument(
        "--trials",
        type=int,
        default=None,
        help="number of trials (default 100; 5 with --quick)",
    )
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")


def run(config):
    """Every trial, the summary table and the boundary plot."""
    import torch

    if config.device.startswith("cuda"):
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    # One thread: tiny full-batch problems gain nothing from more, and results
    # are then bitwise reproducible on a shared machine.
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True, warn_only=True)

    n_trials = config.trials or (5 if config.quick else 100)
    n_samples = 2000 if config.quick else 10_000
    bayes = BAYES_BALANCED_ERROR_SYNTHETIC
    start = time.perf_counter()
    seeds = (
        np.random.SeedSequence(config.seed).generate_state(4 * n_trials).reshape(-1, 4)
    )
    trials = [
        run_trial(
            n_samples, [int(s) for s in seeds[t]], config.device, margin_sweep=t == 0
        )
        for t in range(n_trials)
    ]
    summary = summarise([results for results, _, _, _ in trials])
    extras = [e for _, _, e, _ in trials]
    runtime = time.perf_counter() - start
    body = render(summary, extras, n_trials, n_samples, bayes, runtime, config.device)
    _, first_rules, _, first_data = trials[0]

    def draw(path):
        plot(path, first_rules, first_data, extras, bayes)

    return Page(body, figures={PNG_NAME: draw}, result=summary)


BENCHMARK = Benchmark(
    name="synthetic",
    title="The paper's synthetic experiment",
    run=run,
    options=_options,
    tiny=("--trials", "2"),
    device=True,
    torch=True,
)
