"""The family experiment's offline study and page: picks, ceilings, tables.

Every number here is read from the cached cells of
:mod:`experiments.family`: each selection rule's pick on the CV scores,
scored on the test set, against the peers.
"""

from __future__ import annotations

import numpy as np

from sklearn_la._selection import SELECTIONS, _select_candidate

from _common.machine import EXPERIMENT_VERSIONS, machine_info
from _common.render import table
from experiments._models import models_line

DATASETS = (
    "ecoli",
    "glass",
    "zoo",
    "newthyroid",
    "cleveland",
    "balance",
    "flare",
    "yeast",
    "car",
    "page-blocks",
)
MODELS = ("LR", "RF", "HGB")
WEIGHT_POWERS = (0.0, 0.25, 0.5, 0.75, 1.0)
PEERS = ("ERM", "class_weight", "ROS", "RUS", "SMOTE", "EasyEnsemble", "BRF")
SCHEMES = {"5-fold": slice(0, 5), "5x2": slice(0, 10)}
# Candidate sets, as (weight powers, balances) filters of the full grid.
SETS = {
    "family": (WEIGHT_POWERS, ("weight", "resample")),
    "fast": ((0.0, 0.5, 1.0), ("weight", "resample")),
    "weights only": (WEIGHT_POWERS, ("weight",)),
    "tau only": ((0.0,), ("weight",)),
}
# LogitAdjustedClassifierCV's defaults: scheme, rule, candidate set.
DEFAULT = ("5x2", "paired", "family")


def pick(cell, scheme, rule, candidate_set, *, index=False):
    """Test score of the candidate ``rule`` picks on ``scheme``'s splits
    (its index in the cell's candidates with ``index=True``)."""
    powers, balances = SETS[candidate_set]
    w, b = np.array(cell["w"]), np.array(cell["balance"])
    keep = np.flatnonzero(np.isin(w, powers) & np.isin(b, balances))
    cv = np.array(cell["cv"])[keep][:, SCHEMES[scheme]]
    i = keep[_select_candidate(cv, np.array(cell["tau"])[keep], w[keep], rule)]
    return i if index else np.array(cell["test"])[i]


def oracle(cell):
    """The best family candidate on the cell's test set (reads the labels)."""
    return max(cell["test"])


def best_fixed(group):
    """The best single candidate of a row on its test sets, over all seeds.

    One candidate for every seed, picked with the test labels: the ceiling
    of any rule that picks the same candidate whatever the split (not a
    method), against the per-seed ``oracle``.
    """
    return float(np.max(np.mean([c["test"] for c in group], axis=0)))


def table_rows(cells, datasets, models):
    """(data set, model, cells sorted by seed) for every row with a cell."""
    rows = []
    for d in datasets:
        for m in models:
            group = sorted(
                (c for c in cells if c["dataset"] == d and c["model"] == m),
                key=lambda c: c["seed"],
            )
            if group:
                rows.append((d, m, group))
    return rows


def _peer_means(group):
    means = {}
    for p in PEERS:
        values = [c["peers"].get(p, np.nan) for c in group]
        if not np.all(np.isnan(values)):
            means[p] = 100 * np.nanmean(values)
    return means


def study(rows):
    """Mean test score, misses and gap to the best peer per (scheme, rule, set)."""
    out = []
    best_peer = np.array([max(_peer_means(g).values()) for _, _, g in rows])
    for candidate_set in SETS:
        for scheme in SCHEMES:
            for rule in SELECTIONS:
                if candidate_set == "tau only" and rule == "consistent":
                    continue
                per_row = np.array([
                    100 * np.mean([pick(c, scheme, rule, candidate_set) for c in g])
                    for _, _, g in rows
                ])  # fmt: skip
                gap = per_row - best_peer
                out.append((candidate_set, scheme, rule, per_row.mean(),
                            gap.mean(), int(np.sum(gap < -0.5)), gap.min()))  # fmt: skip
    return out


def _fits_line(n_members, n_taus, n_splits):
    grid = n_members * n_taus * n_splits + 1
    ours = n_members * n_splits + 1
    return (
        f"{n_members} members x {n_splits} splits + 1 refit = {ours} fits, vs "
        f"{grid} for GridSearchCV over the same {n_members * n_taus} candidates "
        f"({grid / ours:.0f}x)"
    )


def _mean_or_dash(values):
    """Mean of the rows a peer ran in (– for a peer that ran in none)."""
    values = np.asarray(values, dtype=float)
    return "–" if np.all(np.isnan(values)) else f"{np.nanmean(values):.1f}"


