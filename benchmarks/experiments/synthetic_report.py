"""The synthetic experiment's page: summary table, verdicts, notes, plot."""

from __future__ import annotations

import datetime
import os
import platform

import numpy as np
import scipy
import sklearn

from _common.render import table
from experiments.synthetic_fits import (
    EQUAL_MARGIN,
    LDAM_MAX_M,
    LDAM_S,
    MARGIN_SWEEP,
    METHODS,
    PNG_NAME,
    POSITIVE_FRACTION,
    RELATIVE_TOLERANCE,
    SEQL_GAMMA,
    SEQL_LR,
    SEQL_STEPS,
    SEQL_THRESHOLD,
    TAUS,
)


def machine_info(device):
    import matplotlib
    import torch

    try:
        load = os.getloadavg()[0]
        load = f"; load average (1 min) at the end {load:.2f}"
    except OSError:  # pragma: no cover - not on every platform
        load = ""
    accel = ""
    if device.startswith("cuda"):
        accel = f"; device {torch.cuda.get_device_name(torch.device(device))}"
    return (
        f"{platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPU cores, torch threads {torch.get_num_threads()}{accel}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
        f"torch {torch.__version__}, matplotlib {matplotlib.__version__}{load}"
    )


def _pct(values):
    values = 100 * np.asarray(values)
    return f"{values.mean():.2f} ± {values.std(ddof=1) if len(values) > 1 else 0.0:.2f}"


def summarise(all_results):
    """Per method: arrays of test and population balanced errors."""
    summary = {}
    for key, _, _ in METHODS:
        test = np.array([r[key][0] for r in all_results])
        pop = np.array([r[key][1] for r in all_results])
        summary[key] = (test, pop)
    return summary


def verdict(key, label, family, pop_mean, bayes):
    gap = pop_mean / bayes - 1
    within = gap <= RELATIVE_TOLERANCE
    head = f"**{label}**: {100 * pop_mean:.2f}% population balanced error, "
    head += f"{100 * gap:+.1f}% relative to Bayes: "
    if within:
        text = "within 1% relative of Bayes."
        if family == "baseline":
            text += " NOT as the paper reports: it should be measurably worse."
        elif family == "other":
            text += " So it is NOT measurably worse than the LA rows."
            if key == "class_weight":
                text += (
                    " Expected in theory: weighting by 1/pi_y is the w = 1 end "
                    "of the paper's consistent family (Theorem 1), and the "
                    "affine logistic model is well specified for this data."
                )
    else:
        text = "NOT within 1% relative of Bayes."
        if family == "la":
            text += " NOT as the paper reports: it should be within 1%."
            if key == "posthoc_best":
                text += (
                    " The gap comes from choosing tau on a noisy validation "
                    "sample (see the notes); tau=1 itself is within 1%."
                )
        elif family == "baseline":
            text += " Measurably worse, as the paper reports."
        else:
            text += " Measurably worse than the LA rows."
    return head + text


def _results(summary, n_trials, n_samples, bayes):
    """Intro, the results table and the note on its test-sample column."""
    cells = [("Bayes-optimal (`x1 + x2 > 0`)", "—", f"{100 * bayes:.2f}", "—", "—")]
    for key, label, _ in METHODS:
        test, pop = summary[key]
        gap = pop.mean() / bayes - 1
        ok = "yes" if gap <= RELATIVE_TOLERANCE else "no"
        cells.append((label, _pct(test), _pct(pop), f"{100 * gap:+.1f}%", ok))
    head = ["method", "test-sample BER (%)", "population BER (%)",
            "population vs Bayes", "within 1% relative of Bayes"]  # fmt: skip
    se_test = max(summary[k][0].std(ddof=1) for k, _, _ in METHODS) / np.sqrt(n_trials)
    return [
        "Menon et al., ICLR 2021, section 6.1: binary 2-D Gaussians `N(y*(1,1), I)`, "
        f"`P(y=+1) = {POSITIVE_FRACTION:.0%}`, {n_samples:,} training, {n_samples:,} "
        f"validation and {n_samples:,} test points per trial, {n_trials} trials, an "
        "affine classifier per method. Balanced error in %, mean ± std over trials: on "
        "the test sample, and exactly on the population (closed form through the "
        "normal CDF, possible because every rule is affine). Bayes-optimal: "
        f"`Phi(-sqrt(2))` = {100 * bayes:.2f}%. Lower is better.",
        "",
        "## Results",
        "",
        table(head, cells),
        "",
        "The verdicts use the population column: the test-sample column estimates "
        "the same quantity with sampling noise (its standard error over the trials "
        f"is up to {100 * se_test:.2f} points, "
        f"{100 * se_test / bayes:.1f}% relative to Bayes, too coarse for a 1% "
        "criterion).",
        "",
        "## Verdicts",
        "",
        *(
            f"- {verdict(key, label, family, summary[key][1].mean(), bayes)}"
            for key, label, family in METHODS
        ),
    ]


