"""The tabular experiment's tables and plots."""

from __future__ import annotations

import numpy as np

from _common.render import table

PNG_PER_CLASS = "per_class_accuracy.png"
PNG_TAU = "balanced_accuracy_vs_tau.png"
METHODS = ("ERM", "class_weight", "ROS", "RUS", "BRF", "LA (tau=1)", "LA-CV")
PEERS = ("class_weight", "ROS", "RUS", "BRF")
OURS = ("LA (tau=1)", "LA-CV")
GROUPS = ("many", "medium", "few")


def _pct(values):
    """Mean ± std in %, NaNs (empty groups) left out; – when none is left."""
    values = 100 * np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return "–"
    return f"{values.mean():.1f} ± {values.std():.1f}"


def _seconds(values):
    """Mean seconds, with fewer decimals as they grow."""
    t = float(np.mean(values))
    return f"{t:.3f}" if t < 1 else f"{t:.2f}" if t < 10 else f"{t:.1f}"


def summarise(cells, datasets, models):
    """Per (data set, model, method): per-seed arrays of the metrics."""
    rows = {}
    for d in datasets:
        for m in models:
            group = [c for c in cells if c["dataset"] == d and c["model"] == m]
            if not group:
                continue
            for k in METHODS:
                if k not in group[0]["res"]:
                    continue
                rs = [c["res"][k] for c in group]
                rows[d, m, k] = {
                    "bacc": np.array([r["bacc"] for r in rs]),
                    "groups": {
                        g: np.array([r["groups"][g] for r in rs]) for g in GROUPS
                    },
                    "fit": np.array([r["fit"] for r in rs]),
                    "tau": [r.get("tau") for r in rs],
                }
    return rows


def render_dataset(rows, dataset, models):
    """The table of one data set: every method under every model."""
    cells = []
    for m in models:
        keys = [k for k in METHODS if (dataset, m, k) in rows]
        if not keys:
            continue
        top = max(rows[dataset, m, k]["bacc"].mean() for k in keys)
        for k in keys:
            r = rows[dataset, m, k]
            acc = _pct(r["bacc"])
            if np.isclose(r["bacc"].mean(), top):
                acc = f"**{acc}**"
            name = k
            if k == "LA-CV":
                name += " (tau " + ", ".join(f"{t:.1f}" for t in r["tau"]) + ")"
            groups = (_pct(r["groups"][g]) for g in GROUPS)
            cells.append([m, name, acc, *groups, _seconds(r["fit"])])
    head = ["model", "method", "balanced acc. (%)", "many (%)", "medium (%)",
            "few (%)", "fit time (s)"]  # fmt: skip
    return table(head, cells)


def _head_to_head(rows, pairs, ours):
    """One LA row against ERM and against the best peer of each (data set, model)."""
    not_above_erm = [
        f"{d} {m}"
        for d, m in pairs
        if rows[d, m, ours]["bacc"].mean() <= rows[d, m, "ERM"]["bacc"].mean()
    ]
    beats_erm = len(pairs) - len(not_above_erm)
    vs_peer = []
    for d, m in pairs:
        peers = [rows[d, m, p]["bacc"].mean() for p in PEERS if (d, m, p) in rows]
        vs_peer.append(rows[d, m, ours]["bacc"].mean() - max(peers))
    vs_peer = 100 * np.array(vs_peer)
    return (
        f"- **{ours}** beats ERM in {beats_erm} of {len(pairs)} (data set, model) "
        + (f"rows (not in: {', '.join(not_above_erm)})" if not_above_erm else "rows")
        + "; against the best peer of each row (chosen on the test set, so "
        f"optimistic for the peers) it wins {int((vs_peer > 0).sum())}, ties "
        f"{int((vs_peer == 0).sum())} and loses {int((vs_peer < 0).sum())}, "
        f"by {vs_peer.mean():+.1f} points on average (median "
        f"{np.median(vs_peer):+.1f}, worst {vs_peer.min():+.1f})."
    )


def render_summary(rows, datasets, models):
    """Balanced accuracy averaged over data sets, and LA's head-to-head record."""
    cells = []
    for k in METHODS:
        vals, all_vals = [], []
        for m in models:
            v = [rows[d, m, k]["bacc"].mean() for d in datasets if (d, m, k) in rows]
            vals.append(f"{100 * np.mean(v):.1f}" if v else "–")
            all_vals += v
        avg = f"{100 * np.mean(all_vals):.1f}" if all_vals else "–"
        cells.append([k, *vals, avg])
    pairs = [(d, m) for d in datasets for m in models if (d, m, "ERM") in rows]
    records = [_head_to_head(rows, pairs, ours) for ours in OURS]
    return table(["method", *models, "all"], cells), records


def plot_per_class(path, cells, dataset, thresholds=(100, 20)):
    """Per-class test accuracy, classes by training count, ERM vs LA (tau=1), seed 0.

    ``thresholds`` are the data set's (many, few), as in its table.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sklearn_la.metrics import PerClassAccuracyDisplay

    chosen = [
        c
        for m in ("LR", "RF")
        for c in cells
        if c["extra"] and c["dataset"] == dataset and c["model"] == m and c["seed"] == 0
    ]
    if not chosen:
        chosen = [c for c in cells if c["extra"]][:1]
    fig, axes = plt.subplots(len(chosen), 1, figsize=(8, 5 * len(chosen)))
    axes = np.atleast_1d(axes)
    many, few = thresholds
    for ax, c in zip(axes, chosen):
        e = c["extra"]
        predictions = {
            f"{c['model']}, {k}: bal. acc. {100 * e['bacc'][k]:.1f}%": e["pred"][k]
            for k in ("ERM", "LA (tau=1)")
        }
        PerClassAccuracyDisplay.from_predictions(
            e["y_test"],
            predictions,
            class_counts=e["counts"],
            many_threshold=many,
            few_threshold=few,
            ax=ax,
        )
    fig.suptitle(f"Per-class test accuracy, {dataset} (seed 0)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_tau(path, cells, dataset, models):
    """CV and held-out balanced accuracy against tau, one panel per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    present = [m for m in models if any(c["extra"] and c["model"] == m for c in cells)]
    fig, axes = plt.subplots(
        1, len(present), figsize=(4.6 * len(present), 3.8), squeeze=False
    )
    for ax, m in zip(axes[0], present):
        group = [c["extra"] for c in cells if c["extra"] and c["model"] == m]
        taus = group[0]["taus"]
        cv = 100 * np.array([e["cv_mean"] for e in group])
        test = 100 * np.array([e["test"] for e in group])
        for values, label, color in (
            (cv, "CV mean (cv_results_)", "C0"),
            (test, "held-out test", "C1"),
        ):
            mean = values.mean(axis=0)
            ax.plot(taus, mean, marker=".", color=color, label=label)
            if len(group) > 1:
                std = values.std(axis=0)
                ax.fill_between(taus, mean - std, mean + std, color=color, alpha=0.2)
        ax.axvline(1.0, color="grey", ls="--", lw=1, label="tau = 1")
        for i, e in enumerate(group):
            ax.axvline(
                e["best_tau"],
                color="C2",
                ls=":",
                lw=1,
                label="chosen tau (per seed)" if i == 0 else None,
            )
        ax.set_xlabel("tau")
        ax.set_ylabel("balanced accuracy (%)")
        ax.set_title(f"{dataset}, {m}")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="lower center")
    n = len(group)
    fig.suptitle(
        "Post-hoc logit adjustment: balanced accuracy against tau "
        f"(mean{' ± std' if n > 1 else ''} over {n} seed{'s' if n > 1 else ''})"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
