"""Tests of sklearn_la.datasets: long-tailed subsampling, the paper's synthetic data."""

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import balanced_accuracy_score

from sklearn_la.datasets import (
    BAYES_BALANCED_ERROR_SYNTHETIC,
    make_long_tailed,
    make_paper_synthetic,
)


def _balanced(n_classes, n_per_class, labels=None):
    labels = np.arange(n_classes) if labels is None else np.asarray(labels)
    y = np.repeat(labels, n_per_class)
    # Row i holds i, so the output's rows can be traced back to the input.
    X = np.arange(y.size).reshape(-1, 1)
    return X, y


def _class_sizes(y):
    return np.unique(y, return_counts=True)[1]


# -- make_long_tailed: sizes -------------------------------------------------------


@pytest.mark.parametrize(
    "n_classes, n_per_class, expected_total",
    [(10, 5000, 12406), (100, 500, 10847)],
    ids=["CIFAR-10-LT", "CIFAR-100-LT"],
)
def test_exponential_profile_reproduces_cifar_lt_sizes(
    n_classes, n_per_class, expected_total
):
    X, y = _balanced(n_classes, n_per_class)
    _, y_lt = make_long_tailed(X, y, 100, random_state=0)
    sizes = _class_sizes(y_lt)
    assert sizes.sum() == expected_total
    assert sizes[0] == n_per_class
    assert sizes[-1] == n_per_class // 100


@settings(max_examples=60, deadline=None)
@given(
    n_classes=st.integers(2, 12),
    n_max=st.integers(1, 80),
    ratio=st.floats(1.0, 500.0),
)
def test_exponential_sizes_are_monotone_and_span_the_ratio(n_classes, n_max, ratio):
    X, y = _balanced(n_classes, n_max)
    _, y_lt = make_long_tailed(X, y, ratio, random_state=0)
    sizes = _class_sizes(y_lt)
    assert sizes.shape == (n_classes,)  # no class vanishes
    assert sizes[0] == n_max
    assert np.all(np.diff(sizes) <= 0)
    assert sizes[-1] == max(1, math.floor(n_max / ratio + 1e-9))
    k = np.arange(n_classes)
    ideal = n_max * ratio ** (-k / (n_classes - 1))
    # Floor and the one-sample minimum keep every size within one of the ideal curve.
    assert np.all(np.abs(sizes - ideal) < 1 + 1e-9)


@settings(max_examples=40, deadline=None)
@given(
    n_classes=st.integers(2, 9), n_max=st.integers(1, 60), ratio=st.floats(1.0, 100.0)
)
def test_step_profile_keeps_head_half_at_n_max_and_tail_at_n_max_over_ratio(
    n_classes, n_max, ratio
):
    X, y = _balanced(n_classes, n_max)
    _, y_lt = make_long_tailed(X, y, ratio, profile="step", random_state=0)
    sizes = _class_sizes(y_lt)
    n_head = math.ceil(n_classes / 2)
    assert np.all(sizes[:n_head] == n_max)
    assert np.all(sizes[n_head:] == max(1, math.floor(n_max / ratio + 1e-9)))


def test_ratio_one_gives_a_balanced_subsample_of_the_smallest_class_size():
    y = np.repeat([0, 1, 2], [30, 12, 20])
    X = np.arange(y.size).reshape(-1, 1)
    _, y_lt = make_long_tailed(X, y, 1.0, random_state=0)
    np.testing.assert_array_equal(_class_sizes(y_lt), [12, 12, 12])


def test_n_max_sets_head_size_and_tail_classes_may_be_smaller_than_it():
    # The tail class has only 5 samples but needs only 50 / 10 = 5.
    y = np.repeat([0, 1, 2], [60, 40, 5])
    X = np.arange(y.size).reshape(-1, 1)
    _, y_lt = make_long_tailed(X, y, 10, n_max=50, random_state=0)
    np.testing.assert_array_equal(_class_sizes(y_lt), [50, 15, 5])


