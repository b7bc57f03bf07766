"""The consistent family through weights and resampling, against the usual fixes.

Each cell is a (data set, base model, seed): the seed draws the train/test
split, the CV folds, the resampling and the models' own seeds. In a cell:

- one ``LogitAdjustedClassifierCV(base, cv=RepeatedStratifiedKFold(5, 2,
  random_state=seed), random_state=seed, refit=False)`` over the whole
  candidate grid (weight powers 0, .25, .5, .75, 1 x balance weight /
  resample x the taus of ``taus=21``, 207 candidates) gives every
  candidate's score on every split;
- each family member ``(w, balance)`` is fitted once on the whole training
  set as ``LogitAdjustedClassifier(..., random_state=seed)`` (what the CV
  estimator refits), and every tau is applied post hoc to its test scores;
- the peers are fitted: ERM, ``class_weight="balanced"``, imbalanced-learn's
  RandomOverSampler, RandomUnderSampler, SMOTE (``k_neighbors`` cut to the
  smallest class; none where a class has one training row) and
  EasyEnsemble of the base model, plus BalancedRandomForest in the RF rows.

Selection rules, CV schemes (the first 5 splits = one shuffled 5-fold, or
all 10 = 5-fold repeated twice) and candidate sets are then compared offline
on the same numbers (:func:`experiments.family_report.study`): each is the
candidate the rule picks from the CV scores, scored on the test set. The default of
``LogitAdjustedClassifierCV`` (:data:`DEFAULT`) is the column ``ours``;
``--verify DATASET MODEL SEED`` refits it as a real estimator on that cell
and checks the pick and the score.

Cells are appended to a JSON-lines cache (``--cache``) as they finish, seed
by seed over the whole grid, so an interrupted run resumes and renders the
seeds it has; the page reports only seeds complete for every row.
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import RepeatedStratifiedKFold

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV

from _common.render import Page
from _common.runner import Benchmark
from _data import describe, load_split
from experiments._models import (
    imblearn,
    make_models,
    silence_expected_warnings,
    with_class_weight,
    with_sampler,
)
from experiments.family_report import (
    DATASETS,
    DEFAULT,
    MODELS,
    pick,
    render,
    table_rows,
)


def balanced_accuracy(estimator, X, y):
    """``balanced_accuracy`` as a fast scorer: mean recall of y's classes.

    Equal to scikit-learn's ``balanced_accuracy_score`` (which averages the
    recall of the classes present in ``y``) without its input checks, which
    dominate the cost of scoring 207 candidates per split.
    """
    y = np.asarray(y)
    pred = estimator.predict(X)
    return float(np.mean([np.mean(pred[y == c] == c) for c in np.unique(y)]))


def _peer_models(base, model_name, seed, y_train):
    from imblearn.ensemble import BalancedRandomForestClassifier, EasyEnsembleClassifier
    from imblearn.over_sampling import SMOTE

    _, ROS, RUS = imblearn()
    step = "clf" if model_name == "LR" else None
    peers = {
        "class_weight": with_class_weight(base, step),
        "ROS": with_sampler(base, ROS(random_state=seed)),
        "RUS": with_sampler(base, RUS(random_state=seed)),
        "EasyEnsemble": EasyEnsembleClassifier(
            estimator=clone(base), n_estimators=10, random_state=seed
        ),
    }
    smallest = np.unique(y_train, return_counts=True)[1].min()
    if smallest > 1:
        k = int(min(5, smallest - 1))
        peers["SMOTE"] = with_sampler(base, SMOTE(k_neighbors=k, random_state=seed))
    if model_name == "RF":
        peers["BRF"] = BalancedRandomForestClassifier(
            n_estimators=base.n_estimators,
            sampling_strategy="all",
            replacement=True,
            bootstrap=False,
            random_state=seed,
        )
    return peers


def _held_out(base, split, members, taus, seed):
    """Test balanced accuracy of every (member, tau), and the ERM model's."""
    scores = []
    erm = None
    for w, balance in members:
        member = LogitAdjustedClassifier(
            clone(base), weight_power=w, balance=balance, tau=0.0, random_state=seed
        ).fit(split.X_train, split.y_train)
        if w == 0:
            erm = member.estimator_
        # tau=0 with a uniform target is the base model itself: its
        # log-posteriors, adjusted here for every tau at once.
        log_scores = member.predict_log_proba(split.X_test)
        with np.errstate(divide="ignore"):
            log_pi = np.log(member.priors_)
        for tau in taus:
            pred = member.classes_[np.argmax(log_scores - tau * log_pi, axis=1)]
            scores.append(np.mean([np.mean(pred[split.y_test == c] == c)
                                   for c in np.unique(split.y_test)]))  # fmt: skip
    return np.array(scores), erm


