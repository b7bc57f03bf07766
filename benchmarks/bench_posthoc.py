"""Cost of post-hoc adjustment relative to the base model's own prediction.

Measures, in one process and on the same data, the wall time and peak memory of
``LogitAdjustedClassifier`` prediction against the wrapped model's own
``predict`` / ``predict_proba`` at 200,000 rows x 100 classes. The base model is
fitted once and wrapped in ``FrozenEstimator`` so both sides use the very same
fitted model.

Usage::

    python benchmarks/bench_posthoc.py            # 200k x 100, the reported figure
    python benchmarks/bench_posthoc.py --quick    # 20k x 20, seconds

Writes ``benchmarks/results/bench_posthoc.md``.
"""

import argparse
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression

from sklearn_la import LogitAdjustedClassifier

RESULTS = Path(__file__).parent / "results"


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


def _best_time(func, X):
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
            t_base = min(t_base, _best_time(base_call, X))
            t_wrap = min(t_wrap, _best_time(wrap_call, X))
        m_base = _peak_bytes(base_call, X)
        m_wrap = _peak_bytes(wrap_call, X)
        rows.append((name, method, t_base, t_wrap, m_base, m_wrap))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for bench_posthoc.md (default: benchmarks/results; --quick "
        "writes nothing unless given)",
    )
    args = parser.parse_args(argv)
    n_rows, n_classes = (20_000, 20) if args.quick else (200_000, 100)
    n_features = 20
    X_train, y_train, X_test = _data(n_rows, n_classes, n_features)

    models = {
        "LogisticRegression": LogisticRegression(max_iter=300),
        "RandomForest(50 trees, depth 12)": RandomForestClassifier(
            n_estimators=50, max_depth=12, random_state=0, n_jobs=1
        ),
    }
    rows = []
    for name, model in models.items():
        model.fit(X_train, y_train)
        wrapper = LogitAdjustedClassifier(FrozenEstimator(model)).fit(X_train, y_train)
        rows += _measure(name, model, wrapper, X_test, args.repeats)

    n_by_k = n_rows * n_classes * 8
    lines = [
        "# Post-hoc wrapper overhead",
        "",
        f"Post-hoc wrapper vs base model, {n_rows:,} rows x {n_classes} classes "
        f"({n_features} features); best of {args.repeats} interleaved runs; peak "
        "memory by tracemalloc (one n x K float64 array is "
        f"{n_by_k / 2**20:.0f} MiB).",
        "",
        "| base model | method | base (s) | wrapper (s) | time ratio | base peak (MiB) "
        "| wrapper peak (MiB) | extra memory (n x K arrays) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, method, t_base, t_wrap, m_base, m_wrap in rows:
        lines.append(
            f"| {name} | {method} | {t_base:.3f} | {t_wrap:.3f} | "
            f"{t_wrap / t_base:.2f}x | {m_base / 2**20:.0f} | {m_wrap / 2**20:.0f} | "
            f"{(m_wrap - m_base) / n_by_k:.2f} |"
        )
    lines += [
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}.",
        f"Command: `python benchmarks/bench_posthoc.py{' --quick' if args.quick else ''}`",
    ]
    table = "\n".join(lines)
    print(table)
    out = args.out if args.out is not None else (None if args.quick else RESULTS)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench_posthoc.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
