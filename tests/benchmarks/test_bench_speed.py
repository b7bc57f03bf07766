"""The speed benchmarks (``benchmarks/speed``) at their smallest sizes.

The tuning and scale results are checked on the tiny runs of
tests/benchmarks/test_bench_suite.py (``RESULT_CHECKS``).
"""

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from _common import runner

pytestmark = pytest.mark.benchmark

BENCH = Path(runner.__file__).resolve().parents[1]


def test_loss_benchmark_holds_each_shifted_loss_to_the_floor(capsys):
    pytest.importorskip("skorch")
    from speed import losses

    outcome = runner.run(losses.BENCHMARK, ["--tiny", "--no-write"])
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith("| batch 256")]
    # The target table and the information table: float32 rows and a
    # bfloat16 autocast row each.
    assert len(rows) == 2 * 3 and sum("bfloat16 autocast" in r for r in rows) == 2
    for row in outcome.result["losses"]:
        for name in losses.SHIFTED:
            assert row["ratios"][name] > 0
    for row in rows[:3]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        # name, time, ratio to the floor, verdict, for each shifted loss.
        for ratio, verdict in ((cells[5], cells[6]), (cells[8], cells[9])):
            # The printed ratio is rounded: only a clear side of 1.05 is checked.
            if abs(float(ratio) - 1.05) > 1e-3:
                assert verdict == ("yes" if float(ratio) <= 1.05 else "**no**")
    for row in outcome.result["fits"]:
        assert row["ratio"] > 0
    assert "<= 1.03" in printed
    # A smoke run leaves the (pytest) process's allocator alone.
    assert "- allocator: default" in printed


def test_allocator_pinning_reports_what_it_pinned():
    # In a child process: the pinning lasts for the rest of the process. The
    # child runs in benchmarks/, where `python -c` finds the package `_common`.
    code = "from _common.timing import pin_glibc_malloc; print(pin_glibc_malloc())"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BENCH,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if platform.libc_ver()[0] == "glibc":
        assert "mmap threshold 64 MiB and trim threshold 256 MiB pinned" in out
    else:
        assert out.startswith("allocator: default")
