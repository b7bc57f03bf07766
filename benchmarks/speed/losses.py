"""Overhead of logit adjustment in torch: the loss, and the skorch estimator.

Two ratios, each measured in one process. Every round times both sides back
to back (in rotating order), and a ratio is the median over rounds of the
per-round ratio, so that load from other processes affects both sides alike:

1. forward + backward time of ``LogitAdjustedLoss`` over ``nn.CrossEntropyLoss``
   on float32 logits of batch 256 with K in {10, 100, 1000} classes. The
   "floor" column times a bare module whose forward is
   ``F.cross_entropy(logits + shift, target)``, with no checks: the gap
   between the floor and 1.0 is the cost of the one extra elementwise pass
   and autograd node that any unfused implementation pays, the gap between
   the floor and our ratio is this package's own overhead (argument checks,
   the cached shift);
2. ``LogitAdjustedNet.fit`` over ``skorch.NeuralNetClassifier.fit`` with the
   same module (``TabularMLP``), data, optimizer and budget. A row for
   ``LogitAdjustedNet(loss="cross_entropy")`` separates the estimator's own
   overhead from the loss's.

The target for both ratios is <= 1.10. A full run takes about a minute,
``--quick`` a few seconds.
"""

import ctypes
import ctypes.util
import datetime
import os
import platform
import statistics
import time

import numpy as np
import sklearn
import skorch
import torch
from skorch import NeuralNetClassifier
from torch import nn
from torch.nn import functional as F

from sklearn_la.nn import LogitAdjustedLoss, LogitAdjustedNet, TabularMLP

from _common.machine import load_average
from _common.render import Page, table
from _common.runner import Benchmark

TARGET = 1.10


def _long_tailed_priors(n_classes, ratio=100.0):
    """Exponential profile: class k has frequency proportional to ratio^(-k/(K-1))."""
    return ratio ** (-np.arange(n_classes) / (n_classes - 1))


def _timed_rounds(functions, repeats, inner):
    """Seconds per call of each function, one sample per round.

    Every round times each function once, in a rotating order, so that the
    samples of one round saw the same machine load and can be paired.
    """
    for function in functions.values():  # warm-up: allocator, dispatcher caches
        for _ in range(inner * 5):
            function()
    samples = {name: [] for name in functions}
    items = list(functions.items())
    for round_ in range(repeats):
        # Rotate the order, so that every side is timed in every slot.
        shift = round_ % len(items)
        for name, function in items[shift:] + items[:shift]:
            start = time.perf_counter()
            for _ in range(inner):
                function()
            samples[name].append((time.perf_counter() - start) / inner)
    return samples


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