def test_classes_are_ranked_by_sorted_label_not_by_appearance():
    X, y = _balanced(3, 40, labels=["zebra", "ant", "moth"])
    _, y_lt = make_long_tailed(X, y, 4, random_state=0)
    labels, sizes = np.unique(y_lt, return_counts=True)
    assert labels.tolist() == ["ant", "moth", "zebra"]
    np.testing.assert_array_equal(sizes, [40, 20, 10])


# -- make_long_tailed: sampling and containers -------------------------------------


def test_rows_are_a_subset_in_original_order_and_stay_paired_with_labels():
    X, y = _balanced(4, 50)
    X_lt, y_lt = make_long_tailed(X, y, 20, random_state=3)
    rows = X_lt[:, 0]
    assert np.all(np.diff(rows) > 0)  # distinct rows, original order kept
    np.testing.assert_array_equal(y[rows], y_lt)


def test_random_state_makes_subsampling_reproducible():
    X, y = _balanced(5, 100)
    first = make_long_tailed(X, y, 10, random_state=7)[0]
    again = make_long_tailed(X, y, 10, random_state=7)[0]
    other = make_long_tailed(X, y, 10, random_state=8)[0]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_pandas_input_keeps_frame_series_and_index():
    pd = pytest.importorskip("pandas")
    y = pd.Series(np.repeat(["a", "b", "c"], 30), name="label")
    X = pd.DataFrame({"f": np.arange(90.0)}, index=np.arange(90) * 10)
    y.index = X.index
    X_lt, y_lt = make_long_tailed(X, y, 10, random_state=0)
    assert isinstance(X_lt, pd.DataFrame) and isinstance(y_lt, pd.Series)
    assert y_lt.name == "label"
    assert X_lt.index.equals(y_lt.index)
    assert y_lt.value_counts().to_dict() == {"a": 30, "b": 9, "c": 3}


def test_sparse_features_are_subsampled():
    X, y = _balanced(3, 20)
    X_lt, y_lt = make_long_tailed(sp.csr_matrix(X.astype(float)), y, 4, random_state=0)
    assert sp.issparse(X_lt)
    assert X_lt.shape == (y_lt.shape[0], 1)


# -- make_long_tailed: validation --------------------------------------------------


_RATIO = r"The 'imbalance_ratio' parameter of make_long_tailed must be a float in "


# validate_params raises InvalidParameterError, a TypeError and a ValueError both;
# each case names the one a caller would catch for that mistake.
@pytest.mark.parametrize(
    "ratio, error",
    [
        (0.5, ValueError),
        (np.inf, ValueError),
        (np.nan, ValueError),
        ("100", TypeError),
        (None, TypeError),
    ],
)
def test_make_long_tailed_rejects_bad_ratio(ratio, error):
    X, y = _balanced(3, 10)
    with pytest.raises(error, match=_RATIO + r"the range \[1.0, inf\)"):
        make_long_tailed(X, y, ratio)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"profile": "linear"},
            ValueError,
            # A set: its order varies from run to run.
            r"'profile' parameter of make_long_tailed must be a str among .* "
            "Got 'linear'",
        ),
        ({"n_max": 0}, ValueError, r"'n_max' parameter .* range \[1, inf\)"),
        ({"n_max": 2.5}, TypeError, r"'n_max' parameter .* an int .* Got 2.5"),
        ({"random_state": "seed"}, TypeError, "'random_state' parameter"),
        (
            {"n_max": 11},
            ValueError,
            r"Class 0 has 10 samples but .* needs 11; lower `n_max`",
        ),
    ],
)
def test_make_long_tailed_rejects_bad_options(kwargs, error, message):
    X, y = _balanced(3, 10)
    with pytest.raises(error, match=message):
        make_long_tailed(X, y, 2, **kwargs)


