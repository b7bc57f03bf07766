"""Scale: tuning memory, many taus, and the post-hoc wrapper at K = 1000 classes.

Three measurements, each a ratio taken in one process (issue #15):

1. **Tuning memory.** Peak memory (tracemalloc) of
   ``LogitAdjustedClassifierCV(DummyClassifier(strategy="prior"),
   weight_powers=5 values, cv=5)``
   on synthetic long-tailed data at n = 200,000 rows and K = 100 and 1000
   classes, against the peak of the base model alone on one fold (fit on the
   training part, ``predict_proba`` on the test part) and against
   ``n x K x n_weight_powers x 8`` bytes, what the previous design kept (every
   fold's out-of-fold log-scores for every weight power until the last fit
   returned). Folds are scored as they return, so the tuner's extra memory is
   measured in one-fold ``n_test x K`` arrays.
2. **Many taus.** Fit time of the tuner with ``taus=201`` over ``taus=21``
   (random forest on digits-LT, 5 folds), paired rounds; target <= 1.10.
   ``scoring="balanced_accuracy"`` is computed for every tau at once; the
   same fit with sklearn's scorer object (the general path, one scorer call
   per tau) is shown for contrast.
3. **Wrapper at K = 1000.** ``LogitAdjustedClassifier`` ``predict_proba`` and
   ``predict`` against the base's own ``predict_proba`` (target <= 1.05x, no
   extra n x K array beyond the output), and the EM prior estimate
   (``estimate_target_priors``) at the same size.

The base of the memory part only writes its n x K output (a real model at
200,000 x 1000 takes too long on a 2-core machine); the tuner handles those
scores as any model's, and its memory is what is measured.
"""

from __future__ import annotations

import statistics
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import GaussianNB

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV

from _common.machine import load_average, load_line, machine_info
from _common.render import Page, table
from _common.runner import Benchmark
from _common.timing import paired_ratio, paired_rounds, peak, verdict
from _data import load_digits_lt

N_FEATURES = 20
WEIGHT_POWERS = (0.0, 0.25, 0.5, 0.75, 1.0)
TAUS_TARGET = 1.10
WRAPPER_TARGET = 1.05
MiB = 2**20


def _long_tailed(n_rows, n_classes, seed=0, ratio=100.0):
    """Gaussian classes, exponential profile (``ratio=1``: balanced).

    The class centres depend on ``n_classes`` only, so that draws with other
    seeds or ratios come from the same ``p(x|y)`` (label shift).
    """
    centers = np.random.default_rng(n_classes).standard_normal((n_classes, N_FEATURES))
    rng = np.random.default_rng(seed)
    weights = ratio ** (-np.arange(n_classes) / max(n_classes - 1, 1))
    counts = np.maximum(np.floor(n_rows * weights / weights.sum()), 10).astype(int)
    y = np.repeat(np.arange(n_classes), counts)
    X = 2 * centers[y] + rng.standard_normal((len(y), N_FEATURES))
    order = rng.permutation(len(y))
    return X[order], y[order]


def bench_memory(n_rows, n_classes):
    X, y = _long_tailed(n_rows, n_classes)
    split = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    train, test = split[0]

    def one_fold():
        DummyClassifier(strategy="prior").fit(X[train], y[train]).predict_proba(X[test])

    def tuner():
        LogitAdjustedClassifierCV(
            DummyClassifier(strategy="prior"),
            weight_powers=WEIGHT_POWERS,
            balances="weight",
            cv=split,
            refit=False,
        ).fit(X, y)

    base_peak, _ = peak(one_fold)
    tuner_peak, seconds = peak(tuner)
    fold_array = len(test) * n_classes * 8
    old_design = len(y) * n_classes * len(WEIGHT_POWERS) * 8
    return {
        "n": len(y),
        "K": n_classes,
        "base_peak": base_peak,
        "tuner_peak": tuner_peak,
        "extra_in_fold_arrays": (tuner_peak - base_peak) / fold_array,
        "old_design": old_design,
        "ratio_to_old": tuner_peak / old_design,
        "seconds": seconds,
    }


