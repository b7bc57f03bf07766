"""Calibration after resampling: the prior the base saw, against a recalibration.

A model fitted after an imbalanced-learn sampler, or a balanced ensemble, has
posteriors under the class prior ``pi'`` it was trained under, not under the
data's: its probabilities are biased toward the rare classes
(imbalanced-learn's issue #1128). For three such models

- ``RUS``: ``make_pipeline(RandomUnderSampler(), StandardScaler(),
  LogisticRegression(max_iter=1000))``;
- ``SMOTE``: the same with ``SMOTE()``;
- ``BRF``: ``BalancedRandomForestClassifier(n_estimators=100)`` (its
  defaults: every tree on a balanced subset),

on four data sets whose rarest class keeps at least 6 training rows in
every fold of ``CalibratedClassifierCV`` (as ``SMOTE()`` needs; stratified
50/50 train/test splits, per seed), the table
gives the test log loss and expected calibration error of:

- ``raw``: the resampled model's own ``predict_proba`` (1 fit);
- ``CCV sigmoid``, ``CCV isotonic``: scikit-learn's
  ``CalibratedClassifierCV(model, method=...)`` with its default 5-fold CV
  (5 fits of the model, each calibrated on its held-out fold);
- ``ours``: ``LogitAdjustedClassifier(model, priors="effective",
  target_priors="train")`` (1 fit): the prior the model was trained under is
  read from its fitted sampler (or its trees' samplers) and its log-scores
  get ``-log(pi') + log(pi)``, the posterior under the training prior.

The expected calibration error is classwise (Kull et al., NeurIPS 2019):
for every class, its predicted probabilities in 15 equal-width bins, the
mean of ``|mean probability - frequency of the class|`` weighted by the
bin's rows; then the mean over the classes, so that a rare class counts as
much as a frequent one. The last column is the largest error in the large,
``max_k |mean_x p_k(x) - frequency of k|`` (what the correction of the prior
alone repairs). Every fit is single-threaded.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier

from _common.machine import EXPERIMENT_VERSIONS, machine_info
from _common.render import Page, table
from _common.runner import Benchmark
from _data import load_split

# Sets whose rarest class keeps at least 6 training rows in every fold of
# CalibratedClassifierCV, as SMOTE's default k_neighbors=5 needs.
DATASETS = ("flare", "balance", "car", "page-blocks")
MODELS = ("RUS", "SMOTE", "BRF")
METHODS = ("raw", "CCV sigmoid", "CCV isotonic", "ours")
FITS = {"raw": 1, "CCV sigmoid": 5, "CCV isotonic": 5, "ours": 1}
N_BINS = 15


def make_model(name, seed, quick):
    """The resampled model ``name`` (unfitted)."""
    from imblearn.ensemble import BalancedRandomForestClassifier
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import make_pipeline
    from imblearn.under_sampling import RandomUnderSampler

    if name == "BRF":
        return BalancedRandomForestClassifier(
            n_estimators=20 if quick else 100, random_state=seed
        )
    if name == "RUS":
        sampler = RandomUnderSampler(random_state=seed)
    else:
        sampler = SMOTE(random_state=seed)
    return make_pipeline(sampler, StandardScaler(), LogisticRegression(max_iter=1000))


def classwise_ece(y, proba, classes, n_bins=N_BINS):
    """Classwise expected calibration error (see the module docstring)."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    errors = []
    for k, label in enumerate(classes):
        p, hit = proba[:, k], (y == label).astype(float)
        bins = np.clip(np.digitize(p, edges[1:-1]), 0, n_bins - 1)
        error = 0.0
        for b in np.unique(bins):
            rows = bins == b
            error += rows.sum() * abs(p[rows].mean() - hit[rows].mean())
        errors.append(error / len(y))
    return float(np.mean(errors))


def in_the_large(y, proba, classes):
    """``max_k |mean p_k - frequency of k|``."""
    frequency = np.array([np.mean(y == c) for c in classes])
    return float(np.max(np.abs(proba.mean(axis=0) - frequency)))


def run_cell(dataset, model_name, seed, quick):
    """Every method's test metrics on one (data set, model, seed)."""
    split = load_split(dataset, random_state=seed)
    model = make_model(model_name, seed, quick)
    fitted = {
        "raw": clone(model),
        "CCV sigmoid": CalibratedClassifierCV(clone(model), method="sigmoid"),
        "CCV isotonic": CalibratedClassifierCV(clone(model), method="isotonic"),
        "ours": LogitAdjustedClassifier(
            clone(model), priors="effective", target_priors="train"
        ),
    }
    out = {}
    for method, estimator in fitted.items():
        start = time.perf_counter()
        estimator.fit(split.X_train, split.y_train)
        seconds = time.perf_counter() - start
        proba = estimator.predict_proba(split.X_test)
        classes = estimator.classes_
        # A class the test half lacks is dropped by log_loss's labels.
        out[method] = {
            "log_loss": log_loss(split.y_test, proba, labels=classes),
            "ece": classwise_ece(split.y_test, proba, classes),
            "large": in_the_large(split.y_test, proba, classes),
            "seconds": seconds,
        }
    return out