def render(cells, datasets, models, seeds, config):
    """The page's body (main table, reach, selection study, data) and the
    study's rows."""
    rows = table_rows(cells, datasets, models)
    scheme, rule, candidate_set = DEFAULT
    body = []
    main, gaps, ours_all, bp_all, per_peer = [], [], [], [], {p: [] for p in PEERS}
    fixed_all, out_of_reach = [], []
    for d, m, group in rows:
        ours = np.array([100 * pick(c, scheme, rule, candidate_set) for c in group])
        peers = _peer_means(group)
        bp = max(peers, key=peers.get)
        gap = ours.mean() - peers[bp]
        gaps.append(gap)
        ours_all.append(ours.mean())
        bp_all.append(peers[bp])
        for p in PEERS:
            per_peer[p].append(peers.get(p, np.nan))
        orc = 100 * np.mean([oracle(c) for c in group])
        fixed = 100 * best_fixed(group)
        fixed_all.append(fixed)
        if fixed - peers[bp] < -0.5:
            out_of_reach.append(f"{d}/{m} ({fixed - peers[bp]:+.1f})")
        cells_ = [d, m, f"{ours.mean():.1f} ± {ours.std():.1f}"]
        cells_ += [f"{peers[p]:.1f}" if p in peers else "–" for p in PEERS]
        flag = "" if gap >= -0.5 else " **miss**"
        cells_ += [f"{peers[bp]:.1f} ({bp})", f"{gap:+.1f}{flag}", f"{fixed:.1f}",
                   f"{orc:.1f}"]  # fmt: skip
        main.append(cells_)
    # The best single peer among those run in every row.
    single = {p: np.mean(v) for p, v in per_peer.items() if not np.any(np.isnan(v))}
    best_single = max(single, key=single.get)
    main.append(["**mean**", "", f"**{np.mean(ours_all):.1f}**",
                 *(_mean_or_dash(per_peer[p]) for p in PEERS),
                 f"{np.mean(bp_all):.1f}", f"{np.mean(gaps):+.1f}",
                 f"{np.mean(fixed_all):.1f}", ""])  # fmt: skip
    gaps = np.array(gaps)
    n_cand = len(cells[0]["w"])
    n_members = len(set(zip(cells[0]["w"], cells[0]["balance"])))
    body += [
        f"Held-out balanced accuracy (%), mean over seeds {seeds} (each seed: its own "
        "stratified 50/50 train/test split, CV folds, resampling draws and model "
        "seeds). `ours` is the default `LogitAdjustedClassifierCV(base, "
        "random_state=seed)` (mean ± std over seeds): "
        f"{n_members} family members (w in {list(WEIGHT_POWERS)} x balance "
        f"weight/resample, one member at w=0) x {n_cand // n_members} taus, "
        '5-fold stratified CV repeated twice, `selection="paired"`. Peers: ERM, '
        '`class_weight="balanced"`, imbalanced-learn RandomOverSampler (ROS), '
        "RandomUnderSampler (RUS), SMOTE (`k_neighbors` = min(5, smallest class - "
        "1); – where a class has one training row), EasyEnsemble(10) of the base "
        "model, BalancedRandomForest(100) in the RF rows. `best peer` is picked "
        "per row on the test scores (optimistic for the peers); `gap` = ours - "
        "best peer, **miss** below -0.5; `best fixed` is the one family "
        "candidate with the best mean test score over the seeds and `oracle` the "
        "best family candidate on each seed's test set (neither is a method: both "
        "read the test labels).",
        "",
        models_line(config.quick),
        "",
        table(
            [
                "data set",
                "model",
                "ours",
                *PEERS,
                "best peer",
                "gap",
                "best fixed",
                "oracle",
            ],
            main,
        ),
        "",
        f"Mean over the {len(rows)} rows: ours {np.mean(ours_all):.1f}, best peer "
        f"per row {np.mean(bp_all):.1f} ({np.mean(gaps):+.1f}), best single peer "
        f"{best_single} {single[best_single]:.1f} "
        f"({np.mean(ours_all) - single[best_single]:+.1f}). Rows within 0.5 points "
        f"of the best peer: {int(np.sum(gaps >= -0.5))} of {len(rows)}; worst gap "
        f"{gaps.min():+.1f}.",
        "",
        f"What the family can reach: its best fixed candidate per row, picked on "
        f"the test sets, averages {np.mean(fixed_all):.1f} "
        f"({np.mean(fixed_all) - np.mean(bp_all):+.1f} over the best peer per row); "
        "rows where even that candidate is more than 0.5 below the best peer: "
        + (", ".join(out_of_reach) or "none")
        + ".",
        "",
        "Fits per `fit` of the default: "
        + _fits_line(n_members, n_cand // n_members, 10)
        + ".",
        "",
        "## Selection study",
        "",
        "Every rule, CV scheme and candidate set, picked on the same CV scores and "
        "scored on the same test sets (mean over rows; `gap` to the best peer per "
        "row; `misses`: rows more than 0.5 below it). Rules: `best` argmax; "
        "`one_se` within one SE of the best, nearest tau = 1 - w; `consistent` "
        "only tau = 1 - w; `paired` the best consistent candidate unless another "
        "beats it by one SE of the paired per-split differences. Sets: `family` "
        "all members; `fast` w in (0, .5, 1) x both balances; `weights only` "
        "the previous weight_powers family; `tau only` w = 0.",
        "",
    ]
    study_rows = study(rows)
    body.append(table(
        ["candidates", "CV", "rule", "mean", "gap", "misses", "worst gap"],
        [[s, sc, r, f"{m:.2f}", f"{g:+.2f}", str(n), f"{w:+.1f}"]
         for s, sc, r, m, g, n, w in study_rows],
    ))  # fmt: skip
    descriptions = dict.fromkeys(
        c["describe"] for _, _, g in rows for c in g if c["describe"]
    )
    seconds = sum(c["seconds"] for c in cells)
    body += [
        "",
        "Data (seed 0):",
        "",
        *[f"- {d}" for d in descriptions],
        "",
        f"Machine: {machine_info(*EXPERIMENT_VERSIONS)}. Fits single-threaded, one "
        f"cell at a time; {seconds:.0f} s of cell time in all.",
        "",
        "Reproduce: delete `results/family_cells.jsonl.gz`, then `python "
        f"benchmarks/run.py family --seeds {len(seeds)}` recomputes every cell "
        "(appending to that cache; an interrupted run resumes); `--render-only` "
        "re-renders this page from the cache."
        + (
            f" Seeds: {len(seeds)}, not 5, to fit a 40-minute compute budget."
            if len(seeds) < 5
            else ""
        ),
    ]
    return "\n".join(body), study_rows
