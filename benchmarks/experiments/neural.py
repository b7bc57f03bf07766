"""Neural long-tail table: logit adjustment against its baselines.

For each data set and seed, one network architecture, optimiser, number of
epochs and batch size (the same budget) is trained as a
``sklearn_la.LogitAdjustedNet`` with each training loss (its ``criterion``,
from ``sklearn_la.losses``), and the held-out balanced accuracy and many /
medium / few-shot accuracy are recorded. Rows:

- ``ERM``: ``criterion=torch.nn.CrossEntropyLoss``;
- ``post-hoc LA (tau=1)``: the fitted ERM net itself, wrapped in
  ``LogitAdjustedClassifier(FrozenEstimator(net), tau=1.0)`` and fitted on
  the training set, whose labels give the priors: it predicts
  ``argmax_y log p(y|x) - log pi_y = argmax_y f_y(x) - log pi_y``; no extra
  training;
- ``LA loss (tau=1)``: the default criterion, ``LogitAdjustedLoss``, with
  ``tau=1.0``;
- ``balanced softmax``: ``criterion=BalancedSoftmaxLoss`` (Ren et al. 2020;
  the same loss as the LA loss with tau=1, so with the same seed the two rows
  should coincide up to floating-point noise: a check, not an extra method);
- ``LDAM + DRW``: ``criterion=LDAMLoss`` (margins
  ``0.5 * (n_min / n_y)^(1/4)``, logit scale ``s=1`` since the last layer is
  an ordinary, unnormalised ``nn.Linear``) with deferred re-weighting
  (class-balanced weights, beta=0.9999) switched on for the last quarter of
  the epochs (``criterion__drw_epoch = epochs - ceil(epochs / 4)``; the net
  calls the criterion's ``set_epoch`` as each epoch begins);
- ``class-balanced``: ``criterion=ClassBalancedLoss`` (Cui et al. 2019,
  softmax cross-entropy, beta=0.9999);
- ``focal``: ``criterion=FocalLoss`` (gamma=2);
- ``weight norm (tau=1)``: post-hoc weight normalisation of the fitted ERM
  net: the final ``nn.Linear``'s row of class ``y`` (its weights *and* its
  bias) is divided by ``||w_y||^tau``, i.e. the class score is
  ``(w_y . phi(x) + b_y) / ||w_y||``; no extra training. The variant that
  leaves the bias unscaled is reported as an extra row.

The net gives each criterion the training priors (``BalancedSoftmaxLoss``)
or the class counts (``LDAMLoss``, ``ClassBalancedLoss``) at fit.

Data sets and nets:

- ``Fashion-MNIST-LT`` (``benchmarks/_data.py``, built exactly as
  CIFAR-10-LT: 6000 ... 60 training images per class, ratio 100, balanced
  10k test set): a small CNN defined here (two 3x3 conv blocks with batch
  norm, ReLU and 2x2 max-pooling, 8 and 16 channels, then one linear layer),
  inputs reshaped to ``(N, 1, 28, 28)`` float32 in [0, 1].
- the naturally long-tailed tabular sets page-blocks, yeast, ecoli, abalone
  (``benchmarks/_data.py``; 50/50 stratified split), standardised with a
  ``StandardScaler`` fitted on the training half, and the library's default
  ``TabularMLP`` (one hidden layer of 64 ReLU units).

Budget (every row of a data set): SGD, momentum 0.9, weight decay 5e-4,
lr 0.05 with cosine annealing to 0 over the epochs, batch 128; 4 epochs for
the CNN, 50 for the MLP; ``random_state=seed`` so every row of a seed starts
from the same initial weights and sees the same batches. Each seed also
draws its own data (long-tail subsample / train-test split).

Many / medium / few-shot groups use the training class sizes: the long-tail
literature's > 100 / 20-100 / < 20 for the tabular sets; for
Fashion-MNIST-LT (sizes 6000 ... 60, all but one above 100) > 1000 / 200-1000
/ < 200, i.e. 4 / 3 / 3 classes.

Torch runs single-threaded by default (``--threads``): on the 2-core
machine this was written on, shared with other processes, two intra-op
threads made the CNN 3-8x *slower* than one.

A full run takes 5-7 minutes on 2 shared CPU cores, ``--quick`` under one
minute (a scaled-down Fashion-MNIST-LT: 300 ... 3 training images, 50 test
images per class).
"""

