"""Paired timings and peak memory: how the speed benchmarks measure a ratio.

Every round times each side once, back to back, in a rotating order, so the
samples of one round saw the same machine load; a ratio is the median of the
per-round ratios, robust to load that drifts over a run on a shared machine.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc


def paired_rounds(functions, repeats, *, inner=1, warmup=0):
    """Seconds per call of each function, one sample per round.

    Parameters
    ----------
    functions : dict of str to callable
        The sides, called without arguments.
    repeats : int
        Rounds; each gives one sample of every side.
    inner : int, default=1
        Calls per sample (their mean is the sample).
    warmup : int, default=0
        Untimed calls of each side first (allocator, dispatcher caches).

    Returns
    -------
    dict of str to list of float
    """
    for function in functions.values():
        for _ in range(warmup):
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


def paired_ratio(ours, baseline):
    """Median over rounds of ``ours / baseline`` (samples of the same rounds)."""
    return statistics.median(o / b for o, b in zip(ours, baseline, strict=True))


def verdict(ratio, target):
    """A table cell: ``yes`` when ``ratio`` meets ``target``, else a bold no."""
    return "yes" if ratio <= target else "**no**"


def peak(func):
    """Peak bytes traced while ``func()`` runs above what was held before, and
    its seconds."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        start = time.perf_counter()
        func()
        seconds = time.perf_counter() - start
        _, top = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return top - before, seconds