def run_cell(dataset, model_name, seed, quick):
    """Everything one cell needs, as a JSON-able dict."""
    from threadpoolctl import threadpool_limits

    silence_expected_warnings()
    start = time.perf_counter()
    with threadpool_limits(1):
        split = load_split(dataset, random_state=seed)
        base = make_models(quick, seed)[model_name][0]
        search = LogitAdjustedClassifierCV(
            clone(base),
            cv=RepeatedStratifiedKFold(n_splits=5, n_repeats=2, random_state=seed),
            selection="best",
            scoring=balanced_accuracy,
            refit=False,
            random_state=seed,
        ).fit(split.X_train, split.y_train)
        res = search.cv_results_
        n_splits = sum(k.startswith("split") for k in res)
        per_split = np.column_stack(
            [res[f"split{k}_test_score"] for k in range(n_splits)]
        )
        taus = np.unique(res["param_tau"])
        members = list(
            dict.fromkeys(zip(res["param_weight_power"], res["param_balance"]))
        )
        cv_seconds = time.perf_counter() - start
        test, erm = _held_out(base, split, members, taus, seed)
        peers = {"ERM": balanced_accuracy(erm, split.X_test, split.y_test)}
        errors = {}
        for name, model in _peer_models(base, model_name, seed, split.y_train).items():
            try:
                model.fit(split.X_train, split.y_train)
                peers[name] = balanced_accuracy(model, split.X_test, split.y_test)
            except ValueError as exc:  # e.g. a sampler refusing a tiny class
                errors[name] = str(exc)[:200]
    return {
        "dataset": dataset,
        "model": model_name,
        "seed": seed,
        "w": [float(w) for w in res["param_weight_power"]],
        "balance": [str(b) for b in res["param_balance"]],
        "tau": [float(t) for t in res["param_tau"]],
        "cv": per_split.round(6).tolist(),
        "test": test.round(6).tolist(),
        "peers": peers,
        "peer_errors": errors,
        "cv_seconds": cv_seconds,
        "seconds": time.perf_counter() - start,
        "describe": describe(split) if seed == 0 else None,
    }


def verify(cell, quick):
    """Refit the library's default on ``cell``; check its pick and test score."""
    split = load_split(cell["dataset"], random_state=cell["seed"])
    base = make_models(quick, cell["seed"])[cell["model"]][0]
    fitted = LogitAdjustedClassifierCV(
        clone(base), scoring=balanced_accuracy, random_state=cell["seed"]
    ).fit(split.X_train, split.y_train)
    i = pick(cell, *DEFAULT, index=True)
    offline = (cell["w"][i], cell["balance"][i], cell["tau"][i])
    chosen = (fitted.best_weight_power_, fitted.best_balance_, fitted.best_tau_)
    score = balanced_accuracy(fitted, split.X_test, split.y_test)
    if offline != chosen or not np.isclose(score, cell["test"][i], atol=1e-6):
        raise AssertionError(
            f"default estimator picked {chosen} scoring {score}; the study "
            f"{offline} scoring {cell['test'][i]}"
        )
    return (
        f"`--verify`: the default `LogitAdjustedClassifierCV` refitted on "
        f"{cell['dataset']} / {cell['model']} / seed {cell['seed']} picks "
        f"(w, balance, tau) = {chosen} and scores {100 * score:.2f} on the test "
        "set, as the study's numbers say."
    )


