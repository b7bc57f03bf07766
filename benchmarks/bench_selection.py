"""Which CV selection rule picks a better (weight_power, tau) on held-out data?

Long-tailed validation folds hold a handful of tail samples, so the mean CV
score is noisy and its argmax can land far from the best held-out choice. This
compares, on the same data and candidate grid, the held-out balanced accuracy
of the candidate chosen by:

- ``argmax, 3-fold``: plain argmax over one 3-fold stratified split;
- ``1-SE, 3-fold``: ``selection="one_se"`` over the same split;
- ``argmax, 3x3 repeated``: plain argmax over ``RepeatedStratifiedKFold(3, 3)``;
- ``1-SE, 3x3 repeated``;
- ``oracle``: the best candidate on the test set (an upper bound, not a method).

The 3-fold rules use the first repeat of the repeated split, so one
cross-validation run (``refit=False``) serves all rules. Held-out scores of every
candidate come from one fit per ``weight_power`` on the whole training set, with
``tau`` applied post hoc.

Usage::

    python benchmarks/bench_selection.py            # 5 data sets x 3 models x 3 seeds
    python benchmarks/bench_selection.py --quick    # digits-LT, one seed, small models

Writes ``benchmarks/results/bench_selection.md`` (full run only, unless --out).
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).parent))

import _data  # noqa: E402
from _report import write_markdown  # noqa: E402
from bench_family import machine_info  # noqa: E402

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV  # noqa: E402
from sklearn_la._cv import _select_candidate  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "bench_selection.md"
WEIGHT_POWERS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
TAUS = np.round(np.linspace(0, 2, 21), 12)
RULES = ("argmax, 3-fold", "1-SE, 3-fold", "argmax, 3x3 repeated", "1-SE, 3x3 repeated")


def _models(seed, quick):
    n_trees, n_iter = (30, 20) if quick else (100, 50)
    return {
        "LR": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        "RF": RandomForestClassifier(n_estimators=n_trees, random_state=seed),
        "HGB": HistGradientBoostingClassifier(max_iter=n_iter, random_state=seed),
    }


def _held_out_scores(base, split):
    """Test balanced accuracy of every (weight_power, tau), as in cv_results_."""
    scores = []
    for w in WEIGHT_POWERS:
        fitted = LogitAdjustedClassifier(base, weight_power=w, tau=0.0)
        fitted.fit(split.X_train, split.y_train)
        for tau in TAUS:
            adjusted = LogitAdjustedClassifier(
                FrozenEstimator(fitted.estimator_), tau=tau, priors=fitted.priors_
            ).fit(split.X_train, split.y_train)
            scores.append(
                balanced_accuracy_score(split.y_test, adjusted.predict(split.X_test))
            )
    return np.array(scores)


def _choices(cv_results):
    per_split = np.column_stack([cv_results[f"split{k}_test_score"] for k in range(9)])
    w, t = cv_results["param_weight_power"], cv_results["param_tau"]
    choices = {}
    for label, cols in (("3-fold", slice(0, 3)), ("3x3 repeated", slice(0, 9))):
        part = per_split[:, cols]
        mean, std = np.nanmean(part, axis=1), np.nanstd(part, axis=1)
        n = part.shape[1]
        choices[f"argmax, {label}"] = _select_candidate(mean, std, n, t, w, "best")
        choices[f"1-SE, {label}"] = _select_candidate(mean, std, n, t, w, "one_se")
    return choices


def run_cell(dataset, model_name, base, seed):
    split = (
        _data.load_digits_lt(seed)
        if dataset == "digits-LT"
        else _data.load_split(dataset, seed)
    )
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=3, random_state=seed)
    search = LogitAdjustedClassifierCV(
        base, taus=TAUS, weight_powers=WEIGHT_POWERS, cv=cv, refit=False
    ).fit(split.X_train, split.y_train)
    held_out = _held_out_scores(base, split)
    result = {rule: held_out[i] for rule, i in _choices(search.cv_results_).items()}
    result["oracle"] = held_out.max()
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    datasets = (
        ("digits-LT",) if args.quick else ("digits-LT",) + _data.available_tabular()
    )
    seeds = range(1 if args.quick else args.seeds)
    start = time.perf_counter()
    rows = []
    with warnings.catch_warnings(), threadpool_limits(1):
        # Rare classes have fewer members than folds: expected here.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        for dataset in datasets:
            for model_name in ("LR", "RF", "HGB"):
                cells = [
                    run_cell(dataset, model_name, _models(s, args.quick)[model_name], s)
                    for s in seeds
                ]
                rows.append((dataset, model_name, cells))
                print(f"done: {dataset} {model_name}", file=sys.stderr, flush=True)
    total = time.perf_counter() - start

    columns = RULES + ("oracle",)
    lines = [
        "# CV selection rules for (weight_power, tau)",
        "",
        f"Held-out balanced accuracy (%) of the candidate each rule picks, mean over "
        f"{len(seeds)} seed(s); grid: weight_power in {WEIGHT_POWERS.tolist()} x 21 "
        "taus in [0, 2]. `oracle` picks on the test set (upper bound).",
        "",
        "| data set | model | " + " | ".join(columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    means = {c: [] for c in columns}
    for dataset, model_name, cells in rows:
        values = [100 * np.mean([cell[c] for cell in cells]) for c in columns]
        for c, v in zip(columns, values):
            means[c].append(v)
        lines.append(
            f"| {dataset} | {model_name} | "
            + " | ".join(f"{v:.1f}" for v in values)
            + " |"
        )
    lines.append(
        "| **average** | | "
        + " | ".join(f"{np.mean(means[c]):.2f}" for c in columns)
        + " |"
    )
    base = np.array(means[RULES[0]])
    lines += [
        "",
        "Rows where a rule beats / loses to `argmax, 3-fold` (by row mean):",
        "",
    ]
    for rule in RULES[1:]:
        other = np.array(means[rule])
        lines.append(
            f"- {rule}: {int(np.sum(other > base + 1e-9))} better, "
            f"{int(np.sum(other < base - 1e-9))} worse of {len(base)}"
        )
    lines += [
        "",
        f"Machine: {machine_info()}. Fits single-threaded.",
        "",
        f"Command: `python benchmarks/bench_selection.py{' --quick' if args.quick else ''}` "
        f"(total {total:.0f} s)",
        "",
    ]
    md = "\n".join(lines)
    print(md)
    write_markdown(md, args.out, quick=args.quick, default=RESULTS)
    return rows


if __name__ == "__main__":
    main()