def bench_taus(n_trees, repeats, many=201):
    """Fit time of ``many`` taus over 21 (a smoke run scores fewer)."""
    data = load_digits_lt(random_state=0)
    X, y = data.X_train, data.y_train
    split = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    base = RandomForestClassifier(n_estimators=n_trees, random_state=0)

    def fit(n_taus, scoring="balanced_accuracy"):
        # Tau only: the family's other members would add fits, not taus.
        return lambda: LogitAdjustedClassifierCV(
            clone(base), taus=n_taus, weight_powers=(0.0,), cv=split, scoring=scoring
        ).fit(X, y)

    sklearn_scorer = get_scorer("balanced_accuracy")
    fit(21)()  # warm-up
    times = paired_rounds(
        {
            "21": fit(21),
            "many": fit(many),
            "many (general path)": fit(many, sklearn_scorer),
        },
        repeats,
    )
    same = np.array_equal(
        fit(many)().cv_results_["mean_test_score"],
        fit(many, sklearn_scorer)().cv_results_["mean_test_score"],
    )
    return {
        "t21": statistics.median(times["21"]),
        "many": many,
        "t_many": statistics.median(times["many"]),
        "t_many_general": statistics.median(times["many (general path)"]),
        "ratio": paired_ratio(times["many"], times["21"]),
        "ratio_general": paired_ratio(times["many (general path)"], times["21"]),
        "same_scores": bool(same),
        "n_trees": n_trees,
    }


def bench_wrapper(n_rows, n_classes, repeats):
    X_train, y_train = _long_tailed(20 * n_classes, n_classes, seed=1)
    # A balanced deployment batch: EM has a real shift to find.
    X_test, _ = _long_tailed(n_rows, n_classes, seed=2, ratio=1.0)
    X_test = X_test[:n_rows]
    rows = []
    bases = {
        "GaussianNB": GaussianNB(),
        "LogisticRegression": LogisticRegression(max_iter=100),
    }
    for name, base in bases.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a short lbfgs may not converge
            base.fit(X_train, y_train)
        wrapper = LogitAdjustedClassifier(FrozenEstimator(base)).fit(X_train, y_train)
        calls = {
            "base predict_proba": lambda b=base: b.predict_proba(X_test),
            "wrapper predict_proba": lambda w=wrapper: w.predict_proba(X_test),
            "wrapper predict": lambda w=wrapper: w.predict(X_test),
            "estimate_target_priors": (
                lambda w=wrapper: w.estimate_target_priors(X_test)
            ),
        }
        for call in calls.values():
            call()  # warm-up
        times = paired_rounds(calls, repeats)
        peaks = {label: peak(call)[0] for label, call in calls.items()}
        n_by_k = len(X_test) * n_classes * 8
        for label in list(calls)[1:]:
            rows.append(
                {
                    "base": name,
                    "method": label,
                    "t_base": statistics.median(times["base predict_proba"]),
                    "t": statistics.median(times[label]),
                    "ratio": paired_ratio(times[label], times["base predict_proba"]),
                    "extra_arrays": (peaks[label] - peaks["base predict_proba"])
                    / n_by_k,
                }
            )
    return rows, len(X_test)


def _memory_table(rows):
    head = ["n x K", "base alone, one fold: peak (MiB)", "tuner peak (MiB)",
            "tuner extra (one-fold n_test x K arrays)",
            "previous design kept (n x K x 5 x 8 B, MiB)",
            "tuner peak / previous design's kept scores", "tuner fit (s)"]  # fmt: skip
    return table(
        head,
        [
            (
                f"{r['n']:,} x {r['K']}",
                f"{r['base_peak'] / MiB:.0f}",
                f"{r['tuner_peak'] / MiB:.0f}",
                f"{r['extra_in_fold_arrays']:.2f}",
                f"{r['old_design'] / MiB:,.0f}",
                f"{r['ratio_to_old']:.3f}",
                f"{r['seconds']:.1f}",
            )
            for r in rows
        ],
    )


def _taus_table(r):
    many = r["many"]
    head = ["taus=21 fit", f"taus={many} fit", f"{many} / 21", f"<= {TAUS_TARGET}",
            f"taus={many}, sklearn scorer object (general path)", "its ratio to 21",
            "same scores"]  # fmt: skip
    return table(
        head,
        [
            (
                f"{r['t21']:.2f} s",
                f"{r['t_many']:.2f} s",
                f"{r['ratio']:.3f}",
                verdict(r["ratio"], TAUS_TARGET),
                f"{r['t_many_general']:.2f} s",
                f"{r['ratio_general']:.2f}",
                "yes (bitwise)" if r["same_scores"] else "**NO**",
            )
        ],
    )


