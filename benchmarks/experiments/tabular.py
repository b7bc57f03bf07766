"""Tabular long-tail table: logit adjustment against the usual fixes.

For each data set of :data:`DATASETS` (digits-LT and the naturally
long-tailed sets page-blocks, yeast, ecoli and abalone), each base model (logistic regression
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
  shuffle=True), random_state=seed)`` with its defaults (21 taus in [0, 2],
  the default ``selection``, named on the page); the seed fixes the row
  draws of its ``"resample"`` members.

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

import _data
from _common.machine import EXPERIMENT_VERSIONS, machine_info
from _common.render import Page, mean_std, table
from _common.runner import Benchmark
from experiments._models import (
    MODELS,
    imblearn,
    make_models,
    models_line,
    silence_expected_warnings,
    with_class_weight,
    with_sampler,
)

# The page's data sets; --datasets takes any of _data.DATASETS.
DATASETS = ("digits-LT", "page-blocks", "yeast", "ecoli", "abalone")
QUICK_DATASETS = ("digits-LT", "ecoli")
PNG_PER_CLASS = "per_class_accuracy.png"
PNG_TAU = "balanced_accuracy_vs_tau.png"
METHODS = ("ERM", "class_weight", "ROS", "RUS", "BRF", "LA (tau=1)", "LA-CV")
PEERS = ("class_weight", "ROS", "RUS", "BRF")
OURS = ("LA (tau=1)", "LA-CV")
GROUPS = ("many", "medium", "few")


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
    _, ROS, RUS = imblearn()  # a clear error if imbalanced-learn is missing
    from imblearn.ensemble import BalancedRandomForestClassifier

    t_start = time.perf_counter()
    with threadpool_limits(1):
        data = _data.load_split(dataset, random_state=seed)
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
            res["BRF"] = run(
                BalancedRandomForestClassifier(
                    n_estimators=base.n_estimators, random_state=seed
                )
            )
        res["LA (tau=1)"] = run(LogitAdjustedClassifier(clone(base), tau=1.0))
        cv = StratifiedKFold(3, shuffle=True, random_state=seed)
        cv_est, seconds = _fit(
            LogitAdjustedClassifierCV(clone(base), cv=cv, random_state=seed), data
        )
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
        "describe": _data.describe(data) if seed == 0 else None,
        "n_classes": len(np.unique(data.y_train)),
    }


def _pct(values):
    """Mean ± std in %, NaNs (empty groups) left out; – when none is left."""
    return mean_std(values)


def _seconds(values):
    """Mean seconds, with fewer decimals as they grow."""
    t = float(np.mean(values))
    return f"{t:.3f}" if t < 1 else f"{t:.2f}" if t < 10 else f"{t:.1f}"


def summarise(cells, datasets, models):
    """Per (data set, model, method): per-seed arrays of the metrics."""
    rows = {}
    for d in datasets:
        for m in models:
            group = [c for c in cells if c["dataset"] == d and c["model"] == m]
            if not group:
                continue
            for k in METHODS:
                if k not in group[0]["res"]:
                    continue
                rs = [c["res"][k] for c in group]
                rows[d, m, k] = {
                    "bacc": np.array([r["bacc"] for r in rs]),
                    "groups": {
                        g: np.array([r["groups"][g] for r in rs]) for g in GROUPS
                    },
                    "fit": np.array([r["fit"] for r in rs]),
                    "tau": [r.get("tau") for r in rs],
                }
    return rows


def render_dataset(rows, dataset, models):
    """The table of one data set: every method under every model."""
    cells = []
    for m in models:
        keys = [k for k in METHODS if (dataset, m, k) in rows]
        if not keys:
            continue
        top = max(rows[dataset, m, k]["bacc"].mean() for k in keys)
        for k in keys:
            r = rows[dataset, m, k]
            acc = _pct(r["bacc"])
            if np.isclose(r["bacc"].mean(), top):
                acc = f"**{acc}**"
            name = k
            if k == "LA-CV":
                name += " (tau " + ", ".join(f"{t:.1f}" for t in r["tau"]) + ")"
            groups = (_pct(r["groups"][g]) for g in GROUPS)
            cells.append([m, name, acc, *groups, _seconds(r["fit"])])
    head = ["model", "method", "balanced acc. (%)", "many (%)", "medium (%)",
            "few (%)", "fit time (s)"]  # fmt: skip
    return table(head, cells)


def _head_to_head(rows, pairs, ours):
    """One LA row against ERM and against the best peer of each (data set, model)."""
    not_above_erm = [
        f"{d} {m}"
        for d, m in pairs
        if rows[d, m, ours]["bacc"].mean() <= rows[d, m, "ERM"]["bacc"].mean()
    ]
    beats_erm = len(pairs) - len(not_above_erm)
    vs_peer = []
    for d, m in pairs:
        peers = [rows[d, m, p]["bacc"].mean() for p in PEERS if (d, m, p) in rows]
        vs_peer.append(rows[d, m, ours]["bacc"].mean() - max(peers))
    vs_peer = 100 * np.array(vs_peer)
    return (
        f"- **{ours}** beats ERM in {beats_erm} of {len(pairs)} (data set, model) "
        + (f"rows (not in: {', '.join(not_above_erm)})" if not_above_erm else "rows")
        + "; against the best peer of each row (chosen on the test set, so "
        f"optimistic for the peers) it wins {int((vs_peer > 0).sum())}, ties "
        f"{int((vs_peer == 0).sum())} and loses {int((vs_peer < 0).sum())}, "
        f"by {vs_peer.mean():+.1f} points on average (median "
        f"{np.median(vs_peer):+.1f}, worst {vs_peer.min():+.1f})."
    )


def render_summary(rows, datasets, models):
    """Balanced accuracy averaged over data sets, and LA's head-to-head record."""
    cells = []
    for k in METHODS:
        vals, all_vals = [], []
        for m in models:
            v = [rows[d, m, k]["bacc"].mean() for d in datasets if (d, m, k) in rows]
            vals.append(f"{100 * np.mean(v):.1f}" if v else "–")
            all_vals += v
        avg = f"{100 * np.mean(all_vals):.1f}" if all_vals else "–"
        cells.append([k, *vals, avg])
    pairs = [(d, m) for d in datasets for m in models if (d, m, "ERM") in rows]
    records = [_head_to_head(rows, pairs, ours) for ours in OURS]
    return table(["method", *models, "all"], cells), records


