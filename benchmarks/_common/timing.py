"""Paired timings and peak memory: how the speed benchmarks measure a ratio.

Every round times each side once, back to back, in a rotating order, so the
samples of one round saw the same machine load; a ratio is the median of the
per-round ratios, robust to load that drifts over a run on a shared machine.
"""

from __future__ import annotations

import ctypes
import ctypes.util
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


def pin_glibc_malloc():
    """Serve every tensor from the heap instead of fresh ``mmap`` pages.

    glibc maps allocations above a (moving) threshold with ``mmap`` and gives
    them back on free, so a 1 MB tensor can cost 256 page faults per call,
    depending on what ran just before. That made the K=1000 rows swing by
    +-20% between runs and with the order of the sides. Pinning both
    thresholds (as ``MALLOC_MMAP_THRESHOLD_`` would) times the kernels, and
    applies to both sides alike. It lasts for the rest of the process, so
    ``run.py`` runs the losses benchmark, which pins it, last; ``--quick``
    runs skip it. Returns a line for the report.
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