def _open(path, mode):
    """The cache, gzip-compressed when its name ends in ``.gz``."""
    return gzip.open(path, mode) if path.suffix == ".gz" else path.open(mode)


def _load(path):
    if not path.is_file():
        return []
    with _open(path, "rt") as f:
        return [json.loads(line) for line in f if line.strip()]


def _complete(cells, datasets, models):
    """Cells of the seeds done for every (data set, model), and those seeds."""
    done = {(c["dataset"], c["model"], c["seed"]) for c in cells}
    seeds = sorted({c["seed"] for c in cells})
    full = [
        s for s in seeds if all((d, m, s) in done for d in datasets for m in models)
    ]
    keep = [c for c in cells if c["seed"] in full and c["dataset"] in datasets
            and c["model"] in models]  # fmt: skip
    unique = {(c["dataset"], c["model"], c["seed"]): c for c in keep}
    return list(unique.values()), full


def _options(parser):
    parser.add_argument("--datasets", nargs="+", default=None)
    parser.add_argument("--models", nargs="+", default=None, choices=MODELS)
    parser.add_argument(
        "--cache",
        default=None,
        help="JSON-lines file of finished cells, gzipped if named *.gz "
        "(default: family_cells.jsonl.gz beside the page)",
    )
    parser.add_argument(
        "--render-only", action="store_true", help="render the cached cells only"
    )
    parser.add_argument(
        "--budget", type=float, default=None, help="stop starting cells after S seconds"
    )
    parser.add_argument(
        "--verify",
        nargs=3,
        metavar=("DATASET", "MODEL", "SEED"),
        default=None,
        help="refit the default estimator on this cell and check the study's pick",
    )


def run(config):
    silence_expected_warnings()
    datasets = tuple(
        config.datasets or (("ecoli", "glass") if config.quick else DATASETS)
    )
    models = tuple(config.models or MODELS)
    # The cache sits beside the page; a run that writes no page keeps it in a
    # temporary folder, so smoke runs never touch results/.
    folder = Path(config.out_dir) if config.out_dir else Path(tempfile.mkdtemp())
    cache = Path(config.cache) if config.cache else folder / "family_cells.jsonl.gz"
    cells = _load(cache)
    done = {(c["dataset"], c["model"], c["seed"]) for c in cells}
    start = time.perf_counter()
    if not config.render_only:
        for seed in range(config.seeds):
            for d in datasets:
                for m in models:
                    if (d, m, seed) in done:
                        continue
                    if config.budget and time.perf_counter() - start > config.budget:
                        break
                    cell = run_cell(d, m, seed, config.quick)
                    cells.append(cell)
                    with _open(cache, "at") as f:
                        f.write(json.dumps(cell) + "\n")
                    print(f"done {d} {m} seed {seed}: {cell['seconds']:.0f} s",
                          file=sys.stderr, flush=True)  # fmt: skip
    cells, seeds = _complete(cells, datasets, models)
    if not cells:
        raise RuntimeError("no seed is complete for every row yet")
    body, study_rows = render(cells, datasets, models, seeds, config)
    if config.verify:
        d, m, s = config.verify
        cell = next(
            c for c in cells if (c["dataset"], c["model"], c["seed"]) == (d, m, int(s))
        )
        body += "\n\n" + verify(cell, config.quick)
    rows = [(d, m) for d, m, _ in table_rows(cells, datasets, models)]
    return Page(body, result={"rows": rows, "study": study_rows})


BENCHMARK = Benchmark(
    name="family",
    title="The consistent family, by weights and by resampling, against the peers",
    run=run,
    options=_options,
    tiny=("--datasets", "zoo", "--models", "LR", "--seeds", "1"),
    seeds=(5, 1),
)
