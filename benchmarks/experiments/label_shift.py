"""Label shift and cost-sensitive decisions (issue #12).

**Table 1: label shift.** For each data set (digits-LT, Fashion-MNIST-LT
subsampled, page-blocks, yeast) one base model, ``StandardScaler`` +
``LogisticRegression(max_iter=1000)``, is trained on the long-tailed training
split. Test sets of ``--draw-size`` rows are drawn (with replacement) from the
held-out pool at a shifted prior ``q``: ``--draws`` priors from a symmetric
Dirichlet with ``alpha`` in {0.1, 1, 10}, and ``--draws`` draws at the reversed
training prior (the rarest class gets the largest prior). On each draw every
method estimates ``q`` and predicts at its estimate, ``argmax_y log p(y|x) -
log pi_y + log q_y`` on its (calibrated) posteriors; the table gives the mean
absolute error of the estimate of ``q`` and the accuracy on the draw:

- ``none``: the base model; its "estimate" is the training prior;
- ``LA uniform``: post-hoc logit adjustment to a uniform prior (tau=1);
- ``EM``: ``estimate_target_priors`` on the raw posteriors
  (``LogitAdjustedClassifier(FrozenEstimator(base))``);
- ``EM+T``, ``EM+BCTS``: ``LogitAdjustedClassifierCV(base, taus=[1.0],
  weight_powers=[0.0], target_priors="train", calibration=..., cv=5)``:
  calibrated on 5-fold out-of-fold scores, base refitted on all the training data (the same model
  as ``none``'s);
- ``QuaPy EMQ``, ``QuaPy EMQ-BCTS``: QuaPy 0.2.3's ``EMQ(base)`` and
  ``EMQ.EMQ_BCTS(base, val_split=5)`` (same base model; BCTS from the
  ``abstention`` package), predicting with ``EMQ.predict_proba``;
- ``oracle``: the true ``q`` on the BCTS-calibrated posteriors.

The page checks the target (EM+BCTS no worse than QuaPy EMQ-BCTS, row by
row); a row that misses is given with the paired difference over its draws
and that difference's standard error, since both methods see the same
draws.

**Table 2: costs.** The same data sets and base model; the 30% rarest training
classes (at least one) cost 10 when missed, every other error 1. A test set
of ``--cost-size`` rows is drawn from the held-out pool at the *training*
prior (so every method's deployment prior is the training one), and the table
gives the mean cost of:

- ``argmax``: the base model's prediction;
- ``class weight``: the base model fitted with ``class_weight`` = the cost of
  missing each class (10 or 1);
- ``OvR thresholds``: one ``TunedThresholdClassifierCV`` per class (class
  against the rest, ``predict_proba``, scored by the binary cost of
  ``make_cost_scorer``; ``cv`` = min(5, positives), and a class with a single
  training sample gets the binary Bayes threshold ``1 / (1 + its miss
  cost)``), combined as ``argmax_k p_k(x) - t_k``;
- ``cost rule``: ``LogitAdjustedClassifier(FrozenEstimator(base),
  target_priors="train", cost_matrix=C)``;
- ``cost rule, CV``: ``LogitAdjustedClassifierCV(base,
  target_priors="train", cost_matrix=C, cv=5, random_state=0)``, the default
  family (weight powers and taus) tuned by the expected cost; ``+BCTS`` with ``calibration="bcts"``.

Every fit is single-threaded (``threadpool_limits(1)``).
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import TunedThresholdClassifierCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la.metrics import expected_cost, make_cost_scorer

import _data
from _common.render import Page, table
from _common.runner import Benchmark

ALPHAS = (0.1, 1.0, 10.0)
SHIFT_METHODS = (
    "none",
    "LA uniform",
    "EM",
    "EM+T",
    "EM+BCTS",
    "QuaPy EMQ",
    "QuaPy EMQ-BCTS",
    "oracle",
)
COST_METHODS = (
    "argmax",
    "class weight",
    "OvR thresholds",
    "cost rule",
    "cost rule, CV",
    "cost rule, CV+BCTS",
)
FASHION_N_MAX = 1500
FASHION_TEST_PER_CLASS = 300


def _base():
    return Pipeline(
        [("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))]
    )


def _datasets(quick):
    if quick:
        return ["digits-LT"]
    names = ["digits-LT"] + ([_data.FASHION] if _data.fashion_available() else [])
    return names + [
        n for n in ("page-blocks", "yeast") if n in _data.available_tabular()
    ]


def _load(name):
    if name == _data.FASHION:
        return _data.load_fashion_mnist_lt(
            0, n_max=FASHION_N_MAX, n_test_per_class=FASHION_TEST_PER_CLASS
        )
    return _data.load_split(name, 0)


def _draw(pools, q, size, rng):
    """Row indices of a test set of ``size`` rows at prior ``q``."""
    counts = rng.multinomial(size, q)
    return np.concatenate(
        [rng.choice(pool, size=n, replace=True) for pool, n in zip(pools, counts) if n]
    )


def _decide(log_proba, log_pi, q):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.argmax(log_proba - log_pi + np.log(q), axis=1)


def _log(proba):
    with np.errstate(divide="ignore"):
        return np.log(proba)


def _uncalibrated(model):
    """Whether the CV estimator left its scores uncalibrated (identity map)."""
    calibration = model.calibration_
    bias = calibration.bias
    return calibration.temperature == 1.0 and (bias is None or not np.any(bias))


def _fit_shift_models(Xtr, ytr):
    """Every method's fitted model on the training data, the methods whose CV
    estimator left its scores uncalibrated, and why QuaPy's BCTS failed (or
    None)."""
    from quapy.method.aggregative import EMQ

    uncalibrated, failed = [], None
    base = _base().fit(Xtr, ytr)
    raw = LogitAdjustedClassifier(FrozenEstimator(base), tau=1.0, target_priors="train")
    models = {"base": base, "EM": raw.fit(Xtr, ytr)}
    for name, method in (("EM+T", "temperature"), ("EM+BCTS", "bcts")):
        models[name] = LogitAdjustedClassifierCV(
            _base(),
            taus=[1.0],
            weight_powers=[0.0],
            target_priors="train",
            calibration=method,
            cv=5,
        ).fit(Xtr, ytr)
        if _uncalibrated(models[name]):
            uncalibrated.append(name)
    models["QuaPy EMQ"] = EMQ(_base()).fit(Xtr, ytr)
    try:
        models["QuaPy EMQ-BCTS"] = EMQ.EMQ_BCTS(_base(), val_split=5).fit(Xtr, ytr)
    except RuntimeError as exc:
        # QuaPy's BCTS (the abstention package) fails on posteriors of exactly
        # 0; its documented fallback is plain EMQ.
        failed = f"{exc}".splitlines()[0]
        models["QuaPy EMQ-BCTS"] = EMQ.EMQ_BCTS(
            _base(), val_split=5, on_calib_error="backup"
        ).fit(Xtr, ytr)
    return models, uncalibrated, failed


def _shift_draw(models, X, y, q, classes, pi):
    """(estimate error, accuracy) of every method on one draw."""
    log_pi = np.log(pi)
    log_p = _log(models["base"].predict_proba(X))
    est, pred = {}, {}
    est["none"], pred["none"] = pi, np.argmax(log_p, axis=1)
    uniform = np.full(len(classes), 1 / len(classes))
    est["LA uniform"], pred["LA uniform"] = uniform, _decide(log_p, log_pi, uniform)
    est["EM"] = models["EM"].estimate_target_priors(X)
    pred["EM"] = _decide(log_p, log_pi, est["EM"])
    for name in ("EM+T", "EM+BCTS"):
        model = models[name]
        # The identity map (a fit that could not calibrate) keeps no priors:
        # its posteriors are the base's, under the training prior.
        cal_pi = model.calibration_.class_priors
        if cal_pi is None:
            cal_pi = model.priors_
        log_cal = _log(model.predict_proba(X))
        est[name] = model.estimate_target_priors(X)
        pred[name] = _decide(log_cal, np.log(cal_pi), est[name])
        if name == "EM+BCTS":
            est["oracle"], pred["oracle"] = q, _decide(log_cal, np.log(cal_pi), q)
    for name in ("QuaPy EMQ", "QuaPy EMQ-BCTS"):
        quantifier = models[name]
        est[name] = np.asarray(quantifier.quantify(X))
        pred[name] = np.argmax(quantifier.predict_proba(X), axis=1)
    truth = np.searchsorted(classes, y)
    return {
        m: (float(np.mean(np.abs(est[m] - q))), float(np.mean(pred[m] == truth)))
        for m in SHIFT_METHODS
    }


def _paired(results, ours, theirs):
    """Mean and standard error over the draws of ``ours - theirs``, for the
    estimate's error and the accuracy: both methods see the same draws, so
    the paired difference says whether a gap is more than the draws' noise."""
    out = []
    for i in (0, 1):
        diff = np.array([r[ours][i] - r[theirs][i] for r in results])
        se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.nan
        out.append((float(diff.mean()), float(se)))
    return out