def test_make_long_tailed_rejects_labels_that_are_not_array_like():
    with pytest.raises(TypeError, match="'y' parameter .* array-like"):
        make_long_tailed(np.zeros((3, 1)), 7, 2)


@pytest.mark.parametrize(
    "y, message",
    [
        (np.zeros(30), "at least 2 classes"),
        (np.linspace(0, 1, 30), r"`y` must hold class labels .*'continuous'"),
        (np.zeros(29), "inconsistent numbers of samples"),
    ],
)
def test_make_long_tailed_rejects_bad_targets(y, message):
    X = np.zeros((30, 2))
    with pytest.raises(ValueError, match=message):
        make_long_tailed(X, y, 10)


# -- make_paper_synthetic ---------------------------------------------------------


def test_bayes_balanced_error_is_phi_of_minus_root_two():
    # Phi(-sqrt(2)) = erfc(sqrt(2) / sqrt(2)) / 2 = erfc(1) / 2, the paper's 7.86%.
    assert BAYES_BALANCED_ERROR_SYNTHETIC == pytest.approx(
        math.erfc(1.0) / 2, rel=1e-12
    )
    assert round(100 * BAYES_BALANCED_ERROR_SYNTHETIC, 2) == 7.86


def test_synthetic_data_follows_the_papers_distribution():
    X, y = make_paper_synthetic(100_000, random_state=0)
    assert X.shape == (100_000, 2) and y.dtype == np.int64
    assert set(np.unique(y).tolist()) == {-1, 1}
    assert np.mean(y == 1) == pytest.approx(0.05, abs=0.003)
    for label in (-1, 1):
        members = X[y == label]
        np.testing.assert_allclose(members.mean(axis=0), [label, label], atol=0.05)
        np.testing.assert_allclose(np.cov(members.T), np.eye(2), atol=0.06)


def test_bayes_rule_reaches_the_stated_balanced_error_on_synthetic_data():
    X, y = make_paper_synthetic(200_000, positive_fraction=0.3, random_state=1)
    bayes = np.where(X.sum(axis=1) > 0, 1, -1)
    error = 1 - balanced_accuracy_score(y, bayes)
    assert error == pytest.approx(BAYES_BALANCED_ERROR_SYNTHETIC, abs=0.004)


def test_synthetic_data_is_reproducible_and_fraction_is_a_parameter():
    X1, y1 = make_paper_synthetic(500, positive_fraction=0.5, random_state=4)
    X2, y2 = make_paper_synthetic(500, positive_fraction=0.5, random_state=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert 0.4 < np.mean(y1 == 1) < 0.6


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n_samples": 0}, ValueError, r"'n_samples' .* range \[1, inf\)"),
        ({"n_samples": 10.0}, TypeError, "'n_samples' parameter .* an int"),
        (
            {"positive_fraction": 0.0},
            ValueError,
            r"'positive_fraction' .* range \(0.0, 1.0\)",
        ),
        ({"positive_fraction": 1.0}, ValueError, "'positive_fraction'"),
        ({"positive_fraction": "5%"}, TypeError, "'positive_fraction'"),
        ({"positive_fraction": np.nan}, ValueError, "'positive_fraction'"),
    ],
)
def test_make_paper_synthetic_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_paper_synthetic(**kwargs)


def test_a_column_vector_y_is_read_with_sklearns_warning_and_comes_back_1d():
    from sklearn.exceptions import DataConversionWarning

    X = np.arange(400).reshape(-1, 1)
    y = np.repeat([0, 1, 2, 3], 100)
    flat = make_long_tailed(X, y, imbalance_ratio=10, random_state=0)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = make_long_tailed(X, y[:, None], imbalance_ratio=10, random_state=0)
    np.testing.assert_array_equal(column[0], flat[0])
    assert column[1].shape == flat[1].shape
    np.testing.assert_array_equal(column[1], flat[1])
