"""Tests of sklearn_la.metrics._classification: the long-tail metrics."""

import math
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import balanced_accuracy_score, recall_score

from sklearn_la.metrics import (
    balanced_error,
    group_accuracy,
    per_class_recall,
    worst_class_accuracy,
)

label_pairs = st.integers(min_value=1, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
        st.lists(st.integers(0, 5), min_size=n, max_size=n),
    )
)

METRICS = {
    "balanced_error": balanced_error,
    "per_class_recall": per_class_recall,
    "worst_class_accuracy": worst_class_accuracy,
    "group_accuracy": lambda y_true, y_pred: group_accuracy(
        y_true, y_pred, class_counts={0: 5, 1: 5, 2: 5, "a": 5, "b": 5}
    ),
}


# -- balanced_error --------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(label_pairs)
def test_balanced_error_is_one_minus_balanced_accuracy_and_in_unit_interval(pair):
    y_true, y_pred = pair
    with warnings.catch_warnings():
        # sklearn warns when y_pred has labels y_true lacks; irrelevant here.
        warnings.simplefilter("ignore", UserWarning)
        expected = 1 - balanced_accuracy_score(y_true, y_pred)
        error = balanced_error(y_true, y_pred)
    assert 0.0 <= error <= 1.0
    assert error == pytest.approx(expected)


def test_balanced_error_weights_classes_equally_not_samples():
    y_true = [0] * 99 + [1]
    y_pred = [0] * 100
    assert balanced_error(y_true, y_pred) == pytest.approx(0.5)


def test_balanced_error_uses_sample_weight():
    y_true = [0, 0, 1, 1]
    y_pred = [0, 1, 1, 1]
    # Weighting the misclassified class-0 sample up raises class 0's error.
    assert balanced_error(y_true, y_pred, sample_weight=[1, 3, 1, 1]) == pytest.approx(
        0.375
    )


@pytest.mark.parametrize(
    "sample_weight, error, message",
    [
        ([1, -1, 1, 1], ValueError, r"`sample_weight` must be non-negative"),
        ([1, np.nan, 1, 1], ValueError, r"`sample_weight` must be finite"),
        ([0, 0, 0, 0], ValueError, r"`sample_weight` sums to zero"),
        ([0, 0, 1, 1], ValueError, r"zero for every sample of class\(es\) \[0\]"),
        ([1, 1, 1], ValueError, r"`sample_weight` has 3 entries, but the data has"),
        ([[1, 1, 1, 1]], ValueError, r"`sample_weight` must be 1-D"),
        (["a", "b", "c", "d"], TypeError, r"`sample_weight` must be an array-like"),
        ("1111", TypeError, r"'sample_weight' parameter of balanced_error"),
    ],
)
def test_balanced_error_refuses_bad_sample_weight(sample_weight, error, message):
    # A negative weight used to give inf, outside the documented [0, 1].
    with pytest.raises(error, match=message):
        balanced_error([0, 0, 1, 1], [0, 1, 1, 1], sample_weight=sample_weight)


@settings(max_examples=40, deadline=None)
@given(
    label_pairs.flatmap(
        lambda pair: st.tuples(
            st.just(pair),
            st.lists(
                st.floats(0.1, 10.0), min_size=len(pair[0]), max_size=len(pair[0])
            ),
        )
    )
)
def test_balanced_error_with_weights_stays_in_unit_interval(case):
    (y_true, y_pred), weights = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        error = balanced_error(y_true, y_pred, sample_weight=weights)
    assert 0.0 <= error <= 1.0


# -- per_class_recall and worst_class_accuracy ----------------------------------


@settings(max_examples=60, deadline=None)
@given(label_pairs)
def test_per_class_recall_matches_sklearn_recall_on_classes_of_y_true(pair):
    y_true, y_pred = pair
    labels = np.union1d(y_true, y_pred)
    recall = per_class_recall(y_true, y_pred)
    present = np.isin(labels, y_true)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = recall_score(y_true, y_pred, labels=labels[present], average=None)
    assert recall.shape == labels.shape
    np.testing.assert_allclose(recall[present], expected)
    assert np.all(np.isnan(recall[~present]))


def test_per_class_recall_follows_given_label_order_with_string_labels():
    y_true = ["cat", "cat", "dog", "emu"]
    y_pred = ["cat", "dog", "dog", "cat"]
    recall = per_class_recall(y_true, y_pred, labels=["emu", "dog", "cat", "yak"])
    np.testing.assert_allclose(recall, [0.0, 1.0, 0.5, np.nan])