from __future__ import annotations

import copy
import datetime
import math
import time
import warnings

import numpy as np
import torch
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import StandardScaler
from torch import nn

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedNet
from sklearn_la.losses import (
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
)
from sklearn_la.metrics import balanced_error, group_accuracy

from _common.machine import load_average, load_line, machine_info, torch_info
from _common.render import Page, mean_std, table
from _common.runner import Benchmark
from _data import DATASETS as ALL_DATASETS
from _data import FASHION, describe, load_fashion_mnist_lt, load_split

# The page's data sets; --datasets takes digits-LT and every tabular set too.
DATASETS = (FASHION, "page-blocks", "yeast", "ecoli", "abalone")
CHOICES = (FASHION, *ALL_DATASETS)
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


# Rows trained with their own loss; the other rows adjust the ERM net.
TRAINED = ("ERM", "LA loss (tau=1)", "balanced softmax", "LDAM + DRW",
           "class-balanced", "focal")  # fmt: skip
LDAM_MAX_M, LDAM_S, BETA, FOCAL_GAMMA = 0.5, 1.0, 0.9999, 2.0


# --------------------------------------------------------------------------
# The CNN (the same for every row)
# --------------------------------------------------------------------------


class SmallCNN(nn.Module):
    """Two conv blocks + one linear layer, for 28x28 grey images given flat.

    ``conv3x3(1->c1) - BN - ReLU - maxpool2 - conv3x3(c1->c2) - BN - ReLU -
    maxpool2 - Linear(c2 * 7 * 7 -> output_units)``. The input is a
    ``(N, 784)`` float tensor (scikit-learn style 2-D data), viewed as
    ``(N, 1, 28, 28)``. ``LogitAdjustedNet`` sets ``output_units``.
    """

    def __init__(self, output_units=10, channels=(8, 16)):
        super().__init__()
        c1, c2 = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1),
            nn.BatchNorm2d(c1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 3, padding=1),
            nn.BatchNorm2d(c2),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
        )
        self.classifier = nn.Linear(c2 * 7 * 7, output_units)

    def forward(self, X):
        return self.classifier(self.features(X.view(-1, 1, 28, 28)))


# --------------------------------------------------------------------------
# Set-up per data set
# --------------------------------------------------------------------------


def dataset_config(name, quick):
    """Net, budget and group thresholds of a data set (same for all rows)."""
    if name == FASHION:
        return dict(
            module=SmallCNN,
            module_desc="SmallCNN (conv 8 - conv 16 - linear, batch norm)",
            epochs=2 if quick else 6,
            lr=0.05,
            # quick: the head class has 300 images, not 6000; scale the groups
            many=50 if quick else 1000,
            few=10 if quick else 200,
        )
    return dict(
        module=None,  # the library's default TabularMLP
        module_desc="TabularMLP (default: 1 hidden layer, 64 units)",
        epochs=2 if quick else 50,
        lr=0.05,
        many=100,
        few=20,
    )


def load_data(name, seed, quick):
    """Split for ``seed``; tabular features standardised on the training half."""
    if name == FASHION:
        if quick:  # a scaled-down copy: 300 ... 3 training images, 50 test per class
            return load_fashion_mnist_lt(seed, n_max=300, n_test_per_class=50)
        return load_fashion_mnist_lt(seed)
    split = load_split(name, seed)
    scaler = StandardScaler().fit(split.X_train)
    return split._replace(
        X_train=scaler.transform(split.X_train).astype(np.float32),
        X_test=scaler.transform(split.X_test).astype(np.float32),
    )


def drw_epoch(epochs):
    """First (0-based) epoch of deferred re-weighting: the last quarter."""
    return epochs - math.ceil(epochs / 4)


