"""Cost of post-hoc adjustment relative to the base model's own prediction.

Measures, in one process and on the same data, the wall time and peak memory of
``LogitAdjustedClassifier`` prediction against the wrapped model's own
``predict`` / ``predict_proba`` at 200,000 rows x 100 classes (20,000 x 20
with ``--quick``), and the wall time on small batches (1 and 100 rows, as a
model served one request at a time sees them), where validation rather than
maths decides the cost. The base model is fitted once and wrapped in
``FrozenEstimator`` so both sides use the very same fitted model.
"""

import os
import platform
import time
import tracemalloc

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression

from sklearn_la import LogitAdjustedClassifier

from _common.render import Page, table
from _common.runner import Benchmark
from _common.timing import paired_rounds

N_FEATURES = 20


def _data(n_rows, n_classes, n_features, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((n_classes, n_features)) * 2
    # Long-tailed training labels: exponential profile, ratio 100.
    weights = 100.0 ** (-np.arange(n_classes) / (n_classes - 1))
    y_train = rng.choice(n_classes, size=20 * n_classes * 10, p=weights / weights.sum())
    X_train = centers[y_train] + rng.standard_normal((len(y_train), n_features))
    y_test = rng.integers(n_classes, size=n_rows)
    X_test = centers[y_test] + rng.standard_normal((n_rows, n_features))
    return X_train, y_train, X_test


def _seconds(func, X):
    start = time.perf_counter()
    func(X)
    return time.perf_counter() - start


def _peak_bytes(func, X):
    tracemalloc.start()
    func(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _measure(name, base, wrapper, X, repeats):
    rows = []
    for method in ("predict_proba", "predict"):
        base_call = getattr(base, method)
        wrap_call = getattr(wrapper, method)
        base_call(X), wrap_call(X)  # warm-up
        # Interleave to share any drift in machine load between both sides.
        t_base = t_wrap = np.inf
        for _ in range(repeats):
            t_base = min(t_base, _seconds(base_call, X))
            t_wrap = min(t_wrap, _seconds(wrap_call, X))
        m_base = _peak_bytes(base_call, X)
        m_wrap = _peak_bytes(wrap_call, X)
        rows.append((name, method, t_base, t_wrap, m_base, m_wrap))
    return rows


def _small_batches(name, base, wrapper, X, repeats, calls):
    """Best-of-rounds seconds per call on 1 and 100 rows, both sides interleaved."""
    rows = []
    for n_rows in (1, 100):
        batch = X[:n_rows]
        for method in ("predict", "predict_proba"):
            samples = paired_rounds(
                {
                    "base": lambda m=method: getattr(base, m)(batch),
                    "wrapper": lambda m=method: getattr(wrapper, m)(batch),
                },
                repeats,
                inner=calls,
                warmup=calls,
            )
            rows.append(
                (name, n_rows, method, min(samples["base"]), min(samples["wrapper"]))
            )
    return rows


def _options(parser):
    parser.add_argument(
        "--repeats", type=int, default=7, help="timed calls per side (default 7)"
    )


def run(config):
    """Time and peak memory of both sides; see the module docstring."""
    n_rows, n_classes = (20_000, 20) if config.quick else (200_000, 100)
    X_train, y_train, X_test = _data(n_rows, n_classes, N_FEATURES)
    models = {
        "LogisticRegression": LogisticRegression(max_iter=300),
        "RandomForest(50 trees, depth 12)": RandomForestClassifier(
            n_estimators=50, max_depth=12, random_state=0, n_jobs=1
        ),
    }
    rows, small = [], []
    for name, model in models.items():
        model.fit(X_train, y_train)
        wrapper = LogitAdjustedClassifier(FrozenEstimator(model)).fit(X_train, y_train)
        rows += _measure(name, model, wrapper, X_test, config.repeats)
        # Enough calls per sample that one sample lasts some milliseconds.
        calls = 200 if isinstance(model, LogisticRegression) else 10
        if config.quick:
            calls = max(1, calls // 10)
        small += _small_batches(name, model, wrapper, X_test, 3 * config.repeats, calls)

    n_by_k = n_rows * n_classes * 8
    head = ["base model", "method", "base (s)", "wrapper (s)", "time ratio",
            "base peak (MiB)", "wrapper peak (MiB)",
            "extra memory (n x K arrays)"]  # fmt: skip
    cells = [
        (
            name,
            method,
            f"{t_base:.3f}",
            f"{t_wrap:.3f}",
            f"{t_wrap / t_base:.2f}x",
            f"{m_base / 2**20:.0f}",
            f"{m_wrap / 2**20:.0f}",
            f"{(m_wrap - m_base) / n_by_k:.2f}",
        )  # fmt: skip
        for name, method, t_base, t_wrap, m_base, m_wrap in rows
    ]
    body = "\n".join(
        [
            f"Post-hoc wrapper vs base model, {n_rows:,} rows x {n_classes} classes "
            f"({N_FEATURES} features); best of {config.repeats} interleaved runs; "
            "peak memory by tracemalloc (one n x K float64 array is "
            f"{n_by_k / 2**20:.0f} MiB).",
            "",
            table(head, cells),
            "",
            "Small batches, as a model served one request at a time sees them: "
            "seconds per call, the best of "
            f"{3 * config.repeats} rounds of repeated calls, both sides timed "
            "back to back in each round (target: at most 1.3x the base).",
            "",
            table(
                [
                    "base model",
                    "rows",
                    "method",
                    "base (µs)",
                    "wrapper (µs)",
                    "time ratio",
                ],
                [
                    (
                        name,
                        n,
                        method,
                        f"{1e6 * t_base:.0f}",
                        f"{1e6 * t_wrap:.0f}",
                        f"{t_wrap / t_base:.2f}x",
                    )
                    for name, n, method, t_base, t_wrap in small
                ],
            ),  # fmt: skip
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}, scikit-learn "
            f"{sklearn.__version__}.",
        ]
    )
    return Page(body, result={"large": rows, "small": small})


BENCHMARK = Benchmark(
    name="posthoc",
    title="Post-hoc wrapper overhead",
    run=run,
    options=_options,
    tiny=("--repeats", "1"),
)