def _at(curve, taus=(0, 0.5, 1, 1.5, 2)):
    """Values of a curve over TAUS at the given taus, in % (for the notes)."""
    return ", ".join(f"{100 * curve[np.argmin(np.abs(TAUS - t))]:.2f}" for t in taus)


def _tau_notes(summary, extras, n_samples):
    """Notes on the tau sweeps: post-hoc LA and weight normalisation."""
    taus_ph = np.array([e["posthoc_tau"] for e in extras])
    taus_wn = np.array([e["weight_norm_tau"] for e in extras])
    norms = np.array([e["weight_norm_norms"] for e in extras])
    ph_curve = np.mean([e["posthoc_pop_curve"] for e in extras], axis=0)
    wn_curve = np.mean([e["weight_norm_pop_curve"] for e in extras], axis=0)
    oracle_ph = np.array([e["posthoc_oracle"] for e in extras])
    oracle_wn = np.array([e["weight_norm_oracle"] for e in extras])
    return [
        f"- tau sweeps: {len(TAUS)} values, {TAUS[0]:g} to {TAUS[-1]:g} in steps of "
        f"{TAUS[1] - TAUS[0]:g}; chosen per trial on the validation sample (a fresh "
        "draw), never on the test sample. Post-hoc LA chose tau "
        f"{np.median(taus_ph):g} (median; range {taus_ph.min():g}-{taus_ph.max():g}).",
        "- Mean population BER (%) along the post-hoc LA sweep, tau = 0, 0.5, 1, 1.5, "
        f"2: {_at(ph_curve)}; along the weight-normalisation sweep: {_at(wn_curve)}.",
        "- Post-hoc LA with tau tuned on validation: "
        f"{100 * summary['posthoc_best'][1].mean():.2f}% against "
        f"{100 * summary['posthoc_1'][1].mean():.2f}% for tau=1 (population). "
        "Choosing tau on a validation sample adds the noise of its balanced "
        f"error (about {POSITIVE_FRACTION * n_samples:,.0f} positives per draw); "
        "the population-optimal tau of the sweep "
        f"is {TAUS[np.argmin(ph_curve)]:g} for the mean curve, and the best tau in "
        f"hindsight per trial gives {_pct(oracle_ph)}%.",
        "- Weight normalisation fails for every tau of the sweep: even the best tau "
        "in hindsight (minimum of the population BER over the sweep, per trial) "
        f"gives {_pct(oracle_wn)}%, against {_pct(summary['erm_torch'][1])}% for its "
        "base model "
        "(the torch ERM). With zero initialisation the two class weight vectors "
        "are exact opposites (the minimum-norm solution), so their norms are equal "
        f"(||w_-|| = {norms[:, 0].mean():.3f}, ||w_+|| = {norms[:, 1].mean():.3f} "
        "on average) and carry no information about the class priors (those sit "
        "in the biases): dividing by norm^tau only shrinks the shared slope "
        "against the biases, which with norms above 1 moves the boundary further "
        "towards the rare class. The validation sample chose tau "
        f"{np.median(taus_wn):g} (median; range {taus_wn.min():g}-"
        f"{taus_wn.max():g}).",
    ]


def _setting_notes(extras):
    """Notes on random initialisation, the shared setting and the margins."""
    erm_rn = np.array([e["random_init_erm"] for e in extras])
    val_rn = np.array([e["random_init_val"] for e in extras])
    oracle_rn = np.array([e["random_init_oracle"] for e in extras])
    ratio_rn = np.array([e["random_init_norm_ratio"] for e in extras])
    sweep = extras[0]["margin_sweep"]
    return [
        "- The same with PyTorch's default random initialisation of the torch ERM "
        "model (the norms then differ by what the initialisation leaves in "
        "`w_+ + w_-`; ||w_+|| / ||w_-|| ranged "
        f"{ratio_rn.min():.2f}-{ratio_rn.max():.2f}): base model "
        f"{_pct(erm_rn)}%, tau chosen on validation {_pct(val_rn)}%, best tau in "
        f"hindsight {_pct(oracle_rn)}%. Still nowhere near Bayes.",
        "- Setting shared by all methods: no regularisation anywhere. "
        "scikit-learn `LogisticRegression(C=inf, tol=1e-10)` (lbfgs); torch "
        "`nn.Linear(2, 2)`, float64, zero initialisation, full-batch L-BFGS "
        "(strong Wolfe line search) to a gradient norm of at most "
        f"{max(e['grad_norm'] for e in extras):.1e}. The sklearn and torch ERM rules "
        "agree to "
        f"{max(e['erm_vs_torch'] for e in extras):.1e} (largest coefficient "
        "difference). Zero initialisation keeps the 2-logit model on its "
        "minimum-norm solution (`w_+ = -w_-`); only weight normalisation depends "
        "on it.",
        f"- LDAM: `LDAMLoss(class_counts, max_m={LDAM_MAX_M}, s={LDAM_S:g})`, margins "
        "`m_y ∝ n_y^(-1/4)` on the true-class logit (about 0.5 for the rare class "
        "and 0.24 for the frequent one). Equalised margin: "
        f"`PairwiseMarginLoss(delta={EQUAL_MARGIN} off the diagonal)`, the same "
        "margin for both classes. Equalisation loss: "
        f"`EqualizationLoss(priors, freq_threshold={SEQL_THRESHOLD}, "
        f"gamma={SEQL_GAMMA})` in training mode (random drops), full-batch Adam, "
        f"{SEQL_STEPS} steps, lr {SEQL_LR} with cosine decay. Margin sizes are "
        "fixed at these values; refitting trial 0 with larger margins does not "
        "rescue them (population BER %, at largest margin `max_m` for LDAM and "
        "`delta` for the equalised margin = "
        + ", ".join(f"{m:g}" for m in MARGIN_SWEEP)
        + "): LDAM "
        + ", ".join(f"{100 * sweep[('ldam', m)]:.2f}" for m in MARGIN_SWEEP)
        + "; equalised margin "
        + ", ".join(f"{100 * sweep[('equal_margin', m)]:.2f}" for m in MARGIN_SWEEP)
        + ".",
        "- Post-hoc LA and the LA loss give the same predictor here up to "
        "optimisation noise: with an intercept, the loss's offset is absorbed "
        "by the bias (DESIGN.md section 1).",
    ]