def make_net(row, config, seed, device):
    epochs = config["epochs"]
    losses = {
        "ERM": dict(criterion=nn.CrossEntropyLoss),
        "LA loss (tau=1)": dict(criterion=LogitAdjustedLoss, tau=1.0),
        "balanced softmax": dict(criterion=BalancedSoftmaxLoss),
        "LDAM + DRW": dict(
            criterion=LDAMLoss,
            criterion__max_m=LDAM_MAX_M,
            criterion__s=LDAM_S,
            criterion__drw_epoch=drw_epoch(epochs),
            criterion__beta=BETA,
        ),
        "class-balanced": dict(criterion=ClassBalancedLoss, criterion__beta=BETA),
        "focal": dict(criterion=FocalLoss, criterion__gamma=FOCAL_GAMMA),
    }
    from skorch.callbacks import LRScheduler

    module = {} if config["module"] is None else {"module": config["module"]}
    return LogitAdjustedNet(
        **module,
        **losses[row],
        optimizer=torch.optim.SGD,
        lr=config["lr"],
        optimizer__momentum=0.9,
        optimizer__weight_decay=5e-4,
        max_epochs=epochs,
        batch_size=128,
        callbacks=[("cosine", LRScheduler("CosineAnnealingLR", T_max=epochs))],
        device=device,
        random_state=seed,
        verbose=0,
    )


# --------------------------------------------------------------------------
# Post-hoc methods on the fitted ERM net
# --------------------------------------------------------------------------


def final_linear(module, n_classes):
    """The last ``nn.Linear`` of ``module``; it must output the class logits."""
    linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
    if not linears or linears[-1].out_features != n_classes:
        raise ValueError(
            "weight normalisation needs the module's last nn.Linear to output the "
            f"{n_classes} class logits; got {linears[-1] if linears else None}."
        )
    return linears[-1]


def weight_normalised(net, tau=1.0, *, scale_bias=True):
    """A copy of the fitted ``net``, final layer rows divided by ``||w_y||^tau``.

    With ``scale_bias`` the bias ``b_y`` is divided too, so each class score
    ``w_y . phi + b_y`` is rescaled as a whole; otherwise only the weights.
    """
    normalised = copy.deepcopy(net)
    layer = final_linear(normalised.module_, len(net.classes_))
    with torch.no_grad():
        scale = layer.weight.norm(dim=1).pow(tau)
        layer.weight.div_(scale[:, None])
        if scale_bias and layer.bias is not None:
            layer.bias.div_(scale)
    return normalised, scale.detach().cpu().numpy()


def logits_of(net, X):
    return net.forward(X, training=False).detach().cpu().double().numpy()


# --------------------------------------------------------------------------
# One (data set, seed) cell
# --------------------------------------------------------------------------


def score(split, pred, counts, config):
    groups = group_accuracy(
        split.y_test,
        pred,
        class_counts=counts,
        many_threshold=config["many"],
        few_threshold=config["few"],
    )
    return {"bacc": 1.0 - balanced_error(split.y_test, pred), **groups}


def _fit_row(row, config, seed, device, split, counts):
    """Train the net of one row; its logits on the test set and its scores."""
    net = make_net(row, config, seed, device)
    start = time.perf_counter()
    net.fit(split.X_train, split.y_train)
    fit_time = time.perf_counter() - start
    logits = logits_of(net, split.X_test)
    pred = net.classes_[logits.argmax(axis=1)]
    if row == "LDAM + DRW":
        crit = net.criterion_
        if not (crit.drw_active and crit.epoch == config["epochs"] - 1):
            raise AssertionError(
                f"DRW not active at the last epoch ({crit.epoch}, "
                f"drw_epoch={crit.drw_epoch})"
            )
    return net, logits, {**score(split, pred, counts, config), "fit": fit_time}


