"""Tuning speed: LogitAdjustedClassifierCV vs GridSearchCV.

Two comparisons on digits-LT (imbalance ratio 100), each side timed in the
same process, single-threaded.

**The default over the family.** ``LogitAdjustedClassifierCV(base)`` (the
race: 9 members x 23 taus, 20 fits), the same estimator with
``search="exhaustive"`` (91 fits), and ``GridSearchCV`` over the same 207
candidates (``LogitAdjustedClassifier(base, random_state=0)`` with
``weight_power``, ``balance`` and ``tau``; 2071 fits), all on the default's
splits (``RepeatedStratifiedKFold(5, 2, random_state=0)``), one fit each.

**Tau alone.** With the same 5-fold StratifiedKFold split and the same 21
values of tau (``np.linspace(0, 2, 21)``; 5 with ``--quick``), fit

- ``LogitAdjustedClassifierCV(base, taus=taus, weight_powers=(0.0,), cv=split,
  selection="best")``:
  one base fit per fold plus one refit (6 fits);
- ``GridSearchCV(LogitAdjustedClassifier(base), {"tau": taus}, cv=split,
  scoring="balanced_accuracy")``: one base fit per fold and tau plus one
  refit (106 fits);

and report the fit wall time of each, the speed-up, both best taus and the
mean CV scores at them. Both run single-process (``n_jobs=None``).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    RepeatedStratifiedKFold,
    StratifiedKFold,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV

from _common.machine import machine_info
from _common.render import Page, table
from _common.runner import Benchmark
from _data import describe, load_digits_lt


def _silence_expected_warnings():
    # digits-LT has classes with 1-2 training images: StratifiedKFold warns
    # that they have fewer members than folds, and validation folds miss
    # classes the model predicts. Both are expected here.
    warnings.filterwarnings("ignore", message="The least populated class in y")
    warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")


def _ties(taus, mean, best):
    """Taus whose mean score equals the best mean (exact ties)."""
    return taus[np.isclose(mean, mean[best], rtol=0, atol=1e-12)]


def _timed_fits(estimators, X, y, repeats):
    """Best wall and CPU seconds of ``repeats`` fits of each estimator."""
    wall = [[] for _ in estimators]
    cpu = [[] for _ in estimators]
    for _ in range(repeats):
        for i, est in enumerate(estimators):
            t0, c0 = time.perf_counter(), time.process_time()
            est.fit(X, y)
            wall[i].append(time.perf_counter() - t0)
            cpu[i].append(time.process_time() - c0)
    # Best of the repeats: the least disturbed by other load on the machine.
    # Process CPU time is reported too: it is less sensitive to that load.
    return [min(w) for w in wall], [min(c) for c in cpu]


def compare(name, base, X, y, taus, split, repeats=1):
    """Fit both tuners on the same split; their times, choices and scores."""
    # Tau only, as GridSearchCV searches it: the family's other members would
    # add fits that the grid search does not make.
    cv_est = LogitAdjustedClassifierCV(
        clone(base), taus=taus, weight_powers=(0.0,), cv=split, selection="best"
    )
    gs = GridSearchCV(
        LogitAdjustedClassifier(clone(base)),
        {"tau": taus},
        cv=split,
        scoring="balanced_accuracy",
        error_score="raise",
    )
    (t_cv, t_gs), (c_cv, c_gs) = _timed_fits([cv_est, gs], X, y, repeats)
    mean_cv = np.asarray(cv_est.cv_results_["mean_test_score"])
    mean_gs = np.asarray(gs.cv_results_["mean_test_score"])
    tau_gs = float(gs.best_params_["tau"])
    i_gs = int(gs.best_index_)
    ties = _ties(taus, mean_gs, i_gs)
    same = np.isclose(cv_est.best_tau_, tau_gs) or np.any(
        np.isclose(ties, cv_est.best_tau_)
    )
    return {
        "model": name,
        "t_gs": t_gs,
        "t_cv": t_cv,
        "speedup": t_gs / t_cv,
        "cpu_speedup": c_gs / c_cv,
        "n_fits": (len(split) + 1, len(split) * len(taus) + 1),
        "tau_gs": tau_gs,
        "tau_cv": cv_est.best_tau_,
        "score_gs": float(mean_gs[i_gs]),
        "score_cv": float(mean_cv[int(cv_est.best_index_)]),
        "same": bool(same),
        "max_diff": float(np.max(np.abs(mean_cv - mean_gs))),
        "ties_gs": [round(float(t), 2) for t in ties],
    }


def compare_family(name, base, X, y, *, grid_search=True):
    """The default, the exhaustive search and (unless ``grid_search`` is
    False, for smoke runs) GridSearchCV over the family."""
    race = LogitAdjustedClassifierCV(clone(base))
    exhaustive = LogitAdjustedClassifierCV(clone(base), search="exhaustive")
    seconds = {}
    for label, estimator in [("race", race), ("exhaustive", exhaustive)]:
        start = time.perf_counter()
        estimator.fit(X, y)
        seconds[label] = time.perf_counter() - start
    if grid_search:
        # The race's own candidates make GridSearchCV's grid.
        taus = np.unique(race.cv_results_["param_tau"]).tolist()
        powers = sorted(set(race.cv_results_["param_weight_power"]) - {0.0})
        grid = GridSearchCV(
            LogitAdjustedClassifier(clone(base), random_state=0),
            [
                {"weight_power": [0.0], "balance": ["weight"], "tau": taus},
                {
                    "weight_power": powers,
                    "balance": ["weight", "resample"],
                    "tau": taus,
                },
            ],
            cv=RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=0),
            scoring="balanced_accuracy",
            error_score="raise",
        )
        start = time.perf_counter()
        grid.fit(X, y)
        seconds["grid"] = time.perf_counter() - start
    n_candidates = len(race.cv_results_["params"])
    best = grid.best_params_ if grid_search else {}
    return {
        "model": name,
        "seconds": seconds,
        "fits": (race.n_fits_, exhaustive.n_fits_, 10 * n_candidates + 1),
        "picks": {
            "race": (race.best_weight_power_, race.best_balance_, race.best_tau_),
            "exhaustive": (
                exhaustive.best_weight_power_,
                exhaustive.best_balance_,
                exhaustive.best_tau_,
            ),  # fmt: skip
            "grid": tuple(best.get(k) for k in ("weight_power", "balance", "tau")),
        },
        "scores": (
            race.best_score_,
            exhaustive.best_score_,
            grid.best_score_ if grid_search else None,
        ),  # fmt: skip
        "n_candidates": n_candidates,
    }


def render_family(rows):
    """The default against the exhaustive search and GridSearchCV."""
    head = ["base model", "default (race) fit (s)", "exhaustive fit (s)",
            "GridSearchCV fit (s)", "GridSearchCV / default", "exhaustive / default",
            "base fits (default / exhaustive / GridSearchCV)",
            "picks (w, balance, tau): default; exhaustive; GridSearchCV",
            "mean CV bal. acc. of the picks"]  # fmt: skip
    cells = []
    for r in rows:
        t = r["seconds"]
        picks = "; ".join(
            "–" if w is None else f"({w:g}, {b}, {tau:g})"
            for w, b, tau in r["picks"].values()
        )
        grid = "grid" in t
        cells.append((
            r["model"], f"{t['race']:.2f}", f"{t['exhaustive']:.2f}",
            f"{t['grid']:.1f}" if grid else "–",
            f"**{t['grid'] / t['race']:.0f}x**" if grid else "–",
            f"{t['exhaustive'] / t['race']:.1f}x",
            " / ".join(str(f) for f in r["fits"]), picks,
            " / ".join("–" if s is None else f"{s:.4f}" for s in r["scores"]),
        ))  # fmt: skip
    return table(head, cells)


def render_table(rows):
    """The comparison table, one row per base model."""
    head = ["base model", "GridSearchCV fit (s)", "LogitAdjustedClassifierCV fit (s)",
            "speed-up (wall)", "speed-up (CPU time)", "base fits (GS / LA-CV)",
            "best tau (GridSearchCV)", "best tau (LA-CV)",
            "mean CV bal. acc. at best tau (GS / LA-CV)", "same best tau",
            "max abs diff of the mean scores over all taus"]  # fmt: skip
    cells = [
        (
            r["model"],
            f"{r['t_gs']:.2f}",
            f"{r['t_cv']:.2f}",
            f"**{r['speedup']:.1f}x**",
            f"{r['cpu_speedup']:.1f}x",
            f"{r['n_fits'][1]} / {r['n_fits'][0]}",
            f"{r['tau_gs']:.1f}",
            f"{r['tau_cv']:.1f}",
            f"{r['score_gs']:.4f} / {r['score_cv']:.4f}",
            "yes" if r["same"] else "NO",
            f"{r['max_diff']:.1e}",
        )  # fmt: skip
        for r in rows
    ]
    return table(head, cells)


def _options(parser):
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="timed fits per estimator, the fastest reported "
        "(default 3; 1 with --quick)",
    )


def _bases(n_trees):
    return [
        (
            f"RandomForestClassifier(n_estimators={n_trees}, random_state=0)",
            RandomForestClassifier(n_estimators=n_trees, random_state=0),
        ),
        (
            "StandardScaler + LogisticRegression(max_iter=1000)",
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        ),
    ]


def run(config):
    """Fit both tuners on digits-LT; see the module docstring."""
    from threadpoolctl import threadpool_limits

    _silence_expected_warnings()
    n_taus, n_trees = (5, 10) if config.quick else (21, 100)
    taus = np.linspace(0.0, 2.0, n_taus)
    data = load_digits_lt(random_state=0)
    X, y = data.X_train, data.y_train
    split = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    bases = _bases(n_trees)
    # Warm-up (imports, first-call overheads) so neither side pays them: the
    # wrapper's path, and the search's, whose first timed fit is the race.
    LogitAdjustedClassifier(clone(bases[1][1])).fit(X, y)
    LogitAdjustedClassifierCV(clone(bases[1][1]), weight_powers=(0.0,), cv=2).fit(X, y)

    t_start = time.perf_counter()
    repeats = config.repeats or (1 if config.quick else 3)
    # Single-threaded BLAS/OpenMP: on a loaded 2-core machine OpenBLAS's
    # threads make scipy's L-BFGS-B (LogisticRegression) 10x slower and erratic.
    with threadpool_limits(1):
        # A smoke run skips GridSearchCV's 2071 fits, and the forest.
        family = [
            compare_family(name, base, X, y, grid_search=not config.quick)
            for name, base in (bases[1:] if config.quick else bases)
        ]
        rows = [compare(name, base, X, y, taus, split, repeats) for name, base in bases]
    total = time.perf_counter() - t_start
    return Page(
        _body(data, family, rows, n_taus, repeats, total),
        result={"family": family, "tau": rows},
    )


def _body(data, family, rows, n_taus, repeats, total):
    return "\n".join(
        [
            f"Data: {describe(data)} (training half only; the CV runs on it).",
            "",
            "## The default over the family",
            "",
            "`LogitAdjustedClassifierCV(base)` as it comes (the race over the 9 "
            'members x 23 taus), the same with `search="exhaustive"`, and '
            "`GridSearchCV(LogitAdjustedClassifier(base, random_state=0), ...)` over "
            f"the same {family[0]['n_candidates']} candidates (not in a `--quick` "
            "run), all on the "
            "default's splits (`RepeatedStratifiedKFold(5, 2, random_state=0)`), "
            "scoring `balanced_accuracy`, single-process and single-threaded, one "
            "timed fit of each in the same run (refit included). GridSearchCV "
            "draws its resampled rows from `random_state=0` in every fold, the CV "
            "estimator from one seed per split, so their resampled members' "
            "scores differ slightly; GridSearchCV takes the plain argmax, the CV "
            "estimator the paired rule.",
            "",
            render_family(family),
            "",
            "## Tau alone",
            "",
            "Same 5-fold `StratifiedKFold(shuffle=True, random_state=0)` split for "
            f"both, {n_taus} taus `np.linspace(0, 2, {n_taus})`, scoring "
            '`balanced_accuracy`, `LogitAdjustedClassifierCV(selection="best")` '
            "(plain argmax, like GridSearchCV), both single-process (`n_jobs=None`) "
            "and single-threaded (`threadpool_limits(1)`). Fit wall time including "
            f"the final refit, the fastest of {repeats} fit(s) of each.",
            "",
            render_table(rows),
            "",
            "Ties at the GridSearchCV optimum (taus with the same mean score): "
            + "; ".join(f"{r['model'].split('(')[0]}: {r['ties_gs']}" for r in rows),
            "",
            f"Machine: {machine_info('sklearn-la')}",
            "",
            f"Run time: {total:.1f} s.",
        ]
    )


BENCHMARK = Benchmark(
    name="tuning",
    title="Tuning: LogitAdjustedClassifierCV vs GridSearchCV",
    run=run,
    options=_options,
    tiny=("--repeats", "1"),
)
