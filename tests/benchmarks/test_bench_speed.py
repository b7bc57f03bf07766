"""The speed benchmarks (``benchmarks/speed``) at their smallest sizes."""

import platform
import subprocess
import sys
from pathlib import Path

import pytest

from _common import runner

pytestmark = pytest.mark.benchmark

BENCH = Path(runner.__file__).resolve().parents[1]


def test_tuning_finds_the_same_tau_as_grid_search(tmp_path):
    from speed import tuning

    outcome = runner.run(tuning.BENCHMARK, ["--tiny", "--out", str(tmp_path)])
    assert all(r["same"] for r in outcome.result)
    assert "speed-up" in (tmp_path / "bench_tuning.md").read_text(encoding="utf-8")


def test_loss_benchmark_prints_the_floor_and_its_allocator(capsys):
    pytest.importorskip("skorch")
    from speed import losses

    runner.run(losses.BENCHMARK, ["--quick", "--no-write"])
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith("| loss")]
    assert len(rows) == 3
    for row in rows:
        # ratio, verdict and a numeric floor ratio in the last three cells.
        ratio, verdict, floor = [c.strip() for c in row.strip("|").split("|")][-3:]
        assert verdict == ("yes" if float(ratio) <= 1.10 else "no")
        assert float(floor) > 0
    # A smoke run leaves the (pytest) process's allocator alone.
    assert "- allocator: default" in printed


def test_allocator_pinning_reports_what_it_pinned():
    pytest.importorskip("skorch")
    # In a child process: the pinning lasts for the rest of the process. The
    # child runs in benchmarks/, where `python -c` finds the package `speed`.
    code = "from speed.losses import _pin_glibc_malloc; print(_pin_glibc_malloc())"
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
