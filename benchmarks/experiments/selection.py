"""Which CV selection rule picks a better (weight_power, tau) on held-out data?

Superseded by the selection study of ``family`` (bench_family.md), which
adds the resampling route, more data sets and rules; kept as the record of
the weights-only study.

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
``tau`` applied post hoc. A full run covers 5 data sets x 3 models x 3 seeds;
``--quick`` digits-LT, one seed, small models.
"""

import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la._selection import _select_candidate

import _data
from _common.machine import EXPERIMENT_VERSIONS, machine_info
from _common.render import Page, table
from _common.runner import Benchmark

WEIGHT_POWERS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
TAUS = np.round(np.linspace(0, 2, 21), 12)
RULES = ("argmax, 3-fold", "1-SE, 3-fold", "argmax, 3x3 repeated", "1-SE, 3x3 repeated")
COLUMNS = RULES + ("oracle",)


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
        choices[f"argmax, {label}"] = _select_candidate(part, t, w, "best")
        choices[f"1-SE, {label}"] = _select_candidate(part, t, w, "one_se")
    return choices


def run_cell(dataset, model_name, base, seed):
    """Held-out score of each rule's choice, and the oracle's, on one split."""
    split = (
        _data.load_digits_lt(seed)
        if dataset == "digits-LT"
        else _data.load_split(dataset, seed)
    )
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=3, random_state=seed)
    search = LogitAdjustedClassifierCV(
        base,
        taus=TAUS,
        weight_powers=WEIGHT_POWERS,
        balances="weight",
        cv=cv,
        selection="best",
        refit=False,
    ).fit(split.X_train, split.y_train)
    held_out = _held_out_scores(base, split)
    result = {rule: held_out[i] for rule, i in _choices(search.cv_results_).items()}
    result["oracle"] = held_out.max()
    return result


def run(config):
    """Every (data set, model) over the seeds; see the module docstring."""
    datasets = (
        ("digits-LT",) if config.quick else ("digits-LT",) + _data.available_tabular()
    )
    start = time.perf_counter()
    rows = []
    with warnings.catch_warnings(), threadpool_limits(1):
        # Rare classes have fewer members than folds: expected here.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        for dataset in datasets:
            for model_name in ("LR", "RF", "HGB"):
                cells = [
                    run_cell(
                        dataset, model_name, _models(s, config.quick)[model_name], s
                    )
                    for s in range(config.seeds)
                ]
                rows.append((dataset, model_name, cells))
                print(f"done: {dataset} {model_name}", file=sys.stderr, flush=True)
    total = time.perf_counter() - start
    return Page(_body(rows, config.seeds, total), result=rows)


def _body(rows, n_seeds, total):
    means = {c: [] for c in COLUMNS}
    cells = []
    for dataset, model_name, seeds in rows:
        values = [100 * np.mean([cell[c] for cell in seeds]) for c in COLUMNS]
        for c, v in zip(COLUMNS, values):
            means[c].append(v)
        cells.append([dataset, model_name, *(f"{v:.1f}" for v in values)])
    cells.append(["**average**", "", *(f"{np.mean(means[c]):.2f}" for c in COLUMNS)])
    base = np.array(means[RULES[0]])
    lines = [
        "Held-out balanced accuracy (%) of the candidate each rule picks, mean over "
        f"{n_seeds} seed(s); grid: weight_power in {WEIGHT_POWERS.tolist()} x 21 "
        "taus in [0, 2]. `oracle` picks on the test set (upper bound).",
        "",
        table(["data set", "model", *COLUMNS], cells),
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
    machine = machine_info(*EXPERIMENT_VERSIONS)
    lines += ["", f"Machine: {machine}. Fits single-threaded.", ""]
    lines.append(f"Run time: {total:.0f} s.")
    return "\n".join(lines)


BENCHMARK = Benchmark(
    name="selection",
    title="CV selection rules for (weight_power, tau)",
    run=run,
    seeds=(3, 1),
)