def plot_per_class(path, cells, dataset, thresholds=(100, 20)):
    """Per-class test accuracy, classes by training count, ERM vs LA (tau=1), seed 0.

    ``thresholds`` are the data set's (many, few), as in its table.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sklearn_la.metrics import PerClassAccuracyDisplay

    chosen = [
        c
        for m in ("LR", "RF")
        for c in cells
        if c["extra"] and c["dataset"] == dataset and c["model"] == m and c["seed"] == 0
    ]
    if not chosen:
        chosen = [c for c in cells if c["extra"]][:1]
    fig, axes = plt.subplots(len(chosen), 1, figsize=(8, 5 * len(chosen)))
    axes = np.atleast_1d(axes)
    many, few = thresholds
    for ax, c in zip(axes, chosen):
        e = c["extra"]
        predictions = {
            f"{c['model']}, {k}: bal. acc. {100 * e['bacc'][k]:.1f}%": e["pred"][k]
            for k in ("ERM", "LA (tau=1)")
        }
        PerClassAccuracyDisplay.from_predictions(
            e["y_test"],
            predictions,
            class_counts=e["counts"],
            many_threshold=many,
            few_threshold=few,
            ax=ax,
        )
    fig.suptitle(f"Per-class test accuracy, {dataset} (seed 0)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_tau(path, cells, dataset, models):
    """CV and held-out balanced accuracy against tau, one panel per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    present = [m for m in models if any(c["extra"] and c["model"] == m for c in cells)]
    fig, axes = plt.subplots(
        1, len(present), figsize=(4.6 * len(present), 3.8), squeeze=False
    )
    for ax, m in zip(axes[0], present):
        group = [c["extra"] for c in cells if c["extra"] and c["model"] == m]
        taus = group[0]["taus"]
        cv = 100 * np.array([e["cv_mean"] for e in group])
        test = 100 * np.array([e["test"] for e in group])
        for values, label, color in (
            (cv, "CV mean (cv_results_)", "C0"),
            (test, "held-out test", "C1"),
        ):
            mean = values.mean(axis=0)
            ax.plot(taus, mean, marker=".", color=color, label=label)
            if len(group) > 1:
                std = values.std(axis=0)
                ax.fill_between(taus, mean - std, mean + std, color=color, alpha=0.2)
        ax.axvline(1.0, color="grey", ls="--", lw=1, label="tau = 1")
        for i, e in enumerate(group):
            ax.axvline(
                e["best_tau"],
                color="C2",
                ls=":",
                lw=1,
                label="chosen tau (per seed)" if i == 0 else None,
            )
        ax.set_xlabel("tau")
        ax.set_ylabel("balanced accuracy (%)")
        ax.set_title(f"{dataset}, {m}")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="lower center")
    n = len(group)
    fig.suptitle(
        "Post-hoc logit adjustment: balanced accuracy against tau "
        f"(mean{' ± std' if n > 1 else ''} over {n} seed{'s' if n > 1 else ''})"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _options(parser):
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=None,
        choices=_data.DATASETS,
        help=f"default: {' '.join(DATASETS)}; {' and '.join(QUICK_DATASETS)} "
        "with --quick",
    )
    parser.add_argument("--models", nargs="+", default=None, choices=MODELS)
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=2,
        help="cells run in parallel processes (default 2)",
    )


def run(config):
    """Every (data set, model, seed) cell, then the tables and the plots."""
    from joblib import Parallel, delayed

    silence_expected_warnings()
    datasets = config.datasets or (QUICK_DATASETS if config.quick else DATASETS)
    # Sections and columns keep the models' usual order.
    models = tuple(m for m in MODELS if m in (config.models or MODELS))
    plot_dataset = datasets[0]
    cells = [(d, m, s) for d in datasets for m in models for s in range(config.seeds)]
    t0 = time.perf_counter()
    results = Parallel(n_jobs=config.n_jobs)(
        delayed(run_cell)(d, m, s, config.quick, extras=d == plot_dataset)
        for d, m, s in cells
    )
    total = time.perf_counter() - t0
    rows = summarise(results, datasets, models)
    # The figures are drawn only where the page is written.
    plots = config.out_dir is not None
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
        "`LogitAdjustedClassifierCV(base, cv=StratifiedKFold(3, shuffle=True), "
        "random_state=seed)` with "
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