def _settings(pi, n_draws, rng):
    """(setting name, list of priors): Dirichlet draws and the reversed prior."""
    k = len(pi)
    settings = [(f"Dir({a:g})", list(rng.dirichlet(np.full(k, a), size=n_draws)))
                for a in ALPHAS]  # fmt: skip
    order = np.argsort(pi, kind="stable")
    reversed_prior = np.empty(k)
    reversed_prior[order] = np.sort(pi)[::-1]
    settings.append(("reversed", [reversed_prior] * n_draws))
    return settings


def run_shift(name, split, config, rng, notes):
    """The shift table's rows of one data set; ``notes`` collects, per data
    set, QuaPy's failures (``"failed"``) and the uncalibrated methods
    (``"skipped"``)."""
    Xtr, ytr, Xte, yte = split.X_train, split.y_train, split.X_test, split.y_test
    t0 = time.perf_counter()
    models, uncalibrated, failed = _fit_shift_models(Xtr, ytr)
    if failed:
        notes["failed"][name] = failed
    if uncalibrated:
        notes["skipped"][name] = uncalibrated
    classes = models["base"].classes_
    pi = np.bincount(np.searchsorted(classes, ytr), minlength=len(classes)) / len(ytr)
    pools = [np.flatnonzero(yte == c) for c in classes]
    rows = []
    for setting, priors in _settings(pi, config.draws, rng):
        results = []
        for q in priors:
            q = np.asarray(q, dtype=float)
            # A class the pool lacks cannot be drawn: its share moves to the others.
            q = np.where([len(p) > 0 for p in pools], q, 0.0)
            q /= q.sum()
            idx = _draw(pools, q, config.draw_size, rng)
            realised = np.bincount(
                np.searchsorted(classes, yte[idx]), minlength=len(classes)
            ) / len(idx)
            results.append(
                _shift_draw(models, Xte[idx], yte[idx], realised, classes, pi)
            )
        means = {
            m: (np.mean([r[m][0] for r in results]), np.mean([r[m][1] for r in results]))
            for m in SHIFT_METHODS
        }  # fmt: skip
        means["paired"] = _paired(results, "EM+BCTS", "QuaPy EMQ-BCTS")
        rows.append((name, setting, means))
    print(f"done: shift {name} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr,
          flush=True)  # fmt: skip
    return rows


