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
    assert all(r["same"] for r in outcome.result["tau"])
    (family,) = outcome.result["family"]
    assert family["fits"][:2] == (20, 91)
    assert "speed-up" in (tmp_path / "bench_tuning.md").read_text(encoding="utf-8")


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


def test_scale_benchmark_measures_memory_taus_and_the_wrapper(tmp_path):
    from speed import scale

    outcome = runner.run(scale.BENCHMARK, ["--tiny", "--out", str(tmp_path)])
    result = outcome.result
    assert result["taus"]["same_scores"]
    assert {r["K"] for r in result["memory"]} == {10, 50}
    assert all(r["tuner_peak"] > 0 for r in result["memory"])
    assert {r["method"] for r in result["wrapper"]} >= {
        "wrapper predict_proba",
        "wrapper predict",
    }
    assert "Tuning memory" in (tmp_path / "bench_scale.md").read_text(encoding="utf-8")


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