def _wrapper_table(rows):
    head = ["base model", "method", "base predict_proba", "method time",
            "ratio", f"<= {WRAPPER_TARGET}", "extra memory (n x K arrays)"]  # fmt: skip
    cells = []
    for r in rows:
        target = r["method"].startswith("wrapper")
        cells.append(
            (
                r["base"],
                r["method"],
                f"{r['t_base'] * 1e3:.0f} ms",
                f"{r['t'] * 1e3:.0f} ms",
                f"{r['ratio']:.3f}",
                verdict(r["ratio"], WRAPPER_TARGET) if target else "(info)",
                f"{r['extra_arrays']:.2f}",
            )
        )
    return table(head, cells)


def _options(parser):
    parser.add_argument(
        "--rows",
        type=int,
        default=None,
        help="rows of the tuning-memory data (default 200,000; 20,000 with --quick)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="paired rounds of the timings (default 7; 2 with --quick)",
    )


def run(config):
    """The three measurements; see the module docstring."""
    warnings.filterwarnings("ignore", message="The least populated class in y")
    warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
    n_rows = config.rows or (20_000 if config.quick else 200_000)
    repeats = config.repeats or (2 if config.quick else 7)
    class_grid = (10, 50) if config.tiny else (100, 1000)
    load_before = load_average()
    start = time.perf_counter()
    memory = [bench_memory(n_rows, k) for k in class_grid]
    taus = bench_taus(
        10 if config.quick else 100, repeats, many=41 if config.tiny else 201
    )
    wrapper, n_test = bench_wrapper(
        2_000 if config.tiny else 20_000, class_grid[-1], repeats
    )
    total = time.perf_counter() - start
    body = "\n".join(
        [
            "## Tuning memory",
            "",
            "`LogitAdjustedClassifierCV(DummyClassifier(strategy='prior'), "
            f"weight_powers={WEIGHT_POWERS}, balances='weight', "
            "cv=5 StratifiedKFold, refit=False)` on synthetic long-tailed data "
            f"({N_FEATURES} features, imbalance 100); peak memory above the data by "
            "tracemalloc, in this process (`n_jobs=None`). The previous design kept "
            "every fold's out-of-fold log-scores for every weight power until all "
            "fits returned: `n x K x n_weight_powers x 8` bytes on top of the "
            "base model's own needs. The base only writes its n x K output, so "
            "that the full size runs on 2 cores; the tuner treats its scores as "
            "any model's. 'Tuner extra' is the tuner's peak above the base's "
            "own peak on one fold (fit, then `predict_proba` on the test part).",
            "",
            _memory_table(memory),
            "",
            "## Many taus",
            "",
            f"`LogitAdjustedClassifierCV(RandomForestClassifier({taus['n_trees']} "
            'trees), weight_powers=(0.0,), cv=5)` on digits-LT, default `scoring="balanced_accuracy"`; '
            f"medians and the median of paired ratios over {repeats} rounds.",
            "",
            _taus_table(taus),
            "",
            f"## Post-hoc wrapper at K = {class_grid[-1]}",
            "",
            f"{n_test:,} rows x {class_grid[-1]} classes; base fitted on "
            f"{20 * class_grid[-1]:,} long-tailed rows and wrapped in "
            "`FrozenEstimator`; every method against the base's own "
            f"`predict_proba`, medians and paired ratios over {repeats} rounds; "
            "extra memory is the peak above the base's `predict_proba` peak "
            "(tracemalloc), in n x K float64 arrays. `estimate_target_priors` "
            "(EM, at most 1000 iterations, tolerance 1e-8) is information.",
            "",
            _wrapper_table(wrapper),
            "",
            f"- machine: {machine_info('sklearn-la')}",
            f"- {load_line(load_before)}",
            "- CPU only: no GPU in this run.",
            f"- run time: {total:.0f} s.",
        ]
    )
    return Page(body, result={"memory": memory, "taus": taus, "wrapper": wrapper})


BENCHMARK = Benchmark(
    name="scale",
    title="Scale: tuning memory, many taus, K = 1000 classes",
    run=run,
    options=_options,
    tiny=("--rows", "2000", "--repeats", "1"),
)
