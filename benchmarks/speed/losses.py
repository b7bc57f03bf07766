"""Overhead of logit adjustment in torch: the loss modules, and the skorch estimator.

Every ratio is paired, in one process (:mod:`_common.timing`).

1. Loss modules, forward + backward on logits of batch 256 with K in {10,
   100, 1000, 8142} classes (8142: iNaturalist 2018), float32, plus a
   ``torch.autocast("cpu", dtype=torch.bfloat16)`` row on bfloat16 logits.
   The "floor" is a bare module whose forward is
   ``F.cross_entropy(logits + shift, target)``, with no checks: what any
   unfused implementation pays. Target (issue #15): every loss module that is
   a shifted cross-entropy (``LogitAdjustedLoss``, ``BalancedSoftmaxLoss``)
   <= 1.05x the floor. The other loss modules of :mod:`sklearn_la.nn` do more
   maths than one add; their ratio to ``nn.CrossEntropyLoss`` is reported for
   information.
2. ``LogitAdjustedNet.fit`` over ``skorch.NeuralNetClassifier.fit`` with the
   same module (``TabularMLP``), data, optimizer and budget. Target <= 1.03.
   The net runs with its default criterion, ``LogitAdjustedLoss``, and with
   ``criterion=nn.CrossEntropyLoss``, the baseline's loss: that row separates
   the estimator's own overhead from the loss's.

No fused kernel: the shift is one elementwise add and autograd node. A full
run takes a few minutes, ``--quick`` a few seconds.
"""

import datetime
import statistics

import numpy as np
import torch
from skorch import NeuralNetClassifier
from torch import nn
from torch.nn import functional as F

from sklearn_la.nn import (
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    LogitAdjustedNet,
    PairwiseMarginLoss,
    TabularMLP,
)

from _common.machine import load_average, load_line, machine_info, torch_info
from _common.render import Page, table
from _common.runner import Benchmark
from _common.timing import paired_ratio, paired_rounds, pin_glibc_malloc, verdict

LOSS_TARGET = 1.05  # each shifted cross-entropy module vs the floor
FIT_TARGET = 1.03  # LogitAdjustedNet.fit vs NeuralNetClassifier.fit
# Loss modules held to the floor: a cross-entropy of logits plus a shift.
SHIFTED = ("LogitAdjustedLoss", "BalancedSoftmaxLoss")
# Loss modules reported against nn.CrossEntropyLoss, for information.
OTHERS = ("PairwiseMarginLoss", "FocalLoss", "ClassBalancedLoss", "LDAMLoss",
          "EqualizationLoss")  # fmt: skip
# PairwiseMarginLoss keeps a K x K float64 margin matrix (530 MB at K=8142).
PAIRWISE_MAX_K = 1000


def _long_tailed_priors(n_classes, ratio=100.0):
    """Exponential profile: class k has frequency proportional to ratio^(-k/(K-1))."""
    return ratio ** (-np.arange(n_classes) / (n_classes - 1))


class _BareShiftedCrossEntropy(nn.Module):
    """``F.cross_entropy(logits + shift, target)`` and nothing else.

    A module, like the baseline, so that both pay the same call overhead and
    the difference is the add and its autograd node alone.
    """

    def __init__(self, shift):
        super().__init__()
        self.register_buffer("shift", shift)

    def forward(self, logits, target):
        return F.cross_entropy(logits + self._buffers["shift"], target)


def _loss_modules(n_classes, shift):
    """Every loss module of the table, built for ``n_classes`` long-tailed classes."""
    priors = _long_tailed_priors(n_classes)
    counts = np.maximum(np.round(1000 * priors / priors.max()), 1)
    modules = {
        "cross_entropy": nn.CrossEntropyLoss(),
        "floor": _BareShiftedCrossEntropy(shift),
        "LogitAdjustedLoss": LogitAdjustedLoss(priors),
        "BalancedSoftmaxLoss": BalancedSoftmaxLoss(priors),
        "FocalLoss": FocalLoss(gamma=2.0),
        "ClassBalancedLoss": ClassBalancedLoss(counts, beta=0.999),
        "LDAMLoss": LDAMLoss(counts),
        "EqualizationLoss": EqualizationLoss(priors),
    }
    if n_classes <= PAIRWISE_MAX_K:
        log_p = np.log(priors / priors.sum())
        modules["PairwiseMarginLoss"] = PairwiseMarginLoss(
            log_p[None, :] - log_p[:, None]
        )
    return modules