def render(summary, extras, n_trials, n_samples, bayes, runtime, device):
    """The page's body: results, verdicts, notes, the figure and the run.

    Parameters
    ----------
    summary : dict
        From :func:`summarise`.
    extras : list of dict
        Per trial, what ``run_trial`` measured besides the rules' errors.
    n_trials, n_samples : int
        Trials, and points per sample of a trial.
    bayes : float
        The Bayes-optimal balanced error.
    runtime : float
        Wall seconds of the trials.
    device : str
        The torch device.

    Returns
    -------
    str
    """
    lines = _results(summary, n_trials, n_samples, bayes)
    lines += ["", "## Notes", ""]
    lines += _tau_notes(summary, extras, n_samples) + _setting_notes(extras)
    lines += [
        "",
        "## Decision boundaries",
        "",
        f"![Decision boundaries on trial 0 and mean population balanced error "
        f"against tau]({PNG_NAME})",
        "",
        "Left: one trial's training points (a random subsample) and the learned "
        "boundaries. Right: mean population balanced error against tau for "
        "post-hoc LA and weight normalisation.",
        "",
        "## Run",
        "",
        f"- runtime: {runtime:.1f} s wall ({n_trials} trials, device {device})",
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {machine_info(device)}",
    ]
    return "\n".join(lines)


def plot(path, rules, data, extras, bayes):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = data
    rng = np.random.default_rng(0)
    keep = rng.choice(len(y), size=min(3000, len(y)), replace=False)
    Xs, ys = X[keep], y[keep]

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 5.4))
    ax.scatter(*Xs[ys == -1].T, s=4, c="tab:blue", alpha=0.25, label="y = -1 (95%)")
    ax.scatter(*Xs[ys == 1].T, s=10, c="tab:red", alpha=0.8, label="y = +1 (5%)")
    grid = np.linspace(-4.5, 4.5, 2)
    lines = [
        ("erm", "ERM", dict(color="black", ls="-")),
        ("posthoc_1", "post-hoc LA (tau=1)", dict(color="tab:green", ls="-", lw=2.5)),
        ("la_loss", "LA loss (tau=1)", dict(color="lime", ls="--", lw=1.5)),
        ("ldam", "adaptive margin (LDAM)", dict(color="tab:orange", ls="-.")),
        ("class_weight", "class weighting", dict(color="tab:purple", ls=":", lw=2)),
    ]
    for key, label, style in lines:
        w, b = rules[key]
        ax.plot(grid, -(w[0] * grid + b) / w[1], label=label, **style)
    ax.plot(
        grid, -grid, color="gray", ls=(0, (1, 1)), lw=1.5, label="Bayes: x1 + x2 = 0"
    )
    ax.set(
        xlim=(-4.5, 4.5),
        ylim=(-4.5, 4.5),
        xlabel="x1",
        ylabel="x2",
        title="Decision boundaries (trial 0, 3,000 training points shown)",
    )
    ax.set_aspect("equal")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)

    ph = 100 * np.mean([e["posthoc_pop_curve"] for e in extras], axis=0)
    wn = 100 * np.mean([e["weight_norm_pop_curve"] for e in extras], axis=0)
    ax2.plot(TAUS, ph, marker="o", ms=3, label="post-hoc logit adjustment")
    ax2.plot(TAUS, wn, marker="s", ms=3, label="post-hoc weight normalisation")
    ax2.axhline(100 * bayes, color="gray", ls=":", label="Bayes-optimal")
    ax2.set(
        xlabel="tau",
        ylabel="population balanced error (%)",
        title=f"Mean over {len(extras)} trials",
    )
    ax2.set_ylim(0, max(ph.max(), wn.max()) * 1.05)
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