def _cost_matrix(classes, ytr):
    counts = np.array([np.sum(ytr == c) for c in classes])
    n_rare = max(1, int(round(0.3 * len(classes))))
    rare = np.argsort(counts, kind="stable")[:n_rare]
    miss = np.ones(len(classes))
    miss[rare] = 10.0
    C = np.ones((len(classes), len(classes))) * miss[:, None]
    np.fill_diagonal(C, 0.0)
    return C, miss


def _ovr_thresholds(Xtr, ytr, classes, miss, n_thresholds):
    models, thresholds = [], []
    for k, c in enumerate(classes):
        target = (ytr == c).astype(int)
        n_folds = min(5, int(target.sum()))
        if n_folds < 2:
            # One positive sample cannot be cross-validated: the binary Bayes
            # threshold 1 / (1 + cost of a miss) stands in.
            models.append(_base().fit(Xtr, target))
            thresholds.append(1 / (1 + miss[k]))
            continue
        scorer = make_cost_scorer([[0, 1], [miss[k], 0]], labels=[0, 1])
        model = TunedThresholdClassifierCV(
            _base(),
            scoring=scorer,
            response_method="predict_proba",
            cv=n_folds,
            thresholds=n_thresholds,
        ).fit(Xtr, target)
        models.append(model.estimator_)
        thresholds.append(model.best_threshold_)

    def predict(X):
        margins = np.column_stack(
            [m.predict_proba(X)[:, 1] - t for m, t in zip(models, thresholds)]
        )
        return classes[np.argmax(margins, axis=1)]

    return predict