def run(config):
    """The table; see the module docstring."""
    from threadpoolctl import threadpool_limits

    datasets = (
        DATASETS[:1] if config.tiny else DATASETS[:2] if config.quick else DATASETS
    )
    models = MODELS
    seeds = range(config.seeds)
    start = time.perf_counter()
    cells = {}
    with warnings.catch_warnings(), threadpool_limits(1):
        # Folds of CalibratedClassifierCV may miss a rare class; isotonic
        # regression may see one bin: reported by the numbers themselves.
        warnings.simplefilter("ignore")
        for d in datasets:
            for m in models:
                cells[(d, m)] = [run_cell(d, m, s, config.quick) for s in seeds]
                print(f"done {d} {m}", file=sys.stderr, flush=True)
    rows, summary = [], {method: {"ll": [], "ece": []} for method in METHODS}
    behind = []
    # Rows where ours is at least as good: against each CCV, and against the
    # better of the two picked on the test set.
    wins = {(against, key): 0 for against in ("CCV sigmoid", "CCV isotonic", "better")
            for key in ("log_loss", "ece")}  # fmt: skip
    for (d, m), runs in cells.items():
        means = {
            method: {key: float(np.mean([r[method][key] for r in runs]))
                     for key in ("log_loss", "ece", "large")}
            for method in METHODS
        }  # fmt: skip
        for method in METHODS:
            summary[method]["ll"].append(means[method]["log_loss"])
            summary[method]["ece"].append(means[method]["ece"])
        better = min(means[c]["log_loss"] for c in ("CCV sigmoid", "CCV isotonic"))
        if means["ours"]["log_loss"] > better:
            behind.append(f"{d}/{m} ({means['ours']['log_loss'] - better:+.3f})")
        for key in ("log_loss", "ece"):
            ccv = {c: means[c][key] for c in ("CCV sigmoid", "CCV isotonic")}
            ccv["better"] = min(ccv.values())
            for against, value in ccv.items():
                wins[(against, key)] += means["ours"][key] <= value
        rows.append(
            [d, m]
            + [f"{means[k]['log_loss']:.3f}" for k in METHODS]
            + [f"{means[k]['ece']:.4f}" for k in METHODS]
            + [f"{means['raw']['large']:.3f} / {means['ours']['large']:.3f}"]
        )
    rows.append(
        ["**mean**", ""]
        + [f"**{np.mean(summary[k]['ll']):.3f}**" for k in METHODS]
        + [f"**{np.mean(summary[k]['ece']):.4f}**" for k in METHODS]
        + [""]
    )
    head = (
        ["data set", "model"]
        + [f"log loss: {k}" for k in METHODS]
        + [f"ECE: {k}" for k in METHODS]
        + ["in the large: raw / ours"]
    )
    n = len(cells)
    body = "\n".join(
        [
            f"Test log loss and classwise ECE (lower is better), mean over seeds "
            f"{list(seeds)} (each its own stratified 50/50 split and model seeds). "
            "Base fits per method: raw 1, CalibratedClassifierCV (CCV, scikit-"
            "learn's default 5-fold CV) 5, ours 1. `ours` is "
            '`LogitAdjustedClassifier(model, priors="effective", '
            'target_priors="train")`: the prior the model was trained under, read '
            "from its fitted sampler(s), replaced by the training prior.",
            "",
            "RUS and SMOTE: the sampler, `StandardScaler`, "
            "`LogisticRegression(max_iter=1000)` in an imbalanced-learn pipeline; "
            "BRF: `BalancedRandomForestClassifier"
            f"(n_estimators={20 if config.quick else 100})`.",
            "",
            table(head, rows),
            "",
            "Rows where ours is at least as good, at a fifth of the fits: against "
            f"CCV sigmoid (scikit-learn's default) on log loss in "
            f"{wins[('CCV sigmoid', 'log_loss')]} of {n} rows and on ECE in "
            f"{wins[('CCV sigmoid', 'ece')]}; against CCV isotonic in "
            f"{wins[('CCV isotonic', 'log_loss')]} and {wins[('CCV isotonic', 'ece')]}; "
            "against the better of the two per row (picked on the test set) in "
            f"{wins[('better', 'log_loss')]} and {wins[('better', 'ece')]}. Mean "
            "over the rows: log loss raw "
            f"{np.mean(summary['raw']['ll']):.3f}, CCV sigmoid "
            f"{np.mean(summary['CCV sigmoid']['ll']):.3f}, CCV isotonic "
            f"{np.mean(summary['CCV isotonic']['ll']):.3f}, ours "
            f"{np.mean(summary['ours']['ll']):.3f}; ECE raw "
            f"{np.mean(summary['raw']['ece']):.4f}, CCV sigmoid "
            f"{np.mean(summary['CCV sigmoid']['ece']):.4f}, CCV isotonic "
            f"{np.mean(summary['CCV isotonic']['ece']):.4f}, ours "
            f"{np.mean(summary['ours']['ece']):.4f}. Rows where the better CCV "
            "has the lower log loss: " + (", ".join(behind) or "none") + " (the "
            "correction moves the prior only; a recalibration also the sharpness "
            "of the probabilities).",
            "",
            f"Machine: {machine_info(*EXPERIMENT_VERSIONS)}; "
            f"{time.perf_counter() - start:.0f} s.",
        ]
    )
    return Page(body, result={"cells": cells, "wins": wins})


BENCHMARK = Benchmark(
    name="resampled_calibration",
    title="Calibration after resampling: the prior the base saw",
    run=run,
    tiny=("--seeds", "1"),
    seeds=(5, 2),
)
