"""The neural experiment's page: per data set tables, checks, summary, run."""

from __future__ import annotations

import os
import platform

import numpy as np
import torch

from _common.machine import versions
from _common.render import table

FASHION = "Fashion-MNIST-LT"
ROWS = (
    "ERM",
    "post-hoc LA (tau=1)",
    "LA loss (tau=1)",
    "balanced softmax",
    "LDAM + DRW",
    "class-balanced",
    "focal",
    "weight norm (tau=1)",
    "weight norm, bias unscaled",
)
GROUPS = ("many", "medium", "few")
FASHION_NOTE = (
    "Note: the tail classes of Fashion-MNIST-LT (label order) are Sneaker, Bag and "
    "Ankle boot, among the easiest Fashion-MNIST classes, while the medium group "
    "holds Coat, Sandal and Shirt (Shirt is the hardest class), so few-shot accuracy "
    "can exceed medium-shot accuracy: class difficulty, not only class size, shapes "
    "the group columns."
)


def _pm(values, scale=100.0, digits=1):
    """Mean ± std (scaled), None and NaN left out; — when none is left."""
    values = np.asarray([v for v in values if v is not None and not np.isnan(v)])
    if values.size == 0:
        return "—"
    values = scale * values
    return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"


def summarise(cells):
    """Per row: bacc / group values over seeds, paired delta vs ERM, wins."""
    summary = {}
    erm = np.array([c["results"]["ERM"]["bacc"] for c in cells])
    for row in ROWS:
        res = [c["results"][row] for c in cells]
        bacc = np.array([r["bacc"] for r in res])
        summary[row] = {
            "bacc": bacc,
            **{g: [r[g] for r in res] for g in GROUPS},
            "fit": [r["fit"] for r in res],
            "extra": [r.get("extra") for r in res],
            "delta": bacc - erm,
            "wins": int(np.sum(bacc > erm + 1e-12)),
        }
    return summary


def render_table(summary, n_seeds):
    """The table of one data set, one row per method."""
    best = max(summary[r]["bacc"].mean() for r in ROWS)
    cells = []
    for row in ROWS:
        s = summary[row]
        bacc = _pm(s["bacc"])
        if np.isclose(s["bacc"].mean(), best):
            bacc = f"**{bacc}**"
        if row == "ERM":
            delta, wins = "—", "—"
        else:
            d = 100 * s["delta"]
            delta = f"{d.mean():+.1f} ± {d.std():.1f}"
            wins = f"{s['wins']}/{n_seeds}"
        if s["fit"][0] is None:
            extra = np.mean([e for e in s["extra"] if e is not None])
            fit = f"0 (ERM net; +{extra:.2f} to adjust & predict)"
        else:
            fit = _pm(s["fit"], scale=1.0, digits=2)
        cells.append([row, bacc, delta, wins, *(_pm(s[g]) for g in GROUPS), fit])
    head = ["method", "balanced acc. (%)", "Δ vs ERM (pp)", "beats ERM (seeds)",
            "many (%)", "medium (%)", "few (%)", "fit time (s)"]  # fmt: skip
    return table(head, cells)


def verdict(name, summary, n_seeds):
    """Whether the LA loss and post-hoc LA beat ERM on one data set."""
    erm = summary["ERM"]["bacc"].mean()
    out = []
    for row in ("LA loss (tau=1)", "post-hoc LA (tau=1)"):
        s = summary[row]
        d = 100 * s["delta"]
        beats = s["bacc"].mean() > erm
        word = "beats" if beats else "does NOT beat"
        all_seeds = (
            "on every seed"
            if s["wins"] == n_seeds
            else (f"on {s['wins']} of {n_seeds} seeds")
        )
        out.append(
            f"- {name}: {row} {word} ERM in mean balanced accuracy "
            f"({100 * s['bacc'].mean():.1f}% vs {100 * erm:.1f}%, "
            f"Δ {d.mean():+.1f} ± {d.std():.1f} pp; higher {all_seeds})."
        )
    return out


def machine_info(device):
    """Machine and version lines of the run section."""
    dev = device
    if device.startswith("cuda") and torch.cuda.is_available():
        dev = f"{device} ({torch.cuda.get_device_name(0)})"
    return [
        f"- machine: {platform.platform()}, {platform.machine()}, "
        f"{os.cpu_count()} logical CPUs; device: {dev}; torch threads: "
        f"{torch.get_num_threads()} (intra-op), {torch.get_num_interop_threads()} "
        "(inter-op)",
        f"- versions: Python {platform.python_version()}, "
        + versions("torch", "skorch", "scikit-learn", "numpy", "sklearn-la"),
    ]


def _groups(config, counts):
    """The group thresholds in words, and how many classes fall in each."""
    many, few = config["many"], config["few"]
    counts = np.sort(counts)[::-1]
    n_groups = [
        int(np.sum(counts > many)),
        int(np.sum((counts >= few) & (counts <= many))),
        int(np.sum(counts < few)),
    ]
    words = f"many > {many}, medium {few}-{many}, few < {few} training samples"
    return f"{words} ({n_groups[0]} / {n_groups[1]} / {n_groups[2]} classes)"