@pytest.mark.parametrize(
    "labels, message",
    [
        ([0, 0, 1], "must not repeat"),
        ([], "non-empty 1-D"),
        ([[0, 1]], "non-empty 1-D"),
        ("abc", "'labels' parameter of per_class_recall must be an array-like"),
        (["a", "b"], "same kind"),
    ],
)
def test_per_class_recall_rejects_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        per_class_recall([0, 1, 1], [0, 1, 0], labels=labels)


# numpy warns while sklearn casts the NaN label that it then refuses.
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("metric", METRICS.values(), ids=METRICS.keys())
@pytest.mark.parametrize(
    "y_true, y_pred, message",
    [
        ([0.5, 1.5], [0, 1], r"`y_true` of type 'continuous'"),
        ([0, 1], [0.1, 0.9], r"`y_pred` of type 'continuous'"),
        ([[0, 1], [1, 0]], [0, 1], r"`y_true` of type 'multilabel-indicator'"),
        ([0, 1, 1], [0, 1], r"same length; got 3 and 2 samples"),
        ([], [], r"`y_true` is empty"),
        ([0, 1], [], r"`y_pred` is empty"),
        ([0.0, np.nan], [0, 1], r"y_true contains NaN"),
        (np.array([0, None], dtype=object), [0, 1], r"Missing label None in `y_tr"),
        ([0, 1], np.array(["a", None], dtype=object), r"Missing label None in `y_pr"),
        ([0, 1], ["a", "b"], r"`y_true` and `y_pred` must hold labels of the same"),
        (None, [0, 1], r"'y_true' parameter of .* must be an array-like"),
        ([0, 1], "ab", r"'y_pred' parameter of .* must be an array-like"),
    ],
)
def test_metrics_refuse_bad_labels_naming_the_argument(y_true, y_pred, message, metric):
    with pytest.raises(ValueError, match=message):
        metric(y_true, y_pred)


