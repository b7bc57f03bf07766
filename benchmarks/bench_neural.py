"""Neural long-tail table: logit adjustment against its baselines (issue 5, part 3).

For each data set and seed, one network architecture, optimiser, number of
epochs and batch size (the same budget) is trained with each training loss
of ``sklearn_la.LogitAdjustedNet``, and the held-out balanced accuracy and
many / medium / few-shot accuracy are recorded. Rows:

- ``ERM``: ``loss="cross_entropy"``;
- ``post-hoc LA (tau=1)``: the fitted ERM net itself with ``posthoc_tau=1``
  (``argmax_y f_y(x) - log pi_y``); no extra training;
- ``LA loss (tau=1)``: ``loss="logit_adjusted"``;
- ``balanced softmax``: ``loss="balanced_softmax"`` (Ren et al. 2020; the
  same loss as the LA loss with tau=1, so with the same seed the two rows
  should coincide up to floating-point noise: a check, not an extra method);
- ``LDAM + DRW``: ``loss="ldam"`` (margins ``0.5 * (n_min / n_y)^(1/4)``,
  logit scale ``s=1`` since the last layer is an ordinary, unnormalised
  ``nn.Linear``) with deferred re-weighting (class-balanced weights,
  beta=0.9999) switched on for the last quarter of the epochs
  (``criterion__drw_epoch = epochs - ceil(epochs / 4)``);
- ``class-balanced``: ``loss="class_balanced"`` (Cui et al. 2019, softmax
  cross-entropy, beta=0.9999);
- ``focal``: ``loss="focal"`` (gamma=2);
- ``weight norm (tau=1)``: post-hoc weight normalisation of the fitted ERM
  net: the final ``nn.Linear``'s row of class ``y`` (its weights *and* its
  bias) is divided by ``||w_y||^tau``, i.e. the class score is
  ``(w_y . phi(x) + b_y) / ||w_y||``; no extra training. The variant that
  leaves the bias unscaled is reported as an extra row.

Data sets and nets:

- ``Fashion-MNIST-LT`` (``benchmarks/_fashion.py``, built exactly as
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

Usage::

    python benchmarks/bench_neural.py              # full run, 5-7 min on 2 shared CPU cores
    python benchmarks/bench_neural.py --quick      # < 1 min; writes nothing unless --out
    python benchmarks/bench_neural.py --device cuda
"""

from __future__ import annotations

import argparse
import copy
import datetime
import math
import os
import platform
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
import torch
from sklearn.preprocessing import StandardScaler
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import TABULAR, MissingDependencyError, describe, load_split
from _fashion import load_fashion_mnist_lt

from sklearn_la import LogitAdjustedNet
from sklearn_la.metrics import balanced_error, group_accuracy

RESULTS_DIR = Path(__file__).resolve().parent / "results"
FASHION = "Fashion-MNIST-LT"
DATASETS = (FASHION,) + TABULAR
CHOICES = DATASETS + ("digits-LT",)

# Rows, in table order: name -> how it is obtained.
TRAINED = ("ERM", "LA loss (tau=1)", "balanced softmax", "LDAM + DRW",
           "class-balanced", "focal")  # fmt: skip
