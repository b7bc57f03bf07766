"""The one home of input checks: targets, labels, weights, per-class vectors,
and the inputs every metric, scorer and plot shares (each of those exercised
through every public function that uses it, so a sibling that bypasses the
shared check fails here)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_la._validation import (
    _by_label,
    _check_class_vector,
    _check_grid,
    _check_priors,
    _check_sample_weight,
    _check_targets,
    _class_priors,
    _encode_labels,
    _train_priors,
)
from sklearn_la.metrics import (
    expected_cost,
    group_accuracy,
    make_cost_scorer,
    make_group_scorer,
    per_class_recall,
)


@pytest.mark.parametrize(
    "y, exc, match",
    [
        (None, ValueError, "requires y to be passed.*`y` must be"),
        (np.array([]), ValueError, r"`y` is empty \(0 samples\)"),
        (np.array(["a", None, "b"], dtype=object), ValueError, "Missing label None"),
        (np.array(["a", 1], dtype=object), ValueError, "Labels of mixed types"),
        (np.linspace(0, 1, 5), ValueError, "continuous"),
        (np.zeros(4), ValueError, "at least 2 classes"),
    ],
)
def test_bad_targets_are_refused_naming_y(y, exc, match):
    with pytest.raises(exc, match=match):
        _check_targets(y, "Owner")


@pytest.mark.parametrize(
    "y, shown",
    [
        (pd.Series(["a", None, "b", "a"], dtype="string"), "<NA>"),
        (pd.Series(["a", pd.NA, "b", "a"], dtype=object), "<NA>"),
        (pd.Series([pd.Timestamp(0), pd.NaT, pd.Timestamp(1)], dtype=object), "NaT"),
    ],
    ids=["string-dtype", "object-NA", "object-NaT"],
)
def test_pandas_missing_values_are_missing_labels_not_a_type(y, shown):
    with pytest.raises(ValueError, match=f"Missing label {shown} in `y`"):
        _check_targets(y, "Owner")


def test_a_column_of_labels_is_raveled():
    with pytest.warns(Warning, match="column-vector"):
        y = _check_targets(np.array([[0], [1], [1]]), "Owner")
    assert y.shape == (3,)


@pytest.mark.parametrize("classes", [[0, 1, 2], [2, 0, 1], ["b", "c", "a"]], ids=str)
def test_encode_labels_follows_any_class_order(classes):
    classes = np.asarray(classes)
    y = classes[[2, 0, 1, 1, 2]]
    np.testing.assert_array_equal(_encode_labels(y, classes), [2, 0, 1, 1, 2])


def test_encode_labels_names_unknown_labels():
    with pytest.raises(ValueError, match=r"labels \[7\] that are not among"):
        _encode_labels(np.array([0, 7]), np.array([0, 1]))


@pytest.mark.parametrize(
    "weights, exc, match",
    [
        ([1.0, -1.0, 2.0], ValueError, "must be non-negative.*1 negative"),
        ([1.0, np.nan, 2.0], ValueError, "must be finite"),
        ([0.0, 0.0, 0.0], ValueError, "sums to zero"),
        ([1.0, 2.0], ValueError, "`sample_weight` has 2 entries, but the data has 3"),
        (["a", "b", "c"], TypeError, "array-like of numbers"),
        (np.ones((3, 1)), ValueError, "must be 1-D"),
    ],
)
def test_bad_sample_weight_is_refused(weights, exc, match):
    with pytest.raises(exc, match=match):
        _check_sample_weight(weights, 3)


def test_scalar_sample_weight_is_broadcast():
    np.testing.assert_array_equal(_check_sample_weight(2, 3), [2.0, 2.0, 2.0])


def test_class_priors_keep_empty_classes_aligned():
    priors = _class_priors(np.array([0, 0, 2]), 3, np.array([1.0, 1.0, 2.0]))
    np.testing.assert_allclose(priors, [0.5, 0.0, 0.5])


def test_train_priors_name_a_class_absent_from_y_and_keep_a_zero_weight_one():
    with pytest.raises(ValueError, match=r"class \['c'\] has no sample"):
        _train_priors(np.array([0, 1, 1]), ["a", "b", "c"])
    # All of b's rows weigh 0: its prior is 0 (it is never predicted).
    priors = _train_priors(np.array([0, 1, 2]), ["a", "b", "c"], np.array([1, 0, 1.0]))
    np.testing.assert_array_equal(priors, [0.5, 0.0, 0.5])


@pytest.mark.parametrize(
    "values",
    [
        pd.Series({2: 0.1, 1: 0.2, 0: 0.7}),
        {2: 0.1, 1: 0.2, 0: 0.7},
        {np.int64(2): 1, np.int64(1): 2, np.int64(0): 7},
        [0.7, 0.2, 0.1],
    ],
    ids=["series", "dict", "numpy-keys", "array"],
)
def test_priors_are_aligned_by_label_not_position(values):
    np.testing.assert_allclose(_check_priors(values, [0, 1, 2]), [0.7, 0.2, 0.1])


@pytest.mark.parametrize(
    "values, exc, match",
    [
        ({0: 0.5, 5: 0.5}, ValueError, r"missing \[1\], unknown \[5\]"),
        ([0.5, 0.5, 0.5], ValueError, "has length 3, expected n_classes=2"),
        ([0.5, 0.0], ValueError, "strictly positive"),
        ([0.5, np.inf], ValueError, "must be finite"),
        (["a", "b"], TypeError, "must contain numbers"),
        ("uniform", ValueError, "1-D array-like"),
        ([1e308, 1e-320], ValueError, "too uneven"),
    ],
)
def test_bad_priors_are_refused_naming_the_argument(values, exc, match):
    with pytest.raises(exc, match=match):
        _check_priors(values, [0, 1], name="priors")


def test_huge_priors_are_normalised_without_overflow():
    np.testing.assert_allclose(_check_priors([1e308, 1e308], [0, 1]), [0.5, 0.5])


def test_class_vector_of_counts_may_hold_zeros():
    np.testing.assert_array_equal(
        _check_class_vector([3, 0], [0, 1], name="counts", positive=False), [3, 0]
    )


def test_by_label_keeps_strings_and_keys_arrays():
    assert _by_label("train", [0, 1], name="priors") == "train"
    assert _by_label([3, 1], ["b", "a"], name="priors") == {"b": 0.75, "a": 0.25}


@pytest.mark.parametrize(
    "values, exc, match",
    [
        ([0.0, np.nan], ValueError, "must be finite"),
        ([], ValueError, "non-empty 1-D"),
        (["x"], TypeError, "array-like of numbers"),
        ("0.5", TypeError, "array-like of numbers"),
        ([0.5, 2.0], ValueError, r"entries must lie in \[0, 1\]"),
    ],
)
def test_bad_grids_are_refused(values, exc, match):
    with pytest.raises(exc, match=match):
        _check_grid(values, "grid", low=0, high=1)


# -- metric inputs ----------------------------------------------------------


Y_TRUE = ["a", "a", "b", "b"]
Y_PRED = ["a", "b", "b", "b"]
COST = 1 - np.eye(2)

# Every public function with a `labels` argument, called with the given labels.
TAKES_LABELS = {
    "per_class_recall": lambda labels: per_class_recall(Y_TRUE, Y_PRED, labels=labels),
    "expected_cost": lambda labels: expected_cost(
        Y_TRUE, Y_PRED, cost_matrix=COST, labels=labels
    ),
    "make_cost_scorer": lambda labels: make_cost_scorer(COST, labels=labels),
    "cost_matrix.index": lambda labels: expected_cost(
        Y_TRUE, Y_PRED, cost_matrix=pd.DataFrame(COST, index=labels, columns=labels)
    ),
}


@pytest.mark.parametrize("call", TAKES_LABELS.values(), ids=TAKES_LABELS.keys())
@pytest.mark.parametrize(
    "labels, message",
    [
        # pandas stores None in an index as nan.
        (["a", None], r"Missing label (None|nan) in `(labels|cost_matrix.index)`"),
        (["a", np.nan], r"Missing label nan in `(labels|cost_matrix.index)`"),
        (["a", 1], r"Labels of mixed types \['number', 'str'\] in `"),
        ([0.0, np.nan], r"Missing label nan in `"),
    ],
    ids=["None", "nan-among-strings", "mixed", "nan-among-numbers"],
)
def test_a_missing_or_mixed_label_is_refused_naming_the_argument(call, labels, message):
    # Before the fix: numpy's "'<' not supported", or ["a", 1] silently read
    # as the strings ["a", "1"].
    with pytest.raises(ValueError, match=message):
        call(labels)


def test_pandas_missing_label_is_refused():
    labels = pd.array(["a", pd.NA], dtype="string")
    with pytest.raises(ValueError, match="Missing label <NA> in `labels`"):
        per_class_recall(Y_TRUE, Y_PRED, labels=labels)


def test_labels_of_pandas_string_dtype_are_read_as_labels():
    labels = pd.array(["b", "a"], dtype="string")
    np.testing.assert_allclose(
        per_class_recall(Y_TRUE, Y_PRED, labels=labels), [1.0, 0.5]
    )
    assert expected_cost(
        Y_TRUE, Y_PRED, cost_matrix=COST, labels=labels
    ) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "class_counts, message",
    [
        ({"a": 3, "b": 2, None: 1}, "Missing label None in the labels"),
        ({"a": 3, "b": 2, 1: 1}, r"Labels of mixed types \['number', 'str'\]"),
    ],
)
@pytest.mark.parametrize("owner", ["group_accuracy", "make_group_scorer"])
def test_class_counts_keyed_by_a_missing_or_mixed_label_are_refused(
    class_counts, message, owner
):
    with pytest.raises(ValueError, match=message):
        if owner == "group_accuracy":
            group_accuracy(Y_TRUE, Y_PRED, class_counts=class_counts)
        else:
            make_group_scorer("few", class_counts=class_counts)


@pytest.mark.parametrize("name", ["many_threshold", "few_threshold"])
def test_a_bool_threshold_is_refused(name):
    # True would silently mean a threshold of 1 training sample.
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        group_accuracy(Y_TRUE, Y_PRED, class_counts={"a": 3, "b": 2}, **{name: True})
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        make_group_scorer("few", **{name: True})


def test_nan_labels_are_refused_by_row_before_any_numpy_warning():
    import warnings

    from sklearn_la._validation import _check_targets

    y = np.array([0.0, 1.0, np.nan, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"Input y contains NaN: .*row 2 has none"):
            _check_targets(y, "LogitAdjustedClassifier")