def _rounds_for(n_classes, repeats, inner):
    """Fewer calls for the large K, whose calls are long: similar time per row."""
    scale = max(1, n_classes // 100)
    return max(10, repeats // min(scale, 8)), max(1, inner // scale)


def bench_losses(configs, batch_size, repeats, inner):
    """Paired fwd+bwd times of every loss module; one row per (K, dtype)."""
    rows = []
    for n_classes, dtype in configs:
        gen = torch.Generator().manual_seed(n_classes)
        base = torch.randn(batch_size, n_classes, generator=gen).to(dtype)
        target = torch.randint(0, n_classes, (batch_size,), generator=gen)
        # The floor adds the same centred shift as the LA loss, in the logits'
        # dtype, precomputed.
        log_p = np.log(_long_tailed_priors(n_classes))
        shift = torch.as_tensor(log_p - log_p.max()).to(dtype)
        criteria = _loss_modules(n_classes, shift)
        autocast = dtype == torch.bfloat16

        def step(criterion, base=base, target=target, autocast=autocast):
            logits = base.detach().requires_grad_(True)
            if autocast:
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    loss = criterion(logits, target)
            else:
                loss = criterion(logits, target)
            loss.backward()

        n_rounds, n_inner = _rounds_for(n_classes, repeats, inner)
        times = paired_rounds(
            {name: (lambda c=c: step(c)) for name, c in criteria.items()},
            n_rounds,
            inner=n_inner,
            # The allocator's and the dispatcher's caches warm up first.
            warmup=5 * n_inner,
        )
        precision = "bfloat16 autocast" if autocast else "float32"
        rows.append(
            {
                "label": f"batch {batch_size}, K={n_classes}, {precision}",
                "times": times,
                "calls": (n_rounds, n_inner),
            }
        )
    return rows


def bench_fit(n_samples, n_features, n_classes, max_epochs, repeats):
    rng = np.random.default_rng(0)
    priors = _long_tailed_priors(n_classes)
    y = rng.choice(n_classes, size=n_samples, p=priors / priors.sum()).astype(np.int64)
    centres = rng.normal(scale=2.0, size=(n_classes, n_features))
    X = (centres[y] + rng.normal(size=(n_samples, n_features))).astype(np.float32)
    common = dict(
        max_epochs=max_epochs,
        batch_size=128,
        lr=0.05,
        train_split=None,
        verbose=0,
    )
    module = dict(module__hidden_units=64, module__n_layers=1)

    def skorch_fit():
        torch.manual_seed(0)
        NeuralNetClassifier(
            TabularMLP,
            module__input_units=n_features,
            module__output_units=n_classes,
            criterion=nn.CrossEntropyLoss,
            **module,
            **common,
        ).fit(X, y)

    def la_fit(criterion):
        torch.manual_seed(0)
        LogitAdjustedNet(TabularMLP, criterion=criterion, **module, **common).fit(X, y)

    # The net's default criterion, and plain cross-entropy.
    criteria = {
        "LogitAdjustedLoss": LogitAdjustedLoss,
        "nn.CrossEntropyLoss": nn.CrossEntropyLoss,
    }
    times = paired_rounds(
        {
            "skorch": skorch_fit,
            **{name: (lambda c=c: la_fit(c)) for name, c in criteria.items()},
        },
        repeats,
        warmup=5,
    )
    label = f"fit, {n_samples}x{n_features}, K={n_classes}, {max_epochs} epochs"
    return [
        {
            "label": f"{label} (criterion={name})",
            "baseline": times["skorch"],
            "ours": times[name],
        }
        for name in criteria
    ]


def _format_time(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def _loss_table(rows):
    """The target table: each shifted cross-entropy module against the floor."""
    head = ["logits", "CrossEntropyLoss", "floor `F.cross_entropy(x + s, y)`",
            "floor / CE"]  # fmt: skip
    for name in SHIFTED:
        head += [name, f"{name} / floor", f"<= {LOSS_TARGET}"]
    cells = []
    for row in rows:
        times = row["times"]
        cell = [
            row["label"],
            _format_time(statistics.median(times["cross_entropy"])),
            _format_time(statistics.median(times["floor"])),
            f"{paired_ratio(times['floor'], times['cross_entropy']):.3f}",
        ]
        for name in SHIFTED:
            ratio = paired_ratio(times[name], times["floor"])
            row.setdefault("ratios", {})[name] = ratio
            cell += [
                _format_time(statistics.median(times[name])),
                f"{ratio:.3f}",
                verdict(ratio, LOSS_TARGET),
            ]
        cells.append(cell)
    return table(head, cells)


def _others_table(rows):
    """For information: every other loss module against nn.CrossEntropyLoss."""
    head = ["logits", *(f"{name} / CE" for name in OTHERS)]
    cells = []
    for row in rows:
        times = row["times"]
        cells.append(
            [row["label"]]
            + [
                f"{paired_ratio(times[n], times['cross_entropy']):.2f}"
                if n in times
                else f"n/a (K > {PAIRWISE_MAX_K})"
                for n in OTHERS
            ]
        )
    return table(head, cells)


def _fit_table(rows):
    head = ["measurement", "NeuralNetClassifier", "LogitAdjustedNet", "ratio",
            f"<= {FIT_TARGET}"]  # fmt: skip
    cells = []
    for row in rows:
        ratio = paired_ratio(row["ours"], row["baseline"])
        row["ratio"] = ratio
        cells.append(
            (
                row["label"],
                _format_time(statistics.median(row["baseline"])),
                _format_time(statistics.median(row["ours"])),
                f"{ratio:.3f}",
                verdict(ratio, FIT_TARGET),
            )
        )
    return table(head, cells)


def _environment(load_before, repeats, allocator):
    now = datetime.datetime.now(datetime.timezone.utc)
    loss_repeats, loss_inner, fit_repeats = repeats
    return "\n".join(
        [
            f"- date: {now:%Y-%m-%d %H:%M UTC}",
            f"- machine: {machine_info('skorch')}; {torch_info()}",
            f"- {load_line(load_before)}",
            f"- repeats: {loss_repeats} rounds x {loss_inner} calls per loss "
            "measurement at K <= 100, fewer at larger K (about the same time per "
            f"row), {fit_repeats} fits per estimator",
            "- device: CPU only. No GPU was available to this run; the GPU table is "
            "left for a machine that has one (`--device` is not taken yet).",
            f"- {allocator}",
        ]
    )


def _options(parser):
    parser.add_argument(
        "--threads", type=int, default=1, help="torch intra-op threads (default 1)"
    )
    parser.add_argument(
        "--default-malloc",
        action="store_true",
        help="leave glibc's mmap threshold alone (noisier at K=1000)",
    )


def run(config):
    """Both tables; see the module docstring."""
    if config.default_malloc or config.quick:
        # A smoke run (also the one run.py --tiny makes inside pytest) leaves
        # the process's allocator as it found it.
        allocator = "allocator: default"
    else:
        allocator = pin_glibc_malloc()
    repeats = (10, 2, 1) if config.quick else (300, 20, 15)
    loss_repeats, loss_inner, fit_repeats = repeats
    torch.set_num_threads(config.threads)
    load_before = load_average()

    grid = (10, 100) if config.tiny else (10, 100, 1000, 8142)
    configs = [(k, torch.float32) for k in grid] + [(grid[-1], torch.bfloat16)]
    losses = bench_losses(configs, 256, loss_repeats, loss_inner)
    fits = bench_fit(
        n_samples=500 if config.quick else 4000,
        n_features=32,
        n_classes=10,
        max_epochs=1 if config.quick else 5,
        repeats=fit_repeats,
    )
    body = "\n".join(
        [
            "Times are medians; a ratio is the median of per-round ratios, each "
            "round timing every side back to back in one process.",
            "",
            "## Loss modules: forward + backward against the floor",
            "",
            f"Target: each shifted cross-entropy module <= {LOSS_TARGET}x the "
            "floor, a bare module computing `F.cross_entropy(x + s, y)` with no "
            "checks, timed in the same rounds (the extra add and autograd node "
            "that any unfused implementation pays). The bfloat16 row runs every "
            'module on bfloat16 logits under `torch.autocast("cpu", '
            "dtype=torch.bfloat16)`.",
            "",
            _loss_table(losses),
            "",
            "The other loss modules of `sklearn_la.nn`, against "
            "`nn.CrossEntropyLoss` (information; their maths is more than one "
            "add, so they have no floor of their own):",
            "",
            _others_table(losses),
            "",
            "## `LogitAdjustedNet.fit` against `NeuralNetClassifier.fit`",
            "",
            f"Target: ratio <= {FIT_TARGET}, same module (`TabularMLP`), data, "
            "optimizer and budget.",
            "",
            _fit_table(fits),
            "",
            _environment(load_before, repeats, allocator),
        ]
    )
    return Page(body, result={"losses": losses, "fits": fits})


BENCHMARK = Benchmark(
    name="losses",
    title="Overhead of logit adjustment",
    run=run,
    options=_options,
    torch=True,
)