def bench_losses(n_classes_grid, batch_size, repeats, inner):
    rows = []
    for n_classes in n_classes_grid:
        gen = torch.Generator().manual_seed(n_classes)
        base = torch.randn(batch_size, n_classes, generator=gen)
        target = torch.randint(0, n_classes, (batch_size,), generator=gen)
        adjusted = LogitAdjustedLoss(_long_tailed_priors(n_classes))
        shift = adjusted.log_priors.float()

        criteria = {
            "cross_entropy": nn.CrossEntropyLoss(),
            "logit_adjusted": adjusted,
            "floor": _BareShiftedCrossEntropy(shift),
        }

        def step(criterion, base=base, target=target):
            logits = base.detach().requires_grad_(True)
            criterion(logits, target).backward()

        times = _timed_rounds(
            {
                name: (lambda c=criterion: step(c))
                for name, criterion in criteria.items()
            },
            repeats,
            inner,
        )
        rows.append(
            (
                f"loss fwd+bwd, batch {batch_size}, K={n_classes}",
                times["cross_entropy"],
                times["logit_adjusted"],
                times["floor"],
            )
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

    def la_fit(loss):
        torch.manual_seed(0)
        LogitAdjustedNet(TabularMLP, loss=loss, **module, **common).fit(X, y)

    times = _timed_rounds(
        {
            "skorch": skorch_fit,
            "logit_adjusted": lambda: la_fit("logit_adjusted"),
            "cross_entropy": lambda: la_fit("cross_entropy"),
        },
        repeats,
        inner=1,
    )
    label = f"fit, {n_samples}x{n_features}, K={n_classes}, {max_epochs} epochs"
    return [
        (
            f"{label} (loss='logit_adjusted')",
            times["skorch"],
            times["logit_adjusted"],
            None,
        ),
        (
            f"{label} (loss='cross_entropy')",
            times["skorch"],
            times["cross_entropy"],
            None,
        ),
    ]


def _pin_glibc_malloc():
    """Serve every tensor from the heap instead of fresh ``mmap`` pages.

    glibc maps allocations above a (moving) threshold with ``mmap`` and gives
    them back on free, so a 1 MB tensor can cost 256 page faults per call,
    depending on what ran just before. That made the K=1000 rows swing by
    +-20% between runs and with the order of the sides. Pinning both
    thresholds (as ``MALLOC_MMAP_THRESHOLD_`` would) times the kernels, and
    applies to both sides alike. It lasts for the rest of the process, so
    ``run.py`` runs this part last; ``--quick`` runs skip it. Returns a line
    for the report.
    """
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return "allocator: default (mallopt unavailable)"
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    pinned = [
        name
        for name, option, value in [
            ("mmap threshold 64 MiB", m_mmap_threshold, 64 << 20),
            ("trim threshold 256 MiB", m_trim_threshold, 256 << 20),
        ]
        if mallopt(option, value)
    ]
    if not pinned:
        return "allocator: default (mallopt refused)"
    return (
        f"allocator: glibc, {' and '.join(pinned)} pinned "
        "(`--default-malloc` leaves them alone)"
    )


def _format_time(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def _paired_ratio(ours, baseline):
    """Median of per-round ratios: robust to load that drifts over the run."""
    return statistics.median(o / b for o, b in zip(ours, baseline, strict=True))


def _table(rows):
    head = ["measurement", "baseline (CrossEntropyLoss / NeuralNetClassifier)",
            "sklearn-la", "ratio", "target <= 1.10",
            "floor: `F.cross_entropy(x + s, y)`"]  # fmt: skip
    cells = []
    for label, baseline, ours, floor in rows:
        ratio = _paired_ratio(ours, baseline)
        floor = "n/a" if floor is None else f"{_paired_ratio(floor, baseline):.3f}"
        cells.append(
            (
                label,
                _format_time(statistics.median(baseline)),
                _format_time(statistics.median(ours)),
                f"{ratio:.3f}",
                "yes" if ratio <= TARGET else "no",
                floor,
            )  # fmt: skip
        )
    return table(head, cells)


def _environment(config):
    now = datetime.datetime.now(datetime.timezone.utc)
    return "\n".join(
        [
            f"- date: {now:%Y-%m-%d %H:%M UTC}",
            f"- machine: {platform.platform()}, {platform.machine()}, "
            f"{os.cpu_count()} logical CPUs, "
            f"torch threads: {torch.get_num_threads()}",
            f"- versions: Python {platform.python_version()}, "
            f"torch {torch.__version__}, "
            f"skorch {skorch.__version__}, scikit-learn {sklearn.__version__}, "
            f"numpy {np.__version__}",
            "- load average (1 min) before / after: "
            f"{config.load_before:.2f} / {load_average():.2f} "
            "(this run accounts for about 1; more means other processes shared "
            "the CPUs)",
            f"- repeats: {config.loss_repeats} x {config.loss_inner} calls per loss "
            f"measurement, {config.fit_repeats} fits per estimator",
            f"- {config.allocator}",
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
    """Both ratios; see the module docstring."""
    if config.default_malloc or config.quick:
        # A smoke run (also the one run.py --tiny makes inside pytest) leaves
        # the process's allocator as it found it.
        config.allocator = "allocator: default"
    else:
        config.allocator = _pin_glibc_malloc()
    config.loss_repeats, config.loss_inner, config.fit_repeats = (
        (20, 5, 1) if config.quick else (300, 20, 15)
    )
    torch.set_num_threads(config.threads)
    config.load_before = load_average()

    rows = bench_losses((10, 100, 1000), 256, config.loss_repeats, config.loss_inner)
    rows += bench_fit(
        n_samples=500 if config.quick else 4000,
        n_features=32,
        n_classes=10,
        max_epochs=1 if config.quick else 5,
        repeats=config.fit_repeats,
    )
    body = (
        "Times are medians; a ratio is the median of per-round ratios, each "
        "round timing both sides back to back in one process. "
        "Target: ratio <= 1.10. The floor column is a bare module computing "
        "`F.cross_entropy(x + s, y)` with no checks, timed in the same rounds: the "
        "cost of the extra add and autograd node that any unfused implementation "
        f"pays.\n\n{_table(rows)}\n\n{_environment(config)}\n"
    )
    return Page(body, result=rows)


BENCHMARK = Benchmark(
    name="losses",
    title="Overhead of logit adjustment",
    run=run,
    options=_options,
    torch=True,
)