@settings(max_examples=60, deadline=None)
@given(label_pairs)
def test_worst_class_accuracy_is_min_recall_and_bounds_balanced_accuracy(pair):
    y_true, y_pred = pair
    worst = worst_class_accuracy(y_true, y_pred)
    assert worst == pytest.approx(np.nanmin(per_class_recall(y_true, y_pred)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert worst <= balanced_accuracy_score(y_true, y_pred) + 1e-12


def test_worst_class_accuracy_ignores_classes_only_predicted():
    # Class 2 never occurs in y_true: its recall is undefined, not zero.
    assert worst_class_accuracy([0, 0, 1, 1], [0, 2, 1, 1]) == pytest.approx(0.5)


# -- group_accuracy ---------------------------------------------------------------


def test_group_accuracy_uses_literature_thresholds_by_default():
    y_true = [0, 0, 1, 1, 2, 2, 3, 3]
    y_pred = [0, 0, 1, 0, 2, 2, 0, 0]
    counts = {0: 101, 1: 100, 2: 20, 3: 19}
    result = group_accuracy(y_true, y_pred, class_counts=counts)
    # 101 is many; 100 and 20 are medium (inclusive bounds); 19 is few.
    assert list(result) == ["many", "medium", "few"]
    assert result["many"] == pytest.approx(1.0)
    assert result["medium"] == pytest.approx((0.5 + 1.0) / 2)
    assert result["few"] == pytest.approx(0.0)


def test_group_accuracy_thresholds_are_parameters():
    y_true = [0, 1, 2]
    y_pred = [0, 1, 0]
    result = group_accuracy(
        y_true, y_pred, class_counts=[30, 10, 2], many_threshold=20, few_threshold=5
    )
    assert result == {"many": 1.0, "medium": 1.0, "few": 0.0}


def test_group_accuracy_empty_group_is_nan():
    result = group_accuracy([0, 1], [0, 0], class_counts={0: 500, 1: 300})
    assert result["many"] == pytest.approx(0.5)
    assert math.isnan(result["medium"]) and math.isnan(result["few"])


@settings(max_examples=40, deadline=None)
@given(label_pairs)
def test_group_accuracy_with_one_group_equals_mean_per_class_recall(pair):
    y_true, y_pred = pair
    counts = {label: 1000 for label in range(6)}
    result = group_accuracy(y_true, y_pred, class_counts=counts)
    recall = per_class_recall(y_true, y_pred, labels=np.unique(y_true))
    assert result["many"] == pytest.approx(recall.mean())
    assert math.isnan(result["medium"]) and math.isnan(result["few"])


@pytest.mark.parametrize(
    "counts",
    [
        Counter(["a"] * 150 + ["b"] * 50 + ["c"] * 5),
        {"a": 150, "b": 50, "c": 5, "unused": 1000},
        np.array([150, 50, 5]),
        [150.0, 50.0, 5.0],
    ],
    ids=["counter", "dict-with-extra-class", "ndarray", "list"],
)
def test_group_accuracy_accepts_mappings_and_aligned_arrays(counts):
    y_true = ["a", "b", "b", "c"]
    y_pred = ["a", "b", "a", "a"]
    assert group_accuracy(y_true, y_pred, class_counts=counts) == {
        "many": 1.0,
        "medium": 0.5,
        "few": 0.0,
    }


def test_group_accuracy_accepts_pandas_value_counts():
    pd = pytest.importorskip("pandas")
    y_train = pd.Series(["a"] * 150 + ["b"] * 50 + ["c"] * 5)
    result = group_accuracy(
        pd.Series(["c", "b"]), ["c", "a"], class_counts=y_train.value_counts()
    )
    assert result["few"] == 1.0 and result["medium"] == 0.0
    assert math.isnan(result["many"])


def test_group_accuracy_aligns_pandas_series_by_label_not_position():
    pd = pytest.importorskip("pandas")
    y_true = [0, 0, 1, 1, 2, 2]
    y_pred = [0, 0, 1, 0, 0, 0]
    # Listed in another order than the sorted labels: read by label.
    counts = pd.Series({2: 5, 0: 500, 1: 50})
    expected = {"many": 1.0, "medium": 0.5, "few": 0.0}
    assert group_accuracy(y_true, y_pred, class_counts=counts) == expected
    assert group_accuracy(y_true, y_pred, class_counts=dict(counts)) == expected
    # The same values as an array are read in sorted-label order: 0 -> 5 (few),
    # 1 -> 500 (many), 2 -> 50 (medium).
    assert group_accuracy(y_true, y_pred, class_counts=counts.to_numpy()) == {
        "many": 0.5,
        "medium": 0.0,
        "few": 1.0,
    }


def test_group_accuracy_array_is_read_in_sorted_label_order():
    y_true = ["b", "b", "a", "a", "c"]
    y_pred = ["b", "a", "a", "a", "a"]
    # Sorted labels a, b, c: a=500 (many), b=50 (medium), c=5 (few).
    result = group_accuracy(y_true, y_pred, class_counts=[500, 50, 5])
    assert result == {"many": 1.0, "medium": 0.5, "few": 0.0}


def test_group_accuracy_refuses_series_keyed_by_position_for_string_labels():
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValueError, match=r"no training count for label\(s\) \['a'"):
        group_accuracy(["a", "b"], ["a", "b"], class_counts=pd.Series([10, 5]))


@pytest.mark.parametrize(
    "counts, error, message",
    [
        (None, ValueError, "'class_counts' parameter of group_accuracy"),
        ("abc", TypeError, "'class_counts' parameter of group_accuracy"),
        (10, TypeError, "'class_counts' parameter of group_accuracy"),
        ({0: 10}, ValueError, r"no training count for label\(s\) \[1\]"),
        ([10, 5, 1], ValueError, "has 3 entries but .* hold 2 labels"),
        ([[10, 5]], ValueError, "1-D array"),
        ({0: 10, 1: -1}, ValueError, "`class_counts` must be non-negative"),
        ([10, -1], ValueError, "`class_counts` must be non-negative"),
        ([10, np.nan], ValueError, "`class_counts` must be finite"),
        ({0: np.inf, 1: 2}, ValueError, "`class_counts` must be finite"),
        ({0: "ten", 1: 2}, TypeError, "`class_counts` must contain numbers"),
        (["ten", 2], TypeError, "`class_counts` must contain numbers"),
    ],
)
def test_group_accuracy_rejects_bad_class_counts(counts, error, message):
    with pytest.raises(error, match=message):
        group_accuracy([0, 1], [0, 1], class_counts=counts)


def test_group_accuracy_rejects_series_with_duplicate_labels():
    pd = pytest.importorskip("pandas")
    counts = pd.Series([10, 5, 7], index=[0, 1, 1])
    with pytest.raises(ValueError, match="`class_counts` has duplicate labels"):
        group_accuracy([0, 1], [0, 1], class_counts=counts)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"many_threshold": 10, "few_threshold": 20}, ValueError, "must not exceed"),
        ({"many_threshold": "100"}, TypeError, "'many_threshold' parameter"),
        ({"few_threshold": np.nan}, ValueError, "'few_threshold' parameter"),
        ({"few_threshold": -1}, ValueError, "'few_threshold' parameter"),
        ({"many_threshold": None}, TypeError, "'many_threshold' parameter"),
    ],
)
def test_group_accuracy_rejects_bad_thresholds(kwargs, error, message):
    with pytest.raises(error, match=message):
        group_accuracy([0, 1], [0, 1], class_counts=[5, 5], **kwargs)