def run_cost(name, split, config, rng, notes):
    Xtr, ytr, Xte, yte = split.X_train, split.y_train, split.X_test, split.y_test
    t0 = time.perf_counter()
    base = _base().fit(Xtr, ytr)
    classes = base.classes_
    C, miss = _cost_matrix(classes, ytr)
    pi = np.array([np.mean(ytr == c) for c in classes])
    pools = [np.flatnonzero(yte == c) for c in classes]
    q = np.where([len(p) > 0 for p in pools], pi, 0.0)
    idx = _draw(pools, q / q.sum(), config.cost_size, rng)
    X, y = Xte[idx], yte[idx]
    weights = {c: miss[k] for k, c in enumerate(classes)}
    predict = {
        "argmax": base.predict,
        "class weight": _base().set_params(clf__class_weight=weights).fit(Xtr, ytr).predict,
        # scikit-learn's default of 100 candidate thresholds; a smoke run's 20
        # only check the path.
        "OvR thresholds": _ovr_thresholds(
            Xtr, ytr, classes, miss, 20 if config.quick else 100
        ),
        "cost rule": LogitAdjustedClassifier(
            FrozenEstimator(base), target_priors="train", cost_matrix=C
        ).fit(Xtr, ytr).predict,
        "cost rule, CV": LogitAdjustedClassifierCV(
            _base(), target_priors="train", cost_matrix=C, cv=5, random_state=0
        ).fit(Xtr, ytr).predict,
    }  # fmt: skip
    calibrated = LogitAdjustedClassifierCV(
        _base(),
        target_priors="train",
        cost_matrix=C,
        cv=5,
        calibration="bcts",
        random_state=0,
    ).fit(Xtr, ytr)
    predict["cost rule, CV+BCTS"] = calibrated.predict
    if _uncalibrated(calibrated):
        notes["skipped"].setdefault(name, []).append("cost rule, CV+BCTS")
    costs = {
        m: expected_cost(y, predict[m](X), cost_matrix=C, labels=classes)
        for m in COST_METHODS
    }
    print(f"done: cost {name} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr,
          flush=True)  # fmt: skip
    return name, int(np.sum(miss > 1)), costs