def _checks(cells):
    """The checks' line and the ERM row norms' line of one data set."""
    la_gap = max(c["checks"][-1][1] for c in cells)
    posthoc_agree = min(c["checks"][0][1] for c in cells)
    wn_ok = all(c["checks"][1][1] for c in cells)
    norms = np.mean([c["results"]["weight norm (tau=1)"]["norms"] for c in cells], 0)
    order = np.argsort(cells[0]["counts"])[::-1]
    return [
        f"- Checks: post-hoc LA through `posthoc_tau=1` agrees with "
        f"`argmax(f - log pi)` on {100 * posthoc_agree:.2f}% of test points "
        f"(worst seed); weight-normalised logits equal ERM logits / "
        f"||w_y||: {'yes' if wn_ok else 'NO'}; LA loss vs balanced softmax "
        f"logits, max abs difference {la_gap:.1e}.",
        "- ERM last-layer row norms ||w_y|| (mean over seeds, head to "
        "tail class): " + ", ".join(f"{n:.2f}" for n in norms[order]) + ".",
    ]


def dataset_section(name, cells, config, seconds, n_seeds):
    """The section of one data set, and its summary per row."""
    summary = summarise(cells)
    first = cells[0]
    lines = [
        f"## {name}",
        "",
        f"Net: {config['module_desc']}; {config['epochs']} epochs, batch 128, "
        f"SGD momentum 0.9, weight decay 5e-4, lr {config['lr']} cosine-annealed; "
        f"LDAM's DRW from epoch {config['drw_epoch'] + 1} of "
        f"{config['epochs']}. Groups: {_groups(config, first['counts'])}. Wall time "
        f"for this data set: {seconds:.0f} s.",
        "",
        f"Data (seed 0): {first['describe']}; test class sizes "
        f"{first['test_counts'].min()} to {first['test_counts'].max()} "
        f"({len(first['test_counts'])} classes in the test set).",
        "",
        *([FASHION_NOTE, ""] if name == FASHION else []),
        render_table(summary, n_seeds),
        "",
        *verdict(name, summary, n_seeds),
        *_checks(cells),
        "",
    ]
    return lines, summary


def _overall(results):
    """Over the data sets: where each LA row beats ERM."""
    lines = []
    for row in ("LA loss (tau=1)", "post-hoc LA (tau=1)"):
        won = [
            n
            for n, s in results.items()
            if s[row]["bacc"].mean() > s["ERM"]["bacc"].mean()
        ]
        lost = [n for n in results if n not in won]
        lines.append(
            f"- {row} beats ERM in mean balanced accuracy on {len(won)} of "
            f"{len(results)} data sets"
            + (f"; not on: {', '.join(lost)}." if lost else " (all).")
        )
    return lines


def page_body(all_cells, configs, timing, config):
    """The page's body, and the per data set summaries.

    Parameters
    ----------
    all_cells : dict
        Data set -> the ``run_cell`` results of its seeds.
    configs : dict
        Data set -> its net, budget and group thresholds (``dataset_config``
        plus ``drw_epoch``).
    timing : dict
        ``started`` (datetime), ``runtime`` (s), ``per_dataset`` (s by data
        set) and ``load`` (1-minute load average before and after).
    config : argparse.Namespace
        The run's flags (``seeds``, ``device``).

    Returns
    -------
    body : str
    results : dict
        Data set -> per row summary.
    """
    lines = [
        "Held-out balanced accuracy (%) and many / medium / few-shot accuracy "
        "(mean per-class recall of each group), mean ± std (ddof=0) over "
        f"{config.seeds} seeds; each seed draws its own data and initial weights, "
        "shared by every row. `Δ vs ERM`: paired difference with the ERM net of "
        "the same seed, in percentage points; `beats ERM`: seeds on which the "
        "row is strictly higher. Bold: best mean. Fit time: training only "
        "(the post-hoc rows reuse the ERM net and cost one prediction pass).",
        "",
    ]
    results = {}
    for name, cells in all_cells.items():
        section, results[name] = dataset_section(
            name, cells, configs[name], timing["per_dataset"][name], config.seeds
        )
        lines += section
    per_dataset = ", ".join(f"{n} {t:.0f} s" for n, t in timing["per_dataset"].items())
    load_before, load_after = timing["load"]
    lines += [
        "## Summary",
        "",
        "Paper's expectation (Menon et al. 2021): the LA loss and post-hoc LA beat ERM "
        "in balanced accuracy for the same net and budget.",
        "",
        *_overall(results),
        "",
        "## Run",
        "",
        f"- date: {timing['started']:%Y-%m-%d %H:%M} UTC; total runtime "
        f"{timing['runtime']:.0f} s ({per_dataset})",
        *machine_info(config.device),
        f"- load average (1 min) before / after: {load_before:.2f} / {load_after:.2f} "
        "(this run accounts for about 1; more means other processes shared the CPUs, "
        "which inflates the fit times)",
    ]
    return "\n".join(lines), results