POSTHOC = ("post-hoc LA (tau=1)", "weight norm (tau=1)", "weight norm, bias unscaled")
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
        "ERM": dict(loss="cross_entropy"),
        "LA loss (tau=1)": dict(loss="logit_adjusted", tau=1.0),
        "balanced softmax": dict(loss="balanced_softmax"),
        "LDAM + DRW": dict(
            loss="ldam",
            criterion__max_m=LDAM_MAX_M,
            criterion__s=LDAM_S,
            criterion__drw_epoch=drw_epoch(epochs),
            criterion__beta=BETA,
        ),
        "class-balanced": dict(loss="class_balanced", criterion__beta=BETA),
        "focal": dict(loss="focal", criterion__gamma=FOCAL_GAMMA),
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
    """A copy of the fitted ``net`` whose final layer rows are divided by ``||w_y||^tau``.

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


def run_cell(name, seed, quick, device, log):
    config = dataset_config(name, quick)
    split = load_data(name, seed, quick)
    classes, n_train = np.unique(split.y_train, return_counts=True)
    counts = dict(zip(classes.tolist(), n_train.tolist()))
    results, checks = {}, []
    logits = {}
    for row in TRAINED:
        net = make_net(row, config, seed, device)
        start = time.perf_counter()
        net.fit(split.X_train, split.y_train)
        fit_time = time.perf_counter() - start
        start = time.perf_counter()
        logits[row] = logits_of(net, split.X_test)
        pred = net.classes_[logits[row].argmax(axis=1)]
        results[row] = {**score(split, pred, counts, config), "fit": fit_time}
        if row == "LDAM + DRW":
            crit = net.criterion_
            if not (crit.drw_active and crit.epoch == config["epochs"] - 1):
                raise AssertionError(
                    f"DRW not active at the last epoch ({crit.epoch}, "
                    f"drw_epoch={crit.drw_epoch})"
                )
        if row != "ERM":
            continue
        erm = net
        # post-hoc LA through the library (posthoc_tau), checked by hand
        start = time.perf_counter()
        erm.set_params(posthoc_tau=1.0)
        pred = erm.predict(split.X_test)
        erm.set_params(posthoc_tau=0.0)
        results["post-hoc LA (tau=1)"] = {
            **score(split, pred, counts, config),
            "fit": None,
            "extra": time.perf_counter() - start,
        }
        manual = erm.classes_[(logits["ERM"] - np.log(erm.priors_)).argmax(axis=1)]
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
                err = np.max(np.abs(wn_logits - logits["ERM"] / norms))
                checks.append(("WN logits = ERM logits / ||w_y||", err < 1e-3))
                results[key]["norms"] = norms
    # LA loss (tau=1) and balanced softmax are the same loss: same seed, same net
    gap = np.max(np.abs(logits["LA loss (tau=1)"] - logits["balanced softmax"]))
    checks.append(("LA loss logits == balanced softmax logits (max abs diff)", gap))
    log(
        f"  {name} seed {seed}: "
        + ", ".join(f"{r} {100 * results[r]['bacc']:.1f}" for r in ROWS)
    )
    return {
        "results": results,
        "checks": checks,
        "describe": describe(split),
        "counts": n_train,
        "test_counts": np.unique(split.y_test, return_counts=True)[1],
    }


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------


def _pm(values, scale=100.0, digits=1):
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
    lines = [
        "| method | balanced acc. (%) | Δ vs ERM (pp) | beats ERM (seeds) "
        "| many (%) | medium (%) | few (%) | fit time (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    best = max(summary[r]["bacc"].mean() for r in ROWS)
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
        groups = [_pm(s[g]) for g in GROUPS]
        lines.append(
            f"| {row} | {bacc} | {delta} | {wins} | "
            + " | ".join(groups)
            + f" | {fit} |"
        )
    return "\n".join(lines)


def verdict(name, summary, n_seeds):
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
    from importlib.metadata import PackageNotFoundError, version

    import skorch

    try:
        la_version = version("sklearn-la")
    except PackageNotFoundError:  # pragma: no cover
        la_version = "?"
    dev = device
    if device.startswith("cuda") and torch.cuda.is_available():
        dev = f"{device} ({torch.cuda.get_device_name(0)})"
    return [
        f"- machine: {platform.platform()}, {platform.machine()}, "
        f"{os.cpu_count()} logical CPUs; device: {dev}; torch threads: "
        f"{torch.get_num_threads()} (intra-op), {torch.get_num_interop_threads()} "
        "(inter-op)",
        f"- versions: Python {platform.python_version()}, torch {torch.__version__}, "
        f"skorch {skorch.__version__}, scikit-learn {sklearn.__version__}, numpy "
        f"{np.__version__}, sklearn-la {la_version}",
    ]


def _load():
    try:
        return os.getloadavg()[0]
    except OSError:  # pragma: no cover
        return float("nan")


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny subsets and 2 epochs (< 1 min); writes nothing unless --out",
    )
    parser.add_argument(
        "--device", default="cpu", help="torch device: cpu (default), cuda, cuda:0"
    )
    parser.add_argument(
        "--seeds", type=int, default=3, help="number of seeds (default 3)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"output folder for bench_neural.md (default: {RESULTS_DIR} for a "
        "full run; a --quick run writes nothing unless given)",
    )
    parser.add_argument(
        "--datasets", nargs="+", default=None, choices=CHOICES,
        help=f"default: {' '.join(DATASETS)}",
    )  # fmt: skip
    parser.add_argument(
        "--threads", type=int, default=1, help="torch intra-op threads (default 1)"
    )
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be >= 1")
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        parser.error(f"--device {args.device}: torch sees no CUDA device")
    # Thread count and warning filters are process-wide: restore them, so that
    # benchmarks/run.py's later parts (same process) are unaffected.
    threads = torch.get_num_threads()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message="y_pred contains classes not in y_true"
            )
            torch.set_num_threads(args.threads)
            return _run(args, argv)
    finally:
        torch.set_num_threads(threads)


def _run(args, argv):
    datasets = args.datasets or DATASETS
    out_dir = (
        args.out if args.out is not None else (None if args.quick else RESULTS_DIR)
    )
    argv_list = list(argv) if argv is not None else sys.argv[1:]
    command = shlex.join(["python", "benchmarks/bench_neural.py", *argv_list])

    def log(msg):
        print(msg, flush=True)

    load_before = _load()
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    all_cells, timings = {}, {}
    for name in datasets:
        t_data = time.perf_counter()
        try:
            all_cells[name] = [
                run_cell(name, seed, args.quick, args.device, log)
                for seed in range(args.seeds)
            ]
        except MissingDependencyError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        timings[name] = time.perf_counter() - t_data
    runtime = time.perf_counter() - t0
    load_after = _load()

    md = [
        "# Neural long-tail table (benchmarks/bench_neural.py)",
        "",
        (
            f"Held-out balanced accuracy (%) and many / medium / few-shot accuracy "
            f"(mean per-class recall of each group), mean ± std (ddof=0) over "
            f"{args.seeds} seeds; each seed draws its own data and initial weights, "
            "shared by every row. `Δ vs ERM`: paired difference with the ERM net of "
            "the same seed, in percentage points; `beats ERM`: seeds on which the "
            "row is strictly higher. Bold: best mean. Fit time: training only "
            "(the post-hoc rows reuse the ERM net and cost one prediction pass)."
        ),
        "",
    ]
    results = {}
    for name in datasets:
        cells = all_cells[name]
        config = dataset_config(name, args.quick)
        summary = summarise(cells)
        results[name] = summary
        table = render_table(summary, args.seeds)
        groups = (
            f"many > {config['many']}, medium {config['few']}-{config['many']}, "
            f"few < {config['few']} training samples"
        )
        counts = np.sort(cells[0]["counts"])[::-1]
        n_groups = [
            int(np.sum(counts > config["many"])),
            int(np.sum((counts >= config["few"]) & (counts <= config["many"]))),
            int(np.sum(counts < config["few"])),
        ]
        print(f"\n## {name}\n\n{table}\n")
        la_gap = max(c["checks"][-1][1] for c in cells)
        posthoc_agree = min(c["checks"][0][1] for c in cells)
        wn_ok = all(c["checks"][1][1] for c in cells)
        norms = np.mean(
            [c["results"]["weight norm (tau=1)"]["norms"] for c in cells], 0
        )
        order = np.argsort(cells[0]["counts"])[::-1]
        md += [
            f"## {name}",
            "",
            f"Net: {config['module_desc']}; {config['epochs']} epochs, batch 128, "
            f"SGD momentum 0.9, weight decay 5e-4, lr {config['lr']} cosine-annealed; "
            f"LDAM's DRW from epoch {drw_epoch(config['epochs']) + 1} of "
            f"{config['epochs']}. Groups: {groups} ({n_groups[0]} / {n_groups[1]} / "
            f"{n_groups[2]} classes). Wall time for this data set: "
            f"{timings[name]:.0f} s.",
            "",
            f"Data (seed 0): {cells[0]['describe']}; test class sizes "
            f"{cells[0]['test_counts'].min()} to {cells[0]['test_counts'].max()} "
            f"({len(cells[0]['test_counts'])} classes in the test set).",
            "",
            *([FASHION_NOTE, ""] if name == FASHION else []),
            table,
            "",
            *verdict(name, summary, args.seeds),
            (
                f"- Checks: post-hoc LA through `posthoc_tau=1` agrees with "
                f"`argmax(f - log pi)` on {100 * posthoc_agree:.2f}% of test points "
                f"(worst seed); weight-normalised logits equal ERM logits / "
                f"||w_y||: {'yes' if wn_ok else 'NO'}; LA loss vs balanced softmax "
                f"logits, max abs difference {la_gap:.1e}."
            ),
            (
                "- ERM last-layer row norms ||w_y|| (mean over seeds, head to "
                "tail class): " + ", ".join(f"{n:.2f}" for n in norms[order]) + "."
            ),
            "",
        ]
    overall = []
    for row in ("LA loss (tau=1)", "post-hoc LA (tau=1)"):
        won = [
            n
            for n in datasets
            if results[n][row]["bacc"].mean() > results[n]["ERM"]["bacc"].mean()
        ]
        lost = [n for n in datasets if n not in won]
        overall.append(
            f"- {row} beats ERM in mean balanced accuracy on {len(won)} of "
            f"{len(datasets)} data sets"
            + (f"; not on: {', '.join(lost)}." if lost else " (all).")
        )
    md += [
        "## Summary",
        "",
        "Paper's expectation (Menon et al. 2021): the LA loss and post-hoc LA beat ERM "
        "in balanced accuracy for the same net and budget.",
        "",
        *overall,
        "",
        "## Run",
        "",
        f"- command: `{command}`",
        f"- date: {started:%Y-%m-%d %H:%M} UTC; total runtime {runtime:.0f} s "
        f"({', '.join(f'{n} {t:.0f} s' for n, t in timings.items())})",
        *machine_info(args.device),
        f"- load average (1 min) before / after: {load_before:.2f} / {load_after:.2f} "
        "(this run accounts for about 1; more means other processes shared the CPUs, "
        "which inflates the fit times)",
        "",
    ]
    print("\n".join(md[md.index("## Summary") :]))
    print(f"total runtime {runtime:.1f} s")
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / "bench_neural.md"
        path.write_text("\n".join(md))
        print(f"wrote {path}")
    return results


if __name__ == "__main__":
    result = main()
    sys.exit(result if isinstance(result, int) else 0)
