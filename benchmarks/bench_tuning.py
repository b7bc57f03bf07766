"""Tuning speed: LogitAdjustedClassifierCV vs GridSearchCV over tau (issue 4).

On digits-LT (imbalance ratio 100), with the same 5-fold StratifiedKFold split
and the same 21 values of tau (``np.linspace(0, 2, 21)``), fit

- ``LogitAdjustedClassifierCV(base, taus=taus, cv=split, selection="best")``:
  one base fit per fold plus one refit (6 fits);
- ``GridSearchCV(LogitAdjustedClassifier(base), {"tau": taus}, cv=split,
  scoring="balanced_accuracy")``: one base fit per fold and tau plus one
  refit (106 fits);

and print the fit wall time of each, the speed-up, both best taus and the
mean CV scores at them. Both run single-process (``n_jobs=None``).

Usage::

    python benchmarks/bench_tuning.py            # full run, writes results/bench_tuning.md
    python benchmarks/bench_tuning.py --quick    # tiny run, writes nothing unless --out
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import describe, load_digits_lt
from _report import write_markdown

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV

RESULTS = Path(__file__).resolve().parent / "results" / "bench_tuning.md"


def _silence_expected_warnings():
    # digits-LT has classes with 1-2 training images: StratifiedKFold warns
    # that they have fewer members than folds, and validation folds miss
    # classes the model predicts. Both are expected here.
    warnings.filterwarnings("ignore", message="The least populated class in y")
    warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")


def machine_info():
    import joblib
    import scipy

    try:
        from importlib.metadata import version

        la_version = version("sklearn-la")
    except ImportError:  # pragma: no cover - metadata missing
        la_version = "?"
    return (
        f"{platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPU cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn "
        f"{sklearn.__version__}, joblib {joblib.__version__}, sklearn-la {la_version}"
    )


def _ties(taus, mean, best):
    """Taus whose mean score equals the best mean (exact ties)."""
    return taus[np.isclose(mean, mean[best], rtol=0, atol=1e-12)]


def compare(name, base, X, y, taus, split, repeats=1):
    cv_est = LogitAdjustedClassifierCV(
        clone(base), taus=taus, cv=split, selection="best"
    )
    gs = GridSearchCV(
        LogitAdjustedClassifier(clone(base)),
        {"tau": taus},
        cv=split,
        scoring="balanced_accuracy",
        error_score="raise",
    )
    t_cv, t_gs, c_cv, c_gs = [], [], [], []
    for _ in range(repeats):
        for est, wall, cpu in ((cv_est, t_cv, c_cv), (gs, t_gs, c_gs)):
            t0, c0 = time.perf_counter(), time.process_time()
            est.fit(X, y)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    # Best of the repeats: the least disturbed by other load on the machine.
    # Process CPU time is reported too: it is less sensitive to that load.
    t_cv, t_gs, c_cv, c_gs = min(t_cv), min(t_gs), min(c_cv), min(c_gs)

    mean_cv = np.asarray(cv_est.cv_results_["mean_test_score"])
    mean_gs = np.asarray(gs.cv_results_["mean_test_score"])
    tau_gs = float(gs.best_params_["tau"])
    i_gs = int(gs.best_index_)
    i_cv = int(cv_est.best_index_)
    same = np.isclose(cv_est.best_tau_, tau_gs) or np.any(
        np.isclose(_ties(taus, mean_gs, i_gs), cv_est.best_tau_)
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
        "score_cv": float(mean_cv[i_cv]),
        "same": bool(same),
        "max_diff": float(np.max(np.abs(mean_cv - mean_gs))),
        "ties_gs": [round(float(t), 2) for t in _ties(taus, mean_gs, i_gs)],
    }


def table(rows):
    lines = [
        (
            "| base model | GridSearchCV fit (s) | LogitAdjustedClassifierCV fit (s) | "
            "speed-up (wall) | speed-up (CPU time) | base fits (GS / LA-CV) | best tau (GridSearchCV) | best tau (LA-CV) | mean CV bal. acc. "
            "at best tau (GS / LA-CV) | same best tau | max abs diff of the mean "
            "scores over all taus |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['t_gs']:.2f} | {r['t_cv']:.2f} | "
            f"**{r['speedup']:.1f}x** | {r['cpu_speedup']:.1f}x | "
            f"{r['n_fits'][1]} / {r['n_fits'][0]} | {r['tau_gs']:.1f} | {r['tau_cv']:.1f} | "
            f"{r['score_gs']:.4f} / {r['score_cv']:.4f} | "
            f"{'yes' if r['same'] else 'NO'} | {r['max_diff']:.1e} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny forest and 5 taus; writes no results file",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="timed fits per estimator, the fastest reported "
        "(default 3; 1 with --quick)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"markdown output (default: {RESULTS} for a full run)",
    )
    args = parser.parse_args(argv)
    _silence_expected_warnings()

    n_taus, n_trees = (5, 10) if args.quick else (21, 100)
    taus = np.linspace(0.0, 2.0, n_taus)
    data = load_digits_lt(random_state=0)
    X, y = data.X_train, data.y_train
    split = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))

    bases = [
        (
            f"RandomForestClassifier(n_estimators={n_trees}, random_state=0)",
            RandomForestClassifier(n_estimators=n_trees, random_state=0),
        ),
        (
            "StandardScaler + LogisticRegression(max_iter=1000)",
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        ),
    ]
    # Warm-up (imports, first-call overheads) so neither side pays them.
    LogitAdjustedClassifier(clone(bases[1][1])).fit(X, y)

    from threadpoolctl import threadpool_limits

    t_start = time.perf_counter()
    repeats = args.repeats or (1 if args.quick else 3)
    # Single-threaded BLAS/OpenMP: on a loaded 2-core machine OpenBLAS's
    # threads make scipy's L-BFGS-B (LogisticRegression) 10x slower and erratic.
    with threadpool_limits(1):
        rows = [compare(name, base, X, y, taus, split, repeats) for name, base in bases]
    total = time.perf_counter() - t_start

    command = "python " + " ".join(
        shlex.quote(a) for a in ["benchmarks/bench_tuning.py", *sys.argv[1:]]
    )
    md = "\n".join(
        [
            "# Tuning tau: LogitAdjustedClassifierCV vs GridSearchCV",
            "",
            f"Data: {describe(data)} (training half only; the CV runs on it).",
            (
                f"Same 5-fold `StratifiedKFold(shuffle=True, random_state=0)` split for both, "
                f"{n_taus} taus `np.linspace(0, 2, {n_taus})`, scoring `balanced_accuracy`, "
                '`LogitAdjustedClassifierCV(selection="best")` (plain argmax, like '
                "GridSearchCV), both single-process (`n_jobs=None`) and single-threaded (`threadpool_limits(1)`). Fit wall time "
                f"including the final refit, the fastest of {repeats} fit(s) of each."
            ),
            "",
            table(rows),
            "",
            "Ties at the GridSearchCV optimum (taus with the same mean score): "
            + "; ".join(f"{r['model'].split('(')[0]}: {r['ties_gs']}" for r in rows),
            "",
            f"Machine: {machine_info()}",
            "",
            f"Command: `{command}` (total {total:.1f} s)",
            "",
        ]
    )
    print(md)
    write_markdown(md, args.out, quick=args.quick, default=RESULTS)
    return rows


if __name__ == "__main__":
    main()