def _posthoc_rows(erm, erm_logits, split, counts, config):
    """Post-hoc LA and weight normalisation of the ERM net, with their checks."""
    results, checks = {}, []
    # post-hoc LA through the library's wrapper of the fitted net, by hand too
    start = time.perf_counter()
    posthoc = LogitAdjustedClassifier(FrozenEstimator(erm), tau=1.0)
    pred = posthoc.fit(split.X_train, split.y_train).predict(split.X_test)
    results["post-hoc LA (tau=1)"] = {
        **score(split, pred, counts, config),
        "fit": None,
        "extra": time.perf_counter() - start,
    }
    manual = erm.classes_[(erm_logits - np.log(erm.priors_)).argmax(axis=1)]
    checks.append(("post-hoc LA = argmax(f - log pi)", np.mean(manual == pred)))
    # weight normalisation on the final nn.Linear
    for key, scale_bias in (
        ("weight norm (tau=1)", True),
        ("weight norm, bias unscaled", False),
    ):
        start = time.perf_counter()
        wn, norms = weight_normalised(erm, 1.0, scale_bias=scale_bias)
        wn_logits = logits_of(wn, split.X_test)
        pred = wn.classes_[wn_logits.argmax(axis=1)]
        results[key] = {
            **score(split, pred, counts, config),
            "fit": None,
            "extra": time.perf_counter() - start,
        }
        if scale_bias:
            err = np.max(np.abs(wn_logits - erm_logits / norms))
            checks.append(("WN logits = ERM logits / ||w_y||", err < 1e-3))
            results[key]["norms"] = norms
    return results, checks


def run_cell(name, seed, quick, device):
    """Every row on one (data set, seed): scores, checks, data description."""
    config = dataset_config(name, quick)
    split = load_data(name, seed, quick)
    classes, n_train = np.unique(split.y_train, return_counts=True)
    counts = dict(zip(classes.tolist(), n_train.tolist()))
    results, logits = {}, {}
    for row in TRAINED:
        net, logits[row], results[row] = _fit_row(
            row, config, seed, device, split, counts
        )
        if row == "ERM":
            posthoc, checks = _posthoc_rows(net, logits[row], split, counts, config)
            results.update(posthoc)
    # LA loss (tau=1) and balanced softmax are the same loss: same seed, same net
    gap = np.max(np.abs(logits["LA loss (tau=1)"] - logits["balanced softmax"]))
    checks.append(("LA loss logits == balanced softmax logits (max abs diff)", gap))
    print(
        f"  {name} seed {seed}: "
        + ", ".join(f"{r} {100 * results[r]['bacc']:.1f}" for r in ROWS),
        flush=True,
    )
    return {
        "results": results,
        "checks": checks,
        "describe": describe(split),
        "counts": n_train,
        "test_counts": np.unique(split.y_test, return_counts=True)[1],
    }


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------


def _pm(values, scale=100.0, digits=1):
    """Mean ± std (scaled), None and NaN left out; — when none is left."""
    return mean_std(values, scale=scale, digits=digits, empty="—")


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
        "- Checks: post-hoc LA through `LogitAdjustedClassifier(FrozenEstimator"
        "(net), tau=1)` agrees with "
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
        set) and ``load_before`` (1-minute load average at the start).
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
        f"- machine: {machine_info('skorch', 'sklearn-la')}; "
        f"{torch_info(config.device)}",
        f"- {load_line(timing['load_before'])}",
    ]
    return "\n".join(lines), results


def _options(parser):
    parser.add_argument(
        "--datasets", nargs="+", default=None, choices=CHOICES,
        help=f"default: {' '.join(DATASETS)}",
    )  # fmt: skip
    parser.add_argument(
        "--threads", type=int, default=1, help="torch intra-op threads (default 1)"
    )


def run(config):
    """Every data set over the seeds, then the page; see the module docstring."""
    datasets = config.datasets or DATASETS
    warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
    torch.set_num_threads(config.threads)
    timing = {
        "started": datetime.datetime.now(datetime.timezone.utc),
        "load_before": load_average(),
    }
    t0 = time.perf_counter()
    all_cells, per_dataset, configs = {}, {}, {}
    for name in datasets:
        t_data = time.perf_counter()
        all_cells[name] = [
            run_cell(name, seed, config.quick, config.device)
            for seed in range(config.seeds)
        ]
        per_dataset[name] = time.perf_counter() - t_data
        configs[name] = dataset_config(name, config.quick)
        configs[name]["drw_epoch"] = drw_epoch(configs[name]["epochs"])
    timing.update(runtime=time.perf_counter() - t0, per_dataset=per_dataset)
    body, results = page_body(all_cells, configs, timing, config)
    return Page(body, result=results)


BENCHMARK = Benchmark(
    name="neural",
    title="Neural long-tail table",
    run=run,
    options=_options,
    tiny=("--datasets", "digits-LT", "--seeds", "1"),
    seeds=(3, 3),
    device=True,
    torch=True,
)