def body(shift_rows, cost_rows, config, total, failed, skipped):
    """The page: both shift tables with the target check, and the cost table.

    ``failed`` maps a data set to the reason QuaPy's BCTS failed there,
    ``skipped`` one to the methods whose CV estimator left its scores
    uncalibrated there.
    """
    cells = []
    for name, setting, res in shift_rows:
        cells.append([name, setting, *(f"{res[m][0]:.3f}" for m in SHIFT_METHODS[:-1])])
    acc_cells = [[name, setting, *(f"{100 * res[m][1]:.1f}" for m in SHIFT_METHODS)]
                 for name, setting, res in shift_rows]  # fmt: skip

    def mean_of(m, i):
        return np.mean([res[m][i] for _, _, res in shift_rows])

    cells.append(
        ["**mean**", "", *(f"{mean_of(m, 0):.3f}" for m in SHIFT_METHODS[:-1])]
    )
    acc_cells.append(
        ["**mean**", "", *(f"{100 * mean_of(m, 1):.1f}" for m in SHIFT_METHODS)]
    )
    checks = []
    for name, setting, res in shift_rows:
        ours, theirs = res["EM+BCTS"], res["QuaPy EMQ-BCTS"]
        if ours[0] > theirs[0] + 1e-4 or ours[1] < theirs[1] - 1e-4:
            (d_err, se_err), (d_acc, se_acc) = res["paired"]
            checks.append(
                f"{name} {setting}: EM+BCTS error {ours[0]:.4f} / accuracy "
                f"{100 * ours[1]:.2f}% vs QuaPy EMQ-BCTS {theirs[0]:.4f} / "
                f"{100 * theirs[1]:.2f}% (paired difference over the draws: error "
                f"{d_err:+.4f} ± {se_err:.4f}, accuracy {100 * d_acc:+.2f} ± "
                f"{100 * se_acc:.2f} points, ± one standard error)"
            )
    cost_cells = [
        [name, n_rare, *(f"{costs[m]:.3f}" for m in COST_METHODS)]
        for name, n_rare, costs in cost_rows
    ]
    cost_cells.append(
        ["**mean**", "",
         *(f"{np.mean([c[m] for _, _, c in cost_rows]):.3f}" for m in COST_METHODS)]
    )  # fmt: skip
    lines = [
        f"Base model: `StandardScaler` + `LogisticRegression(max_iter=1000)`. "
        f"{config.draws} test sets of {config.draw_size} rows per setting, drawn "
        "with replacement from the held-out pool. Fashion-MNIST-LT is subsampled "
        f"(head class {FASHION_N_MAX} images, imbalance ratio 100; pool "
        f"{FASHION_TEST_PER_CLASS} test images per class) to fit the time budget. "
        f"Total {total / 60:.1f} min, single-threaded.",
        "",
        "## Estimating the shifted prior",
        "",
        "Mean absolute error of the estimated prior `q` (lower is better), mean "
        "over draws; `none` uses the training prior, `LA uniform` the uniform one.",
        "",
        table(["data set", "shift", *SHIFT_METHODS[:-1]], cells),
        "",
        "## Accuracy at the shifted prior",
        "",
        "Accuracy (%) of the decision at each method's estimate (higher is "
        "better); `oracle` uses the true prior of the draw.",
        "",
        table(["data set", "shift", *SHIFT_METHODS], acc_cells),
        "",
        "Target: EM+BCTS no worse than QuaPy EMQ-BCTS on error and accuracy in "
        "every row. "
        + (
            "Met in every row."
            if not checks
            else "Missed in: " + "; ".join(checks) + "."
        ),
        "",
        f"EM+BCTS against uncalibrated EM, mean over the rows: error "
        f"{mean_of('EM+BCTS', 0):.4f} vs {mean_of('EM', 0):.4f}, accuracy "
        f"{100 * mean_of('EM+BCTS', 1):.2f}% vs {100 * mean_of('EM', 1):.2f}%.",
        "",
        *(
            f"{' and '.join(methods)} on {name}: a class there has a single "
            "training row, so no out-of-fold score of it comes from a model that "
            "saw it; the CV estimator left the scores uncalibrated (with a "
            "warning), so these columns equal their uncalibrated counterparts "
            "(EM; cost rule, CV) there.\n"
            for name, methods in skipped.items()
        ),
        *(
            f"QuaPy EMQ-BCTS on {name}: its calibration failed at fit ({why}); it "
            "fell back to uncalibrated EMQ (`on_calib_error='backup'`).\n"
            for name, why in failed.items()
        ),
        "## Cost-sensitive decisions",
        "",
        "Mean cost (lower is better) on "
        f"{config.cost_size} held-out rows drawn at the training prior; missing "
        "one of the `rare` rarest classes costs 10, any other error 1.",
        "",
        table(["data set", "rare", *COST_METHODS], cost_cells),
    ]
    return "\n".join(lines) + "\n"


def run(config):
    """Both tables; see the module docstring."""
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    shift_rows, cost_rows = [], []
    notes = {"failed": {}, "skipped": {}}
    with warnings.catch_warnings(), threadpool_limits(1):
        # Rare classes have fewer members than folds, EM on a draw may stop at
        # its iteration cap, a calibration may reach a bound: all reported by
        # the numbers themselves.
        warnings.simplefilter("ignore")
        for name in _datasets(config.quick):
            split = _load(name)
            rng = np.random.default_rng(0)
            shift_rows += run_shift(name, split, config, rng, notes)
            cost_rows.append(run_cost(name, split, config, rng, notes))
    text = body(shift_rows, cost_rows, config, time.perf_counter() - start, **notes)
    return Page(text, result={"shift": shift_rows, "cost": cost_rows})


def _options(parser):
    parser.add_argument("--draws", type=int, default=50, help="test sets per setting")
    parser.add_argument("--draw-size", type=int, default=1000, help="rows per test set")
    parser.add_argument(
        "--cost-size", type=int, default=5000, help="rows of the cost test set"
    )


BENCHMARK = Benchmark(
    name="label_shift",
    title="Label shift and cost-sensitive decisions",
    run=run,
    options=_options,
    tiny=("--draws", "2", "--draw-size", "200", "--cost-size", "500"),
)
